"""Delivery status notifications (RFC 3464) and complaints (ARF, RFC 5965), read.

A DSN is `multipart/report; report-type=delivery-status`: a per-recipient block
says `Action: failed` or `delayed` with a `Status` (5.x.x permanent, 4.x.x
temporary) and a `Diagnostic-Code`; the original message (or its headers)
follows, with the Message-ID we gave it. An ARF report is
`report-type=feedback-report`: someone marked our email as spam.
"""

import re
from dataclasses import dataclass
from email import message_from_string, policy
from email.message import Message
from email.utils import getaddresses

BOUNCE = "bounce"
DELAY = "delay"
COMPLAINT = "complaint"
STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")


@dataclass
class DeliveryReport:
    kind: str  # bounce, delay or complaint
    diagnostic: str
    recipient: str | None  # the address our email went to
    original_message_id: str | None


def read_report(message):
    """The DeliveryReport a message carries, or None for any other message."""
    if message.get_content_type() != "multipart/report":
        return None
    report_type = (message.get_param("report-type") or "").lower()
    if report_type == "delivery-status":
        return _delivery_status(message)
    if report_type == "feedback-report":
        return _feedback(message)
    return None


def _delivery_status(message):
    blocks = []
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks = [b for b in part.get_payload() if isinstance(b, Message)]
            break
    per_recipient = [b for b in blocks if b.get("Action") or b.get("Final-Recipient")]
    if not per_recipient:
        return None
    block = next(
        (b for b in per_recipient if _status(b).startswith("5")), per_recipient[0]
    )
    status = _status(block)
    action = str(block.get("Action", "")).strip().lower()
    if action in ("delivered", "relayed", "expanded"):
        return None
    kind = BOUNCE if status.startswith("5") or (action == "failed" and not status) else DELAY
    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
    diagnostic = diagnostic.split(";", 1)[-1].strip() if ";" in diagnostic else diagnostic
    words = f"{status} {diagnostic}".strip() if diagnostic and status not in diagnostic else (
        diagnostic or status or action
    )
    return DeliveryReport(
        kind=kind,
        diagnostic=words[:1000],
        recipient=_typed_address(block.get("Original-Recipient") or block.get("Final-Recipient")),
        original_message_id=_original_message_id(message),
    )


def _status(block):
    found = STATUS.search(str(block.get("Status", "")))
    return found.group(0) if found else ""


def _feedback(message):
    fields = None
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            fields = _fields_of(part)
            break
    if fields is None:
        return None
    feedback_type = str(fields.get("Feedback-Type", "abuse")).strip()
    return DeliveryReport(
        kind=COMPLAINT,
        diagnostic=f"marked as {feedback_type}"[:1000],
        recipient=_typed_address(fields.get("Original-Rcpt-To")),
        original_message_id=_original_message_id(message),
    )


def _fields_of(part):
    """The header fields of a message/feedback-report part, however the parser held it."""
    payload = part.get_payload()
    if isinstance(payload, list):
        first = payload[0] if payload and isinstance(payload[0], Message) else None
        return first or {}
    text = payload if isinstance(payload, str) else ""
    return message_from_string(text, policy=policy.default)


def _original_message_id(message):
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return str(inner.get("Message-ID")).strip()
        elif kind == "text/rfc822-headers":
            headers = message_from_string(part.get_content(), policy=policy.default)
            if headers.get("Message-ID"):
                return str(headers.get("Message-ID")).strip()
    return None


def _typed_address(value):
    """'rfc822; bob@example.com' -> 'bob@example.com'."""
    text = str(value or "").split(";", 1)[-1].strip()
    for _name, address in getaddresses([text]):
        if "@" in address:
            return address
    return None
