"""HEALTH_TOKEN: the bearer token a monitor sends for what only operators may read.

The health detail and /metrics answer 404 while HEALTH_TOKEN is unset, so a site
that never configured a monitor shows nothing; with it set, a request without
`Authorization: Bearer <HEALTH_TOKEN>` gets 401. The comparison takes the same
time however much of the token a guess gets right.
"""

import hmac
from functools import wraps

from flask import abort, current_app, request


def bearer_token_matches(authorization, token):
    """True when `authorization` (an Authorization header) is `Bearer <token>`.

    Compared in constant time; an unset token matches nothing.
    """
    if not token or not authorization:
        return False
    scheme, _, offered = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(offered.strip().encode(), token.encode())


def health_token_ok(req=None):
    """True when the request carries the configured HEALTH_TOKEN as its bearer token."""
    return bearer_token_matches((req or request).headers.get("Authorization"),
                                current_app.config.get("HEALTH_TOKEN") or "")


def health_token_required(view):
    """Guard a view: 404 when HEALTH_TOKEN is unset, 401 without the right bearer token."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_app.config.get("HEALTH_TOKEN"):
            abort(404)
        if not health_token_ok():
            response = current_app.response_class(
                "A bearer token (HEALTH_TOKEN) is needed.\n", 401, mimetype="text/plain")
            response.headers["WWW-Authenticate"] = 'Bearer realm="health"'
            abort(response)
        return view(*args, **kwargs)

    return guarded
