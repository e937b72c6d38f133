"""The state machine: every move in the table succeeds through move_request, every other fails."""

import pytest
from sqlalchemy import select

from models import Event, MembershipRequest, RequestState
from services.events import REQUESTER, SYSTEM
from services.membership.request_states import (
    DECLINABLE,
    ENDED,
    EXPIRABLE,
    RESENDABLE,
    STAFF,
    TRANSITIONS,
    MoveNotAllowed,
    RequestChanged,
    move_request,
)
from tests.support.builders import build_request
from tests.support.database import app_session

ACTORS = {SYSTEM: SYSTEM, REQUESTER: REQUESTER, STAFF: "staff@example-app.com"}
EVERY_MOVE = [
    (source, target, role)
    for source in RequestState
    for target in RequestState
    for role in ACTORS
]


def _request_in(session, state, n):
    return build_request(
        session, state, quiet=True, name="Ana", email=f"a{n}@x.example", reference=f"LB-T{n:05d}"
    )


@pytest.mark.parametrize(("source", "target", "role"), EVERY_MOVE)
def test_every_move_in_the_table_succeeds_and_every_other_is_refused(
    app, source, target, role
):
    allowed = role in TRANSITIONS.get((source, target), set())
    with app_session(app) as session:
        request = _request_in(session, source, 1)
        version, events = request.version, _events_of(session, request)
        if allowed:
            move_request(session, request, target, ACTORS[role], seen_state=source)
            session.flush()
            assert request.state == target and request.version == version + 1
            [event] = _events_of(session, request)[len(events):]
            assert (event.kind, event.actor) == (str(target), ACTORS[role])
        else:
            with pytest.raises(MoveNotAllowed):
                move_request(session, request, target, ACTORS[role], seen_state=source)
            assert request.state == source and request.version == version
            assert _events_of(session, request) == events


def _events_of(session, request):
    return list(session.scalars(select(Event).where(Event.request_id == request.id).order_by(Event.id)))


def test_a_move_from_a_state_or_version_no_longer_there_changes_nothing(app):
    with app_session(app) as session:
        request = _request_in(session, RequestState.IN_REVIEW, 2)
        staff, seen = ACTORS[STAFF], request.version
        move_request(session, request, RequestState.INVITED, staff, seen_state="in_review")
        with pytest.raises(RequestChanged):  # a second actor who saw it in review
            move_request(
                session, request, RequestState.DECLINED, staff,
                seen_state="in_review", seen_version=seen,
            )
        with pytest.raises(RequestChanged):  # right state, stale version
            move_request(
                session, request, RequestState.INVITED, staff, seen_state="invited",
                seen_version=seen,
            )
        session.expire_all()
        assert session.get(MembershipRequest, request.id).state == RequestState.INVITED


def test_the_lists_other_modules_use_come_from_the_table():
    assert set(DECLINABLE) == {"in_review", "invited", "expired"}
    assert set(RESENDABLE) == {"invited", "expired"}
    assert set(EXPIRABLE) == {"invited"}
    assert set(ENDED) == {"joined", "declined", "withdrawn"}
