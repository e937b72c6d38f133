"""Extension objects, bound to the app with init_app (no app at import time)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)


def init_extensions(app):
    csrf.init_app(app)
    mail.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Flask-Limiter checks every request for default and application-wide limits
    # (Lobby sets none: its limits are decorators on POST views) and has no public
    # switch to skip that. A GET finds nothing and touches no storage
    # (tests/test_request_costs.py), but pays ~70 µs of Python: /ping took ~95 µs
    # in-process with limits off and ~165 µs with them on (7 December 2026, 2 busy
    # cores). `make bench` turns limits off, so its figures leave this out.
    limiter.init_app(app)
