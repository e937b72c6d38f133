"""The site under ordinary load: two web processes and the worker, 0 × 5xx.

Found: on the SQLite default, 202 invitation accepts 12 at a time, while joins
kept the worker busy, got 115 × 503 ("database is locked"). The test starts
gunicorn with two processes and `flask worker` on the test's database, then
drives 200 joins and 200 accepts, 12 at a time, mixed. On SQLite in every run;
on PostgreSQL in the PostgreSQL leg (TEST_DATABASE_URL), the same test.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from models import Event, MembershipRequest, OutboxEmail, RequestState
from tests.support.browser_http import Browser
from tests.support.builders import build_request, invitation_token
from tests.support.database import app_session
from tests.support.servers import free_port, start_gunicorn, stop, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 200
AT_A_TIME = 12


def _env(app):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "WEB_"))}
    env.update({
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "load-test-secret-key-long-enough",
        "SITE_URL": "http://127.0.0.1",
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": app.config["MAIL_FILE_DIR"],
        # One client sends everything here: the limits would answer 429.
        "RATELIMIT_ENABLED": "0",
        "STAFF_NOTIFY_EMAILS": "team@example-app.com",
    })
    return env


def _invited(app, count):
    """`count` invited requests of paying users; their invitation tokens."""
    from models import Account, AccountUser
    from services.privacy.addresses import canonical_email

    emails = [f"member{n}@paying.example" for n in range(count)]
    with app_session(app) as session:
        account = Account(subdomain="paying", name="Paying", status="active")
        account.users = [AccountUser(email=e, email_normalized=canonical_email(e)) for e in emails]
        session.add(account)
        session.flush()
        for email in emails:
            build_request(session, name="Member", email=email)
    with app_session(app) as session:
        invitations = session.scalars(
            select(OutboxEmail).where(OutboxEmail.kind == "invitation").order_by(OutboxEmail.id)
        )
        return [invitation_token(email) for email in invitations]


def _joiners(app):
    with app_session(app) as session:
        return session.scalar(
            select(func.count(MembershipRequest.id)).where(
                MembershipRequest.email.like("joiner%@new.example")
            )
        )


def _join(base, number):
    browser = Browser(base)
    token = browser.csrf_token("/join")
    status, _body, _seconds = browser.request("/join", {
        "csrf_token": token, "name": f"Joiner {number}", "email": f"joiner{number}@new.example",
        "agree": "y",
    })
    return "join", status


def _accept(base, token):
    browser = Browser(base)
    csrf = browser.csrf_token(f"/invite/{token}")
    status, _body, _seconds = browser.request(f"/invite/{token}", {"csrf_token": csrf})
    return "accept", status


def test_two_web_processes_and_the_worker_answer_every_join_and_accept(app, tmp_path):
    tokens = _invited(app, PEOPLE)
    assert len(tokens) == PEOPLE
    env = _env(app)
    port, log_path = free_port(), tmp_path / "gunicorn.log"
    server = start_gunicorn("wsgi:app", port, env, log_path, workers=2)
    worker_log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        wait_until_serving(port, server, log_path)
        with ThreadPoolExecutor(AT_A_TIME) as pool:
            work = []
            for number, token in enumerate(tokens):  # joins and accepts interleaved
                work.append(pool.submit(_join, base, number))
                work.append(pool.submit(_accept, base, token))
            outcomes = [future.result(timeout=120) for future in work]
        # /join only queues the submission (the same work for any address): the worker
        # makes the requests, beside the accepts' welcome emails.
        deadline = time.monotonic() + 120
        while _joiners(app) < PEOPLE and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        worker_log.close()
        stop(server)
    seconds = time.monotonic() - started
    statuses = Counter(outcomes)
    server_errors = {outcome: n for outcome, n in statuses.items() if outcome[1] >= 500}
    assert server_errors == {}, (statuses, log_path.read_text()[-3000:])
    assert statuses == {("join", 303): PEOPLE, ("accept", 303): PEOPLE}, statuses
    print(f"{2 * PEOPLE} form posts ({4 * PEOPLE} requests) in {seconds:.1f} s: {dict(statuses)}")

    with app_session(app) as session:
        joined = session.scalar(
            select(func.count(MembershipRequest.id)).where(
                MembershipRequest.state == RequestState.JOINED
            )
        )
        assert joined == PEOPLE
        per_request = Counter(session.scalars(
            select(Event.request_id).where(Event.kind == "joined")
        ))
        assert len(per_request) == PEOPLE and set(per_request.values()) == {1}, per_request
        welcomes = Counter(session.scalars(
            select(OutboxEmail.request_id).where(OutboxEmail.kind == "welcome")
        ))
        assert len(welcomes) == PEOPLE and set(welcomes.values()) == {1}
    assert _joiners(app) == PEOPLE
