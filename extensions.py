"""Extension objects, bound to the app with init_app (no app at import time)."""

from functools import partial

from flask import request
from flask.globals import request_ctx
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)

# Settings that make Flask-Limiter check requests that no decorator names.
_APP_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META",
                    "RATELIMIT_HEADERS_ENABLED")


def init_extensions(app):
    csrf.init_app(app)
    _check_csrf_on_unsafe_methods_only(app)
    mail.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    _limit_only_decorated_views(app)


def _limit_only_decorated_views(app):
    """Drop Flask-Limiter's app-wide hooks when there is nothing app-wide to do.

    Flask-Limiter runs a before_request hook on every request for default and
    application-wide limits, and an after_request hook for rate-limit headers.
    Lobby sets neither: its limits are decorators on POST views (web.rate_limits,
    report, staff sign-in), and a decorated view checks its own limits when it is
    called. Every GET paid ~60 µs for a look-up that found nothing. Limits on a whole
    blueprint (`limiter.limit(...)(bp)`) are checked only by that hook: set one of
    _APP_WIDE_LIMITS, or use view decorators, as Lobby does.
    """
    if any(app.config.get(name) for name in _APP_WIDE_LIMITS):
        return
    check = limiter._check_request_limit
    before = app.before_request_funcs.get(None, [])
    before[:] = [hook for hook in before if hook != check]
    after = app.after_request_funcs.get(None, [])
    after[:] = [hook for hook in after
                if not (isinstance(hook, partial) and hook.args == (limiter,))]
    teardown = app.teardown_request_funcs.get(None, [])
    release = limiter._Limiter__release_context
    teardown[:] = [_release_if_used if hook == release else hook for hook in teardown]


def _release_if_used(_exc=None):
    """Flask-Limiter's teardown, only on requests that checked a limit (else it made
    the state it then reset)."""
    if hasattr(request_ctx._get_current_object(), "_limiter_request_context"):
        limiter._Limiter__release_context()


def _check_csrf_on_unsafe_methods_only(app):
    """Flask-WTF's hook looks up the view's exemption before it looks at the method;
    ask the cheap question first, so a GET skips both (~10 µs a request)."""
    before = app.before_request_funcs.get(None, [])
    for position, hook in enumerate(before):
        if getattr(hook, "__module__", "") == "flask_wtf.csrf":
            before[position] = _csrf_if_unsafe(app.config, hook)


def _csrf_if_unsafe(config, csrf_hook):
    def csrf_if_unsafe():
        if request.method in config["WTF_CSRF_METHODS"]:
            return csrf_hook()
        return None

    return csrf_if_unsafe
