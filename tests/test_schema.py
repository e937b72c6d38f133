"""The migrations build the models' schema, and the database enforces the rules."""

from datetime import timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from clock import utcnow
from commands.database import alembic_config
from models import Account, Base, Invitation, MembershipRequest
from tests.support.database import ON_POSTGRES, TEST_DATABASE_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    import secrets

    name = f"lobby_migrate_{secrets.token_hex(4)}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_create_exactly_the_models_schema(app, empty_database_url):
    app.config["DATABASE_URL"] = empty_database_url
    command.upgrade(alembic_config(app), "head")
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_go_down_and_up_again(app, empty_database_url):
    config = alembic_config(app)
    app.config["DATABASE_URL"] = empty_database_url
    config.attributes["database_url"] = empty_database_url
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")


# Rows stored straight in the table: these tests check the database's own rules.
def _request(email, reference, state="in_review"):
    return MembershipRequest(
        name="X", email=email, email_normalized=email.lower(), reference=reference, state=state
    )


def test_subdomain_is_unique(use_session):
    with pytest.raises(IntegrityError), use_session() as session:
        session.add_all([Account(subdomain="a", name="A", status="active"),
                         Account(subdomain="a", name="B", status="trial")])
        session.flush()


def test_one_open_request_per_email_whatever_the_case(use_session):
    with pytest.raises(IntegrityError), use_session() as session:
        session.add(_request("Ana@Shop.example", "LB-AAAAAA"))
        session.flush()
        session.add(_request("ana@shop.example", "LB-BBBBBB"))
        session.flush()


def test_closed_requests_do_not_block_a_new_one(use_session):
    with use_session() as session:
        session.add(_request("ana@shop.example", "LB-AAAAAA", state="declined"))
        session.add(_request("ana@shop.example", "LB-BBBBBB", state="joined"))
        session.add(_request("ana@shop.example", "LB-CCCCCC", state="in_review"))
        session.flush()


def test_reference_is_unique(use_session):
    with pytest.raises(IntegrityError), use_session() as session:
        session.add(_request("a@shop.example", "LB-AAAAAA"))
        session.add(_request("b@shop.example", "LB-AAAAAA"))
        session.flush()


def test_token_hash_is_unique(use_session):
    with pytest.raises(IntegrityError), use_session() as session:
        request = _request("a@shop.example", "LB-AAAAAA")
        session.add(request)
        later = utcnow() + timedelta(days=1)
        session.add_all([Invitation(request=request, token_hash="h" * 64, expires_at=later),
                         Invitation(request=request, token_hash="h" * 64, expires_at=later)])
        session.flush()


def test_db_upgrade_command_migrates_an_empty_database(app, runner, empty_database_url):
    app.config["DATABASE_URL"] = empty_database_url
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database at head." in result.output
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM membership_request")).scalar() == 0
    engine.dispose()
