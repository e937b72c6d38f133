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
    # (Lobby sets none: its limits are decorators on POST views), with no public
    # switch to skip that; a GET finds nothing and touches no storage
    # (tests/test_request_costs.py), for a few µs of Python a request.
    limiter.init_app(app)
