"""Shared pages answered again for a moment without running the app (web/shared_pages.py).

"Ran the app" is counted with Flask's request_started signal, which a page
served from the micro-cache does not send.
"""

import logging

import pytest
from flask import request_started

from web import shared_pages

ANSWER = "/faq/invitation-not-arrived"
PER_REQUEST = {"X-Request-Id"}


@pytest.fixture
def runs(app):
    """A list that grows by one each time the app itself handles a request."""
    seen = []

    def count(_sender, **_extra):
        seen.append(1)

    request_started.connect(count, app)
    yield seen
    request_started.disconnect(count, app)


@pytest.fixture
def clock(monkeypatch):
    """shared_pages' monotonic clock, moved by hand."""
    now = [1000.0]

    class Clock:
        @staticmethod
        def monotonic():
            return now[0]

        perf_counter = staticmethod(__import__("time").perf_counter)

    monkeypatch.setattr(shared_pages, "time", Clock)
    return now


def _without(headers, names):
    return [(k, v) for k, v in headers.items() if k not in names]


@pytest.mark.parametrize("path", [ANSWER, "/faq", "/", "/search?q=invitation"])
def test_a_public_page_is_answered_again_without_the_app(app, runs, path):
    first = app.test_client().get(path)
    second = app.test_client().get(path)
    assert first.status_code == second.status_code == 200
    assert "public" in first.headers["Cache-Control"]
    assert len(runs) == 1
    assert second.get_data() == first.get_data()
    assert _without(second.headers, PER_REQUEST) == _without(first.headers, PER_REQUEST)
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["X-Request-Id"] != first.headers["X-Request-Id"]


def test_a_page_served_again_is_logged_with_its_own_id(app, runs, caplog):
    app.test_client().get(ANSWER)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="lobby.request"):
        again = app.test_client().get(ANSWER, headers={"X-Request-Id": "proxy-id-42"})
    assert len(runs) == 1
    assert again.headers["X-Request-Id"] == "proxy-id-42"
    lines = [r.getMessage() for r in caplog.records if r.name == "lobby.request"]
    assert len(lines) == 1
    assert lines[0].startswith(f"GET {ANSWER} 200 ") and lines[0].endswith("id=proxy-id-42")


def test_a_visitor_with_a_cookie_goes_to_the_app(app, runs):
    app.test_client().get(ANSWER)
    client = app.test_client()
    client.set_cookie("session", "anything")
    client.get(ANSWER)
    assert len(runs) == 2


@pytest.mark.parametrize("headers", [
    {"Authorization": "Basic c3RhZmY6c2VjcmV0"},
    {"Range": "bytes=0-10"},
    {"If-Modified-Since": "Wed, 02 Dec 2026 10:00:00 GMT"},
])
def test_a_request_that_may_be_personal_goes_to_the_app(app, runs, headers):
    app.test_client().get(ANSWER)
    app.test_client().get(ANSWER, headers=headers)
    assert len(runs) == 2


def test_a_conditional_request_gets_the_apps_304(app, runs):
    first = app.test_client().get(ANSWER)
    again = app.test_client().get(ANSWER, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert len(runs) == 2


@pytest.mark.parametrize("path", ["/ping", "/join", "/status", "/faq/no-such-answer"])
def test_pages_not_marked_public_are_never_kept(app, runs, path):
    app.test_client().get(path)
    app.test_client().get(path)
    assert len(runs) == 2


def test_a_head_or_post_is_never_answered_from_it(app, runs):
    app.test_client().get(ANSWER)
    app.test_client().head(ANSWER)
    app.test_client().post("/faq/invitation-not-arrived/vote", data={})
    assert len(runs) == 3


def test_after_its_seconds_the_app_is_asked_again(app, runs, clock):
    app.test_client().get(ANSWER)
    clock[0] += app.config["SHARED_PAGE_SECONDS"] - 0.01
    app.test_client().get(ANSWER)
    assert len(runs) == 1
    clock[0] += 0.02
    app.test_client().get(ANSWER)
    assert len(runs) == 2


def test_https_and_http_are_kept_apart(app, runs):
    secure = app.test_client().get(ANSWER, base_url="https://localhost")
    plain = app.test_client().get(ANSWER)
    assert len(runs) == 2
    assert "Strict-Transport-Security" in secure.headers
    assert "Strict-Transport-Security" not in plain.headers


def test_each_address_is_kept_on_its_own(app, runs):
    app.test_client().get("/search?q=invitation")
    app.test_client().get("/search?q=password")
    again = app.test_client().get("/search?q=password")
    assert len(runs) == 2
    assert b"password" in again.get_data()


@pytest.mark.app_config(SHARED_PAGE_ENTRIES=2)
def test_it_keeps_at_most_its_entries(app, clock):
    for query in ("one", "two", "three", "four"):
        app.test_client().get(f"/search?q=invitation+{query}")
    middleware = app.wsgi_app
    assert isinstance(middleware, shared_pages.SharedPages)
    assert len(middleware._pages) == 2


@pytest.mark.app_config(SHARED_PAGE_SECONDS=0)
def test_zero_seconds_turns_it_off(app, runs):
    assert not isinstance(app.wsgi_app, shared_pages.SharedPages)
    app.test_client().get(ANSWER)
    app.test_client().get(ANSWER)
    assert len(runs) == 2


def test_a_visitor_with_a_message_waiting_gets_a_page_of_their_own(app, client):
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Thanks, we got it.")]
    page = client.get("/")
    assert "public" not in page.headers.get("Cache-Control", "")
    assert "Thanks, we got it." in page.get_data(as_text=True)
    assert "Thanks, we got it." not in app.test_client().get("/").get_data(as_text=True)


@pytest.mark.app_config(SHARED_PAGE_ENTRIES=3)
def test_the_oldest_go_first_and_the_expired_go_at_once(app, runs, clock):
    for query in ("one", "two", "three", "four"):
        app.test_client().get(f"/search?q={query}")
    kept = [key[3:] for key in app.wsgi_app._pages]
    assert kept == [("/search", "q=two"), ("/search", "q=three"), ("/search", "q=four")]
    clock[0] += app.config["SHARED_PAGE_SECONDS"] + 1
    app.test_client().get("/search?q=five")
    assert [key[3:] for key in app.wsgi_app._pages] == [("/search", "q=five")]


@pytest.mark.parametrize("path", ["/faq", "/guidelines"])
def test_a_public_page_with_a_message_waiting_is_kept_by_no_cache(app, client, path):
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Signed out, see you soon.")]
    page = client.get(path)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Signed out, see you soon." in page.get_data(as_text=True)
    assert "public" in app.test_client().get(path).headers["Cache-Control"]
