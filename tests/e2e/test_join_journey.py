"""The whole journey in a real browser: ask to join, open the email, press the button, join."""

import email
import re
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select

from clock import utcnow
from models import Invitation, MembershipRequest, RequestState
from services.membership import reviews
from services.membership.invitations import issue_invitation
from tests.support.browser import assert_accessible_at_all_widths
from tests.support.database import app_session
from tests.support.journeys import ANA, LINK_RE, fill_join_form


def accept_in_browser(page, link, community, app):
    page.goto(link)
    assert page.get_by_text("Hi Ana Lima").is_visible()
    assert ANA not in page.content()
    assert_accessible_at_all_widths(page, "invitation")
    page.get_by_role("button", name="Join the community").click()
    page.wait_for_url(community)
    assert page.get_by_role("heading", name="Welcome to the community").is_visible()
    with app_session(app) as session:
        [request] = session.scalars(select(MembershipRequest)).all()
        assert request.state == RequestState.JOINED
        assert [e.kind for e in request.events if e.kind == "joined"] == ["joined"]
    # Opened again before it expires (a scanner got there first): still on its way in.
    page.goto(link)
    assert page.get_by_text("This invitation was accepted on").is_visible()
    assert_accessible_at_all_widths(page, "accepted invitation")
    page.get_by_role("link", name=re.compile("Continue to")).click()
    page.wait_for_url(community)


def test_join_from_the_outbox(page, app, make_account, outbox, community, run_worker):
    make_account("myshop", "active", [ANA])
    fill_join_form(page)
    run_worker()  # screens the request and records the invitation
    [invitation] = outbox(kind="invitation")
    link = LINK_RE.search(invitation.body_text)[1]
    accept_in_browser(page, link, community, app)
    assert page.console_errors == []


@pytest.mark.app_config(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1")
def test_join_from_a_real_smtp_server(page, app, make_account, smtp_server, community, runner):
    app.config["MAIL_PORT"] = smtp_server.port
    make_account("myshop", "active", [ANA])
    fill_join_form(page)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "outbox: 1 done" in result.output
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == [ANA]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Your invitation to Example App Community"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = LINK_RE.search(text)[1]
    accept_in_browser(page, link, community, app)
    assert page.console_errors == []


def test_the_other_pages_are_accessible(page, app, make_account, make_request, outbox):
    page.goto("/join")
    page.get_by_role("button", name="Send my request").click()
    assert page.get_by_role("heading", name="There are 3 problems").is_visible()
    assert_accessible_at_all_widths(page, "/join with errors")

    page.goto("/facebook")
    assert_accessible_at_all_widths(page, "/facebook")
    page.get_by_label("Your name", exact=True).fill("Ben Ode")
    page.get_by_label("Email address").fill("ben@elsewhere.example")
    page.get_by_label("Your name on Facebook").fill("Benny O")
    page.get_by_label("I agree to follow the community guidelines").check()
    page.get_by_role("button", name="Ask for my invitation").click()
    page.wait_for_url(re.compile(r"/join/sent$"))
    assert page.get_by_text("If a person needs to look at your request").is_visible()
    assert_accessible_at_all_widths(page, "in-review confirmation")

    page.goto("/invite/not-a-real-token")
    assert_accessible_at_all_widths(page, "unknown invitation")

    make_account("myshop", "active", [ANA])
    request_id = make_request(name="Ana Lima", email=ANA)
    token = re.search(r"/invite/([A-Za-z0-9_-]+)\s", outbox(kind="invitation")[0].body_text)[1]
    with app_session(app) as session:
        invitation = session.scalar(select(Invitation).where(Invitation.request_id == request_id))
        invitation.expires_at = utcnow() - timedelta(minutes=1)
    page.goto(f"/invite/{token}")
    assert page.get_by_role("heading", name="This invitation has expired").is_visible()
    assert_accessible_at_all_widths(page, "expired invitation")

    with app_session(app) as session:
        request = session.get(MembershipRequest, request_id)
        token = issue_invitation(session, request)
        reviews.revoke(session, request, "staff@example-app.com")
    page.goto(f"/invite/{token}")
    assert page.get_by_role("heading", name="This invitation no longer works").is_visible()
    assert_accessible_at_all_widths(page, "revoked invitation")
