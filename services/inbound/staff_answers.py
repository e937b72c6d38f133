"""Staff and the mail that came back: read it, answer it (threaded), attach or discard the unmatched."""

import json
from dataclasses import dataclass

from sqlalchemy import select

from clock import utcnow
from models import (
    InboundKind,
    InboundMessage,
    InboundStatus,
    MembershipRequest,
    OutboxEmail,
    OutboxStatus,
)
from services.events import record_event
from services.inbound.matching import STAFF
from services.inbound.receiving import attach
from services.mail import emails
from services.mail.outbox import message_id
from services.membership.references import normalize_reference

UNMATCHED_PAGE = 100
BOUNCED_PAGE = 50


@dataclass
class MailItem:
    message: InboundMessage
    attachments: list


def _item(message):
    return MailItem(message, json.loads(message.attachments) if message.attachments else [])


def mail_of(session, request):
    """Everything that came back for a request, oldest first."""
    return [
        _item(message)
        for message in session.scalars(
            select(InboundMessage)
            .where(InboundMessage.request_id == request.id)
            .order_by(InboundMessage.received_at, InboundMessage.id)
        )
    ]


def unmatched_mail(session):
    return [
        _item(message)
        for message in session.scalars(
            select(InboundMessage)
            .where(InboundMessage.status == InboundStatus.UNMATCHED)
            .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
            .limit(UNMATCHED_PAGE)
        )
    ]


def bounced_emails(session):
    """Our emails that bounced for good, newest first (the staff outbox page lists them)."""
    return list(
        session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.status == OutboxStatus.BOUNCED)
            .order_by(OutboxEmail.id.desc())
            .limit(BOUNCED_PAGE)
        )
    )


def _threading(session, request):
    """(subject, (In-Reply-To, References)) for an answer: under the person's last reply."""
    last_reply = session.scalar(
        select(InboundMessage)
        .where(InboundMessage.request_id == request.id, InboundMessage.kind == InboundKind.REPLY)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(1)
    )
    ours = list(
        session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.request_id == request.id, OutboxEmail.to_addr == request.email)
            .order_by(OutboxEmail.id)
        )
    )
    if last_reply is not None and last_reply.message_id:
        # RFC 5322: the parent's References, then the parent's own Message-ID.
        earlier = (last_reply.thread_references or "").split()
        references = earlier or [message_id(email) for email in ours[:1]]
        references = [*references, last_reply.message_id]
    else:
        references = [message_id(email) for email in ours[:1] + ours[-1:]]
    references = list(dict.fromkeys(references))
    subject = (last_reply.subject if last_reply is not None else "") or (
        ours[-1].subject if ours else f"Your request {request.reference}"
    )
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    in_reply_to = references[-1] if references else None
    return subject[:300], (in_reply_to, " ".join(references) or None)


def answer_request(session, request, staff_email, text):
    """Email the person a staff member's answer, threaded; the request stops waiting."""
    subject, threading = _threading(session, request)
    email = emails.send_staff_answer(session, request, text, subject, threading)
    record_event(session, request, "staff_answered", staff_email, outbox_id=email.id)
    request.replied_at = None
    session.flush()
    return email


def find_by_reference(session, reference):
    return session.scalar(
        select(MembershipRequest).where(
            MembershipRequest.reference == normalize_reference(reference),
            MembershipRequest.purged_at.is_(None),
        )
    )


def attach_to_request(session, message, request, staff_email):
    """Staff put an unmatched message on a request: a reply then has its effects."""
    if message.status != InboundStatus.UNMATCHED:
        return False
    attach(session, message, request, STAFF, utcnow())
    record_event(session, request, "mail_attached", staff_email, inbound_id=message.id)
    return True


def discard(session, message):
    """Staff threw an unmatched message away: only that it came is kept."""
    if message.status != InboundStatus.UNMATCHED:
        return False
    message.status = InboundStatus.DISCARDED
    message.body_text = None
    message.attachments = None
    message.sender = None
    message.subject = None
    session.flush()
    return True
