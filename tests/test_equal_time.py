"""Equal time on /join and /facebook (issue 22, finding 4).

Measured: POST /join was faster for an address that already had a request
(medians 8.42 vs 10.20 ms): it skipped two inserts. Now both forms send the same
statements for every address (counted where SQLAlchemy sends them), and their
medians stay close; the timing bound is loose (a busy machine moves both alike),
the statement check is exact. bench/join_timing.py measures 200 of each.
"""

import statistics
import time

import pytest
from sqlalchemy import event

import db as lobby_db
from tests.support.forms import csrf_token_from

KNOWN = "ana@myshop.example"
UNKNOWN = "zoe@nowhere.example"
FIELDS = {
    "/join": {"name": "Ana Lima", "subdomain": "", "agree": "y"},
    "/facebook": {"name": "Ana Lima", "facebook_name": "Ana L", "subdomain": "", "agree": "y"},
}


@pytest.fixture
def known_member(make_account, make_request):
    make_account("myshop", "active", [KNOWN])
    make_request("invited", email=KNOWN)


@pytest.fixture
def statements(app):
    engine = lobby_db.get_engine(app)
    sent = []

    def record(_conn, _cursor, text, *_args):
        sent.append(text)

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def _post(app, path, email, sent=None):
    """POST from a fresh browser; returns the seconds the POST took."""
    browser = app.test_client()
    token = csrf_token_from(browser.get(path).get_data(as_text=True))
    if sent is not None:
        sent.clear()
    started = time.perf_counter()
    response = browser.post(path, data={"csrf_token": token, "email": email, **FIELDS[path]})
    elapsed = time.perf_counter() - started
    assert response.status_code == 303
    return elapsed


@pytest.mark.parametrize("path", list(FIELDS))
def test_known_and_unknown_addresses_send_the_same_statements(app, known_member, statements,
                                                              path):
    _post(app, path, UNKNOWN)  # warm: connections, caches
    seen = {}
    for email in (KNOWN, UNKNOWN):
        _post(app, path, email, statements)
        seen[email] = list(statements)
    assert seen[KNOWN] == seen[UNKNOWN]
    # BEGIN is the transaction's start (db.py sends BEGIN IMMEDIATE itself on SQLite).
    assert [text.split(None, 1)[0].upper() for text in seen[KNOWN]
            if not text.startswith("BEGIN")] == ["INSERT"]


@pytest.mark.parametrize("path", list(FIELDS))
def test_known_and_unknown_addresses_take_about_the_same_time(app, known_member, path):
    for email in (KNOWN, UNKNOWN) * 5:
        _post(app, path, email)  # warm up
    times = {KNOWN: [], UNKNOWN: []}
    for _ in range(30):
        for email in (KNOWN, UNKNOWN):
            times[email].append(_post(app, path, email))
    known, unknown = (statistics.median(times[e]) for e in (KNOWN, UNKNOWN))
    # Loose on purpose: the issue measured 21 % apart; a shared machine adds noise to both.
    assert max(known, unknown) / min(known, unknown) < 1.5, (known, unknown)
