"""The database: one engine per app, one session per request, committed at the edge.

Views never commit. A request's session is committed once, after the view has
returned a response below 500, and rolled back otherwise (indico's request
handler). Emails recorded in the outbox during the request are rows in that
same transaction; the worker (services.jobs) delivers them once committed, so
no email leaves for a change that was not saved.
"""

import select

from flask import current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

_EXTENSION_KEY = "lobby_db"


def init_app(app):
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[_EXTENSION_KEY] = {
        "engine": engine,
        "sessionmaker": sessionmaker(bind=engine, expire_on_commit=False),
    }
    app.after_request(_commit_at_the_edge)
    app.teardown_appcontext(close_session)


def make_engine(url):
    """Create an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10)
    event.listen(engine, "checkout", _replace_if_closed_by_server)
    return engine


def _replace_if_closed_by_server(dbapi_connection, _record, _proxy):
    """Swap a pooled connection the server has closed for a new one, with no round trip.

    A database that restarted, or dropped an idle connection, has closed the socket
    (after a FATAL notice): an idle connection's socket then reads as ready, which a
    zero-timeout poll sees. The pool connects afresh on DisconnectionError. This is
    what pool_pre_ping was for, without its query (a round trip) on every checkout.
    """
    if dbapi_connection.closed or _has_unread_input(dbapi_connection.fileno()):
        raise DisconnectionError("the database closed this connection")


def _has_unread_input(fd):
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_before_savepoint(connection, _name):
    """Open the transaction a SAVEPOINT belongs in, which pysqlite forgets to do.

    pysqlite only begins a transaction before INSERT/UPDATE/DELETE. A SAVEPOINT
    issued first opens a transaction of its own, and releasing it COMMITS: the
    row inserted in `begin_nested()` would survive a later rollback of the
    request (a request saved without its emails, or the other way round).
    """
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def get_engine(app=None):
    return (app or current_app).extensions[_EXTENSION_KEY]["engine"]


def get_session() -> Session:
    """The session of the current request or CLI command, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_EXTENSION_KEY]["sessionmaker"]()
    return g.db_session


def new_session(app=None) -> Session:
    """A session of its own, for work outside the request's transaction."""
    return (app or current_app).extensions[_EXTENSION_KEY]["sessionmaker"]()


def _commit_at_the_edge(response):
    session = g.get("db_session")
    if session is None:
        return response
    if response.status_code >= 500:
        session.rollback()
        return response
    session.commit()
    return response


def close_session(_exc=None):
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
