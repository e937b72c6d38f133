"""The test database: a private PostgreSQL database per session (or SQLite per test), config, sessions.

Tests run on SQLite by default. With TEST_DATABASE_URL set to a PostgreSQL URL,
the session makes a private database of its own (so parallel runs never meet),
creates the schema once and empties every table after each test.
"""

import os
import secrets
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import db as lobby_db
from models import Base

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL database for this test session, or None on SQLite."""
    if not ON_POSTGRES:
        yield None
        return
    url, drop = scratch_postgres(TEST_DATABASE_URL, f"lobby_test_{os.getpid()}_{secrets.token_hex(3)}")
    yield url
    drop()


def scratch_postgres(admin_url, name):
    """A new PostgreSQL database `name` on admin_url's server, with the schema: (its URL, drop).

    The test session's private database, and bench/workers.py's throwaway one.
    """
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


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


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs TEST_DATABASE_URL on PostgreSQL")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
