"""Errors, app-wide, in the site's layout; JSON for API clients."""

import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

import db
from blueprints.errors import bp
from extensions import limiter

log = logging.getLogger("lobby.errors")

TITLES = {
    400: "We couldn't read that request",
    403: "You can't open this page",
    404: "We can't find that page",
    405: "That doesn't work here",
    413: "That was too much to send",
    429: "Too many tries",
    500: "Something went wrong on our side",
    503: "We're having trouble right now",
}


def _wants_json():
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def render_error(status, description=None, template="errors/error.html", **context):
    if _wants_json():
        return {"error": TITLES.get(status, "Error"), "status": status}, status
    return (
        render_template(
            template,
            status=status,
            title=TITLES.get(status, "Error"),
            description=description,
            **context,
        ),
        status,
    )


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return render_error(400, template="errors/csrf.html", retry_url=request.path)


@bp.app_errorhandler(429)
def too_many_requests(error):
    wait = _seconds_until_allowed()
    retry_at = None
    if wait is not None:
        zone = ZoneInfo(current_app.config["TIMEZONE"])
        retry_at = f"{datetime.now(zone) + timedelta(seconds=wait):%H:%M} ({zone.key})"
    body, status = render_error(
        429, template="errors/429.html", wait_words=_wait_in_words(wait), retry_at=retry_at
    )
    response = make_response(body, status)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    return response


def _seconds_until_allowed():
    """Seconds until the breached per-client limit lets this client in again."""
    breached = [limit for limit in limiter.current_limits if limit.breached]
    if not breached and limiter.current_limit is not None:
        breached = [limiter.current_limit]
    if not breached:
        return None
    return max(1, int(max(limit.reset_at for limit in breached) - time.time()))


def _wait_in_words(seconds):
    if seconds is None:
        return "in a few minutes"
    if seconds <= 60:
        return "in a minute"
    if seconds < 3600:
        return f"in {-(-seconds // 60)} minutes"
    hours = -(-seconds // 3600)
    return "in an hour" if hours == 1 else f"in {hours} hours"


@bp.app_errorhandler(OperationalError)
def database_unavailable(error):
    db.rollback_request_session()
    log.error("database unavailable: %s", type(error).__name__)
    return render_error(503)


@bp.app_errorhandler(DataError)
def unstorable_data(error):
    # The database refused a value (too long for its column, say): the request's
    # fault, and nothing was saved. Forms should have caught it; log so we fix that.
    db.rollback_request_session()
    log.warning("database refused a value: %s", type(getattr(error, "orig", error)).__name__)
    return render_error(400)


@bp.app_errorhandler(HTTPException)
def http_error(error):
    if error.code >= 500:
        db.rollback_request_session()
    return render_error(error.code or 500, error.description)


@bp.app_errorhandler(500)
def internal_error(error):
    # An error while committing at the edge (after the view) arrives here as a 500.
    original = getattr(error, "original_exception", None)
    if isinstance(original, OperationalError):
        return database_unavailable(original)
    if isinstance(original, DataError):
        return unstorable_data(original)
    db.rollback_request_session()
    return render_error(500)
