"""Keyboard only: send a form with mistakes, land on the error summary, follow its links to the fields."""

import re

from tests.support.browser import PHONE, assert_accessible_at_all_widths

ACTIVE = "() => { const a = document.activeElement; return a.id || a.className || a.tagName; }"


def tab_to(page, text, limit=40):
    """Press Tab until the focused element's text is `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.innerText") == text:
            return
    raise AssertionError(f"Tab never reached {text!r}")


def in_view(page, selector):
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]


def test_errors_are_announced_and_lead_to_their_fields(page):
    page.goto("/join")
    tab_to(page, "Send my request")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.title().startswith("Error: Ask to join")
    assert page.evaluate(ACTIVE) == "error-summary"  # focus moved there for screen readers
    assert_accessible_at_all_widths(page, "/join with errors")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Enter your name"
    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE) == "name"
    page.keyboard.type("Ana Lima")
    assert page.get_by_label("Your name").input_value() == "Ana Lima"

    # At phone width too, the field's label comes into view with it, not just the box.
    page.set_viewport_size(PHONE)
    for link, field, label in [
        ("Enter your email address", "email", "label[for=email]"),
        ("Tick the box to agree to the community guidelines", "agree", "#agree-error"),
    ]:
        page.get_by_role("link", name=link).focus()
        page.keyboard.press("Enter")
        assert page.evaluate(ACTIVE) == field
        assert in_view(page, label), f"{label} is scrolled out of view"
    page.keyboard.press("Space")
    assert page.get_by_label(re.compile("I agree to follow")).is_checked()
    # The only console message is Chromium noting the form's 400 answer.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_without_javascript_the_title_still_says_error(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/status")
        assert not page.title().startswith("Error:")
        page.get_by_role("button", name="Check my request").click()
        assert page.title().startswith("Error: Check your request")
        page.get_by_role("link", name=re.compile("Enter the email address")).click()
        assert page.evaluate(ACTIVE) == "email"
    finally:
        context.close()
