"""The join journey's steps in a browser, shared by the journeys that start with it."""

import re

import pytest

from tests.support.browser import assert_accessible_at_all_widths
from tests.support.community_fixtures import set_platform

ANA = "ana@myshop.example"
LINK_RE = re.compile(r"(http://127\.0\.0\.1:\d+/invite/[A-Za-z0-9_-]+)\s")


COMMUNITY_PAGE = (
    '<!doctype html><html lang="en"><head><title>Community</title>'
    '<link rel="icon" href="data:,"></head><body><h1>Welcome to the community</h1></body></html>'
)


@pytest.fixture
def community(app, page):
    """COMMUNITY_URL answered by the browser itself, so landing there can be seen."""
    url = "https://community.lobby-e2e.test/"
    set_platform(app, COMMUNITY_URL=url)
    page.route(
        "https://community.lobby-e2e.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=COMMUNITY_PAGE),
    )
    return url


def fill_join_form(page):
    page.goto("/join")
    assert_accessible_at_all_widths(page, "/join")
    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("Email address").fill(ANA)
    page.get_by_label("Your account's subdomain").fill("https://MyShop.example-app.com/admin")
    page.get_by_label("I agree to follow the community guidelines").check()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(re.compile(r"/join/sent$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"
    assert page.get_by_text("with what happens next").is_visible()
    assert_accessible_at_all_widths(page, "confirmation")
