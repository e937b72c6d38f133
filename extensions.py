"""Extension objects, bound to the app with init_app (no app at import time)."""

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)


def init_extensions(app):
    _init_csrf(app)
    mail.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Flask-Limiter checks every request for default and application-wide limits
    # (Lobby sets none: its limits are decorators on POST views) and has no public
    # switch to skip that. A GET finds nothing and touches no storage
    # (tests/test_request_costs.py), but its three hooks cost about as much as the
    # rest of /ping: 662k instructions a request in-process with limits off, 1,161k
    # with them on (callgrind, 7 December 2026; ~95 and ~165 µs). `make bench` runs
    # with limits off, so its figures leave this out.
    limiter.init_app(app)


def _init_csrf(app):
    """CSRF on every unsafe request, asked in the cheap order: the method first.

    Flask-WTF's default hook looks up the view's exemption before the method, on
    every GET too (50k of /ping's 760k instructions, callgrind). Its documented way to
    run the check from a hook of our own, WTF_CSRF_CHECK_DEFAULT off and
    protect(apply_exemptions=True), keeps @csrf.exempt working.
    """
    protect_by_default = app.config.get("WTF_CSRF_CHECK_DEFAULT", True)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    if protect_by_default:
        app.before_request(_protect_unsafe_requests)


def _protect_unsafe_requests():
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and request.method in config["WTF_CSRF_METHODS"]:
        csrf.protect(apply_exemptions=True)
