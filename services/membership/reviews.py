"""Staff decisions on join requests: approve, decline, re-send and revoke invitations.

Each decision goes through the state machine (services.membership.request_states): it is
made only from the state and version the staff member's request saw, inside a
savepoint. Of two racing decisions exactly one wins; the loser changes nothing,
sends nothing and gets a result saying the request changed meanwhile.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from clock import utcnow
from models import DeclineReason, RequestState
from services.events import record_event
from services.mail import emails
from services.membership.invitations import current_invitation, issue_invitation, revoke_invitation
from services.membership.request_states import (
    APPROVABLE,
    CHANGED_MEANWHILE,
    DECLINABLE,
    RESENDABLE,
    RequestChanged,
    move_request,
)
from services.membership.state_words import state_words

# A second "re-send" within this time is taken for a double click.
RESEND_GRACE = timedelta(minutes=1)


@dataclass
class ReviewResult:
    """What an action did: `done` is False when there was nothing to do."""

    done: bool
    message: str


def _changed(request):
    return ReviewResult(
        False, f"{request.reference}: {CHANGED_MEANWHILE} It is {state_words(request.state)} now."
    )


def _out_of_date(request, seen_version):
    """The page the staff member acted on showed an older version of the request."""
    return seen_version is not None and seen_version != request.version


def _seen(request, seen_version):
    return request.version if seen_version is None else seen_version


def _refusal(request, seen_version, allowed, *, done_in=(), done="", refused):
    """Why a decision cannot be made, as a result; None when it may go ahead."""
    if _out_of_date(request, seen_version):
        return _changed(request)
    if request.state in done_in:
        return ReviewResult(False, f"{request.reference} {done}")
    if request.state not in allowed:
        return ReviewResult(
            False, f"{request.reference} is {state_words(request.state)}; {refused}"
        )
    return None


def _decide(session, request, work, done_message):
    """Make a decision in a savepoint: of two racing staff members, one wins."""
    try:
        with session.begin_nested():
            work()
    except RequestChanged:
        session.refresh(request)
        return _changed(request)
    return ReviewResult(True, done_message)


def _new_link(session, request, staff_email, seen_version, changes=None):
    issue_invitation(
        session,
        request,
        staff_email,
        seen_state=request.state,
        seen_version=_seen(request, seen_version),
        changes=changes,
    )


def approve(session, request, staff_email, seen_version=None):
    """Invite the person behind an in-review request (once)."""
    refused = _refusal(
        request, seen_version, APPROVABLE, done_in=(RequestState.INVITED, RequestState.JOINED),
        done="was already invited; nothing sent.", refused="nothing sent.",
    )
    if refused:
        return refused
    now = utcnow()

    def invite():
        record_event(session, request, "approved", staff_email)
        _new_link(session, request, staff_email, seen_version,
                  changes={"decided_at": now, "decided_by": staff_email})

    return _decide(
        session, request, invite, f"Approved {request.reference}: the invitation is on its way."
    )


def decline(session, request, staff_email, reason, note="", seen_version=None):
    """Decline a request with a reason (a DeclineReason) and an optional note (once)."""
    refused = _refusal(
        request, seen_version, DECLINABLE, done_in=(RequestState.DECLINED,),
        done="was already declined; nothing sent.", refused="it can't be declined.",
    )
    if refused:
        return refused
    now = utcnow()

    def decline_it():
        move_request(
            session,
            request,
            RequestState.DECLINED,
            staff_email,
            seen_state=request.state,
            seen_version=_seen(request, seen_version),
            changes={
                "decided_at": now,
                "decided_by": staff_email,
                "decline_reason": reason.body.strip(),
                "decline_note": (note or "").strip() or None,
            },
            reason=reason.title,
        )
        revoke_invitation(session, request, staff_email)
        emails.send_declined(session, request)

    return _decide(
        session, request, decline_it, f"Declined {request.reference}: we've emailed the reason."
    )


def resend_invitation(session, request, staff_email, now=None, seen_version=None):
    """Email a fresh invitation link; earlier links keep working until one is used."""
    now = now or utcnow()
    refused = _refusal(request, seen_version, RESENDABLE, refused="nothing to re-send.")
    if refused:
        return refused
    if request.bounced_at is not None:
        return ReviewResult(False, f"Our email to {request.reference}'s address bounced; nothing sent.")
    latest = current_invitation(request)
    if latest is not None and latest.revoked_at is None and now - latest.created_at < RESEND_GRACE:
        return ReviewResult(False, "An invitation went out a moment ago; nothing sent again.")

    def send_again():
        _new_link(session, request, staff_email, seen_version)

    return _decide(
        session, request, send_again,
        f"Sent {request.reference} a new invitation; earlier links still work until one is used.",
    )


def revoke(session, request, staff_email, seen_version=None):
    """Stop every live invitation link of a request from working, at once.

    Not a change of state, and always wanted however the request changed, so
    `seen_version` is not checked.
    """
    if revoke_invitation(session, request, staff_email, reason="staff"):
        return ReviewResult(True, f"Revoked every invitation link of {request.reference}.")
    return ReviewResult(False, f"{request.reference} has no live invitation to revoke.")


def decline_reasons(session, include_inactive=False):
    query = select(DeclineReason).order_by(DeclineReason.position, DeclineReason.title)
    if not include_inactive:
        query = query.where(DeclineReason.active.is_(True))
    return list(session.scalars(query))


def save_decline_reason(session, reason, *, title, body, position, active):
    """Create (reason=None) or update a decline reason template."""
    if reason is None:
        reason = DeclineReason()
        session.add(reason)
    reason.title = title.strip()
    reason.body = body.strip()
    reason.position = position or 0
    reason.active = bool(active)
    session.flush()
    return reason


def title_taken(session, title, except_id=None):
    query = select(DeclineReason.id).where(DeclineReason.title == title.strip())
    if except_id is not None:
        query = query.where(DeclineReason.id != except_id)
    return session.scalar(query) is not None
