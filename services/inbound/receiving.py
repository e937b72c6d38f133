"""The one way in for mail coming back: raw bytes from IMAP or the webhook -> the request.

`receive_message` parses, matches and files a message in the caller's
transaction, and is idempotent: a message whose Message-ID (or, without one,
whose bytes) was seen before is left alone, so a retried webhook or an IMAP
message read again after a crash is stored once.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clock import utcnow
from models import InboundKind, InboundMessage, InboundStatus
from services.inbound.bounces import file_report
from services.inbound.matching import match_request
from services.inbound.parsing import Incoming, NotAMessage, parse_message
from services.inbound.provider_events import reports_from_events
from services.inbound.replies import apply_reply

__all__ = ["NotAMessage", "Received", "receive_events", "receive_message"]
DUPLICATE = "duplicate"


@dataclass
class Received:
    """What became of one message: its kind (or "duplicate"), status and request."""

    outcome: str
    status: str | None = None
    message_id: int | None = None
    request_id: int | None = None


def receive_message(session, raw, source, now=None):
    """File one raw message (bytes); raises NotAMessage. The caller commits."""
    return _receive(session, parse_message(raw), source, now)


def receive_events(session, payload, source, now=None):
    """File the bounces and complaints of a sending service's event webhook (parsed JSON)."""
    received = []
    for key, report in reports_from_events(payload):
        incoming = Incoming(
            message_id=None, sender=None, subject="", sent_at=None, recipients=[],
            thread_ids=[], automatic=True, text="", report=report,
            key=hashlib.sha256(key.encode()).hexdigest(),
        )
        received.append(_receive(session, incoming, source, now))
    return received


def _receive(session, incoming, source, now):
    if session.scalar(select(InboundMessage.id).where(InboundMessage.message_key == incoming.key)):
        return Received(DUPLICATE)
    now = now or utcnow()
    try:
        with session.begin_nested():
            row = _file(session, incoming, source, now)
    except IntegrityError:
        return Received(DUPLICATE)  # a racing worker or webhook call stored it first
    return Received(row.kind, row.status, row.id, row.request_id)


def _file(session, incoming, source, now):
    row = InboundMessage(
        message_key=incoming.key,
        message_id=(incoming.message_id or "")[:998] or None,
        thread_references=" ".join(reversed(incoming.thread_ids)) or None,
        source=source,
        sender=incoming.sender,
        subject=incoming.subject,
        sent_at=incoming.sent_at,
        received_at=now,
        body_text=incoming.text or None,
        attachments=json.dumps(incoming.attachments) if incoming.attachments else None,
        status=InboundStatus.UNMATCHED,
        kind=InboundKind.AUTOMATIC if incoming.automatic else InboundKind.REPLY,
    )
    session.add(row)
    session.flush()  # the unique key: a second copy stops here
    if incoming.report is not None:
        file_report(session, row, incoming, now)
        return row
    request, matched_by = match_request(session, incoming)
    if request is not None:
        attach(session, row, request, matched_by, now)
    return row


def attach(session, row, request, matched_by, now=None):
    """Put a message on a request; a person's reply (not an auto-reply) has its effects."""
    row.request_id = request.id
    row.request = request
    row.matched_by = matched_by
    row.status = InboundStatus.ATTACHED
    session.flush()
    if row.kind == InboundKind.REPLY:
        apply_reply(session, request, row, now or utcnow())
