"""/metrics: Prometheus's text format behind HEALTH_TOKEN, every figure moving with real work."""

import http.client
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from clock import utcnow
from models import PendingJob
from services.monitoring import EMAIL_STATES
from tests.support.builders import invitation_token, make_overdue, request_by_email
from tests.support.community_fixtures import set_platform
from tests.support.fake_circle import circle_config
from tests.support.forms import csrf_token_from
from tests.support.servers import free_port, start_gunicorn, stop, wait_until_serving
from web.health_token import bearer_token_matches

TOKEN = "metrics-token-0123456789-abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ANA, BOB, CARL = "ana@myshop.example", "bob@elsewhere.example", "carl@myshop.example"
ANSWER = "/faq/how-to-join"
pytestmark = pytest.mark.app_config(HEALTH_TOKEN=TOKEN)

GAUGES = [
    "lobby_outbox_waiting_emails", "lobby_outbox_oldest_waiting_age_seconds",
    "lobby_lookup_waiting_jobs", "lobby_lookup_oldest_waiting_age_seconds",
    "lobby_requests_in_review", "lobby_requests_overdue_reviews",
    "lobby_worker_last_pass_timestamp_seconds",
]


def scrape(client):
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(figures, name, **labels):
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def join(client, email, name):
    html = client.get("/join").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(html), "name": name, "email": email,
            "subdomain": "", "agree": "y"}
    assert client.post("/join", data=data).status_code in (302, 303)


def test_every_figure_moves_with_a_join_an_accept_and_emails(
    app, client, make_account, run_worker, outbox, use_session, fake_circle
):
    set_platform(app, circle_config(fake_circle))
    make_account("myshop", "active", [ANA, CARL])
    empty = scrape(client)
    for name in GAUGES:
        assert (name, ()) in empty, name
    for state in EMAIL_STATES:
        assert value(empty, "lobby_outbox_emails", state=state) == 0
    assert "bounced" in EMAIL_STATES

    join(client, ANA, "Ana Lima")
    join(client, BOB, "Bob Stone")
    with use_session() as session:  # the look-ups have waited a minute
        session.execute(update(PendingJob).values(created_at=utcnow() - timedelta(minutes=1)))
    queued = scrape(client)
    assert value(queued, "lobby_lookup_waiting_jobs") == 2
    assert value(queued, "lobby_lookup_jobs", state="pending") == 2
    assert value(queued, "lobby_lookup_oldest_waiting_age_seconds") >= 60
    assert value(queued, "lobby_http_requests_total", endpoint="join.ask", status="303") == 2
    assert value(queued, "lobby_http_requests_total", endpoint="join.ask", status="200") == 2

    run_worker()  # screens both (Ana invited, Bob in review) and sends their emails
    screened = scrape(client)
    assert value(screened, "lobby_lookup_waiting_jobs") == 0
    assert value(screened, "lobby_requests_in_review") == 1
    assert value(screened, "lobby_outbox_emails", state="sent") >= 2
    assert value(screened, "lobby_worker_last_pass_timestamp_seconds") > 0

    with use_session() as session:
        bob_id = request_by_email(session, BOB).id
    make_overdue(use_session, bob_id)
    token = invitation_token(outbox(kind="invitation", to=ANA)[0])
    html = client.get(f"/invite/{token}").get_data(as_text=True)
    assert client.post(f"/invite/{token}", data={"csrf_token": csrf_token_from(html)}
                       ).status_code in (200, 302, 303)
    accepted = scrape(client)
    assert value(accepted, "lobby_requests_overdue_reviews") == 1
    assert value(accepted, "lobby_provisioning_tasks", state="done") == 1
    assert fake_circle.members_with(ANA)

    # The mail server is down: Carl's invitation waits, failed, and ages.
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    join(client, CARL, "Carl Berg")
    run_worker()
    failing = scrape(client)
    assert value(failing, "lobby_outbox_emails", state="failed") >= 1
    assert value(failing, "lobby_outbox_waiting_emails") >= 1
    assert value(failing, "lobby_outbox_oldest_waiting_age_seconds") > 0
    count = value(failing, "lobby_http_request_duration_seconds_count", endpoint="join.ask")
    assert count == 6  # three forms shown, three sent
    assert value(failing, "lobby_http_request_duration_seconds_bucket",
                 endpoint="join.ask", le="+Inf") == 6
    assert value(failing, "lobby_http_request_duration_seconds_sum", endpoint="join.ask") > 0


def test_pages_the_app_serves_again_from_memory_are_counted_too(app, client):
    for _ in range(3):
        assert app.test_client().get(ANSWER).status_code == 200
    counted = scrape(client)
    assert value(counted, "lobby_http_requests_total", endpoint="faq.answer", status="200") == 3


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": TOKEN}])
def test_without_the_token_it_answers_401(client, headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "lobby_" not in response.get_data(as_text=True)


@pytest.mark.app_config(HEALTH_TOKEN="")
def test_without_health_token_set_there_are_no_metrics(app, client):
    assert client.get("/metrics", headers=AUTH).status_code == 404
    assert "lobby_request_metrics" not in app.extensions  # and no cost per request


def test_the_token_is_compared_whole():
    assert bearer_token_matches(f"Bearer {TOKEN}", TOKEN)
    assert bearer_token_matches(f"bearer {TOKEN}", TOKEN)
    assert not bearer_token_matches(f"Bearer {TOKEN[:-1]}", TOKEN)
    assert not bearer_token_matches("Bearer ", "")
    assert not bearer_token_matches(None, TOKEN)


def test_several_gunicorn_workers_add_up(tmp_path):
    """prometheus_client's multiprocess mode, set up by gunicorn.conf.py: each worker
    process counts its own requests, and a scrape by any of them sees them all."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FLASK_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(SECRET_KEY="m" * 40, DATABASE_URL=f"sqlite:///{tmp_path / 'lobby.sqlite3'}",
               HEALTH_TOKEN=TOKEN, RATELIMIT_ENABLED="0", SHARED_PAGE_SECONDS="0")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=root,
                   env=env, check=True, capture_output=True, timeout=120)
    port, log = free_port(), tmp_path / "gunicorn.log"
    server = start_gunicorn("wsgi:app", port, env, log, workers=2)
    try:
        wait_until_serving(port, server, log, timeout=60)
        processes, sent = set(), 0
        # New connections until both workers have answered (a request id starts with
        # its process's own prefix), bounded.
        while len(processes) < 2 and sent < 500:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/ping")
            response = connection.getresponse()
            response.read()
            connection.close()
            assert response.status == 200
            processes.add(response.headers["X-Request-Id"][:8])
            sent += 1
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/metrics", headers=AUTH)
        body = connection.getresponse().read().decode()
        connection.close()
    finally:
        stop(server)
    assert len(processes) == 2
    assert f'lobby_http_requests_total{{endpoint="main.ping",status="200"}} {sent}.0' in body
