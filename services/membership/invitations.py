"""Invitations: a random token (only its hash stored) that lets one person in."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select, update

from clock import utcnow
from models import Invitation, MembershipRequest, RequestState
from services.events import REQUESTER, SYSTEM, record_event
from services.mail import emails
from services.membership.request_states import (
    EXPIRABLE,
    RequestChanged,
    RequestStateError,
    move_request,
)
from services.tokens import hash_secret, new_secret


def add_invitation(session, request, now, expires_at, **fields):
    """A new invitation row with a fresh token; returns (token, invitation).

    Only the token's hash is stored: the token itself exists only in the email.
    """
    token, token_hash = new_secret()
    invitation = Invitation(
        request=request, token_hash=token_hash, created_at=now, expires_at=expires_at, **fields
    )
    session.add(invitation)
    return token, invitation


def issue_invitation(
    session, request, actor=SYSTEM, *, seen_state=None, seen_version=None, changes=None, **detail
):
    """Move the request to invited with a new link, and email it; returns the token.

    Earlier live links keep working (a stranger's re-send must not break the link
    in someone's inbox) until one of them is accepted or they expire. The move is
    made only from the state the actor saw (RequestChanged otherwise; run it in a
    savepoint). `detail` goes into the "invited" event (the bulk run adds
    source="import").
    """
    now = utcnow()
    expires_at = now + timedelta(days=current_app.config["INVITE_TTL_DAYS"])
    move_request(
        session,
        request,
        RequestState.INVITED,
        actor,
        seen_state=request.state if seen_state is None else seen_state,
        seen_version=seen_version,
        changes=changes,
        expires_at=expires_at,
        **detail,
    )
    token, invitation = add_invitation(session, request, now, expires_at)
    session.flush()
    emails.send_invitation(session, request, token, invitation)
    return token


def live_invitations(request, now=None):
    """The invitations of a request that would still let someone in."""
    now = now or utcnow()
    return [invitation for invitation in request.invitations if invitation.is_live(now)]


def revoke_invitation(session, request, actor, reason=None):
    """Revoke every live invitation of a request at once; returns whether there was one."""
    revoked = False
    for invitation in request.invitations:
        if invitation.is_open():
            invitation.revoked_at = utcnow()
            revoked = True
    if revoked:
        detail = {"reason": reason} if reason else {}
        record_event(session, request, "invitation_revoked", actor, **detail)
    return revoked


def current_invitation(request):
    """The newest invitation of a request, or None."""
    return request.invitations[-1] if request.invitations else None


class InvitationOutcome(StrEnum):
    """What a token stands for (find_invitation), or what accepting it did (accept_invitation)."""

    OK = "ok"  # live: the confirm page
    ACCEPTED = "accepted"  # accepted before, not yet expired: still forwards its owner
    USED = "used"  # accepted before, now expired
    REVOKED = "revoked"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    JOINED = "joined"  # accept_invitation: this acceptance made the member
    CHANGED = "changed"  # accept_invitation: live, but the request kept changing under us


@dataclass
class InvitationLookup:
    """What a token stands for, and its invitation when it is one of ours."""

    outcome: InvitationOutcome
    invitation: Invitation | None = None

    @property
    def request(self):
        return self.invitation.request if self.invitation else None


def find_invitation(session, token, now=None):
    """Look a token up without changing anything (safe for GET)."""
    now = now or utcnow()
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_secret(token or ""))
    )
    if invitation is None:
        return InvitationLookup(InvitationOutcome.UNKNOWN)
    if invitation.accepted_at is not None:
        # Accepted before: still forwards its owner until it expires, then "used".
        outcome = InvitationOutcome.ACCEPTED if invitation.expires_at > now else InvitationOutcome.USED
        return InvitationLookup(outcome, invitation)
    if invitation.revoked_at is not None:
        return InvitationLookup(InvitationOutcome.REVOKED, invitation)
    if invitation.expires_at <= now:
        return InvitationLookup(InvitationOutcome.EXPIRED, invitation)
    return InvitationLookup(InvitationOutcome.OK, invitation)


def accept_invitation(session, token, now=None, welcome=True):
    """Accept an invitation once; accepting it again before expiry is harmless.

    Mail scanners open links and may submit forms, so a second acceptance of a
    live invitation returns "accepted" (the owner is still sent on) rather than
    an error, and nothing is recorded twice. The request moves to joined through
    the state machine (only from invited, at the version read), so of a scanner
    and its owner, or an acceptance and a staff decline, exactly one wins; the
    other links of the request are revoked with it.
    `welcome=False` leaves the welcome email to community provisioning.
    """
    now = now or utcnow()
    for _attempt in range(3):
        lookup = find_invitation(session, token, now)
        if lookup.outcome != InvitationOutcome.OK:
            return lookup
        try:
            with session.begin_nested():
                _accept(session, lookup.invitation, now, welcome)
            return InvitationLookup(InvitationOutcome.JOINED, lookup.invitation)
        except RequestChanged:
            # Someone else moved the request first (a decline, another link, a
            # re-send): read everything again and answer from what is there now.
            session.expire_all()
        except RequestStateError:
            break
    lookup = find_invitation(session, token, now)
    if lookup.outcome == InvitationOutcome.OK:
        # A live link of a request that cannot join now (it kept changing under us).
        return InvitationLookup(InvitationOutcome.CHANGED, lookup.invitation)
    return lookup


def _accept(session, invitation, now, welcome):
    request = invitation.request
    move_request(session, request, RequestState.JOINED, REQUESTER, seen_state=request.state)
    won = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.open_condition(),
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise RequestChanged(request)
    session.refresh(invitation)
    for other in request.invitations:
        if other is not invitation and other.is_open():
            other.revoked_at = now
    if welcome:  # with a platform, the welcome waits until the platform has the member
        emails.send_welcome(session, request)
    session.flush()


def expire_invitations(session, now=None):
    """Move invited requests whose every link lapsed to `expired`; returns how many."""
    now = now or utcnow()
    invitations = session.scalars(
        select(Invitation)
        .join(Invitation.request)
        .where(
            Invitation.expires_at <= now,
            Invitation.open_condition(),
            MembershipRequest.state.in_(EXPIRABLE),
        )
    )
    count = 0
    for invitation in invitations:
        request = invitation.request
        # The newest link lapses last: only then has the request expired.
        if request.state in EXPIRABLE and current_invitation(request) is invitation:
            try:
                with session.begin_nested():
                    move_request(
                        session, request, RequestState.EXPIRED, SYSTEM, seen_state=request.state
                    )
                count += 1
            except RequestChanged:
                continue  # re-sent or decided meanwhile: no longer expiring
    return count


def effective_state(request, now=None):
    """The request's state as of now: `invited` whose every link has lapsed reads `expired`.

    The schedule moves such requests to `expired` every few minutes; the status
    page and the staff console read this so that they are right before it has.
    """
    if request.state != RequestState.INVITED:
        return request.state
    now = now or utcnow()
    live = live_invitations(request, now)
    return request.state if live or not request.invitations else RequestState.EXPIRED
