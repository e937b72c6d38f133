"""Absolute links that go into emails (the paths are part of DESIGN.md's contract)."""

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from services.tokens import ExpiredLink, InvalidLink

_STATUS_SALT = "lobby.status"
_OPT_OUT_SALT = "lobby.invite-opt-out"


def site_url(path):
    return current_app.config["SITE_URL"].rstrip("/") + path


def invitation_url(token):
    return site_url(f"/invite/{token}")


def staff_request_url(request):
    return site_url(f"/staff/requests/{request.id}")


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def status_token(request, max_age=None):
    """A signed token for a request's status page, valid for max_age seconds.

    The lifetime travels inside the signed payload, so a short link from the
    status form (24 hours) and the longer one in other emails share one URL.
    """
    max_age = max_age or current_app.config["EMAIL_STATUS_LINK_MAX_AGE"]
    return _serializer(_STATUS_SALT).dumps({"r": request.id, "a": int(max_age)})


def status_url(request, max_age=None):
    return site_url(f"/status/{status_token(request, max_age)}")


def read_status_token(token):
    """The request id a status token stands for, or InvalidLink / ExpiredLink."""
    return _read(_STATUS_SALT, token)


def opt_out_token(request):
    return _serializer(_OPT_OUT_SALT).dumps({"r": request.id, "a": 90 * 24 * 3600})


def opt_out_url(request):
    return site_url(f"/invite/opt-out/{opt_out_token(request)}")


def read_opt_out_token(token):
    return _read(_OPT_OUT_SALT, token)


def _read(salt, token):
    try:
        payload, signed_at = _serializer(salt).loads(token, return_timestamp=True)
    except BadSignature as exc:
        raise InvalidLink() from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        raise InvalidLink()
    if time.time() - signed_at.timestamp() > payload.get("a", 0):
        raise ExpiredLink(payload)
    return payload["r"]
