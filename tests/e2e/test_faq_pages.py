"""FAQ, search, guidelines and contact in a real browser: axe-clean, copy link, live answers."""

import pytest

from tests.support.browser import assert_accessible_at_all_widths


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/faq", "Answers to common questions"),
        ("/faq/invitation-not-arrived", "Why didn't my invitation arrive?"),
        ("/faq/invitation-not-arrived?voted=no", "Why didn't my invitation arrive?"),
        ("/search?q=didnt+get+invitation+email", "Search the help"),
        ("/search?q=%40%40%40", "Search the help"),
        ("/guidelines", "Community guidelines"),
        ("/contact?q=invitation", "Contact support"),
        ("/faq/no-such-answer", "We can't find that answer"),
    ],
)
def test_pages_are_accessible_at_desktop_and_phone_widths(page, path, heading):
    response = page.goto(path)
    assert response.status in (200, 404)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_accessible_at_all_widths(page, path)
    if response.status == 200:  # a 404 page logs its own status as a console error
        assert page.console_errors == []


def test_copy_link_copies_the_permalink_and_says_so(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    page.goto("/faq/find-my-subdomain")
    permalink = page.get_by_label("Link to this answer")
    assert permalink.input_value() == f"{live_server.url}/faq/find-my-subdomain"
    page.get_by_role("button", name="Copy link").click()
    status = page.locator("[data-copy-status]")
    status.get_by_text("Link copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == permalink.input_value()
    assert page.console_errors == []


def test_without_javascript_there_is_no_copy_button_but_the_link_shows(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/faq/find-my-subdomain")
    assert page.get_by_role("button", name="Copy link").count() == 0
    assert page.get_by_label("Link to this answer").is_visible()
    context.close()


def test_voting_no_shows_closer_answers_and_takes_a_comment(page):
    page.goto("/faq/forgot-password")
    page.get_by_role("button", name="No, this answer did not help").click()
    page.get_by_role("heading", name="Sorry this didn't help").wait_for()
    assert page.locator("#feedback a[href^='/faq/']").count() == 3
    page.get_by_label("What were you looking for?").fill("How to change my email")
    page.get_by_role("button", name="Send comment").click()
    page.get_by_role("heading", name="Thanks for your comment").wait_for()
    assert page.console_errors == []


def test_contact_suggests_answers_as_you_type(page):
    page.goto("/contact")
    question = page.get_by_label("Your question")
    question.press_sequentially("my invitation never arr", delay=20)
    first = page.locator("[data-contact-list] li a").first
    first.wait_for()
    assert first.inner_text() == "Why didn't my invitation arrive?"
    assert "may help with" in page.locator("[data-contact-status]").inner_text()
    assert page.url.endswith("/contact")  # nothing was submitted
    assert page.console_errors == []


def test_contact_answers_without_javascript_through_the_form(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/contact")
    page.get_by_label("Your question").fill("subdomian")
    page.get_by_role("button", name="Find answers").click()
    first = page.locator("[data-contact-list] li a").first
    assert first.inner_text() == "What is my subdomain, and where do I find it?"
    context.close()


def test_a_browser_votes_from_the_shared_answer_page(page):
    # The page holds no CSRF token: the browser's own Sec-Fetch-Site/Origin let the
    # vote through (blueprints.faq.routes.vote).
    page.goto("/faq/how-to-join")
    page.get_by_role("button", name="Yes, this answer helped").click()
    page.get_by_role("heading", name="Thanks for letting us know").wait_for()
    assert page.url.endswith("/faq/how-to-join?voted=yes#feedback")
    assert page.console_errors == []
