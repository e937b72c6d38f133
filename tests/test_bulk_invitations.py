"""`invitations send-new`: every new user of a paying account is invited once, unasked."""

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from clock import utcnow
from models import (
    Account,
    AccountUser,
    Event,
    InvitationOptOut,
    MembershipRequest,
    OutboxEmail,
    RequestSource,
    RequestState,
)
from services.events import REQUESTER
from services.membership import bulk_invitations
from services.membership.bulk_invitations import Candidate, count_waiting, invite_address, send_new
from services.membership.request_states import move_request

PAYING = {"ana@myshop.example", "ben@myshop.example", "carla@northwind.example"}


@pytest.fixture
def accounts(make_account):
    """Two paying accounts, a trial and a cancelled one; Ana is a user of two accounts."""
    make_account("myshop", "active", ["Ana@MyShop.example", "ben@myshop.example"])
    make_account("northwind", "past_due", ["carla@northwind.example"])
    make_account("bluebird", "trial", ["dev@bluebird.example", "ana@myshop.example"])
    make_account("oldco", "cancelled", ["eve@oldco.example"])


def _invited_addresses(outbox):
    return sorted(e.to_addr.lower() for e in outbox(kind="invitation"))


def _requests(use_session):
    with use_session() as session:
        return list(session.scalars(select(MembershipRequest).order_by(MembershipRequest.id)))


def test_send_new_twice_invites_each_paying_address_exactly_once(runner, accounts, outbox):
    first = runner.invoke(args=["invitations", "send-new"])
    assert first.exit_code == 0, first.output
    assert "Invited 3. Skipped: 0 already known, 2 not on a paying account, 0 opted out." in (
        first.output
    )
    second = runner.invoke(args=["invitations", "send-new"])
    assert "Invited 0. Skipped: 3 already known, 2 not on a paying account" in second.output
    assert _invited_addresses(outbox) == sorted(PAYING)


def test_an_imported_request_is_invited_by_the_system_with_source_import(
    app, accounts, use_session, outbox
):
    send_new(app)
    with use_session() as session:
        request = session.scalar(
            select(MembershipRequest).where(MembershipRequest.email_normalized == "ana@myshop.example")
        )
        kinds = [(e.kind, e.actor) for e in request.events]
        invited = next(e for e in request.events if e.kind == "invited")
        assert request.source == RequestSource.IMPORT
        assert request.state == RequestState.INVITED
        assert request.email == "Ana@MyShop.example"  # as given in the account record
        assert request.reference.startswith("LB-")
        assert len(request.invitations) == 1
    assert kinds == [("invited", "system"), ("email_sent", "system")]
    assert json.loads(invited.detail)["source"] == "import"
    [email] = outbox(kind="invitation", to="Ana@MyShop.example")
    assert email.body_text.startswith("Hi there,")


def test_an_address_with_a_request_in_any_state_is_known_and_skipped(
    app, accounts, make_request, use_session, outbox
):
    request_id = make_request(email="ben@myshop.example")  # invited through the join form
    with use_session() as session:
        # Withdrawn through the state machine alone, so no opt-out row skips Ben instead.
        request = session.get(MembershipRequest, request_id)
        move_request(session, request, RequestState.WITHDRAWN, REQUESTER, seen_state=request.state)
    summary = send_new(app)
    assert (summary.invited, summary.skipped_known) == (2, 1)
    assert len(outbox(kind="invitation", to="ben@myshop.example")) == 1


def test_an_interrupted_run_resumes_without_inviting_anyone_twice(
    app, make_account, monkeypatch, outbox
):
    emails = [f"user{n}@myshop.example" for n in range(5)]
    make_account("myshop", "active", emails)
    real_batch = bulk_invitations._invite_batch
    calls = []

    def crash_after_the_first_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real_batch(*args, **kwargs)

    monkeypatch.setattr(bulk_invitations, "_invite_batch", crash_after_the_first_batch)
    with pytest.raises(RuntimeError, match="power cut"):
        send_new(app, batch_size=2)
    assert _invited_addresses(outbox) == emails[:2]  # the first batch was committed

    monkeypatch.setattr(bulk_invitations, "_invite_batch", real_batch)
    summary = send_new(app, batch_size=2)
    assert (summary.invited, summary.skipped_known) == (3, 2)
    assert _invited_addresses(outbox) == emails


def test_opted_out_addresses_are_never_invited(runner, accounts, use_session, outbox):
    with use_session() as session:
        session.add(InvitationOptOut(email_normalized="ben@myshop.example"))
    result = runner.invoke(args=["invitations", "send-new"])
    assert "Invited 2." in result.output and "1 opted out" in result.output
    assert outbox(to="ben@myshop.example") == []


def test_dry_run_lists_who_would_be_invited_and_sends_nothing(runner, accounts, outbox, use_session):
    result = runner.invoke(args=["invitations", "send-new", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would invite 3 address(es):" in result.output
    for email in ("Ana@MyShop.example", "ben@myshop.example", "carla@northwind.example"):
        assert f"  {email}\n" in result.output
    assert "dev@bluebird.example" not in result.output
    assert "Dry run, nothing sent." in result.output
    assert outbox() == [] and _requests(use_session) == []


def test_limit_caps_the_invitations_and_a_later_run_does_the_rest(runner, accounts, outbox):
    result = runner.invoke(args=["invitations", "send-new", "--limit", "2", "--batch-size", "1"])
    assert "Invited 2." in result.output
    assert len(outbox(kind="invitation")) == 2
    runner.invoke(args=["invitations", "send-new"])
    assert _invited_addresses(outbox) == sorted(PAYING)


def test_dry_run_with_limit_lists_at_most_that_many(app, accounts):
    summary = send_new(app, dry_run=True, limit=1)
    assert summary.would_invite == ["Ana@MyShop.example"]


def test_since_only_takes_users_added_on_or_after_the_date(runner, accounts, use_session, outbox):
    with use_session() as session:
        session.execute(
            update(AccountUser)
            .where(AccountUser.email_normalized != "carla@northwind.example")
            .values(created_at=utcnow() - timedelta(days=30))
        )
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    result = runner.invoke(args=["invitations", "send-new", "--since", since])
    assert "Invited 1." in result.output, result.output
    assert _invited_addresses(outbox) == ["carla@northwind.example"]


def test_since_must_be_a_date(runner):
    result = runner.invoke(args=["invitations", "send-new", "--since", "last week"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output or "%Y-%m-%d" in result.output


def test_import_invite_new_invites_only_the_added_addresses(runner, tmp_path, make_account, outbox):
    make_account("myshop", "active", ["ana@myshop.example"])  # there before, not invited
    path = tmp_path / "accounts.csv"
    path.write_text(
        "subdomain,account_name,status,email\n"
        "myshop,Myshop,active,ana@myshop.example\n"
        "myshop,Myshop,active,ben@myshop.example\n"
        "bluebird,Bluebird,trial,dev@bluebird.example\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["accounts", "import", str(path), "--invite-new"])
    assert result.exit_code == 0, result.output
    assert "2 user(s) added" in result.output
    assert "Invited 1. Skipped: 0 already known, 1 not on a paying account" in result.output
    assert _invited_addresses(outbox) == ["ben@myshop.example"]


def test_import_without_invite_new_invites_nobody(runner, tmp_path, outbox):
    path = tmp_path / "accounts.csv"
    path.write_text(
        "subdomain,account_name,status,email\nmyshop,Myshop,active,ben@myshop.example\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["accounts", "import", str(path)])
    assert result.exit_code == 0 and "Invited" not in result.output
    assert outbox() == []


def test_count_waiting_counts_paying_addresses_never_asked_or_opted_out(
    app, accounts, make_request, use_session
):
    with use_session() as session:
        assert count_waiting(session) == 3
    make_request(email="ana@myshop.example")
    with use_session() as session:
        session.add(InvitationOptOut(email_normalized="ben@myshop.example"))
    with use_session() as session:
        assert count_waiting(session) == 1


def test_a_request_that_appears_mid_run_wins_and_is_not_duplicated(
    app, accounts, make_request, use_session, outbox
):
    request_id = make_request(email="ana@myshop.example")
    with use_session() as session:
        candidate = Candidate("ana@myshop.example", "ana@myshop.example", paying=True)
        assert invite_address(session, candidate) is False
    with use_session() as session:
        count = session.scalar(select(func.count()).select_from(MembershipRequest))
        assert count == 1 and session.get(MembershipRequest, request_id).source == "web"
    assert len(outbox(kind="invitation")) == 1


def test_a_colliding_reference_is_drawn_again(app, accounts, make_request, monkeypatch, use_session):
    request_id = make_request(email="carla@northwind.example")
    with use_session() as session:
        taken = session.get(MembershipRequest, request_id).reference
    draws = iter([taken, "LB-ZZZZZZ"])
    monkeypatch.setattr(bulk_invitations, "new_reference", lambda: next(draws))
    with use_session() as session:
        candidate = Candidate("ben@myshop.example", "ben@myshop.example", paying=True)
        assert invite_address(session, candidate) is True
    with use_session() as session:
        refs = set(session.scalars(select(MembershipRequest.reference)))
    assert refs == {taken, "LB-ZZZZZZ"}


def _bulk_insert_users(use_session, paying_accounts, users_per_account, trial_accounts):
    now = utcnow()
    with use_session() as session:
        accounts = [
            {"subdomain": f"shop{n:05d}", "name": f"Shop {n}", "status": "active",
             "created_at": now, "updated_at": now}
            for n in range(paying_accounts)
        ] + [
            {"subdomain": f"trial{n:05d}", "name": f"Trial {n}", "status": "trial",
             "created_at": now, "updated_at": now}
            for n in range(trial_accounts)
        ]
        session.execute(insert(Account), accounts)
        ids = dict(session.execute(select(Account.subdomain, Account.id)).all())
        users = [
            {"account_id": ids[a["subdomain"]], "email": f"user{u}@{a['subdomain']}.example",
             "email_normalized": f"user{u}@{a['subdomain']}.example", "created_at": now}
            for a in accounts
            for u in range(users_per_account)
        ]
        session.execute(insert(AccountUser), users)


def test_five_thousand_imported_users_are_each_invited_once(app, use_session, capsys):
    _bulk_insert_users(use_session, paying_accounts=1000, users_per_account=5, trial_accounts=20)
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = send_new(app)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    with capsys.disabled():
        print(f"\n[send-new] 5,000 users invited in {elapsed:.1f} s ({cpu:.1f} s CPU)")
    assert (summary.invited, summary.skipped_not_paying) == (5000, 100)
    with use_session() as session:
        emails = session.scalar(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.kind == "invitation")
        )
        addresses = session.scalar(
            select(func.count(func.distinct(OutboxEmail.to_addr))).where(
                OutboxEmail.kind == "invitation"
            )
        )
        events = session.scalar(
            select(func.count()).select_from(Event).where(Event.kind == "invited")
        )
    assert emails == addresses == events == 5000
    assert send_new(app).invited == 0  # and a second run finds nobody left
    # A generous bound: it takes a fraction of this; a regression to N+1 would not.
    assert elapsed < 120


def test_a_request_created_during_a_batch_falls_back_to_one_row_at_a_time(
    app, accounts, monkeypatch, outbox, use_session
):
    real_opted_out_among = bulk_invitations.opted_out_among

    def a_web_request_slips_in(session, emails):
        # Between the batch's look-up of known addresses and its insert.
        session.execute(
            insert(MembershipRequest).values(
                reference="LB-WEB222", name="Ben", email="ben@myshop.example",
                # Stored directly, as a concurrent web request's row lands mid-batch.
                email_normalized="ben@myshop.example", source="web", state="in_review",
                created_at=utcnow(), updated_at=utcnow(),
            )
        )
        return real_opted_out_among(session, emails)

    monkeypatch.setattr(bulk_invitations, "opted_out_among", a_web_request_slips_in)
    summary = send_new(app)
    assert (summary.invited, summary.skipped_known) == (2, 1)
    assert _invited_addresses(outbox) == ["ana@myshop.example", "carla@northwind.example"]
    with use_session() as session:
        ben = session.scalars(
            select(MembershipRequest).where(MembershipRequest.email_normalized == "ben@myshop.example")
        ).all()
    assert [r.reference for r in ben] == ["LB-WEB222"]
