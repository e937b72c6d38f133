"""POST /inbound/email (and /inbound/events) is a machine's request: its token and size are checked before anything is read.

Registered ahead of the request guard, which reads every POSTed form: the token
(INBOUND_TOKEN, as `Authorization: Bearer <token>` or as the password of HTTP
Basic auth, compared in constant time) comes first, so a stranger's request costs
no parsing; then the body may be as large as INBOUND_MAX_BYTES instead of the
site's MAX_CONTENT_LENGTH. With INBOUND_ADDRESS or INBOUND_TOKEN unset the path
does not exist (404).
"""

import hmac

from flask import abort, current_app, request

# Mailgun posts the raw message (body-mime) to a URL that ends in "mime";
# /inbound/events takes the sending service's bounce and complaint events (JSON).
INBOUND_PATHS = {"/inbound/email", "/inbound/email/mime", "/inbound/events"}


def init_app(app):
    app.before_request(check_inbound_post)


def token_given(headers, authorization):
    """The token a request carries: a Bearer token, or the password of Basic auth."""
    value = headers.get("Authorization", "")
    if value[:7].lower() == "bearer ":
        return value[7:].strip()
    if authorization is not None and authorization.type == "basic":
        return authorization.password or ""
    return ""


def check_inbound_post():
    if request.path not in INBOUND_PATHS:
        return None
    config = current_app.config
    if not config["INBOUND_ADDRESS"] or not config["INBOUND_TOKEN"]:
        abort(404)
    if request.method != "POST":
        return None  # routing answers 405
    given = token_given(request.headers, request.authorization)
    if not hmac.compare_digest(given.encode(), config["INBOUND_TOKEN"].encode()):
        return (
            {"error": "A valid token is needed."},
            401,
            {"WWW-Authenticate": 'Bearer realm="inbound", Basic realm="inbound"'},
        )
    limit = config["INBOUND_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        return {"error": f"Messages over {limit} bytes are refused."}, 413
    request.max_content_length = limit
    request.max_form_memory_size = limit
    return None
