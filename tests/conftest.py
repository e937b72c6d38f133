"""Fixtures: an app on a fresh database per test, a client, a CLI runner, the outbox.

Tests run on SQLite by default. With TEST_DATABASE_URL set to a PostgreSQL URL,
the session makes a private database of its own (so parallel runs never meet),
creates the schema once and empties every table after each test.

The Flask test client reuses an app context that is already pushed, so the
fixtures never hold one open: each helper opens its own when it needs one.
"""

import os
import re
import secrets
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

import db as lobby_db
from app import create_app
from extensions import limiter
from models import Account, AccountUser, Base, OutboxEmail, StaffUser
from services.accounts.records import normalize_email

pytest_plugins = ["tests.support.community_fixtures"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL database for this test session, or None on SQLite."""
    if not ON_POSTGRES:
        yield None
        return
    name = f"lobby_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def base_test_config(tmp_path, database_url):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "DATABASE_URL": database_url,
        "SITE_URL": "http://localhost",
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "STAFF_NOTIFY_EMAILS": "team@example-app.com",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "HOLIDAYS": "",
    }


@pytest.fixture
def app(request, tmp_path, postgres_url):
    database_url = postgres_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    config = base_test_config(tmp_path, database_url)
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        config.update(marker.kwargs)
    app = create_app(config)
    engine = lobby_db.get_engine(app)
    if postgres_url is None:
        Base.metadata.create_all(engine)
    if limiter.enabled:
        with app.app_context():
            limiter.reset()
    yield app
    if postgres_url is not None:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextmanager
def app_session(app):
    """An app context and a session of its own, committed on success."""
    with app.app_context():
        session = lobby_db.new_session(app)
        try:
            yield session
            session.commit()
        finally:
            session.close()


@pytest.fixture
def use_session(app):
    """Open `with use_session() as session:` blocks for service-level tests."""
    return lambda: app_session(app)


@pytest.fixture
def outbox(app):
    """A callable returning the outbox rows (optionally of one kind / recipient)."""

    def read(kind=None, to=None):
        with app_session(app) as session:
            query = select(OutboxEmail).order_by(OutboxEmail.id)
            if kind:
                query = query.where(OutboxEmail.kind == kind)
            if to:
                query = query.where(OutboxEmail.to_addr == to)
            return list(session.scalars(query))

    return read


@pytest.fixture
def run_worker(app):
    """One worker pass over the queues (look-ups, then the outbox), as `flask worker` does.

    Schedules are left out (pass schedules=True for them): tests run at any time
    of day, and a daily job firing in the middle of one would surprise it.
    """
    from tests.support.worker import run_worker_pass

    return lambda schedules=False, now=None: run_worker_pass(app, schedules, now)


@pytest.fixture
def make_account(app):
    def make(subdomain="myshop", status="active", emails=("ana@myshop.example",), name=None):
        with app_session(app) as session:
            account = Account(subdomain=subdomain, name=name or subdomain.title(), status=status)
            account.users = [
                AccountUser(email=e, email_normalized=normalize_email(e)) for e in emails
            ]
            session.add(account)
            session.flush()
            return account.id

    return make


@pytest.fixture
def make_request(app):
    """Submit a join request through the real service; returns its id."""
    from services.membership.screening import submit_request

    def make(name="Ana Lima", email="ana@myshop.example", **kwargs):
        with app_session(app) as session:
            result = submit_request(session, name=name, email=email, **kwargs)
            return result.request.id

    return make


@pytest.fixture
def make_staff(app):
    from services.staff.users import create_staff_user

    def make(email="staff@example-app.com", password="correct horse battery", active=True):
        with app_session(app) as session:
            user = create_staff_user(session, email, password)
            user.active = active
            session.flush()
            return user.id

    return make


@pytest.fixture
def get_row(app):
    """Load one row by model and id, fresh from the database."""

    def get(model, row_id):
        with app_session(app) as session:
            return session.get(model, row_id)

    return get


def csrf_token_from(html):
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def post_form(client):
    """GET a form page, then POST data to it with the page's CSRF token."""

    def post(url, data, page=None, **kwargs):
        html = client.get(page or url).get_data(as_text=True)
        payload = {"csrf_token": csrf_token_from(html), **data}
        return client.post(url, data=payload, **kwargs)

    return post


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs TEST_DATABASE_URL on PostgreSQL")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)


__all__ = ["StaffUser", "app_session"]


class _CollectingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; .messages holds envelopes."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    controller.messages = handler.messages
    try:
        yield controller
    finally:
        controller.stop()


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
