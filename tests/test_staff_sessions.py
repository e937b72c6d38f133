"""Server-side staff sessions: idle and absolute expiry, "Your sessions", password changes."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import StaffSession
from services.staff.sessions import network_of
from services.staff.sign_in import authenticate
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.staff import STAFF_PASSWORD, log_in, sign_in


def _age_sessions(app, idle=timedelta(0), started=timedelta(0)):
    with app_session(app) as session:
        for row in session.scalars(select(StaffSession)):
            row.last_seen_at -= idle
            row.started_at -= started


def test_a_session_ends_after_the_idle_minutes(app, client, make_staff):
    sign_in(client, make_staff)
    _age_sessions(app, idle=timedelta(minutes=29), started=timedelta(minutes=29))
    assert client.get("/staff/").status_code == 200
    _age_sessions(app, idle=timedelta(minutes=31))
    assert client.get("/staff/").status_code == 302
    with app_session(app) as session:
        [row] = session.scalars(select(StaffSession))
        assert row.ended_at is not None and row.browser is None and row.network is None


def test_a_busy_session_still_ends_after_the_session_hours(app, client, make_staff):
    sign_in(client, make_staff)
    _age_sessions(app, started=timedelta(hours=11, minutes=59))
    assert client.get("/staff/").status_code == 200
    _age_sessions(app, started=timedelta(minutes=2))
    assert client.get("/staff/").status_code == 302


def test_your_sessions_lists_each_browser_and_signs_out_the_others(app, client, make_staff):
    sign_in(client, make_staff)
    other = app.test_client()
    log_in(other)
    page = client.get("/staff/sessions", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.count("Sign out</button>") == 2 + 1  # + the nav's
    assert "(this browser)" in text
    token = csrf_token_from(text)
    client.post("/staff/sessions/end-others", data={"csrf_token": token})
    assert other.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 200


def test_signing_out_one_other_session(app, client, make_staff):
    sign_in(client, make_staff)
    other = app.test_client()
    log_in(other)
    with app_session(app) as session:
        ids = sorted(session.scalars(select(StaffSession.id)))
    token = csrf_token_from(client.get("/staff/sessions").get_data(as_text=True))
    client.post(f"/staff/sessions/{ids[1]}/end", data={"csrf_token": token})
    assert other.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 200


def test_changing_the_password_ends_the_other_sessions(app, client, make_staff):
    sign_in(client, make_staff)
    other = app.test_client()
    log_in(other)
    page = client.get("/staff/password").get_data(as_text=True)
    wrong = client.post("/staff/password", data={
        "csrf_token": csrf_token_from(page), "current": "nope", "password": "a brand new password"})
    assert wrong.status_code == 400
    done = client.post("/staff/password", data={
        "csrf_token": csrf_token_from(page), "current": STAFF_PASSWORD,
        "password": "a brand new password"})
    assert done.status_code == 302
    assert other.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 200
    with app_session(app) as session:
        assert authenticate(session, "staff@example-app.com", "a brand new password").ok


@pytest.mark.parametrize(
    "address, network",
    [("203.0.113.77", "203.0.113.0/24"), ("2001:db8:1:2::5", "2001:db8:1::/48"), ("junk", None)],
)
def test_only_the_network_of_the_address_is_kept(address, network):
    assert network_of(address) == network


def test_the_data_purge_ends_sessions_nobody_came_back_to(app, client, make_staff):
    from services.jobs.retention import purge

    sign_in(client, make_staff)
    _age_sessions(app, idle=timedelta(hours=1))
    with app_session(app) as session:
        report = purge(session, 365)
        assert report.counts["expired staff sessions ended"] == 1
        [row] = session.scalars(select(StaffSession))
        assert row.ended_at is not None and row.browser is None and row.network is None
