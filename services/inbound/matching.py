"""Which request (and which of our emails) a message that came back belongs to.

In order: the `+tag` of a recipient address; then In-Reply-To / References
naming one of our Message-IDs; then the sender's canonical address when exactly
one open request has it ("matched by sender", which staff are shown).
"""

from sqlalchemy import select

from models import OPEN_STATES, MembershipRequest, OutboxEmail
from services.mail.outbox import message_id as outbox_message_id
from services.mail.reply_addresses import tags_in
from services.privacy.addresses import canonical_email

TAG = "tag"
THREAD = "thread"
SENDER = "sender"
STAFF = "staff"


def request_by_tag(session, recipients):
    for tag in tags_in(recipients):
        found = session.scalar(
            select(MembershipRequest).where(
                MembershipRequest.reply_tag == tag, MembershipRequest.purged_at.is_(None)
            )
        )
        if found is not None:
            return found
    return None


def outbox_email_by_message_id(session, message_id):
    """Our email with this Message-ID (outbox.message_id), or None."""
    text = (message_id or "").strip().lower()
    if not text.startswith("<outbox-"):
        return None
    number = text[len("<outbox-"):].split(".", 1)[0]
    if not number.isdigit():
        return None
    email = session.get(OutboxEmail, int(number))
    if email is None or outbox_message_id(email).lower() != text:
        return None
    return email


def request_by_thread(session, thread_ids):
    for message_id in thread_ids:
        email = outbox_email_by_message_id(session, message_id)
        if email is not None and email.request_id is not None:
            request = session.get(MembershipRequest, email.request_id)
            if request is not None and request.purged_at is None:
                return request
    return None


def request_by_sender(session, sender):
    """The one open request of this address, or None when there are none or several."""
    if not sender:
        return None
    address = canonical_email(sender)
    found = list(
        session.scalars(
            select(MembershipRequest)
            .where(
                MembershipRequest.email_normalized == address,
                MembershipRequest.state.in_(OPEN_STATES),
                MembershipRequest.purged_at.is_(None),
            )
            .limit(2)
        )
    )
    return found[0] if len(found) == 1 else None


def match_request(session, incoming):
    """(request, how it matched) for a reply, or (None, None)."""
    request = request_by_tag(session, incoming.recipients)
    if request is not None:
        return request, TAG
    request = request_by_thread(session, incoming.thread_ids)
    if request is not None:
        return request, THREAD
    request = request_by_sender(session, incoming.sender)
    if request is not None:
        return request, SENDER
    return None, None
