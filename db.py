"""The database: one engine per app, one session per request, committed at the edge.

Views never commit. A request's session is committed once, after the view has
returned a response below 500, and rolled back otherwise (indico's request
handler). Emails recorded in the outbox during the request are rows in that
same transaction; the worker (services.jobs) delivers them once committed, so
no email leaves for a change that was not saved.

On SQLite a transaction that may write starts as a writer (BEGIN IMMEDIATE,
through SQLAlchemy's documented pysqlite recipe): it waits its turn (the busy
timeout) instead of failing. In WAL mode a transaction that has read cannot
start writing once another connection has committed; SQLite then answers
SQLITE_BUSY at once, without waiting, which showed as 503s under ordinary load.
GET and HEAD requests only read (a test holds them to it), so their sessions
begin deferred and keep reading alongside a writer (GET /status beside six
joiners, two gunicorn processes and the worker: p99 65-153 ms, against 640-760 ms
when reads also began IMMEDIATE and queued behind writers). A service that works
in sessions of its own during a request must not find the request holding the
write lock: see commit_before_sessions_of_their_own. The rare write a GET must make
(a staff session's "last seen", an audited export) goes aside, in a writer session
of its own: see save_aside. PostgreSQL is left as it is.
"""

import select

from flask import abort, current_app, g, has_request_context, request
from sqlalchemy import create_engine, event, inspect, update
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

_EXTENSION_KEY = "lobby_db"
# An execution option of ours: the connection's transactions only read (on SQLite
# they begin deferred, as readers; other databases ignore it).
READS_ONLY = "lobby_reads_only"
# Requests that change nothing: their sessions read only.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app):
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[_EXTENSION_KEY] = {
        "engine": engine,
        "sessionmaker": sessionmaker(bind=engine, expire_on_commit=False),
        "reading_sessionmaker": sessionmaker(
            bind=engine.execution_options(**{READS_ONLY: True}), expire_on_commit=False
        ),
    }
    app.after_request(_commit_at_the_edge)
    app.teardown_appcontext(close_session)


def make_engine(url):
    """Create an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
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
    # pysqlite begins transactions itself, late (only before INSERT/UPDATE/DELETE) and
    # never before a SAVEPOINT; switch that off so _sqlite_begin emits every BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection):
    """Begin every SQLite transaction ourselves: as a writer unless it only reads.

    Emitting BEGIN here (not pysqlite) also puts each SAVEPOINT inside its
    transaction: released on its own, it would COMMIT, and a row inserted in
    `begin_nested()` would survive a later rollback of the request.
    """
    reads_only = connection.get_execution_options().get(READS_ONLY, False)
    connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")


def get_engine(app=None):
    return (app or current_app).extensions[_EXTENSION_KEY]["engine"]


def writes_on_get(view):
    """Mark a GET view that must write (an OpenID provider's callback signs someone in):
    its session begins as a writer, like a POST's."""
    view.lobby_writes_on_get = True
    return view


def get_session() -> Session:
    """The session of the current request or CLI command, created on first use.

    A GET or HEAD request's session only reads (see the module's docstring),
    unless its view is marked with writes_on_get.
    """
    if "db_session" not in g:
        reading = (has_request_context() and request.method in READING_METHODS
                   and not getattr(current_app.view_functions.get(request.endpoint),
                                   "lobby_writes_on_get", False))
        factory = "reading_sessionmaker" if reading else "sessionmaker"
        g.db_session = current_app.extensions[_EXTENSION_KEY][factory]()
    return g.db_session


def get_or_404(model, ident):
    """The row of `model` with this primary key in the request's session, or a 404."""
    found = get_session().get(model, ident)
    if found is None:
        abort(404)
    return found


def new_session(app=None) -> Session:
    """A session of its own, for work outside the request's transaction."""
    return (app or current_app).extensions[_EXTENSION_KEY]["sessionmaker"]()


def reads_only(session):
    """True for a session that must not write (a GET's): see save_aside."""
    return bool(session.get_bind().get_execution_options().get(READS_ONLY, False))


def save_aside(session):
    """Write the changes pending in `session` from a writer session of their own.

    Only the attributes that changed are written, by primary key, so nothing the
    reading session saw earlier overwrites what others have saved since. The
    objects are then expired in `session`, which therefore never writes.
    """
    dirty = list(session.dirty)
    changes = []
    for obj in dirty:
        state = inspect(obj)
        values = {attr.key: attr.value for attr in state.attrs if attr.history.has_changes()}
        if values:
            keys = inspect(type(obj)).primary_key
            where = [key == value for key, value in zip(keys, state.identity, strict=True)]
            changes.append((type(obj), where, values))
    aside = new_session()
    try:
        for model, where, values in changes:
            aside.execute(update(model).where(*where).values(**values))
        aside.commit()
    finally:
        aside.close()
    for obj in dirty:
        session.expire(obj)


def commit_before_sessions_of_their_own():
    """Commit the request's work so far, before a service works in sessions of its own.

    On SQLite the request's open transaction (begun as a writer) would hold the
    write lock those sessions wait for, in the same thread: they could never get it.
    """
    session = g.get("db_session")
    if session is not None:
        session.commit()


def _commit_at_the_edge(response):
    session = g.get("db_session")
    if session is None:
        return response
    if response.status_code >= 500:
        session.rollback()
        return response
    session.commit()
    return response


def request_has_session():
    """True once this request (or command) has asked for its session."""
    return "db_session" in g


def rollback_request_session():
    """Undo the request's work so far (an error page is on its way), if it began any."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def close_session(_exc=None):
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
