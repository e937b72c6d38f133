"""The whole journey with the fake Circle: join, the email, accept, a member, the way in."""

import re

import pytest
from sqlalchemy import select

from models import MembershipRequest, RequestState
from tests.support.browser import assert_accessible_at_all_widths
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import circle_config
from tests.support.journeys import ANA, COMMUNITY_PAGE, LINK_RE, fill_join_form

LOGIN_URL = "https://community.lobby-e2e.test/sign_in"


@pytest.fixture
def circle_site(app, page, fake_circle):
    set_platform(app, circle_config(fake_circle), COMMUNITY_LOGIN_URL=LOGIN_URL)
    page.route(
        "https://community.lobby-e2e.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=COMMUNITY_PAGE),
    )
    return fake_circle


def invitation_link(outbox):
    [invitation] = outbox(kind="invitation")
    return LINK_RE.search(invitation.body_text)[1]


def test_accepting_makes_a_circle_member(
    page, app, make_account, outbox, circle_site, run_worker
):
    make_account("myshop", "active", [ANA])
    fill_join_form(page)
    run_worker()  # screens the request and records the invitation
    page.goto(invitation_link(outbox))
    page.get_by_role("button", name="Join the community").click()
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text() == "You're in, Ana Lima!"
    assert page.get_by_text(f"Sign in with {ANA}").is_visible()
    assert page.get_by_text("has sent you an email to set your password").is_visible()
    assert_accessible_at_all_widths(page, "you're in")
    [member] = circle_site.members
    assert (member["email"], member["name"]) == (ANA, "Ana Lima")
    with app_session(app) as session:
        [request] = session.scalars(select(MembershipRequest)).all()
        assert request.state == RequestState.JOINED
    assert len(outbox(kind="welcome")) == 1
    page.get_by_role("link", name=re.compile("Go to")).click()
    page.wait_for_url(LOGIN_URL)
    assert page.get_by_role("heading", name="Welcome to the community").is_visible()
    assert page.console_errors == []


def test_platform_down_the_person_is_told_we_are_finishing(
    page, app, make_account, outbox, circle_site, run_worker
):
    make_account("myshop", "active", [ANA])
    fill_join_form(page)
    run_worker()  # screens the request and records the invitation
    circle_site.answer_next(503, {"message": "Service unavailable"}, times=2)
    page.goto(invitation_link(outbox))
    page.get_by_role("button", name="Join the community").click()
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_text("We'll email").is_visible()
    assert_accessible_at_all_widths(page, "finishing")
    assert circle_site.members == []
    assert page.console_errors == []
