"""`invitations remind`: one reminder, never more, for an invitation nobody answered."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from clock import utcnow
from models import Invitation, InvitationOptOut, MembershipRequest, RequestState
from services.membership.bulk_invitations import send_new
from services.membership.invitations import accept_invitation, find_invitation, revoke_invitation
from services.membership.opt_outs import opt_out
from services.membership.screening import create_and_screen_request
from tests.support.builders import invitation_token


@pytest.fixture
def invited(app, make_account, use_session, outbox):
    """Ana and Ben invited by the bulk run eight days ago."""
    make_account("myshop", "active", ["ana@myshop.example", "ben@myshop.example"])
    send_new(app)
    _age_invitations(use_session, days=8)
    return {e.to_addr: invitation_token(e) for e in outbox(kind="invitation")}


def _age_invitations(use_session, days, email=None):
    with use_session() as session:
        query = update(Invitation).values(created_at=utcnow() - timedelta(days=days))
        if email:
            ids = select(MembershipRequest.id).where(MembershipRequest.email_normalized == email)
            query = query.where(Invitation.request_id.in_(ids))
        session.execute(query)


def _request_of(session, email):
    return session.scalar(
        select(MembershipRequest).where(MembershipRequest.email_normalized == email)
    )


def test_remind_sends_one_reminder_per_invitation_even_when_run_twice(runner, invited, outbox):
    first = runner.invoke(args=["invitations", "remind"])
    assert first.exit_code == 0, first.output
    assert "Sent 2 reminder(s)." in first.output
    assert "ana@myshop.example" in first.output and "LB-" in first.output
    second = runner.invoke(args=["invitations", "remind"])
    assert "Sent 0 reminder(s)." in second.output
    reminders = outbox(kind="invitation_reminder")
    assert sorted(e.to_addr for e in reminders) == ["ana@myshop.example", "ben@myshop.example"]
    assert "This is the only reminder we'll send." in reminders[0].body_text


def test_the_reminder_link_works_keeps_the_expiry_and_the_old_link_reads_revoked(
    runner, invited, outbox, use_session
):
    with use_session() as session:
        [first] = _request_of(session, "ana@myshop.example").invitations
        expires_at = first.expires_at
    runner.invoke(args=["invitations", "remind"])
    [reminder] = outbox(kind="invitation_reminder", to="ana@myshop.example")
    with use_session() as session:
        fresh = find_invitation(session, invitation_token(reminder))
        assert fresh.outcome == "ok"
        assert fresh.invitation.expires_at == expires_at
        assert fresh.invitation.reminder_sent_at is not None
        assert find_invitation(session, invited["ana@myshop.example"]).outcome == "revoked"
        kinds = [e.kind for e in _request_of(session, "ana@myshop.example").events]
    assert kinds[-3:] == ["invitation_revoked", "reminded", "email_sent"]


def test_no_reminder_before_the_configured_days(runner, invited, use_session, outbox):
    _age_invitations(use_session, days=6, email="ben@myshop.example")
    result = runner.invoke(args=["invitations", "remind"])
    assert "Sent 1 reminder(s)." in result.output
    assert outbox(kind="invitation_reminder", to="ben@myshop.example") == []


@pytest.mark.app_config(INVITE_REMINDER_DAYS=0)
def test_zero_days_switches_reminders_off(runner, invited, outbox):
    result = runner.invoke(args=["invitations", "remind"])
    assert "switched off" in result.output
    assert outbox(kind="invitation_reminder") == []


def test_answered_or_revoked_invitations_get_no_reminder(runner, invited, use_session, outbox):
    with use_session() as session:
        accept_invitation(session, invited["ana@myshop.example"])
        revoke_invitation(session, _request_of(session, "ben@myshop.example"), "staff@x.example")
    result = runner.invoke(args=["invitations", "remind"])
    assert "Sent 0 reminder(s)." in result.output
    assert outbox(kind="invitation_reminder") == []


def test_lapsed_invitations_get_no_reminder_before_the_expiry_job_runs(
    runner, invited, use_session, outbox
):
    with use_session() as session:
        session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    result = runner.invoke(args=["invitations", "remind"])
    assert "Sent 0 reminder(s)." in result.output
    assert outbox(kind="invitation_reminder") == []


def test_an_opted_out_address_is_never_reminded(runner, invited, use_session, outbox):
    with use_session() as session:
        session.add(InvitationOptOut(email_normalized="ben@myshop.example"))
    result = runner.invoke(args=["invitations", "remind"])
    assert "Sent 1 reminder(s)." in result.output
    assert outbox(kind="invitation_reminder", to="ben@myshop.example") == []


def test_who_opted_out_and_then_asked_to_join_is_invited_but_not_reminded(
    runner, invited, use_session, outbox
):
    with use_session() as session:
        opt_out(session, _request_of(session, "ben@myshop.example"))
    with use_session() as session:
        result = create_and_screen_request(session, name="Ben Ode", email="ben@myshop.example")
        assert result.created and result.request.state == RequestState.INVITED
    _age_invitations(use_session, days=8, email="ben@myshop.example")
    runner.invoke(args=["invitations", "remind"])
    assert outbox(kind="invitation_reminder", to="ben@myshop.example") == []
    assert len(outbox(kind="invitation", to="ben@myshop.example")) == 2


def test_two_overlapping_runs_cannot_both_remind_one_invitation(invited, use_session, outbox):
    from services.membership.invitation_reminders import _remind, due_reminder_ids

    with use_session() as session:
        ids = due_reminder_ids(session)  # both runs saw the same list
        now = utcnow()
        assert _remind(session, ids[0], now) is not None
        session.commit()
        assert _remind(session, ids[0], now) is None
    assert len(outbox(kind="invitation_reminder")) == 1
