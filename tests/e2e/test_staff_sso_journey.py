"""Single sign-on in a real browser: Lobby → the (loopback) identity provider → back, signed in."""

import pytest

from tests.support.browser import assert_accessible
from tests.support.fake_http import served
from tests.support.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeOpenIdProvider
from web import staff_sso


@pytest.fixture
def provider(app):
    with served(FakeOpenIdProvider()) as fake:
        app.config.update(
            STAFF_OIDC_ISSUER=fake.url, STAFF_OIDC_CLIENT_ID=CLIENT_ID,
            STAFF_OIDC_CLIENT_SECRET=CLIENT_SECRET, STAFF_OIDC_ALLOWED_DOMAINS="example-app.com",
        )
        staff_sso.init_app(app)
        yield fake


def test_a_reviewer_signs_in_with_the_company_account(provider, page, make_staff):
    make_staff("ana@example-app.com", role="reviewer")
    page.goto("/staff/login")
    assert_accessible(page, "sign-in with SSO offered")
    page.get_by_role("link", name="Sign in with your company account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Review queue"
    assert "ana@example-app.com (reviewer)" in page.locator(".staff-nav").inner_text()
    assert page.console_errors == []


def test_an_unverified_address_is_refused_with_a_reason(provider, page, make_staff):
    make_staff("ana@example-app.com", role="reviewer")
    provider.id_token_claims = {"email_verified": False}
    page.goto("/staff/login")
    page.get_by_role("link", name="Sign in with your company account").click()
    assert "has not verified the email address" in page.locator("main").inner_text()
    assert_accessible(page, "SSO refused")
    assert [e for e in page.console_errors if "403 (FORBIDDEN)" not in e] == []
