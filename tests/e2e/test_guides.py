"""Browser journeys through the guides, and axe-core on every page they add."""

import re

from playwright.sync_api import expect

from services.accounts.subdomain_finder import find_subdomain
from tests.support.browser import DESKTOP, assert_accessible_at_all_widths
from tests.support.subdomain_cases import CASES, COMMUNITY, DOMAIN

ADDRESS_LABEL = "Paste any address from your account"


def test_the_subdomain_finder_answers_as_you_type(page):
    page.goto("/subdomain")
    result = page.locator("#finder-result")
    expect(result).to_have_attribute("aria-live", "polite")
    page.get_by_label(ADDRESS_LABEL).fill("HTTPS://MyShop.Example-App.com:8443/orders?x=1")
    expect(result).to_have_text("Your subdomain is myshop.")
    expect(result.locator("strong")).to_have_text("myshop")
    page.get_by_label(ADDRESS_LABEL).fill("evil.com/?x=myshop.example-app.com")
    expect(result).to_contain_text("evil.com isn't on example-app.com")
    page.get_by_label(ADDRESS_LABEL).fill("")
    expect(result).to_be_empty()
    assert page.url.endswith("/subdomain")  # nothing was submitted
    assert page.console_errors == []


def test_the_browser_follows_the_same_rules_as_the_server(page):
    page.goto("/subdomain")
    found = page.evaluate(
        """([cases, domain, community]) => cases.map(
             (text) => window.lobbyFindSubdomain(text, domain, community))""",
        [[case[0] for case in CASES], DOMAIN, COMMUNITY],
    )
    for (text, *_expected), browser in zip(CASES, found, strict=True):
        server = find_subdomain(text, DOMAIN, COMMUNITY)
        assert (browser["outcome"], browser["subdomain"], browser["host"]) == (
            server.outcome, server.subdomain, server.host
        ), text
    # The words are the server's too.
    page.get_by_label(ADDRESS_LABEL).fill("https://shop.mycompany.co.uk/")
    expect(page.locator("#finder-result")).to_have_text(
        find_subdomain("https://shop.mycompany.co.uk/", DOMAIN, COMMUNITY).message
    )


def test_the_subdomain_finder_works_without_javascript(browser, live_server):
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/subdomain")
        page.get_by_label(ADDRESS_LABEL).fill("www.myshop.example-app.com./admin")
        page.get_by_role("button", name="Find my subdomain").click()
        expect(page).to_have_url(re.compile(r"/subdomain\?address="))
        expect(page.locator("#finder-result")).to_have_text("Your subdomain is myshop.")
        expect(page.get_by_label(ADDRESS_LABEL)).to_have_value("www.myshop.example-app.com./admin")
    finally:
        context.close()


def test_the_login_tree_is_walked_to_forgot_password_by_clicking(page, app):
    page.goto("/help/login")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What happens when you try to log in?"
    )
    page.get_by_role("link", name="I get an error when I try to log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which error do you see?")
    page.get_by_role("link", name="The email or password is wrong").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert page.url.endswith("/help/login/forgot-password?trail=start,login-error")
    reset = page.get_by_role("link", name="Reset your password", exact=True)
    expect(reset).to_have_attribute("href", app.config["COMMUNITY_RESET_URL"])
    expect(page.get_by_role("link", name="I forgot my password. How do I reset it?")).to_be_visible()
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which error do you see?")
    page.get_by_role("link", name="Start over").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What happens when you try to log in?"
    )
    assert page.console_errors == []


def test_a_report_is_sent_and_followed_up_in_the_browser(page):
    page.goto("/report")
    page.get_by_label("Link to the post").fill("https://community.example-app.com/posts/1")
    page.get_by_label("Which guideline does it break?").select_option(label="No selling or spam")
    page.get_by_label("What happened?").fill("Someone keeps posting adverts in every space.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your report")
    code = page.locator(".report-code").inner_text().strip()
    assert len(code) == 43
    page.locator("a.report-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report")
    expect(page.locator(".details")).to_contain_text("No selling or spam")
    page.go_back()
    page.reload()
    expect(page.locator(".report-code")).to_have_count(0)


def test_every_guide_page_is_accessible_at_desktop_and_phone_widths(page):
    for url in (
        "/",
        "/subdomain",
        "/subdomain?address=evil.com/?x=myshop.example-app.com",
        "/subdomain/email",
        "/help/login",
        "/help/login/login-error?trail=start",
        "/help/login/forgot-password?trail=start,login-error",
        "/help/login/contact-support",
        "/help/login/no-such-step",
        "/report",
    ):
        page.goto(url)
        assert_accessible_at_all_widths(page, url)

    # The finder's answer, as typed.
    page.goto("/subdomain")
    page.get_by_label(ADDRESS_LABEL).fill("myshop.example-app.com")
    expect(page.locator("#finder-result strong")).to_have_text("myshop")
    assert_accessible_at_all_widths(page, "/subdomain with an answer")

    # Email me my subdomains: an error, then the answer page.
    page.get_by_role("button", name="Email me my subdomains").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible_at_all_widths(page, "/subdomain/email with an error")
    page.get_by_label("Your work email address").fill("ana@shop.example")
    page.get_by_role("button", name="Email me my subdomains").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible_at_all_widths(page, "/subdomain/email answer")

    # A report: the form with errors, the confirmation, the follow-up page.
    page.goto("/report")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="There are 3 problems")).to_be_visible()
    assert_accessible_at_all_widths(page, "/report with errors")
    page.get_by_label("Link to the post").fill("https://community.example-app.com/posts/1")
    page.get_by_label("Which guideline does it break?").select_option("other")
    page.get_by_label("What happened?").fill("Something odd.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your report")
    assert_accessible_at_all_widths(page, "report confirmation")
    code = page.locator(".report-code").inner_text().strip()
    page.goto(f"/report/{code}")
    assert_accessible_at_all_widths(page, "/report/<code>")
    page.goto("/report/" + "x" * 43)
    assert_accessible_at_all_widths(page, "/report/<unknown code>")
    # The 404 and 400 (form error) pages above log their status; nothing else may.
    statuses = re.compile(r"status of (400|404)")
    assert [e for e in page.console_errors if not statuses.search(e)] == []
