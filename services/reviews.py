"""Staff decisions on join requests: approve, decline, re-send and revoke invitations.

Each action is idempotent. The decision itself is taken with a conditional
UPDATE (only from a state that allows it), which exactly one of two racing
submissions can win; the loser, like a second click, changes nothing and gets
a result saying so.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from models import DeclineReason, MembershipRequest, RequestState
from services import emails
from services.clock import utcnow
from services.events import record_event
from services.invitations import current_invitation, issue_invitation, revoke_invitation

# States a decline can come from: in review, or invited but not yet joined.
DECLINABLE = (RequestState.IN_REVIEW, RequestState.INVITED, RequestState.EXPIRED)
RESENDABLE = (RequestState.INVITED, RequestState.EXPIRED)
# A second "re-send" within this time is taken for a double click.
RESEND_GRACE = timedelta(minutes=1)


@dataclass
class ReviewResult:
    """What an action did: `done` is False when there was nothing to do."""

    done: bool
    message: str


def _take_decision(session, request, from_states, **values):
    """Set the decision columns if the request is still in one of from_states."""
    result = session.execute(
        update(MembershipRequest)
        .where(MembershipRequest.id == request.id, MembershipRequest.state.in_(from_states))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(request)
        return False
    for name, value in values.items():
        setattr(request, name, value)
    return True


def approve(session, request, staff_email):
    """Invite the person behind an in-review request (once)."""
    if request.state in (RequestState.INVITED, RequestState.JOINED):
        return ReviewResult(False, f"{request.reference} was already invited; nothing sent.")
    now = utcnow()
    if not _take_decision(
        session,
        request,
        [RequestState.IN_REVIEW, RequestState.SUBMITTED],
        decided_at=now,
        decided_by=staff_email,
        updated_at=now,
    ):
        return ReviewResult(
            False, f"{request.reference} is {_state_words(request.state)}; nothing sent."
        )
    record_event(session, request, "approved", staff_email)
    issue_invitation(session, request, staff_email)
    return ReviewResult(True, f"Approved {request.reference}: the invitation is on its way.")


def decline(session, request, staff_email, reason, note=""):
    """Decline a request with a reason (a DeclineReason) and an optional note (once)."""
    if request.state == RequestState.DECLINED:
        return ReviewResult(False, f"{request.reference} was already declined; nothing sent.")
    note = (note or "").strip() or None
    text = reason.body.strip()
    previous = request.state
    now = utcnow()
    if not _take_decision(
        session,
        request,
        DECLINABLE,
        state=RequestState.DECLINED,
        decided_at=now,
        decided_by=staff_email,
        decline_reason=text,
        decline_note=note,
        updated_at=now,
    ):
        return ReviewResult(
            False, f"{request.reference} is {_state_words(request.state)}; it can't be declined."
        )
    revoke_invitation(session, request, staff_email)
    record_event(session, request, "declined", staff_email, previous=previous, reason=reason.title)
    emails.send_declined(session, request)
    return ReviewResult(True, f"Declined {request.reference}: we've emailed the reason.")


def resend_invitation(session, request, staff_email, now=None):
    """Issue a fresh invitation (the old link stops working) and email it."""
    now = now or utcnow()
    if request.state not in RESENDABLE:
        return ReviewResult(
            False, f"{request.reference} is {_state_words(request.state)}; nothing to re-send."
        )
    latest = current_invitation(request)
    if latest is not None and latest.revoked_at is None and now - latest.created_at < RESEND_GRACE:
        return ReviewResult(False, "An invitation went out a moment ago; nothing sent again.")
    issue_invitation(session, request, staff_email)
    return ReviewResult(
        True, f"Sent {request.reference} a new invitation; the old link is revoked."
    )


def revoke(session, request, staff_email):
    """Stop the live invitation of a request from working."""
    if revoke_invitation(session, request, staff_email):
        return ReviewResult(True, f"Revoked the invitation of {request.reference}.")
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


def _state_words(state):
    return {
        RequestState.IN_REVIEW: "in review",
        RequestState.INVITED: "invited",
        RequestState.JOINED: "joined",
        RequestState.DECLINED: "declined",
        RequestState.EXPIRED: "expired",
        RequestState.WITHDRAWN: "withdrawn",
        RequestState.SUBMITTED: "submitted",
    }.get(state, str(state))
