"""A staff member clears the oldest overdue request in a real browser."""

from tests.support.browser import assert_accessible, assert_accessible_at_all_widths
from tests.support.builders import add_decline_reason, make_overdue
from tests.support.staff import STAFF_EMAIL, STAFF_PASSWORD, sign_in_in_browser


def test_staff_signs_in_and_approves_the_oldest_overdue_request(
    page, make_staff, make_request, use_session, outbox
):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    add_decline_reason(use_session)
    make_request(name="Newer Nia", email="nia@gmail.example")
    oldest = make_request(name="Hana Ito", email="hana@gmail.example", subdomain="myshop")
    make_overdue(use_session, oldest, days=9)
    middle = make_request(name="Middle Max", email="max@gmail.example")
    make_overdue(use_session, middle, days=5)

    page.goto("/staff/")
    assert "/staff/login" in page.url
    assert_accessible_at_all_widths(page, "staff sign-in")
    sign_in_in_browser(page)

    assert page.get_by_role("heading", level=1).inner_text() == "Review queue"
    assert_accessible_at_all_widths(page, "review queue")
    rows = page.locator("table.staff-queue tbody tr")
    assert rows.count() == 3
    first = rows.first
    assert "Hana Ito" in first.inner_text() and "Overdue" in first.inner_text()
    first.get_by_role("link", name="Hana Ito").click()

    assert page.url.endswith(f"/staff/requests/{oldest}")
    assert_accessible_at_all_widths(page, "request page")
    page.get_by_role("button", name="Approve and send the invitation").click()
    assert "the invitation is on its way" in page.locator(".flash").inner_text()
    assert page.get_by_text("Re-send the invitation").count() == 1

    [invitation] = outbox(kind="invitation")
    assert invitation.to_addr == "hana@gmail.example"
    assert page.console_errors == []


def test_staff_sign_in_failure_is_announced_accessibly(page, make_staff):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    page.goto("/staff/login")
    page.get_by_label("Email address").fill("nobody@example-app.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert "don't match an active staff account" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "failed sign-in")


def test_every_console_page_is_accessible(page, make_staff, make_account, use_session):
    from models import FaqVote, OutboxEmail, OutboxStatus, Report

    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    make_account("myshop", emails=["ana@myshop.example"])
    reason_id = add_decline_reason(use_session)
    with use_session() as session:
        session.add(
            OutboxEmail(
                kind="invitation",
                to_addr="ana@myshop.example",
                subject="Your invitation",
                body_text="t",
                body_html="h",
                status=OutboxStatus.DEAD,
                attempts=8,
                last_error="TimeoutError: timed out",
            )
        )
        session.add(
            FaqVote(slug="invitation-missing", helpful=False, comment="Vague", voter_key="k")
        )
        session.add(
            Report(
                code_hash="h",
                post_url="https://community.example-app.com/p/1",
                guideline="be-kind",
                description="Rude reply.",
            )
        )
    page.goto("/staff/login")
    sign_in_in_browser(page)
    for path in (
        "/staff/decline-reasons",
        f"/staff/decline-reasons/{reason_id}",
        "/staff/decline-reasons/new",
        "/staff/accounts?q=myshop",
        "/staff/outbox",
        "/staff/answers",
        "/staff/reports",
        "/staff/invitations",
        "/staff/people",
        "/staff/audit",
        "/staff/sessions",
        "/staff/password",
    ):
        assert page.goto(path).status == 200
        assert_accessible_at_all_widths(page, path)

    # The CSV preview, with a bad row, in the browser.
    page.goto("/staff/accounts")
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "accounts.csv",
                "mimeType": "text/csv",
                "buffer": b"subdomain,account_name,status,email\nacme,Acme,active,a@acme.example\n"
                b"acme,Acme,gold,b@acme.example\n",
            }
        ]
    )
    page.get_by_role("button", name="Preview the import").click()
    assert "line 3:" in page.locator(".import-errors").inner_text()
    assert_accessible_at_all_widths(page, "import preview")
    assert page.console_errors == []
