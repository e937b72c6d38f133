"""What a delivery report or a complaint does to the email it reports, and to its request.

- Permanent failure (5.x.x): the outbox email is `bounced` with the diagnostic;
  when it went to the request's address, the request is marked (staff see it,
  the status page says so, re-sends and reminders stop until a new request).
- Temporary failure (4.x.x): the diagnostic is noted on the email; nothing stops.
- Complaint (ARF): the address gets no more email that isn't a direct answer
  (services.membership.opt_outs.record_complaint).
"""

from sqlalchemy import select

from models import InboundKind, InboundStatus, MembershipRequest, OutboxEmail, OutboxStatus
from services.events import SYSTEM, record_event
from services.inbound.matching import TAG, THREAD, outbox_email_by_message_id, request_by_tag
from services.inbound.reports import BOUNCE, COMPLAINT
from services.membership.opt_outs import record_complaint
from services.privacy.addresses import canonical_email

KINDS = {BOUNCE: InboundKind.BOUNCE, COMPLAINT: InboundKind.COMPLAINT}


def file_report(session, row, incoming, now):
    report = incoming.report
    row.kind = KINDS.get(report.kind, InboundKind.DELAY)
    row.diagnostic = report.diagnostic
    email, request, matched_by = _reported_email(session, incoming)
    if email is None and request is None:
        return
    row.outbox_email_id = email.id if email is not None else None
    row.request_id = request.id if request is not None else None
    row.matched_by = matched_by
    row.status = InboundStatus.ATTACHED
    recipient = report.recipient or (email.to_addr if email is not None else None)
    if row.kind == InboundKind.COMPLAINT:
        if recipient:
            record_complaint(session, canonical_email(recipient), now)
        if request is not None:
            record_event(session, request, "complained", SYSTEM, **_about(email))
        return
    if email is not None:
        email.delivery_report = report.diagnostic
        if row.kind == InboundKind.BOUNCE:
            email.status = OutboxStatus.BOUNCED
    if request is None:
        return
    if row.kind == InboundKind.BOUNCE and _to_the_request(request, email, recipient):
        request.bounced_at = now
        request.bounce_diagnostic = report.diagnostic
    kind = "email_bounced" if row.kind == InboundKind.BOUNCE else "email_delayed"
    record_event(session, request, kind, SYSTEM, diagnostic=report.diagnostic, **_about(email))


def _reported_email(session, incoming):
    """(our email, its request, how found): by the original Message-ID, else by the +tag."""
    email = outbox_email_by_message_id(session, incoming.report.original_message_id)
    recipient = incoming.report.recipient
    if email is not None and recipient and canonical_email(recipient) != canonical_email(
        email.to_addr
    ):
        email = None  # a report about someone else cannot speak for this email
    if email is not None:
        request = session.get(MembershipRequest, email.request_id) if email.request_id else None
        return email, request, THREAD
    request = request_by_tag(session, incoming.recipients)
    if request is None:
        return None, None, None
    # The newest email sent to the reported address about this request.
    recipient = recipient or request.email
    email = session.scalar(
        select(OutboxEmail)
        .where(OutboxEmail.request_id == request.id, OutboxEmail.to_addr == recipient,
               OutboxEmail.sent_at.is_not(None))
        .order_by(OutboxEmail.id.desc())
        .limit(1)
    )
    return email, request, TAG


def _to_the_request(request, email, recipient):
    address = email.to_addr if email is not None else recipient
    return bool(address) and canonical_email(address) == request.email_normalized


def _about(email):
    return {"email": email.kind, "outbox_id": email.id} if email is not None else {}
