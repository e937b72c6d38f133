"""Bounces and complaints reported by the sending service's own event webhook, read.

When mail leaves through SendGrid or Mailgun, their event webhooks say what a
DSN would: SendGrid posts a JSON list of events (`bounce`, `dropped`,
`deferred`, `spamreport`) carrying our Message-ID as `smtp-id`; Mailgun posts
one object whose `event-data` is a `failed` (permanent or temporary) or
`complained` event with the message's headers. Each becomes a DeliveryReport
for services.inbound.bounces, keyed by the service's event id (idempotent).
"""

from services.inbound.reports import BOUNCE, COMPLAINT, DELAY, DeliveryReport

SENDGRID_KINDS = {"bounce": BOUNCE, "dropped": BOUNCE, "deferred": DELAY, "spamreport": COMPLAINT}


def reports_from_events(payload):
    """[(event key, DeliveryReport)] from a SendGrid or Mailgun webhook body (parsed JSON)."""
    if isinstance(payload, list):
        return [found for event in payload if (found := _sendgrid(event)) is not None]
    if isinstance(payload, dict) and isinstance(payload.get("event-data"), dict):
        found = _mailgun(payload["event-data"])
        return [found] if found is not None else []
    return []


def _sendgrid(event):
    if not isinstance(event, dict) or event.get("event") not in SENDGRID_KINDS:
        return None
    kind = SENDGRID_KINDS[event["event"]]
    words = " ".join(
        str(event.get(name, "")) for name in ("status", "reason", "response") if event.get(name)
    )
    if kind == COMPLAINT:
        words = "marked as spam"
    key = f"sendgrid:{event.get('sg_event_id') or event.get('smtp-id')}:{event['event']}"
    return key, DeliveryReport(
        kind=kind,
        diagnostic=(words or event["event"])[:1000],
        recipient=str(event.get("email") or "") or None,
        original_message_id=_bracketed(event.get("smtp-id")),
    )


def _mailgun(data):
    event = data.get("event")
    if event == "failed":
        kind = BOUNCE if data.get("severity") == "permanent" else DELAY
    elif event == "complained":
        kind = COMPLAINT
    else:
        return None
    status = data.get("delivery-status") if isinstance(data.get("delivery-status"), dict) else {}
    words = " ".join(
        str(value) for value in (status.get("code"), status.get("message") or status.get(
            "description"), data.get("reason")) if value
    )
    headers = (data.get("message") or {}).get("headers") or {}
    return f"mailgun:{data.get('id')}", DeliveryReport(
        kind=kind,
        diagnostic=("marked as spam" if kind == COMPLAINT else words or event)[:1000],
        recipient=str(data.get("recipient") or "") or None,
        original_message_id=_bracketed(headers.get("message-id")),
    )


def _bracketed(message_id):
    text = str(message_id or "").strip()
    if not text:
        return None
    return text if text.startswith("<") else f"<{text}>"
