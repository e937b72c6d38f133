"""Health without secrets: /healthz says only "ok"; the detail needs HEALTH_TOKEN.

The public answer must not change with anything one visitor does: the test posts
a known and an unknown address to every look-up form, and at each step of the
work that follows (queued, looked up with an email waiting, delivered) polls
every public page and finds them exactly as they were before.
"""

import re

import pytest

from services.jobs.registry import run_lookups
from tests.support.database import app_session
from tests.support.health import HEALTH_TOKEN, health_detail

KNOWN = "ana@myshop.example"
UNKNOWN = "nobody@elsewhere.example"
FORMS = [
    ("/resend", {}),
    ("/status", {"reference": ""}),
    ("/subdomain/email", {}),
]
_PRIVATE = ("/staff", "/dev", "/static", "/inbound")
# What differs between two identical requests: per-request nonces, CSRF tokens, ids, dates.
_VARYING_TEXT = [
    re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*'),
    re.compile(r'(value=")[^"]*(?=" name="csrf_token")'),
    re.compile(r"(nonce=)[\"']?[A-Za-z0-9+/=_-]+"),
    re.compile(r"('nonce-)[A-Za-z0-9+/=_-]+"),
]
_VARYING_HEADERS = {"Date", "X-Request-Id", "Set-Cookie"}


def _public_paths(app):
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(_PRIVATE)
    )


def _normalised(text):
    for pattern in _VARYING_TEXT:
        text = pattern.sub(r"\1…", text)
    return text


def _public_snapshot(app):
    """Every public page as a stranger without cookies sees it, minus per-request noise."""
    pages = {}
    for path in _public_paths(app):
        response = app.test_client().get(path)
        headers = sorted(
            (name, _normalised(value)) for name, value in response.headers.items()
            if name not in _VARYING_HEADERS
        )
        cookies = sorted(name for name, _ in response.headers.items() if name == "Set-Cookie")
        pages[path] = (response.status_code, headers, cookies,
                       _normalised(response.get_data(as_text=True)))
    return pages


def _difference(before, after):
    return [path for path in before if before[path] != after[path]]


@pytest.mark.parametrize(("form_path", "extra"), FORMS)
def test_nothing_public_changes_with_a_known_or_unknown_address(
    app, post_form, make_request, outbox, run_worker, form_path, extra
):
    make_request(state="joined", email=KNOWN)  # a paying account's user, a member
    run_worker()
    emails_before = len(outbox())
    public_paths = _public_paths(app)
    assert "/healthz" in public_paths and "/healthz/detail" in public_paths
    baseline = _public_snapshot(app)
    assert baseline == _public_snapshot(app), "the snapshot itself is not stable"

    for address in (UNKNOWN, KNOWN):
        response = post_form(form_path, {"email": address, **extra})
        assert response.status_code in (200, 302, 303)  # the same "sent" answer for both
        assert _difference(baseline, _public_snapshot(app)) == [], f"queued for {address}"
        with app_session(app) as session:  # the worker's look-up, its email not yet sent
            run_lookups(session)
        waiting = [e for e in outbox() if e.status == "pending"]
        # The moment the old /healthz gave away: an email waits only for a known address.
        assert len(waiting) == (1 if address == KNOWN else 0)
        assert _difference(baseline, _public_snapshot(app)) == [], f"looked up {address}"
        run_worker()
        assert _difference(baseline, _public_snapshot(app)) == [], f"sent for {address}"
    assert len(outbox()) == emails_before + 1


def test_healthz_is_ok_whatever_the_worker_and_queues(app, client, make_request):
    make_request(email="zoe@unknown.example")  # emails waiting, no worker ever seen
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert "Set-Cookie" not in response.headers


def test_the_detail_is_not_found_without_a_token_configured(app, client):
    assert app.config["HEALTH_TOKEN"] == ""
    assert client.get("/healthz/detail").status_code == 404
    assert client.get("/healthz/detail", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong", f"Basic {HEALTH_TOKEN}", f"Bearer {HEALTH_TOKEN}x",
     f"Bearer {HEALTH_TOKEN[:-1]}", f"{HEALTH_TOKEN}"],
)
def test_the_detail_needs_the_right_bearer_token(app, client, authorization):
    app.config["HEALTH_TOKEN"] = HEALTH_TOKEN
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/healthz/detail", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "worker" not in response.get_data(as_text=True)


def test_the_detail_reports_worker_queues_and_platform(app, client, make_request, run_worker):
    make_request(email="zoe@unknown.example")
    detail = health_detail(app, client)
    assert detail["worker"] == {"last_seen": None, "late": True, "late_after_minutes": 5}
    outbox = detail["queues"]["outbox"]
    assert outbox["counts"]["pending"] >= 1 and outbox["oldest_waiting"] is not None
    assert detail["queues"]["lookups"]["counts"] == {"pending": 0, "running": 0, "dead": 0}
    assert detail["community"] == {"platform": "none", "problems": 0}
    run_worker()
    detail = health_detail(app, client)
    assert detail["worker"]["late"] is False and detail["worker"]["last_seen"]
    assert detail["queues"]["outbox"] == {
        "counts": {"pending": 0, "sending": 0, "failed": 0, "dead": 0}, "oldest_waiting": None,
    }
    lowercase = client.get("/healthz/detail", headers={"Authorization": f"bearer {HEALTH_TOKEN}"})
    assert lowercase.status_code == 200


def test_staff_see_the_detail_in_the_console(app, client, make_staff, make_request):
    from tests.support.staff import sign_in

    make_request(email="zoe@unknown.example")
    assert client.get("/staff/health").status_code == 302  # sign-in first
    sign_in(client, make_staff)
    html = client.get("/staff/health").get_data(as_text=True)
    assert "No worker has been seen for 5 minutes" in html
    assert "Emails not sent yet" in html and re.search(r"[1-9] pending", html)
