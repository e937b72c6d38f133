"""Invitations: a random token (only its hash stored) that lets one person in."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from models import Invitation, RequestState
from services import emails
from services.clock import utcnow
from services.events import REQUESTER, SYSTEM, record_event
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


def issue_invitation(session, request, actor=SYSTEM, **detail):
    """Revoke any live invitation, create a new one, email it; returns the token.

    `detail` goes into the "invited" event (the bulk run adds source="import").
    """
    now = utcnow()
    for old in request.invitations:
        if old.accepted_at is None and old.revoked_at is None:
            old.revoked_at = now
            record_event(session, request, "invitation_revoked", actor, reason="replaced")
    expires_at = now + timedelta(days=current_app.config["INVITE_TTL_DAYS"])
    token, invitation = add_invitation(session, request, now, expires_at)
    previous = request.state
    request.state = RequestState.INVITED
    session.flush()
    record_event(
        session,
        request,
        "invited",
        actor,
        previous=previous,
        expires_at=invitation.expires_at,
        **detail,
    )
    emails.send_invitation(session, request, token, invitation)
    return token


def revoke_invitation(session, request, actor):
    """Revoke the live invitation of a request; returns whether there was one."""
    revoked = False
    for invitation in request.invitations:
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = utcnow()
            revoked = True
    if revoked:
        record_event(session, request, "invitation_revoked", actor)
    return revoked


def current_invitation(request):
    """The newest invitation of a request, or None."""
    return request.invitations[-1] if request.invitations else None


@dataclass
class InvitationLookup:
    """What a token stands for: one of ok, accepted, expired, revoked, unknown."""

    outcome: str
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
        return InvitationLookup("unknown")
    if invitation.accepted_at is not None:
        # Accepted before: still forwards its owner until it expires, then "used".
        outcome = "accepted" if invitation.expires_at > now else "used"
        return InvitationLookup(outcome, invitation)
    if invitation.revoked_at is not None:
        return InvitationLookup("revoked", invitation)
    if invitation.expires_at <= now:
        return InvitationLookup("expired", invitation)
    return InvitationLookup("ok", invitation)


def accept_invitation(session, token, now=None, welcome=True):
    """Accept an invitation once; accepting it again before expiry is harmless.

    Mail scanners open links and may submit forms, so a second acceptance of a
    live invitation returns "accepted" (the owner is still sent on) rather than
    an error, and nothing is recorded twice. `welcome=False` leaves the welcome
    email to community provisioning. The acceptance is a conditional
    UPDATE, so two requests racing (a scanner and its owner) join only once.
    """
    now = now or utcnow()
    lookup = find_invitation(session, token, now)
    if lookup.outcome != "ok":
        return lookup
    invitation = lookup.invitation
    won = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(invitation)
    if not won:
        return find_invitation(session, token, now)
    request = invitation.request
    request.state = RequestState.JOINED
    record_event(session, request, "joined", REQUESTER)
    if welcome:  # with a platform, the welcome waits until the platform has the member
        emails.send_welcome(session, request)
    session.flush()
    return InvitationLookup("joined", invitation)


def expire_invitations(session, now=None):
    """Move invited requests whose invitation lapsed to `expired`; returns how many."""
    now = now or utcnow()
    invitations = session.scalars(
        select(Invitation)
        .join(Invitation.request)
        .where(
            Invitation.expires_at <= now,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    )
    count = 0
    for invitation in invitations:
        request = invitation.request
        if request.state == RequestState.INVITED and current_invitation(request) is invitation:
            request.state = RequestState.EXPIRED
            record_event(session, request, "expired", SYSTEM)
            count += 1
    return count


def effective_state(request, now=None):
    """The request's state as of now: `invited` whose every link has lapsed reads `expired`.

    The schedule moves such requests to `expired` every few minutes; the status
    page and the staff console read this so that they are right before it has.
    """
    if request.state != RequestState.INVITED:
        return request.state
    now = now or utcnow()
    live = [
        i for i in request.invitations
        if i.accepted_at is None and i.revoked_at is None and i.expires_at > now
    ]
    return request.state if live or not request.invitations else RequestState.EXPIRED
