"""The console's other pages: accounts (search, CSV import), outbox, answers, reports."""

import io
from datetime import timedelta

from sqlalchemy import func, select

from clock import utcnow
from models import Account, FaqVote, OutboxEmail, OutboxStatus, Report, ReportStatus
from tests.support.forms import csrf_token_from
from tests.support.staff import csrf, sign_in, staff_post
from tests.support.worker import run_worker_pass

GOOD_CSV = (
    "subdomain,account_name,status,email\n"
    "acme,Acme Inc,active,ana@acme.example\n"
    "acme,Acme Inc,active,ben@acme.example\n"
)
BAD_CSV = (
    "subdomain,account_name,status,email\n"
    "acme,Acme Inc,active,ana@acme.example\n"
    "Bad Sub!,Bad,active,x@bad.example\n"
    "zeta,Zeta,gold,zed@zeta.example\n"
)


def account_count(use_session):
    with use_session() as session:
        return session.scalar(select(func.count(Account.id)))


def upload(client, text, filename="accounts.csv"):
    return client.post(
        "/staff/accounts/preview",
        data={
            "csrf_token": csrf(client, "/staff/accounts"),
            "csv_file": (io.BytesIO(text.encode("utf-8")), filename),
        },
        content_type="multipart/form-data",
    )


def confirm(client, preview_html, **extra):
    token = csrf_token_from(preview_html)
    upload_value = preview_html.split('name="upload" type="hidden" value="')[1].split('"')[0]
    return client.post(
        "/staff/accounts/import", data={"csrf_token": token, "upload": upload_value, **extra}
    )


def test_account_search_by_subdomain_name_or_email(client, make_staff, make_account):
    make_account("myshop", emails=["ana@myshop.example"], name="My Shop Ltd")
    make_account("northwind", emails=["carla@northwind.example"])
    sign_in(client, make_staff)
    assert "My Shop Ltd" in client.get("/staff/accounts?q=shop").get_data(as_text=True)
    by_email = client.get("/staff/accounts?q=Carla@Northwind.example").get_data(as_text=True)
    assert "northwind" in by_email and "My Shop Ltd" not in by_email
    assert "0 accounts found" in client.get("/staff/accounts?q=nothing").get_data(as_text=True)


def test_csv_preview_lists_bad_rows_by_line_and_imports_nothing(client, make_staff, use_session):
    sign_in(client, make_staff)
    preview = upload(client, BAD_CSV)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "line 3: “Bad Sub!” is not a valid subdomain" in html
    assert "line 4: “gold” is not a status" in html
    assert "1 good row for 1 account" in html
    assert account_count(use_session) == 0

    # Confirming without "skip the bad ones" still imports nothing.
    refused = confirm(client, html)
    assert refused.status_code == 302
    assert "Nothing imported" in client.get(refused.location).get_data(as_text=True)
    assert account_count(use_session) == 0

    imported = confirm(client, html, skip_bad_rows="y")
    assert "2 bad row(s) skipped" in client.get(imported.location).get_data(as_text=True)
    assert account_count(use_session) == 1


def test_csv_import_after_preview_and_idempotent(client, make_staff, use_session):
    sign_in(client, make_staff)
    html = upload(client, GOOD_CSV).get_data(as_text=True)
    assert "Import 2 rows" in html and "Bad rows" not in html
    assert account_count(use_session) == 0
    done = confirm(client, html)
    assert "1 account(s) created, 0 updated, 2 user(s) added" in client.get(done.location).get_data(
        as_text=True
    )
    again = confirm(client, html)
    assert "0 account(s) created, 0 updated, 0 user(s) added" in client.get(
        again.location
    ).get_data(as_text=True)
    assert account_count(use_session) == 1


def test_csv_confirm_refuses_a_changed_upload(client, make_staff, use_session):
    sign_in(client, make_staff)
    response = client.post(
        "/staff/accounts/import",
        data={"csrf_token": csrf(client, "/staff/accounts"), "upload": "forged.value.here"},
    )
    assert "upload the file again" in client.get(response.location).get_data(as_text=True)
    assert account_count(use_session) == 0


def test_csv_upload_errors(client, make_staff):
    sign_in(client, make_staff)
    missing = client.post(
        "/staff/accounts/preview", data={"csrf_token": csrf(client, "/staff/accounts")}
    )
    assert missing.status_code == 400
    assert "Choose a CSV file to upload." in missing.get_data(as_text=True)
    binary = client.post(
        "/staff/accounts/preview",
        data={
            "csrf_token": csrf(client, "/staff/accounts"),
            "csv_file": (io.BytesIO(b"\xff\xfe\x00bad"), "a.csv"),
        },
        content_type="multipart/form-data",
    )
    assert binary.status_code == 400
    assert "isn&#39;t UTF-8 text" in binary.get_data(as_text=True)


def _email(session, status, error=None, kind="invitation"):
    row = OutboxEmail(
        kind=kind,
        to_addr="ana@myshop.example",
        subject=f"A {status} email",
        body_text="t",
        body_html="h",
        status=status,
        attempts=3 if error else 0,
        last_error=error,
    )
    session.add(row)
    session.flush()
    return row.id


def test_outbox_lists_unsent_emails_with_errors(client, make_staff, use_session):
    with use_session() as session:
        _email(session, OutboxStatus.FAILED, "ConnectionRefusedError: [Errno 111]")
        _email(session, OutboxStatus.DEAD, "SMTPRecipientsRefused: nope")
        _email(session, OutboxStatus.PENDING)
        _email(session, OutboxStatus.SENT)
    sign_in(client, make_staff)
    html = client.get("/staff/outbox").get_data(as_text=True)
    assert "ConnectionRefusedError: [Errno 111]" in html and "SMTPRecipientsRefused" in html
    assert "A pending email" in html and "A sent email" not in html
    assert html.count("Retry now") == 2


def test_outbox_retry_one_sends_it(client, make_staff, use_session, outbox):
    with use_session() as session:
        email_id = _email(session, OutboxStatus.DEAD, "TimeoutError")
    sign_in(client, make_staff)
    response = staff_post(client, f"/staff/outbox/{email_id}/retry", page="/staff/outbox")
    assert response.status_code == 302
    run_worker_pass(client.application)  # the worker delivers it (file backend)
    [email] = outbox()
    assert email.status == OutboxStatus.SENT
    again = staff_post(client, f"/staff/outbox/{email_id}/retry", page="/staff/outbox")
    assert "nothing to retry" in client.get(again.location).get_data(as_text=True)


def test_outbox_retry_all(client, make_staff, use_session, outbox):
    with use_session() as session:
        _email(session, OutboxStatus.DEAD, "TimeoutError")
        _email(session, OutboxStatus.FAILED, "TimeoutError")
        _email(session, OutboxStatus.PENDING)
    sign_in(client, make_staff)
    response = staff_post(client, "/staff/outbox/retry-all", page="/staff/outbox")
    run_worker_pass(client.application)
    assert "2 email(s) back in the queue" in client.get(response.location).get_data(as_text=True)
    statuses = sorted(email.status for email in outbox())
    assert statuses == ["sent", "sent", "sent"]  # the worker sends the pending one too


def _votes(session, slug, yes, no, comments=()):
    n = 0
    for helpful, count in ((True, yes), (False, no)):
        for _ in range(count):
            n += 1
            session.add(FaqVote(slug=slug, helpful=helpful, voter_key=f"{slug}-{n}"))
    for age, comment in enumerate(comments):
        n += 1
        session.add(
            FaqVote(
                slug=slug,
                helpful=False,
                comment=comment,
                voter_key=f"{slug}-c{n}",
                created_at=utcnow() - timedelta(hours=age),
            )
        )


def test_answers_worst_first_with_latest_no_comments(client, make_staff, use_session):
    with use_session() as session:
        _votes(session, "good-answer", yes=9, no=1)
        _votes(session, "bad-answer", yes=1, no=1, comments=["newest", "newer", "older", "oldest"])
        _votes(session, "middling", yes=1, no=1)
    sign_in(client, make_staff)
    html = client.get("/staff/answers").get_data(as_text=True)
    # bad-answer: 1 yes of 6 (17%); middling 50%; good-answer 90%.
    assert html.index("bad-answer") < html.index("middling") < html.index("good-answer")
    assert "17%" in html and "90%" in html
    assert "newest" in html and "newer" in html and "older" in html and "oldest" not in html


def test_answers_use_titles_from_the_content_index(app, client, make_staff, use_session):
    class Page:
        title = "Why didn't my invitation arrive?"

    class Index:
        faq = {"invitation-missing": Page()}

    app.extensions["lobby_content"] = Index()
    with use_session() as session:
        _votes(session, "invitation-missing", yes=1, no=0)
        _votes(session, "gone-slug", yes=0, no=1)
    sign_in(client, make_staff)
    html = client.get("/staff/answers").get_data(as_text=True)
    assert "Why didn&#39;t my invitation arrive?" in html
    assert ">gone-slug</a>" in html


def _report(session, **values):
    values.setdefault("description", "Rude reply to a newcomer.")
    report = Report(
        code_hash=f"hash-{values['description']}",
        post_url="https://community.example-app.com/posts/42",
        guideline="be-kind",
        **values,
    )
    session.add(report)
    session.flush()
    return report.id


def test_reports_inbox_and_close_with_a_note(client, make_staff, use_session):
    with use_session() as session:
        report_id = _report(session)
        _report(
            session,
            description="Old one",
            status=ReportStatus.CLOSED,
            outcome_note="Removed.",
            closed_at=utcnow(),
        )
    sign_in(client, make_staff)
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "Rude reply to a newcomer." in html and "Old one" not in html
    assert 'href="/guidelines#be-kind"' in html
    assert "https://community.example-app.com/posts/42" in html
    assert "Open (1)" in html and "Closed (1)" in html

    url = f"/staff/reports/{report_id}/close"
    field = f"report-{report_id}-note"
    empty = staff_post(client, url, {field: ""}, page="/staff/reports")
    assert empty.status_code == 400
    assert "Write what happened" in empty.get_data(as_text=True)

    done = staff_post(client, url, {field: "We removed the post."}, page="/staff/reports")
    assert done.status_code == 302
    with use_session() as session:
        report = session.get(Report, report_id)
        assert report.status == ReportStatus.CLOSED
        assert report.outcome_note == "We removed the post."
        assert report.closed_at is not None
    closed = client.get("/staff/reports?status=closed").get_data(as_text=True)
    assert "We removed the post." in closed and "Removed." in closed
    assert client.post(url, data={"csrf_token": csrf(client)}).status_code == 400
