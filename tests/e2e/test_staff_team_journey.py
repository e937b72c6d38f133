"""An admin invites a reviewer, who sets a password, enrols an authenticator and signs in."""

import re
import time

import pyotp

from tests.support.browser import assert_accessible, assert_accessible_at_all_widths
from tests.support.staff import sign_in_in_browser

REVIEWER = "rita@example-app.com"
REVIEWER_PASSWORD = "rita's long password"


def test_an_invited_reviewer_enrols_signs_in_and_cannot_import_accounts(page, make_staff, outbox):
    make_staff()
    page.goto("/staff/login")
    sign_in_in_browser(page)

    page.goto("/staff/people")
    assert_accessible_at_all_widths(page, "staff page")
    page.get_by_label("Email address").fill(REVIEWER)
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent" in page.locator(".flash").inner_text()
    page.get_by_role("button", name="Sign out", exact=True).click()

    [email] = outbox(kind="staff_invite")
    link = re.search(r"(http://127\.0\.0\.1:\d+/staff/join/[A-Za-z0-9_-]+)", email.body_text).group(1)
    page.goto(link)
    assert_accessible(page, "invitation page")
    page.get_by_label("New password (at least 12 characters)").fill(REVIEWER_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Set up your second factor"
    assert_accessible_at_all_widths(page, "enrolment")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Six-digit code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Save your recovery codes"
    assert page.locator(".recovery-codes li").count() == 10
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="I've saved them: continue").click()
    page.get_by_role("button", name="Sign out", exact=True).click()

    # A later sign-in: password, then the app's next code.
    used_step = int(time.time()) // 30  # the step of the enrolment code, or an earlier one
    sign_in_in_browser(page, REVIEWER, REVIEWER_PASSWORD, secret, last_step=used_step)
    assert page.get_by_role("heading", level=1).inner_text() == "Review queue"

    response = page.goto("/staff/accounts")
    assert response.status == 403
    assert "needs the admin role" in page.locator("main").inner_text()
    assert_accessible(page, "403 page")
    # The browser logs the 403 it was given; nothing else.
    assert [e for e in page.console_errors if "403 (FORBIDDEN)" not in e] == []
