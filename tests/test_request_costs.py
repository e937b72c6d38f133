"""GET pages pay only for what they use: no database session, no signed session
cookie and no rate-limit look-up on /ping, an answer page and a search (issue 16).

Each cost is counted where it happens, through public interfaces: a request that
leaves a database session on `g` or checks out a connection (SQLAlchemy's checkout
event), a call to the session cookie's signing serializer, a call into the
rate-limit storage (the `limits` Storage methods). The same counters on pages that
do need them (the home page's votes, the join form's CSRF token, a rate-limited
POST) show that they count. Which functions of Flask or its extensions run on the
way is theirs to change.
"""

import pytest
from sqlalchemy import event

import db as lobby_db
from app import create_app
from extensions import limiter
from models import Base
from tests.support.database import base_test_config
from tests.support.forms import csrf_token_from

CHEAP_PAGES = ["/ping", "/faq/invitation-not-arrived", "/search?q=invitation"]


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """(app, counts): an app with rate limiting on and every cost counted."""
    counts = {"db_sessions": 0, "connections": 0, "signing": 0, "rate_limit_storage": 0}
    config = base_test_config(tmp_path, f"sqlite:///{tmp_path / 'costs.sqlite3'}")
    config.update(RATELIMIT_ENABLED=True)
    app = create_app(config)
    engine = lobby_db.get_engine(app)
    Base.metadata.create_all(engine)

    @app.teardown_request
    def _count_session(_exc=None):
        counts["db_sessions"] += lobby_db.request_has_session()

    def count_connection(*_args):
        counts["connections"] += 1

    event.listen(engine, "checkout", count_connection)
    serializer = app.session_interface.get_signing_serializer

    def counting_serializer(flask_app):
        counts["signing"] += 1
        return serializer(flask_app)

    monkeypatch.setattr(app.session_interface, "get_signing_serializer", counting_serializer)
    with app.app_context():
        limiter.reset()
        storage = limiter.storage
    for name in ("incr", "get", "get_expiry", "get_moving_window", "acquire_entry",
                 "acquire_sliding_window_entry", "get_sliding_window"):
        original = getattr(storage, name, None)
        if original is not None:
            monkeypatch.setattr(storage, name, _counting(original, counts))
    yield app, counts
    event.remove(engine, "checkout", count_connection)
    engine.dispose()


def _counting(method, counts):
    def counted_call(*args, **kwargs):
        counts["rate_limit_storage"] += 1
        return method(*args, **kwargs)

    return counted_call


@pytest.mark.parametrize("path", CHEAP_PAGES)
def test_a_cheap_page_opens_no_session_signs_nothing_and_looks_up_no_limit(counted, path):
    app, counts = counted
    client = app.test_client()
    for _ in range(2):  # the first visit and one served from the caches
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert counts == {"db_sessions": 0, "connections": 0, "signing": 0, "rate_limit_storage": 0}


def test_the_counters_count_on_pages_that_need_those_costs(counted):
    app, counts = counted
    client = app.test_client()
    client.get("/")  # the top answers come from the votes
    assert counts["db_sessions"] == 1 and counts["connections"] >= 1
    page = client.get("/join")  # a form: a CSRF token in a signed session cookie
    assert counts["signing"] >= 1 and "Set-Cookie" in page.headers
    token = csrf_token_from(client.get("/resend").get_data(as_text=True))
    client.post("/resend", data={"csrf_token": token, "email": "ana@shop.example"})
    assert counts["rate_limit_storage"] >= 1
