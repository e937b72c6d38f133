"""`data purge` forgets every kind of personal data past the period; opt-outs still hold."""

from datetime import timedelta

from sqlalchemy import select, update

from clock import utcnow
from models import (
    Base,
    DeclineReason,
    Event,
    FaqVote,
    InvitationOptOut,
    MembershipRequest,
    OutboxEmail,
    OutboxStatus,
    RequestState,
)
from services.content import faq_votes
from services.membership import reviews
from services.membership.opt_outs import opt_out, opted_out_among
from services.reports import intake as reports
from services.staff.sign_in import authenticate
from tests.support.builders import add_decline_reason, build_request
from tests.support.database import app_session

STAFF = "reviewer@example-app.com"
PEOPLE = {
    "expired": ("Eli Expired", "eli@expired.example"),
    "in_review": ("Uma Undecided", "uma@undecided.example"),
    "declined": ("Dee Declined", "dee@declined.example"),
    "withdrawn": ("Walt Withdrawn", "walt@withdrawn.example"),
    "invited": ("Ivy Invited", "ivy@invited.example"),  # approved long ago, still invited
}
SECRET_WORDS = ["He insulted me by name", "https://community.example/p/9", "We removed it, Ann"]


def _seed_every_kind(app, use_session):
    ids = {}
    with app_session(app) as session:
        for state, (name, email) in PEOPLE.items():
            ids[state] = build_request(
                session,
                "in_review" if state in ("invited", "declined") else state,
                email=email,
                name=name,
            ).id
    reason_id = add_decline_reason(use_session, body="No paying account.")
    with app_session(app) as session:
        reviews.approve(session, session.get(MembershipRequest, ids["invited"]), STAFF)
        declined = session.get(MembershipRequest, ids["declined"])
        reviews.decline(session, declined, STAFF, session.get(DeclineReason, reason_id), "Ann's")
        opt_out(session, session.get(MembershipRequest, ids["withdrawn"]))
        faq_votes.record_vote(session, "join", "v" * 32, False)
        faq_votes.add_comment(session, "join", "v" * 32, "Ann Example here, call 555-0100")
        code = reports.submit_report(session, SECRET_WORDS[1], "kind", SECRET_WORDS[0])
        reports.close_report(session, reports.find_report(session, code), SECRET_WORDS[2])
        authenticate(session, STAFF, "a wrong password", client="203.0.113.9")
        # An email of the declined request a sender had claimed and never finished.
        session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.request_id == ids["declined"])
            .values(status=OutboxStatus.SENDING)
        )
    # Everything happened 40 days ago.
    long_ago = utcnow() - timedelta(days=40)
    with app_session(app) as session:
        for model, columns in _dated_columns().items():
            values = {c: long_ago for c in columns}
            session.execute(update(model).values(**values))
        session.execute(update(Event).values(created_at=long_ago))
    return ids


def _dated_columns():
    from models import Invitation, Report, SignInThrottle

    return {
        MembershipRequest: ["created_at", "updated_at", "decided_at"],
        OutboxEmail: ["created_at"],
        InvitationOptOut: ["created_at"],
        FaqVote: ["created_at"],
        Report: ["created_at", "closed_at"],
        SignInThrottle: ["last_failed_at"],
        Invitation: ["created_at"],
    }


def _all_text(session):
    """Every text value in every table, as one string."""
    values = []
    for table in Base.metadata.sorted_tables:
        if table.name in ("account", "account_user", "staff_user", "decline_reason"):
            continue  # business records and staff accounts, not personal data past use
        for row in session.execute(select(table)):
            values.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(values)


def test_the_purge_leaves_no_personal_data_of_any_kind_past_the_period(app, runner, use_session):
    ids = _seed_every_kind(app, use_session)
    with use_session() as session:
        before = _all_text(session)
    for _name, email in PEOPLE.values():
        assert email in before
    assert STAFF in before and "555-0100" in before

    dry = runner.invoke(args=["data", "purge", "--older-than", "30", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    kinds = {
        line.strip().split("  ", 1)[1]: int(line.split()[0]) for line in dry.output.splitlines()[1:]
    }
    assert kinds["undecided requests closed as expired"] == 1
    assert kinds["requests anonymised"] == 4  # expired, undecided, declined, withdrawn
    assert kinds["opt-outs reduced to a keyed hash"] == 1
    assert kinds["vote comments removed"] == 1 and kinds["closed reports emptied"] == 1
    assert kinds["staff addresses removed from decisions"] >= 1
    assert kinds["old failed sign-ins forgotten"] == 1
    with use_session() as session:
        assert _all_text(session) == before  # a dry run changes nothing

    result = runner.invoke(args=["data", "purge", "--older-than", "30"])
    assert result.exit_code == 0, result.output
    with use_session() as session:
        after = _all_text(session)
        for name, email in PEOPLE.values():
            if name != "Ivy Invited":  # her request is still live: she may still join
                assert name not in after and email not in after
        assert STAFF not in after and "555-0100" not in after
        for words in SECRET_WORDS:
            assert words not in after
        # The opt-out still holds through its keyed hash.
        assert opted_out_among(session, ["walt@withdrawn.example"]) == {"walt@withdrawn.example"}
        undecided = session.get(MembershipRequest, ids["in_review"])
        assert undecided.state == RequestState.EXPIRED and undecided.purged_at is not None
        assert (
            session.scalars(
                select(OutboxEmail).where(OutboxEmail.request_id == ids["declined"])
            ).all()
            == []
        )
