"""POST /join stays cheap and the same for every address: one INSERT and one commit,
no SAVEPOINT, no pre-ping (issue 16: 300 requests/s on PostgreSQL with 4 workers).

The statements are counted where SQLAlchemy sends them, so the count is the same on
SQLite and PostgreSQL; with BEGIN and COMMIT that is three round trips on PostgreSQL.
Issue 22: the form used to look the address up and insert the request and its event
only for a new address (SELECT, INSERT, INSERT, INSERT against SELECT, INSERT for one
with a request: measurably faster). Now it only queues the submission, and the worker
does the look-up, so a known and an unknown address send the very same statements.
"""

import pytest
from sqlalchemy import event, select

import db as lobby_db
from models import Event, MembershipRequest, PendingJob
from services.membership import screening
from services.membership.join_submissions import take_submission
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

# The queued submission (a pending_job row), whatever the address.
JOIN_STATEMENTS = ["INSERT"]


class SqlLog(list):
    """Statement keywords and transaction steps in order; .texts holds the statements."""

    def __init__(self):
        super().__init__()
        self.texts = []

    def clear(self):
        super().clear()
        self.texts.clear()


@pytest.fixture
def sql_log(app):
    """Every round trip the app's engine makes, in order: a statement or a transaction step."""
    engine = lobby_db.get_engine(app)
    sent = SqlLog()

    def statement(_conn, _cursor, text, *_args):
        # BEGIN is a transaction step: on SQLite db.py sends it as a statement (BEGIN
        # IMMEDIATE), on PostgreSQL the driver does; the same round trip either way.
        if not text.startswith("BEGIN"):
            sent.append(text.split(None, 1)[0].upper())
            sent.texts.append(text)

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


def _token(client):
    return csrf_token_from(client.get("/join").get_data(as_text=True))


def test_post_join_sends_one_statement_and_one_commit(client, sql_log, counted_pings):
    token = _token(client)
    _join(client, "first@example.com", token)  # the pool's first connection
    sql_log.clear()
    _join(client, "ana@example.com", token)
    assert sql_log == [*JOIN_STATEMENTS, "COMMIT"]
    assert counted_pings == []  # a checkout costs no round trip (db._replace_if_closed_by_server)


def test_a_known_address_sends_the_same_statements_as_an_unknown_one(
    app, make_account, run_worker, sql_log
):
    make_account("myshop", "active", ["ana@myshop.example"])
    first = app.test_client()
    _join(first, "ana@myshop.example", _token(first))
    run_worker()  # ana now has an open request (invited) and a paying account
    seen = {}
    for address in ("ana@myshop.example", "zoe@nowhere.example"):
        browser = app.test_client()  # a browser of its own: the repeat reaches the database
        token = _token(browser)
        sql_log.clear()
        _join(browser, address, token)
        seen[address] = (list(sql_log), list(sql_log.texts))
    assert seen["ana@myshop.example"] == seen["zoe@nowhere.example"]
    assert seen["ana@myshop.example"][0] == [*JOIN_STATEMENTS, "COMMIT"]
    with app_session(app) as session:
        assert len(session.scalars(select(MembershipRequest)).all()) == 1
        assert list(session.scalars(select(PendingJob.kind))) == ["join_submission"] * 2
    run_worker()
    with app_session(app) as session:  # the worker told them apart, by email only
        assert len(session.scalars(select(MembershipRequest)).all()) == 2


def test_a_reference_drawn_twice_is_drawn_again_in_the_same_transaction(
    app, make_request, monkeypatch
):
    make_request(email="taken@example.com", quiet=True, reference="LB-AAAAAA")
    draws = iter(["LB-AAAAAA", "LB-BBBBBB"])
    monkeypatch.setattr(screening, "new_reference", lambda: next(draws))
    with app_session(app) as session:
        request_id = take_submission(session, name="Ana Lima", email="ana@example.com")
    with app_session(app) as session:
        request = session.get(MembershipRequest, request_id)
        assert request.reference == "LB-BBBBBB" and request.email_normalized == "ana@example.com"
        kinds = list(session.scalars(
            select(Event.kind).where(Event.request_id == request.id).order_by(Event.id)))
        assert kinds[0] == "submitted" and kinds.count("submitted") == 1  # then it was screened
