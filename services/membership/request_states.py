"""The one state machine of a join request: its states, who may move it where, and how.

Every change of state goes through `move_request`, which checks the move against
TRANSITIONS and then makes it with a conditional UPDATE: only if the request is
still in the state (and at the version) the actor saw. Of two racing actors
exactly one wins; the other gets RequestChanged, and callers run the move inside
a savepoint so the loser's events and emails vanish with it. The lists of states
other modules need (declinable, re-sendable, expirable, purgeable) are read off
the table, so they cannot drift from it.
"""

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from clock import utcnow
from models import MembershipRequest, RequestState
from services.events import REQUESTER, SYSTEM, record_event

STAFF = "staff"  # the role of any actor that is a staff member's email address

S = RequestState
# (from, to): the roles that may make the move.
TRANSITIONS = {
    (S.SUBMITTED, S.INVITED): {SYSTEM, STAFF},  # matched a paying account / approved
    (S.SUBMITTED, S.IN_REVIEW): {SYSTEM},  # no match: a person decides
    (S.SUBMITTED, S.EXPIRED): {SYSTEM},  # undecided past the retention period
    (S.SUBMITTED, S.JOINED): {SYSTEM},  # already a member on the community platform
    (S.IN_REVIEW, S.EXPIRED): {SYSTEM},  # undecided past the retention period
    (S.IN_REVIEW, S.INVITED): {STAFF},  # approved
    (S.IN_REVIEW, S.DECLINED): {STAFF},
    (S.INVITED, S.INVITED): {REQUESTER, STAFF, SYSTEM},  # a fresh link; earlier ones still work
    (S.INVITED, S.JOINED): {REQUESTER},
    (S.INVITED, S.DECLINED): {STAFF},
    (S.INVITED, S.EXPIRED): {SYSTEM},
    (S.INVITED, S.WITHDRAWN): {REQUESTER},  # "don't invite me again"
    (S.EXPIRED, S.INVITED): {REQUESTER, STAFF},
    (S.EXPIRED, S.DECLINED): {STAFF},
    (S.EXPIRED, S.WITHDRAWN): {REQUESTER},
    # The person replied to the decision (services.inbound): a person looks again.
    (S.DECLINED, S.IN_REVIEW): {REQUESTER},
}
# Moves that reopen a request that had ended; it still counts as ended (for the
# staff page and the retention period) until one is made.
REOPENING = {(S.DECLINED, S.IN_REVIEW)}

CHANGED_MEANWHILE = "This request changed meanwhile, so nothing was done and nothing was sent."


def states_that_can(to_state, role):
    """The states from which `role` may move a request to `to_state`, in table order."""
    return tuple(
        dict.fromkeys(
            source
            for (source, target), roles in TRANSITIONS.items()
            if target == to_state and role in roles
        )
    )


def final_states():
    """States nothing leaves (but a reopening): the request has ended."""
    sources = {source for (source, target) in TRANSITIONS if (source, target) not in REOPENING}
    return tuple(state for state in RequestState if state not in sources)


DECLINABLE = states_that_can(S.DECLINED, STAFF)
RESENDABLE = states_that_can(S.INVITED, REQUESTER)
# States holding live invitation links (the requester joins by accepting one),
# which expire with the newest of them.
EXPIRABLE = tuple(
    s for s in states_that_can(S.EXPIRED, SYSTEM)
    if REQUESTER in TRANSITIONS.get((s, S.JOINED), ())
)
WITHDRAWABLE = states_that_can(S.WITHDRAWN, REQUESTER)
APPROVABLE = tuple(s for s in states_that_can(S.INVITED, STAFF) if s not in RESENDABLE)
ENDED = final_states()


def staff_actions(request):
    """What the staff page offers for a request, read off the table (nothing once purged)."""
    state = None if request.purged_at is not None else request.state
    return {
        "approve": state in APPROVABLE,
        "decline": state in DECLINABLE,
        "resend": state in RESENDABLE,
        "nothing": state is None or state in ENDED,
    }


class RequestStateError(Exception):
    """A move that cannot be made."""


class MoveNotAllowed(RequestStateError):
    """The table has no such move for this actor (a bug, or a stale page)."""


class RequestChanged(RequestStateError):
    """Someone else changed the request first: the actor's view of it is out of date."""

    def __init__(self, request):
        super().__init__(CHANGED_MEANWHILE)
        self.request = request


def role_of(actor):
    return actor if actor in (SYSTEM, REQUESTER) else STAFF


def may_move(from_state, to_state, actor):
    return role_of(actor) in TRANSITIONS.get((from_state, to_state), ())


def move_request(
    session,
    request,
    to_state,
    actor,
    *,
    seen_state,
    seen_version=None,
    changes=None,
    **event_detail,
):
    """Move `request` from `seen_state` to `to_state` as `actor`, and record the event.

    `seen_version` defaults to the version loaded with the request. `changes` are
    other columns set in the same conditional UPDATE. Raises MoveNotAllowed when
    the table forbids the move and RequestChanged when the request is no longer
    as the actor saw it (0 rows updated); nothing is changed either way.
    """
    if not may_move(seen_state, to_state, actor):
        raise MoveNotAllowed(
            f"{role_of(actor)} may not move a request from {seen_state} to {to_state}"
        )
    version = request.version if seen_version is None else seen_version
    values = {"state": to_state, "version": version + 1, "updated_at": utcnow(), **(changes or {})}
    won = session.execute(
        update(MembershipRequest)
        .where(
            MembershipRequest.id == request.id,
            MembershipRequest.state == seen_state,
            MembershipRequest.version == version,
            MembershipRequest.purged_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise RequestChanged(request)
    for name, value in values.items():
        set_committed_value(request, name, value)
    record_event(session, request, str(to_state), actor, previous=str(seen_state), **event_detail)
    return request
