"""A declined person replies by email; staff see it at the top of the queue and answer, threaded."""

import pytest
import requests

from models import MembershipRequest
from services.mail.outbox import build_message
from tests.support.browser import assert_accessible
from tests.support.builders import add_decline_reason, make_overdue
from tests.support.inbound import (
    INBOUND_CONFIG,
    PERSON,
    RAW_MAIL,
    first_email_to,
    inbound_rows,
    sample,
)
from tests.support.staff import STAFF_EMAIL, STAFF_PASSWORD, sign_in_in_browser


@pytest.mark.app_config(**INBOUND_CONFIG)
def test_declined_reply_goes_back_to_review_and_staff_answer_threaded(
    app, page, live_server, make_staff, make_request, use_session, outbox
):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    add_decline_reason(use_session)
    ben = make_request(name="Ben Ode", email=PERSON)
    waiting = make_request(name="Hana Ito", email="hana@gmail.example")
    make_overdue(use_session, waiting, days=9)  # due long before Ben

    page.goto("/staff/login")
    sign_in_in_browser(page)
    page.goto(f"/staff/requests/{ben}")
    page.get_by_label("Reason").select_option(label="No paying account found")
    page.get_by_role("button", name="Decline and email the reason").click()
    assert "we've emailed the reason" in page.locator(".flash").inner_text()

    # The person answers the decision from their mailbox; the mail service posts it to us.
    reply_to, declined_id = first_email_to(app, PERSON, kind="declined")
    response = requests.post(
        f"{live_server.url}/inbound/email",
        data=sample("gmail_reply", to=reply_to, in_reply_to=declined_id),
        headers=RAW_MAIL,
        timeout=30,
    )
    assert response.status_code == 200 and response.json()["status"] == "attached"

    page.goto("/staff/")
    first = page.locator("table.staff-queue tbody tr").first
    assert "Ben Ode" in first.inner_text() and "The person replied" in first.inner_text()
    first.get_by_role("link", name="Ben Ode").click()
    assert page.locator(".badge-state").inner_text().lower() == "in review"
    mail = page.locator(".staff-mail")
    assert "benshop subdomain every day" in mail.inner_text()
    assert "Thank you for asking" not in mail.inner_text()
    assert_accessible(page, "request with a reply")

    page.get_by_label("Your answer").fill("Thanks Ben, we found you under benshop. Invitation to follow.")
    page.get_by_role("button", name="Send the answer").click()
    assert "is on its way" in page.locator(".flash").inner_text()

    [answer] = outbox(kind="staff_answer")
    [reply] = inbound_rows(app)
    with app.app_context():
        headers = build_message(answer).extra_headers
    assert headers["In-Reply-To"] == reply.message_id
    assert headers["References"].split() == [declined_id, reply.message_id]
    assert answer.subject == f"Re: {reply.subject.removeprefix('Re: ')}"
    assert answer.reply_to == reply_to  # their next answer lands here again
    with use_session() as session:
        assert session.get(MembershipRequest, ben).state == "in_review"
    assert page.console_errors == []


@pytest.mark.app_config(**INBOUND_CONFIG)
def test_unmatched_mail_is_attached_by_reference(
    page, live_server, make_staff, make_request, use_session
):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    ben = make_request(name="Ben Ode", email=PERSON)
    with use_session() as session:
        reference = session.get(MembershipRequest, ben).reference
    response = requests.post(
        f"{live_server.url}/inbound/email", data=sample("no_match"),
        headers=RAW_MAIL,
        timeout=30,
    )
    assert response.json()["status"] == "unmatched"

    page.goto("/staff/login")
    sign_in_in_browser(page)
    page.get_by_role("link", name="Unmatched mail").click()
    assert "Is this the right place" in page.locator(".staff-mail").inner_text()
    assert_accessible(page, "unmatched mail")
    page.get_by_label("Reference of the request").fill("LB-NOSUCH")
    page.get_by_role("button", name="Attach to this request").click()
    assert "No request has that reference." in page.get_by_role("alert").first.inner_text()
    assert_accessible(page, "unmatched mail with an error")
    page.get_by_label("Reference of the request").fill(reference)
    page.get_by_role("button", name="Attach to this request").click()
    assert page.url.endswith(f"/staff/requests/{ben}")
    assert "Is this the right place" in page.locator(".staff-mail").inner_text()
    # The refused reference answered 400, which the browser logs; nothing else may.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
