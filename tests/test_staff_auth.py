"""Who gets into /staff: sign-in, lockout, rotation, sign-out and the guard on every route."""

import re
import secrets
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from blueprints.staff.auth import OPEN_ENDPOINTS
from clock import utcnow
from models import SignInThrottle, StaffSession, StaffUser
from services.staff.sign_in import SIGN_IN_FAILED as _SIGN_IN_FAILED
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.staff import STAFF_EMAIL, STAFF_PASSWORD, csrf, log_in, sign_in

SIGN_IN_FAILED = str(escape(_SIGN_IN_FAILED))
JSON = {"Accept": "application/json"}


def staff_routes(app):
    """Every route of the staff blueprint but the sign-in steps and invitations, with a sample URL."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("staff.") or rule.endpoint in OPEN_ENDPOINTS:
                continue
            values = {name: 1 for name in rule.arguments}
            path = rule.build(values)[1] if values else rule.rule
            method = "GET" if "GET" in rule.methods else "POST"
            routes.append((rule.endpoint, path, method))
    return routes


def test_the_enumeration_finds_the_console(app):
    endpoints = {endpoint for endpoint, _, _ in staff_routes(app)}
    assert {"staff.queue", "staff.approve", "staff.outbox_retry", "staff.logout"} <= endpoints


def _signed_out_request(client, path, method, headers=None):
    if method == "GET":
        return client.get(path, headers=headers)
    # A valid CSRF token of this (signed-out) browser, so only the sign-in guard can refuse.
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token}, headers=headers)


def test_every_staff_route_sends_signed_out_browsers_to_sign_in(app, client):
    for endpoint, path, method in staff_routes(app):
        response = _signed_out_request(client, path, method)
        assert response.status_code == 302, (endpoint, response.status_code)
        expected = "/staff/login?next=" if method == "GET" else "/staff/login"
        assert response.location.startswith(expected), endpoint


def test_every_staff_route_answers_401_to_signed_out_api_clients(app, client):
    for endpoint, path, method in staff_routes(app):
        response = _signed_out_request(client, path, method, headers=JSON)
        assert response.status_code == 401, (endpoint, response.status_code)
        xhr = _signed_out_request(
            client, path, method, headers={"X-Requested-With": "XMLHttpRequest"}
        )
        assert xhr.status_code == 401, endpoint


def test_sign_in_returns_to_the_page_asked_for(client, make_staff):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    first = client.get("/staff/outbox")
    assert first.location == "/staff/login?next=/staff/outbox"
    response = log_in(client, next_path="/staff/outbox")
    assert response.status_code == 302 and response.location == "/staff/outbox"
    assert client.get("/staff/outbox").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/staff", "/faq"])
def test_sign_in_ignores_a_next_outside_the_console(client, make_staff, target):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    response = log_in(client, next_path=target)
    assert response.location == "/staff/"


def test_the_same_answer_for_an_unknown_email_and_a_wrong_password(client, make_staff):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    unknown = log_in(client, "nobody@example-app.com", STAFF_PASSWORD)
    wrong = log_in(client, STAFF_EMAIL, "not the password at all")
    assert unknown.status_code == wrong.status_code == 400
    assert SIGN_IN_FAILED in unknown.get_data(as_text=True)
    assert SIGN_IN_FAILED in wrong.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def _from(client, address):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_failures_from_one_client_never_stop_the_right_password_from_another(
    app, make_staff, use_session, outbox
):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    stranger = _from(app.test_client(), "203.0.113.9")
    for _ in range(12):
        assert log_in(stranger, STAFF_EMAIL, "wrong password here").status_code == 400
    owner = _from(app.test_client(), "198.51.100.4")
    assert log_in(owner, STAFF_EMAIL, STAFF_PASSWORD).status_code == 302
    with use_session() as session:
        user = session.scalar(select(StaffUser))
        assert user.failed_logins == 0 and user.last_login_at is not None


def test_a_failing_client_waits_longer_after_each_failure_even_with_the_right_password(
    app, make_staff, use_session
):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    client = _from(app.test_client(), "203.0.113.9")
    for _ in range(3):  # STAFF_SIGN_IN_FREE_TRIES
        response = log_in(client, STAFF_EMAIL, "wrong password here")
        assert SIGN_IN_FAILED in response.get_data(as_text=True)
    waiting = log_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert waiting.status_code == 400
    assert "Too many failed sign-ins from here. Wait 2 seconds" in waiting.get_data(as_text=True)
    with use_session() as session:
        [throttle] = session.scalars(select(SignInThrottle)).all()
        assert throttle.failures == 3
        assert STAFF_EMAIL not in throttle.key_hash  # hashed, names nobody
        throttle.last_failed_at = utcnow() - timedelta(seconds=3)  # the wait passes
    assert log_in(client, STAFF_EMAIL, "wrong again").status_code == 400
    with use_session() as session:
        throttle = session.scalar(select(SignInThrottle))
        assert throttle.failures == 4
        throttle.last_failed_at = utcnow() - timedelta(seconds=3)  # not long enough now
    still = log_in(client, STAFF_EMAIL, STAFF_PASSWORD).get_data(as_text=True)
    assert "Too many failed sign-ins from here. Wait 1 second" in still
    with use_session() as session:
        session.scalar(select(SignInThrottle)).last_failed_at = utcnow() - timedelta(seconds=5)
    assert log_in(client, STAFF_EMAIL, STAFF_PASSWORD).status_code == 302
    with use_session() as session:
        assert session.scalars(select(SignInThrottle)).all() == []  # a success forgets


def test_unknown_addresses_are_throttled_alike(app):
    client = _from(app.test_client(), "203.0.113.9")
    for _ in range(3):
        log_in(client, "nobody@example-app.com", "guess")
    assert "Too many failed sign-ins" in log_in(
        client, "nobody@example-app.com", "guess"
    ).get_data(as_text=True)


@pytest.mark.app_config(STAFF_SIGN_IN_ALERT_AFTER=5, STAFF_SIGN_IN_FREE_TRIES=100)
def test_the_staff_member_is_emailed_after_repeated_failures(
    app, make_staff, outbox, use_session
):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    for n in range(10):
        log_in(_from(app.test_client(), f"203.0.113.{n}"), STAFF_EMAIL, "wrong password")
    alerts = outbox(kind="staff_sign_in_failures")
    assert [a.to_addr for a in alerts] == [STAFF_EMAIL, STAFF_EMAIL]
    assert "failed to sign in to your staff account" in alerts[0].body_text
    assert "5 times" in alerts[0].body_text and "10 times" in alerts[1].body_text
    log_in(_from(app.test_client(), "198.51.100.4"), "nobody@example-app.com", "x")
    assert len(outbox(kind="staff_sign_in_failures")) == 2  # nobody to tell


def test_a_success_resets_the_failure_count(client, make_staff, use_session):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    for _ in range(2):
        log_in(client, STAFF_EMAIL, "wrong password here")
    assert log_in(client, STAFF_EMAIL, STAFF_PASSWORD).status_code == 302
    with use_session() as session:
        assert session.scalar(select(StaffUser.failed_logins)) == 0


@pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    RATELIMIT_STAFF_LOGIN="3 per 15 minutes",
    RATELIMIT_KEY_PREFIX=f"lobby-staff-test-{secrets.token_hex(4)}",
)
def test_one_client_is_slowed_down_across_many_addresses(client):
    answers = [
        log_in(client, f"guess{n}@example-app.com", "any password at all").status_code
        for n in range(4)
    ]
    assert answers == [400, 400, 400, 429]


def test_a_deactivated_user_cannot_sign_in(client, make_staff):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD, active=False)
    response = log_in(client)
    assert response.status_code == 400
    assert SIGN_IN_FAILED in response.get_data(as_text=True)


def test_deactivation_takes_effect_at_the_next_request(client, make_staff, runner):
    make_staff("boss@example-app.com")  # the last admin could not be deactivated
    sign_in(client, make_staff)
    assert client.get("/staff/").status_code == 200
    result = runner.invoke(args=["staff", "deactivate", STAFF_EMAIL])
    assert result.exit_code == 0, result.output
    refused = client.get("/staff/")
    assert refused.status_code == 302 and refused.location.startswith("/staff/login")
    assert client.get("/staff/", headers=JSON).status_code == 401


def test_each_browser_has_a_session_of_its_own(app, make_staff):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    first, second = app.test_client(), app.test_client()
    sign_in(first, lambda *a, **k: None)
    old_cookie = first.get_cookie("session").value
    sign_in(second, lambda *a, **k: None)
    # Both stay signed in (each is listed on "Your sessions"); the cookies differ.
    assert first.get("/staff/").status_code == 200
    assert second.get("/staff/").status_code == 200
    assert second.get_cookie("session").value != old_cookie


def test_sign_in_drops_what_the_session_held_before(client, make_staff):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    log_in(client)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert set(session) >= {"staff_sid"}


def test_sign_out_needs_a_post_with_csrf_and_kills_copies_of_the_cookie(app, client, make_staff):
    sign_in(client, make_staff)
    copied = client.get_cookie("session").value
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400  # no CSRF token
    assert client.get("/staff/").status_code == 200
    response = client.post("/staff/logout", data={"csrf_token": csrf(client)})
    assert response.status_code == 302 and response.location == "/staff/login"
    assert client.get("/staff/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/staff/").status_code == 302


@pytest.mark.app_config(STAFF_SESSION_HOURS=0)
def test_a_sign_in_lasts_only_so_long(app, client, make_staff):
    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    log_in(client)
    with app_session(app) as session:
        for row in session.scalars(select(StaffSession)):
            row.started_at -= timedelta(seconds=10)
    assert client.get("/staff/").status_code == 302


def test_a_post_without_csrf_is_refused(client, make_staff, make_request):
    sign_in(client, make_staff)
    request_id = make_request(email="hana@gmail.example")
    response = client.post(f"/staff/requests/{request_id}/approve")
    assert response.status_code == 400


def test_staff_pages_are_not_cached_and_not_indexed(client, make_staff):
    sign_in(client, make_staff)
    response = client.get("/staff/")
    assert response.headers["Cache-Control"] == "no-store"
    assert 'name="robots" content="noindex"' in response.get_data(as_text=True)


def test_the_login_page_redirects_a_signed_in_user(client, make_staff):
    sign_in(client, make_staff)
    assert client.get("/staff/login").location == "/staff/"


@pytest.mark.app_config(STAFF_SIGN_IN_ALERT_AFTER=2)
def test_the_alert_email_reads_as_before(app, make_staff, outbox):
    from tests.support.snapshots import assert_snapshot, masked

    make_staff(STAFF_EMAIL, STAFF_PASSWORD)
    for n in range(2):
        log_in(_from(app.test_client(), f"203.0.113.{n}"), STAFF_EMAIL, "wrong password")
    [alert] = outbox(kind="staff_sign_in_failures")
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "<time>", masked(alert))
    assert_snapshot("staff_sign_in_failures", text)
