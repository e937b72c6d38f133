"""`flask data purge`: ended requests lose personal data, anonymous counts stay."""

from datetime import timedelta

from sqlalchemy import func, select

from clock import utcnow
from models import (
    Event,
    MembershipRequest,
    OutboxEmail,
    OutboxStatus,
    Report,
    ReportStatus,
    RequestState,
)
from services.events import record_event
from services.jobs.retention import REMOVED


def _age(use_session, request_id, days, **values):
    """Set `values` on a request and make it last changed `days` ago."""
    with use_session() as session:
        request = session.get(MembershipRequest, request_id)
        for name, value in values.items():
            setattr(request, name, value)
        record_event(session, request, "matched", accounts=["secretshop"], to="ana@myshop.example")
        session.flush()
        request.updated_at = utcnow() - timedelta(days=days)


def counts_in(output):
    """{kind: count} from the lines `data purge` prints."""
    found = {}
    for line in output.splitlines()[1:]:
        count, kind = line.strip().split("  ", 1)
        found[kind] = int(count)
    return found


def _count(use_session, model, *where):
    with use_session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_purge_anonymises_old_ended_requests_and_keeps_the_counts(
    runner, make_request, use_session, get_row, outbox
):
    declined = make_request(
        RequestState.DECLINED, name="Ana Lima", email="ana@myshop.example", facebook_name="Ana L."
    )
    _age(use_session, declined, 400, subdomain="anashop", decline_note="Not a customer of ours")
    joined = make_request(RequestState.JOINED, name="Ben Stone", email="ben@acme.example")
    _age(use_session, joined, 400)
    withdrawn = make_request(RequestState.WITHDRAWN, name="Cleo Park", email="cleo@park.example")
    _age(use_session, withdrawn, 400)
    recent = make_request(RequestState.DECLINED, name="Dan Recent", email="dan@recent.example")
    _age(use_session, recent, 10)
    still_open = make_request(RequestState.IN_REVIEW, name="Eve Open", email="eve@open.example")
    _age(use_session, still_open, 10)
    events_before = _count(use_session, Event)
    assert outbox(to="ana@myshop.example")

    result = runner.invoke(args=["data", "purge", "--older-than", "365"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Purged:")
    assert counts_in(result.output)["requests anonymised"] == 3

    row = get_row(MembershipRequest, declined)
    assert (row.name, row.email, row.email_normalized) == (REMOVED, REMOVED, REMOVED)
    assert row.facebook_name is None and row.subdomain is None and row.decline_note is None
    assert row.purged_at is not None
    assert row.state == RequestState.DECLINED and row.source == "web"
    assert row.created_at is not None and row.decided_at is not None and row.reference
    for request_id in (joined, withdrawn):
        assert get_row(MembershipRequest, request_id).email == REMOVED
    for request_id, email in ((recent, "dan@recent.example"), (still_open, "eve@open.example")):
        kept = get_row(MembershipRequest, request_id)
        assert kept.email == email and kept.purged_at is None

    # Counts stay: every event is still there, but without personal detail.
    assert _count(use_session, Event) == events_before
    with use_session() as session:
        details = session.scalars(
            select(Event.detail).where(Event.request_id.in_([declined, joined, withdrawn]))
        )
        text = " ".join(d or "" for d in details)
    assert "@" not in text and "secretshop" not in text
    assert '"source": "web"' in text  # what happened is kept
    # Their emails are gone; the others' stay.
    assert not outbox(to="ana@myshop.example") and not outbox(to="ben@acme.example")
    assert outbox(to="dan@recent.example") and outbox(to="eve@open.example")


def test_purge_empties_old_closed_reports_and_deletes_old_sent_emails(runner, use_session):
    long_ago = utcnow() - timedelta(days=100)
    with use_session() as session:
        for code, status, closed_at in (
            ("a", ReportStatus.CLOSED, long_ago),
            ("b", ReportStatus.CLOSED, utcnow()),
            ("c", ReportStatus.OPEN, None),
        ):
            session.add(Report(
                code_hash=code * 64, post_url="https://community.example/p/1", guideline="kind",
                description="He wrote my name", status=status, created_at=long_ago,
                closed_at=closed_at,
            ))
        for status, sent_at in ((OutboxStatus.SENT, long_ago), (OutboxStatus.SENT, utcnow()),
                                (OutboxStatus.DEAD, None)):
            session.add(OutboxEmail(
                kind="welcome", to_addr="x@y.example", subject="s", body_text="t",
                body_html="h", status=status, sent_at=sent_at, created_at=long_ago,
            ))

    result = runner.invoke(args=["data", "purge", "--older-than", "30"])
    assert result.exit_code == 0, result.output
    counts = counts_in(result.output)
    assert counts["closed reports emptied"] == 1 and counts["older emails deleted"] == 3
    with use_session() as session:
        reports = {r.code_hash[0]: r for r in session.scalars(select(Report))}
        assert reports["a"].description == "" and reports["a"].post_url == ""
        assert reports["b"].description and reports["c"].post_url
    assert _count(use_session, OutboxEmail) == 0  # every email made before the period


def test_dry_run_changes_nothing_and_a_second_purge_finds_nothing(
    runner, make_request, use_session, get_row
):
    request_id = make_request(RequestState.JOINED)
    _age(use_session, request_id, 50)
    result = runner.invoke(args=["data", "purge", "--older-than", "30", "--dry-run"])
    assert result.output.startswith("Dry run, nothing changed. Would purge:")
    assert counts_in(result.output)["requests anonymised"] == 1
    assert get_row(MembershipRequest, request_id).email == "ana@myshop.example"
    runner.invoke(args=["data", "purge", "--older-than", "30"])
    again = runner.invoke(args=["data", "purge", "--older-than", "30"])
    assert set(counts_in(again.output).values()) == {0}


def test_purge_needs_a_number_of_days(runner):
    assert runner.invoke(args=["data", "purge"]).exit_code != 0
    assert runner.invoke(args=["data", "purge", "--older-than", "-1"]).exit_code != 0
