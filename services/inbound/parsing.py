"""Reading one raw message: who sent it, when, about what, its new text, and what kind it is.

Only standard-library parsing (email.policy.default) and a maintained reply
parser (mail-parser-reply) for cutting quoted history and signatures off a
reply. Delivery reports (RFC 3464) and complaints (ARF, RFC 5965) are read by
services.inbound.reports.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import getaddresses, parsedate_to_datetime

from mailparser_reply import EmailReplyParser

from services.inbound.html_text import html_to_text
from services.inbound.reports import DeliveryReport, read_report

# Languages whose "On ... wrote:" / "From: ... Sent:" lines the reply parser knows.
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv"]
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTO_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|autosvar|abwesenheit"
    r"|réponse automatique|respuesta automática|risposta automatica|afwezig",
    re.IGNORECASE,
)
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
MAX_TEXT = 20_000


class NotAMessage(ValueError):
    """The bytes are not an email message (no headers, no sender)."""


@dataclass
class Incoming:
    message_id: str | None
    sender: str | None
    subject: str
    sent_at: datetime | None
    recipients: list[str]
    thread_ids: list[str]  # In-Reply-To, then References, newest first
    automatic: bool
    text: str
    attachments: list[dict] = field(default_factory=list)
    report: DeliveryReport | None = None
    key: str = ""  # what makes a second copy of this message a duplicate


def parse_message(raw):
    """Read raw bytes into an Incoming; NotAMessage when they are not an email."""
    if not raw or not raw.strip():
        raise NotAMessage("empty")
    message = message_from_bytes(raw, policy=policy.default)
    sender = _first_address(_header(message, "From"))
    if not sender:
        raise NotAMessage("no sender")
    message_id = _message_ids(_header(message, "Message-ID"))
    message_id = message_id[0] if message_id else None
    report = read_report(message)
    return Incoming(
        message_id=message_id,
        sender=sender,
        subject=" ".join(_header(message, "Subject").split())[:300],
        sent_at=_date(_header(message, "Date")),
        recipients=_recipients(message),
        thread_ids=_thread_ids(message),
        automatic=is_automatic(message),
        text="" if report else reply_text(message),
        attachments=[] if report else _attachments(message),
        report=report,
        key=hashlib.sha256((message_id or "").encode() or raw).hexdigest(),
    )


def is_automatic(message):
    """Mail no person wrote (auto-replies, lists, bulk): recorded, never answered."""
    submitted = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return True
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return True
    if _header(message, "Precedence").strip().lower() in AUTO_PRECEDENCE:
        return True
    return bool(AUTO_SUBJECT.search(_header(message, "Subject")))


def reply_text(message):
    """The new text of a reply: its plain part (or its HTML as text), history cut off."""
    text = _body_text(message)
    if not text.strip():
        return ""
    latest = EmailReplyParser(languages=REPLY_LANGUAGES).parse_reply(text)
    return (latest if latest is not None else text).strip()[:MAX_TEXT]


def _body_text(message):
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return _content(part)
    part = message.get_body(preferencelist=("html",))
    return html_to_text(_content(part)) if part is not None else ""


def _content(part):
    try:
        return part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _attachments(message):
    """Each attachment's name and size; the content is never kept."""
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        found.append({
            "name": (part.get_filename() or part.get_content_type())[:200],
            "size": len(payload) if isinstance(payload, bytes) else 0,
        })
    return found


def _header(message, name):
    try:
        value = message.get(name)
    except (IndexError, ValueError):  # a header the parser cannot read is as good as none
        return ""
    return str(value) if value is not None else ""


def _first_address(value):
    for _name, address in getaddresses([value]):
        if "@" in address:
            return address.strip()[:254]
    return None


def _recipients(message):
    values = [_header(message, name) for name in RECIPIENT_HEADERS]
    return [address for _name, address in getaddresses(values) if "@" in address]


def _message_ids(value):
    return MESSAGE_ID.findall(value or "")


def _thread_ids(message):
    in_reply_to = _message_ids(_header(message, "In-Reply-To"))
    references = list(reversed(_message_ids(_header(message, "References"))))
    return list(dict.fromkeys(in_reply_to + references))


def _date(value):
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
