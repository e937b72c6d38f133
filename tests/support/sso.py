"""Staff single sign-on for tests: the loopback OpenID provider and the app pointed at it."""

from urllib.parse import urlsplit

import pytest
import requests

from tests.support.fake_http import served
from tests.support.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeOpenIdProvider
from web import staff_sso


@pytest.fixture
def provider():
    with served(FakeOpenIdProvider()) as fake:
        yield fake


@pytest.fixture
def sso(app, provider):
    """The app with SSO pointed at the fake provider (allowed domain: example-app.com)."""
    app.config.update(
        STAFF_OIDC_ISSUER=provider.url, STAFF_OIDC_CLIENT_ID=CLIENT_ID,
        STAFF_OIDC_CLIENT_SECRET=CLIENT_SECRET, STAFF_OIDC_ALLOWED_DOMAINS="example-app.com",
    )
    staff_sso.init_app(app)
    return app


def sso_sign_in(client):
    """Start at Lobby, let the provider answer, come back: the callback's response."""
    start = client.get("/staff/sso/start")
    assert start.status_code == 302
    answer = requests.get(start.location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/staff/sso/callback"
    return client.get(f"{back.path}?{back.query}")
