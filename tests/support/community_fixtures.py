"""Fixtures for the fake community platforms (loaded from tests/conftest.py)."""

import socket

import pytest

from services import community
from tests.support.fake_circle import FakeCircle
from tests.support.fake_discourse import FakeDiscourse
from tests.support.fake_http import Elsewhere, served


@pytest.fixture
def fake_circle():
    with served(FakeCircle()) as fake:
        yield fake


@pytest.fixture
def fake_discourse():
    with served(FakeDiscourse()) as fake:
        yield fake


@pytest.fixture
def refused_url():
    """A loopback URL where nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def elsewhere():
    """A second fake on another port: where a redirect would lead (it must see no secret)."""
    with served(Elsewhere()) as fake:
        yield fake


def set_platform(app, settings=None, **more):
    """Change the app's platform settings and rebuild its one connector, as a restart would.

    The connector is built once at start-up (services.community.init_app), so a
    test that changes COMMUNITY_PLATFORM, a fake's URL or a platform setting
    after the app exists goes through here.
    """
    app.config.update(settings or {}, **more)
    community.init_app(app)
