"""SQLite: transactions that may write begin as writers (BEGIN IMMEDIATE) and wait their turn.

Found: under load, accepts failed with 503 ("database is locked") at once, not
after the busy timeout. In WAL mode a transaction that has read cannot start
writing once another connection committed: SQLite answers SQLITE_BUSY without
waiting. The first test shows that rule on bare sqlite3; the others hold our
engine to beginning writers as writers, and GET requests to reading only.
"""

import re
import sqlite3
import threading

import pytest
from sqlalchemy import event, insert, select

import db
from models import PendingJob
from tests.support.database import ON_POSTGRES, app_session

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite's locking")


def test_the_rule_a_deferred_reader_cannot_become_a_writer(tmp_path):
    """The cause, on bare sqlite3: the busy timeout does not help a reader that writes."""
    path = tmp_path / "rule.sqlite3"
    first, second = (sqlite3.connect(path, timeout=5, isolation_level=None) for _ in range(2))
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("CREATE TABLE t (n INTEGER)")
    first.execute("BEGIN")
    first.execute("SELECT count(*) FROM t").fetchall()  # a reader now, with its snapshot
    second.execute("INSERT INTO t VALUES (1)")  # another connection commits
    with pytest.raises(sqlite3.OperationalError, match="locked|busy"):
        first.execute("INSERT INTO t VALUES (2)")  # at once: no waiting would help
    first.execute("ROLLBACK")


def _record_begins(engine):
    begins = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    return begins


def test_a_writer_waits_for_another_writer_instead_of_failing(app):
    """A reads; B reads, writes and commits; then A writes. With deferred transactions
    B commits in between and A fails at once; as writers, B waits for A and both succeed."""
    outcome = []

    def read_then_write():
        try:
            with app_session(app) as session:
                session.scalar(select(PendingJob.id).limit(1))
                session.execute(insert(PendingJob), {"kind": "resend", "payload": "B"})
            outcome.append("B ok")
        except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
            outcome.append(f"B failed: {exc!r}")

    with app_session(app) as session:
        session.scalar(select(PendingJob.id).limit(1))
        other = threading.Thread(target=read_then_write)
        other.start()
        other.join(timeout=1)  # as writers, B is still waiting for us after a second
        session.execute(insert(PendingJob), {"kind": "resend", "payload": "A"})
    outcome.append("A ok")
    other.join(timeout=30)
    assert sorted(outcome) == ["A ok", "B ok"]
    with app_session(app) as session:
        assert sorted(session.scalars(select(PendingJob.payload))) == ["A", "B"]


def test_sessions_begin_as_writers_except_on_get_and_head(app, client, make_request):
    from models import MembershipRequest
    from services import links

    request_id = make_request(email="zoe@unknown.example")
    with app_session(app) as session:
        token = links.status_token(session.get(MembershipRequest, request_id))
    begins = _record_begins(db.get_engine(app))
    assert client.get(f"/status/{token}").status_code == 200
    assert begins and set(begins) == {"BEGIN"}
    begins.clear()
    assert client.head(f"/status/{token}").status_code == 200
    assert set(begins) == {"BEGIN"}
    begins.clear()
    html = client.get("/resend").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    begins.clear()
    assert client.post("/resend", data={"csrf_token": csrf, "email": "zoe@unknown.example"}
                       ).status_code == 302
    assert begins == ["BEGIN IMMEDIATE"]
    begins.clear()
    with app_session(app) as session:  # the worker and the commands: no request
        session.scalar(select(PendingJob.id).limit(1))
    assert begins == ["BEGIN IMMEDIATE"]


def test_the_health_check_only_reads(app, client):
    begins = _record_begins(db.get_engine(app))
    assert client.get("/healthz").status_code == 200
    assert begins == ["BEGIN"]


def test_a_savepoint_released_inside_a_request_is_rolled_back_with_it(app):
    with app.app_context():
        session = db.new_session(app)
        with session.begin_nested():
            session.execute(insert(PendingJob), {"kind": "resend", "payload": "{}"})
        session.rollback()
        session.close()
    with app_session(app) as session:
        assert session.scalars(select(PendingJob)).all() == []


def test_get_requests_never_write(app, client, make_staff, invited, make_request):
    """Their sessions begin as readers: a GET that wrote could fail as found above."""
    from models import MembershipRequest
    from services import links
    from tests.support.staff import sign_in

    writes = []

    def seen(conn, _cursor, statement, *_args):
        # A GET's own session only reads; a write it must make goes aside (db.save_aside).
        reading = conn.get_execution_options().get(db.READS_ONLY, False)
        if reading and statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement[:80])

    request_id, invitation = invited
    with app_session(app) as session:
        token = links.status_token(session.get(MembershipRequest, request_id))
        opt_out = links.opt_out_token(session.get(MembershipRequest, request_id))
    paths = {re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", "1", rule.rule)
             for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.rule.startswith("/static")}
    paths |= {f"/status/{token}", f"/invite/{invitation}", f"/invite/opt-out/{opt_out}",
              f"/staff/requests/{request_id}", "/faq/cant-log-in", "/help/login/start"}
    event.listen(db.get_engine(app), "before_cursor_execute", seen)
    for path in sorted(paths):
        client.get(path)
    assert writes == []
    sign_in(client, make_staff)
    writes.clear()  # signing in writes (a POST)
    for path in sorted(paths):
        client.get(path)
    assert writes == []


def test_the_writes_a_get_must_make_go_aside_and_are_kept(app, client, make_staff):
    """A staff GET touches its session and an export is audited: both saved, from a
    writer session of their own, while the GET's own session still only reads."""
    from datetime import timedelta

    from models import AuditEntry, StaffSession
    from tests.support.staff import sign_in

    sign_in(client, make_staff)
    with app_session(app) as session:
        row = session.scalars(select(StaffSession).where(StaffSession.ended_at.is_(None))).one()
        row.last_seen_at -= timedelta(minutes=5)
        was = row.last_seen_at
    reading_writes = []

    def seen(conn, _cursor, statement, *_args):
        if (conn.get_execution_options().get(db.READS_ONLY, False)
                and statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}):
            reading_writes.append(statement[:80])

    event.listen(db.get_engine(app), "before_cursor_execute", seen)
    try:
        assert client.get("/staff/audit.csv").status_code == 200
    finally:
        event.remove(db.get_engine(app), "before_cursor_execute", seen)
    assert reading_writes == []
    with app_session(app) as session:
        row = session.scalars(select(StaffSession).where(StaffSession.ended_at.is_(None))).one()
        assert row.last_seen_at > was
        actions = list(session.scalars(select(AuditEntry.action)))
    assert "audit_exported" in actions
