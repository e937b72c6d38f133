"""Tests move requests through the state machine, as the site does (issue 26).

A test that writes a state by hand builds a request the site could never hold
(no events, no emails, no version bump) and keeps passing when a move is taken
out of the table. The builders (tests/support/builders.py) and the services make
every state; a test that stores an odd row on purpose is listed in STORES_ROWS.
"""

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Event, RequestState
from services.membership.request_states import TRANSITIONS
from tests.support import builders
from tests.support.builders import build_request
from tests.support.database import app_session

TESTS = Path(__file__).resolve().parent
# Files that store a row in a chosen state on purpose, each with its reason.
STORES_ROWS = {
    # The partial unique index is a database rule: rows go straight to the table.
    "tests/test_schema.py",
    # A concurrent web request's row lands in the middle of a bulk run's batch.
    "tests/test_bulk_invitations.py",
}
# Calls that store a row: a model built by hand, or an INSERT/UPDATE's values.
ROW_WRITERS = {"MembershipRequest", "Invitation", "values"}
# The state every request starts in may be stored; the rest are reached by moves.
STARTING_STATE = "RequestState.SUBMITTED"


def _callee(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def state_writes(source):
    """Line numbers where `source` sets a state directly."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Attribute) and t.attr == "state" for t in targets):
            found.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        callee = _callee(node)
        named = node.args[1:2] and isinstance(node.args[1], ast.Constant) and node.args[1].value
        if callee == "setattr" and named == "state":
            found.append(node.lineno)
        if callee in ROW_WRITERS:
            found.extend(
                keyword.lineno for keyword in node.keywords
                if keyword.arg == "state" and ast.unparse(keyword.value) != STARTING_STATE
            )
    return found


def test_no_test_or_builder_sets_a_state_by_hand():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS.parent).as_posix()
        if name in STORES_ROWS or path == Path(__file__).resolve():
            continue
        found += [f"{name}:{line}" for line in state_writes(path.read_text(encoding="utf-8"))]
    assert not found, "states set by hand (use the builders or the services):\n" + "\n".join(found)


@pytest.mark.parametrize(("source", "expected"), [
    ("request.state = RequestState.JOINED", [1]),
    ("session.get(MembershipRequest, 1).state = 'joined'", [1]),
    ("setattr(request, 'state', 'declined')", [1]),
    ("update(MembershipRequest).values(state=RequestState.INVITED)", [1]),
    ("MembershipRequest(name='X', state='in_review')", [1]),
    ("MembershipRequest(name='X', state=RequestState.SUBMITTED)", []),
    ("make_request(state='joined')", []),
    ("assert request.state == 'joined'", []),
])
def test_the_check_finds_what_it_should(source, expected):
    assert state_writes(source) == expected


@pytest.mark.parametrize("state", list(RequestState))
def test_a_quiet_request_reaches_its_state_by_moves_it_records(app, state):
    with app_session(app) as session:
        request = build_request(session, state, quiet=True, email=f"{state}@x.example")
        kinds = session.scalars(select(Event.kind).where(Event.request_id == request.id)).all()
        assert request.state == state and request.version == len(kinds)
        assert (kinds[-1] if kinds else RequestState.SUBMITTED) == state


def test_a_quiet_request_in_a_state_no_move_reaches_fails_loudly(app, monkeypatch):
    no_way_out = {move: roles for move, roles in TRANSITIONS.items()
                  if move[1] != RequestState.WITHDRAWN}
    monkeypatch.setattr(builders, "TRANSITIONS", no_way_out)
    with app_session(app) as session, pytest.raises(ValueError, match="no legal moves"):
        build_request(session, RequestState.WITHDRAWN, quiet=True)
