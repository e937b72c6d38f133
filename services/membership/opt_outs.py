"""Opting out ("don't invite me again") from the link in an invitation email.

An opt-out is kept per address (InvitationOptOut) and stops the invitations
nobody asked for: `invitations send-new` and reminders skip it. Asking to join
on /join later is explicit consent, so it is not blocked: the person gets a
fresh request (a withdrawn one is not open) and, if matched, an invitation as
usual. The opt-out row stays, so that request gets no reminder and a future
bulk run still leaves the address alone. After the retention period the row
keeps only a keyed hash of the address (services.jobs.retention), which still matches.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import InvitationOptOut, MembershipRequest, RequestState
from services import links
from services.events import REQUESTER
from services.membership.invitations import revoke_invitation
from services.membership.request_states import WITHDRAWABLE, RequestChanged, move_request
from services.privacy.addresses import keyed_hash as address_hash
from services.tokens import ExpiredLink, InvalidLink, signed_request

# The states an invitation email can leave a request in that opting out ends.
WITHDRAWABLE_STATES = WITHDRAWABLE


def opted_out_among(session, emails):
    """The canonical addresses among `emails` that opted out (one query)."""
    emails = set(emails)
    if not emails:
        return set()
    by_hash = {address_hash(email): email for email in emails}
    found = set()
    for plain, hashed in session.execute(
        select(InvitationOptOut.email_normalized, InvitationOptOut.email_hash).where(
            InvitationOptOut.email_normalized.in_(emails)
            | InvitationOptOut.email_hash.in_(by_hash)
        )
    ):
        found.add(plain if plain in emails else by_hash.get(hashed))
    return found - {None}


def is_opted_out(session, email_normalized):
    return bool(opted_out_among(session, [email_normalized]))


@dataclass
class OptOutLookup:
    """What an opt-out link stands for: ask, done, invalid or expired."""

    outcome: str
    request: MembershipRequest | None = None


def look_up(session, token):
    """Read an opt-out link without changing anything (safe for GET)."""
    try:
        named = links.read_opt_out_token(token)
    except ExpiredLink:
        return OptOutLookup("expired")
    except InvalidLink:
        return OptOutLookup("invalid")
    request = signed_request(session, named)
    if request is None or request.purged_at is not None:
        return OptOutLookup("invalid")
    if request.state not in WITHDRAWABLE_STATES and is_opted_out(
        session, request.email_normalized
    ):
        return OptOutLookup("done", request)
    return OptOutLookup("ask", request)


def opt_out(session, request):
    """Record the opt-out (once), revoke the live invitation and withdraw the request.

    Safe to repeat: a second click, or two racing ones, record nothing new.
    Returns whether the address was newly opted out.
    """
    created = False
    if not is_opted_out(session, request.email_normalized):
        try:
            with session.begin_nested():
                session.add(
                    InvitationOptOut(
                        email_normalized=request.email_normalized,
                        email_hash=address_hash(request.email_normalized),
                    )
                )
                session.flush()
            created = True
        except IntegrityError:
            pass  # a simultaneous click recorded it first: the same outcome
    if request.state in WITHDRAWABLE_STATES:
        try:
            with session.begin_nested():
                move_request(
                    session, request, RequestState.WITHDRAWN, REQUESTER, seen_state=request.state
                )
                revoke_invitation(session, request, REQUESTER)
        except RequestChanged:
            session.refresh(request)  # joined or declined meanwhile: the opt-out still holds
    session.flush()
    return created


def record_complaint(session, email_normalized, now):
    """The address marked our email as spam: opt it out of all but direct answers (once)."""
    found = session.scalar(
        select(InvitationOptOut).where(
            (InvitationOptOut.email_normalized == email_normalized)
            | (InvitationOptOut.email_hash == address_hash(email_normalized))
        )
    )
    if found is not None:
        found.complained_at = found.complained_at or now
        return found
    found = InvitationOptOut(
        email_normalized=email_normalized,
        email_hash=address_hash(email_normalized),
        complained_at=now,
    )
    session.add(found)
    session.flush()
    return found
