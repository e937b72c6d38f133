"""Fixtures: an app on a fresh database per test, a client, a CLI runner, the outbox, builders.

The Flask test client reuses an app context that is already pushed, so the
fixtures never hold one open: each helper opens its own when it needs one.
"""

import re

import pytest
from sqlalchemy import select, text

import db as lobby_db
from app import create_app
from extensions import limiter
from models import Account, AccountUser, Base, OutboxEmail
from services.privacy.addresses import canonical_email
from tests.support.builders import build_request
from tests.support.database import app_session, base_test_config
from tests.support.forms import csrf_token_from


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
                AccountUser(email=e, email_normalized=canonical_email(e)) for e in emails
            ]
            session.add(account)
            session.flush()
            return account.id

    return make


@pytest.fixture
def make_request(app):
    """Build a request (see builders.build_request) in a session of its own; returns its id."""

    def make(state=None, **kwargs):
        with app_session(app) as session:
            return build_request(session, state, **kwargs).id

    return make


@pytest.fixture
def make_staff(app):
    """A staff user (admin unless told) enrolled in TOTP with STAFF_TOTP_SECRET."""
    from clock import utcnow
    from services.staff.users import create_staff_user
    from tests.support.staff import STAFF_TOTP_SECRET

    def make(email="staff@example-app.com", password="correct horse battery", active=True,
             role="admin", enrolled=True):
        with app_session(app) as session:
            user = create_staff_user(session, email, password, role=role)
            user.active = active
            if enrolled:
                user.totp_secret, user.totp_enrolled_at = STAFF_TOTP_SECRET, utcnow()
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


@pytest.fixture
def post_form(client):
    """GET a form page, then POST data to it with the page's CSRF token."""

    def post(url, data, page=None, **kwargs):
        html = client.get(page or url).get_data(as_text=True)
        payload = {"csrf_token": csrf_token_from(html), **data}
        return client.post(url, data=payload, **kwargs)

    return post


INVITED_ADDRESS = "ana@myshop.example"
INVITE_LINK_RE = re.compile(r"http://localhost/invite/([A-Za-z0-9_-]+)\s")


@pytest.fixture
def invited(make_account, make_request, outbox):
    """An invited request of a paying user: (request id, token read from its invitation email)."""
    make_account("myshop", "active", [INVITED_ADDRESS])
    request_id = make_request(name="Ana Lima", email=INVITED_ADDRESS)
    [email] = outbox(kind="invitation")
    return request_id, INVITE_LINK_RE.search(email.body_text).group(1)
