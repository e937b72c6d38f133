"""Races on one request, on PostgreSQL: the state machine lets exactly one actor win.

Each thread has its own session; a barrier makes every actor read the request
before any of them changes it, which is the window the races used to fall in.
They skip on SQLite, where writers queue for the one database lock anyway.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import DeclineReason, Event, Invitation, MembershipRequest, RequestState
from services.membership import invitations, resending, reviews
from services.membership.screening import create_and_screen_request
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

pytestmark = pytest.mark.postgres
ANA = "ana@myshop.example"


def _run_together(*actions):
    """Run each action in its own thread; return their results (or exceptions)."""
    results = [None] * len(actions)

    def run(index, action):
        try:
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - the assertions report it
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _invited(app, make_account, minutes_ago=5):
    make_account("myshop", "active", [ANA])
    with app_session(app) as session:
        request = create_and_screen_request(session, name="Ana Lima", email=ANA).request
        request.invitations[0].created_at -= timedelta(minutes=minutes_ago)
        return request.id


def _in_review(app):
    with app_session(app) as session:
        request = create_and_screen_request(session, name="Uma Lee", email="uma@elsewhere.example").request
        session.add(DeclineReason(title="No account", body="No paying account."))
        return request.id


def test_three_simultaneous_resends_make_at_most_one_invitation_and_one_email(
    app, make_account, monkeypatch, outbox
):
    request_id = _invited(app, make_account)
    barrier = threading.Barrier(3, timeout=20)
    real_lookup = resending.latest_request_for

    def lookup_then_wait(session, email):
        found = real_lookup(session, email)
        found.invitations  # noqa: B018 - loaded now, as each re-send saw it
        barrier.wait()
        return found

    monkeypatch.setattr(resending, "latest_request_for", lookup_then_wait)
    before = len(outbox(kind="invitation"))

    def resend():
        with app_session(app) as session:
            return resending.resend_for_address(session, ANA)

    results = _run_together(resend, resend, resend)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results).count(resending.INVITATION) == 1
    assert len(outbox(kind="invitation")) == before + 1
    with app_session(app) as session:
        links = session.scalars(select(Invitation).where(Invitation.request_id == request_id))
        assert len(links.all()) == 2  # the first one still works: nothing revoked


@pytest.mark.parametrize("round_", range(5))
def test_approve_racing_decline_sends_exactly_one_outcome_email(app, outbox, round_):
    request_id = _in_review(app)
    barrier = threading.Barrier(2, timeout=20)

    def decide(action):
        def run():
            with app_session(app) as session:
                request = session.get(MembershipRequest, request_id)
                reason = session.scalar(select(DeclineReason))
                barrier.wait()
                if action == "approve":
                    return reviews.approve(session, request, "a@example-app.com")
                return reviews.decline(session, request, "b@example-app.com", reason)

        return run

    results = _run_together(decide("approve"), decide("decline"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.done for r in results) == [False, True]
    [loser] = [r for r in results if not r.done]
    assert "changed meanwhile" in loser.message
    outcomes = outbox(kind="invitation") + outbox(kind="declined")
    assert len(outcomes) == 1
    with app_session(app) as session:
        state = session.get(MembershipRequest, request_id).state
        kinds = [
            e.kind for e in session.scalars(select(Event).where(Event.request_id == request_id))
        ]
    assert (state, outcomes[0].kind) in {("invited", "invitation"), ("declined", "declined")}
    assert kinds.count("invited") + kinds.count("declined") == 1


@pytest.mark.parametrize("round_", range(3))
def test_accept_racing_decline_ends_in_one_state_and_never_a_500(
    app, make_account, monkeypatch, outbox, round_
):
    make_account("myshop", "active", [ANA])
    with app_session(app) as session:
        request = create_and_screen_request(session, name="Ana Lima", email=ANA).request
        session.add(DeclineReason(title="No account", body="No paying account."))
        request_id = request.id
    token = outbox(kind="invitation")[0].body_text.split("/invite/")[1].split()[0]
    barrier = threading.Barrier(2, timeout=20)
    armed = threading.local()
    real_find = invitations.find_invitation

    def find_then_wait(session, token, now=None):
        found = real_find(session, token, now)
        if getattr(armed, "on", False):
            armed.on = False
            found.invitation.request.version  # noqa: B018 - as the accepting request saw it
            barrier.wait()
        return found

    monkeypatch.setattr(invitations, "find_invitation", find_then_wait)

    def accept():
        client = app.test_client()
        page = client.get(f"/invite/{token}").get_data(as_text=True)
        armed.on = True
        return client.post(f"/invite/{token}", data={"csrf_token": csrf_token_from(page)})

    def decline():
        with app_session(app) as session:
            request = session.get(MembershipRequest, request_id)
            reason = session.scalar(select(DeclineReason))
            barrier.wait()
            return reviews.decline(session, request, "b@example-app.com", reason)

    response, declined = _run_together(accept, decline)
    assert not isinstance(response, Exception) and not isinstance(declined, Exception)
    assert response.status_code in (303, 409, 410)
    with app_session(app) as session:
        state = session.get(MembershipRequest, request_id).state
    if state == RequestState.JOINED:
        assert response.status_code == 303 and not declined.done
        assert len(outbox(kind="welcome")) == 1 and outbox(kind="declined") == []
    else:
        assert state == RequestState.DECLINED and declined.done
        assert response.status_code in (409, 410)
        assert outbox(kind="welcome") == [] and len(outbox(kind="declined")) == 1
