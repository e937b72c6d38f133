"""POST /join stays cheap: four SQL statements and one commit, no SAVEPOINT, no pre-ping
(issue 16: 300 requests/s on PostgreSQL with 4 workers).

The statements are counted where SQLAlchemy sends them, so the count is the same on
SQLite and PostgreSQL; with BEGIN and COMMIT that is six round trips on PostgreSQL
(there were ten: a pre-ping, two look-ups and a SAVEPOINT around the insert).
"""

import pytest
from sqlalchemy import event, select

import db as lobby_db
from models import Event, MembershipRequest, PendingJob
from services.membership import screening
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

# The look-up of a request this address already has, the request, its event, its job:
# counted as round trips, whatever SQL a library version writes for them.
JOIN_STATEMENTS = ["statement"] * 4


@pytest.fixture
def sql_log(app):
    """Every round trip the app's engine makes, in order: a statement or a transaction step."""
    engine = lobby_db.get_engine(app)
    sent = []

    def statement(_conn, _cursor, text, *_args):
        sent.append("statement")

    def step(name):
        return lambda *_args: sent.append(name)

    listeners = [("before_cursor_execute", statement), ("commit", step("COMMIT")),
                 ("savepoint", step("SAVEPOINT")), ("rollback", step("ROLLBACK"))]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    yield sent
    for name, listener in listeners:
        event.remove(engine, name, listener)


@pytest.fixture
def counted_pings(app, monkeypatch):
    dialect = lobby_db.get_engine(app).dialect
    pings = []
    ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(1) or ping(conn))
    return pings


def _join(client, email, token):
    data = {"csrf_token": token, "name": "Ana Lima", "email": email, "subdomain": "",
            "agree": "y"}
    response = client.post("/join", data=data)
    assert response.status_code == 303
    return response


def test_post_join_sends_four_statements_and_one_commit(client, sql_log, counted_pings):
    token = csrf_token_from(client.get("/join").get_data(as_text=True))
    _join(client, "first@example.com", token)  # the pool's first connection
    sql_log.clear()
    _join(client, "ana@example.com", token)
    assert sql_log == [*JOIN_STATEMENTS, "COMMIT"]
    assert counted_pings == []  # a checkout costs no round trip (db._replace_if_closed_by_server)


def test_a_repeat_address_costs_no_more(app, client, sql_log):
    token = csrf_token_from(client.get("/join").get_data(as_text=True))
    _join(client, "ana@example.com", token)
    other = app.test_client()  # another browser: the repeat reaches the database
    sql_log.clear()
    _join(other, "ana@example.com", csrf_token_from(other.get("/join").get_data(as_text=True)))
    assert sql_log == ["statement", "statement", "COMMIT"]  # the open request; a join_repeat job
    with app_session(app) as session:
        assert len(session.scalars(select(MembershipRequest)).all()) == 1
        kinds = sorted(session.scalars(select(PendingJob.kind)))
        assert kinds == ["join_repeat", "screen_request"]


def test_a_reference_drawn_twice_is_drawn_again_in_the_same_transaction(
    app, make_request, monkeypatch
):
    make_request(email="taken@example.com", quiet=True, reference="LB-AAAAAA")
    draws = iter(["LB-AAAAAA", "LB-BBBBBB"])
    monkeypatch.setattr(screening, "new_reference", lambda: next(draws))
    with app_session(app) as session:
        request_id = screening.receive_request(session, name="Ana Lima", email="ana@example.com")
    with app_session(app) as session:
        request = session.get(MembershipRequest, request_id)
        assert request.reference == "LB-BBBBBB" and request.email_normalized == "ana@example.com"
        assert list(session.scalars(select(Event.kind).where(Event.request_id == request.id))) \
            == ["submitted"]
