"""POST /inbound/email: an inbound mail service hands us one raw message.

A machine's endpoint: no CSRF token (it carries INBOUND_TOKEN instead, checked
with the size limit before anything is read, by web.inbound_posts) and JSON
answers. The message goes to the one function every way in uses.
"""

from flask import current_app, request

import db
from blueprints.inbound import bp
from extensions import csrf, limiter
from services.inbound.event_signatures import signature_problem
from services.inbound.receiving import NotAMessage, receive_events, receive_message

RAW_TYPES = {"message/rfc822", "text/plain", "application/octet-stream"}
# SendGrid Inbound Parse ("post the raw, full MIME message") and Mailgun (a
# store-and-forward route to a URL ending in "mime") name the field so.
RAW_FIELDS = ("email", "body-mime")


def _inbound_limit():
    return current_app.config["RATELIMIT_INBOUND"]


def _raw_message():
    if request.mimetype in RAW_TYPES:
        return request.get_data()
    for name in RAW_FIELDS:
        if request.form.get(name):
            return request.form[name].encode("utf-8", errors="surrogateescape")
        upload = request.files.get(name)
        if upload is not None:
            return upload.read()
    return b""


@bp.post("/inbound/email")
@bp.post("/inbound/email/mime")
@csrf.exempt
@limiter.limit(_inbound_limit)
def receive_email():
    try:
        received = receive_message(db.get_session(), _raw_message(), source="webhook")
    except NotAMessage:
        return {"error": "That is not an email message."}, 400
    return {"result": received.outcome, "status": received.status}, 200


@bp.post("/inbound/events")
@csrf.exempt
@limiter.limit(_inbound_limit)
def receive_sending_events():
    """SendGrid's Event Webhook or Mailgun's webhooks: bounces and complaints as JSON."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, (list, dict)):
        return {"error": "Expected the service's JSON events."}, 400
    problem = signature_problem(payload, request.get_data(), request.headers, current_app.config)
    if problem:
        return {"error": problem}, 401
    received = receive_events(db.get_session(), payload, source="webhook")
    return {"result": [item.outcome for item in received]}, 200
