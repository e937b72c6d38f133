"""services.membership.status_view: the status page as plain data, without HTTP."""

from datetime import timedelta

from services.membership.status_view import CURRENT, DONE, UPCOMING, build_status_view
from tests.support.builders import build_request


def test_in_review_is_due_and_becomes_overdue_the_day_after(use_session):
    with use_session() as session:
        request = build_request(session, "in_review", email="ana@shop.example")
        due = request.due_on
        on_time = build_status_view(request, today=due)
        late = build_status_view(request, today=due + timedelta(days=1))
    assert on_time.due_text.startswith("by ") and not on_time.overdue
    assert late.overdue and "chase" in late.actions
    assert [s.status for s in on_time.steps] == [DONE, DONE, CURRENT, UPCOMING, UPCOMING]


def test_a_request_still_being_checked(use_session):
    from services.events import record_event

    with use_session() as session:
        request = build_request(
            session, "submitted", quiet=True, name="Ana", email="ana@shop.example",
            reference="LB-2222AA", review_started_at=None, due_on=None,
        )
        record_event(session, request, "submitted", "requester")
        session.flush()
        view = build_status_view(request)
    assert [s.key for s in view.steps] == ["submitted", "checked", "invited", "joined"]
    assert [s.status for s in view.steps] == [CURRENT, UPCOMING, UPCOMING, UPCOMING]


def test_the_invited_step_carries_the_date_of_the_latest_invitation(use_session):
    from services.membership.invitations import issue_invitation

    with use_session() as session:
        request = build_request(session, "invited", email="ana@shop.example")
        first_invited = [e for e in request.events if e.kind == "invited"][0]
        first_invited.created_at -= timedelta(days=30)
        issue_invitation(session, request)
        session.flush()
        view = build_status_view(request)
    invited = next(s for s in view.steps if s.key == "invited")
    submitted = next(s for s in view.steps if s.key == "submitted")
    assert invited.date_text == submitted.date_text  # today, not 30 days ago


def test_actions_fit_the_state(use_session):
    expected = {
        "invited": {"resend"},
        "expired": {"resend"},
        "joined": {"login_help"},
        "declined": {"reply"},
        "withdrawn": {"join_again"},
        "in_review": set(),
    }
    with use_session() as session:
        for state, actions in expected.items():
            request = build_request(session, state, email=f"{state}@shop.example")
            view = build_status_view(request)
            assert view.actions == actions, state
            assert view.masked_email == f"{state[0]}***@shop.example"
