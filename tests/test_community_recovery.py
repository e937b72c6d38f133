"""Refused is not forever, and a recovered platform drains the queue at its own pace.

Fakes over real HTTP on loopback; the worker runs in-process (its queue job) or
as a real process that is killed with SIGKILL in the middle of an add.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from clock import utcnow
from models import CommunityProvisioning, MembershipRequest, ProvisioningStatus, RequestState
from services.community import connector_for
from services.community.provisioning import attempt, start_provisioning
from services.community.task_report import community_counts
from tests.support.builders import build_request
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import TOKEN, circle_config
from tests.support.fake_http import Canned
from tests.support.servers import wait_for
from tests.support.staff import sign_in
from tests.support.worker import run_worker_pass

ROOT = Path(__file__).resolve().parent.parent


def waiting(app, count, prefix="person"):
    """`count` joined requests with provisioning due now; returns their request ids."""
    ids = []
    with app_session(app) as session:
        for number in range(count):
            request = build_request(
                session, RequestState.JOINED, quiet=True, name=f"Person {number}",
                email=f"{prefix}{number}@example.com", reference=f"LB-R{prefix[:1].upper()}{number:04d}",
                source="web",
            )
            start_provisioning(session, request, "circle")
            ids.append(request.id)
    return ids


def tasks(app):
    with app_session(app) as session:
        return list(session.scalars(select(CommunityProvisioning).order_by(CommunityProvisioning.id)))


def test_a_429_storm_then_recovery_drains_the_queue_without_an_operator(app, fake_circle, outbox):
    set_platform(app, circle_config(fake_circle))
    waiting(app, 6)
    storm = 8
    fake_circle.send_next(
        Canned(429, {"message": "Rate limit exceeded"}, {"Retry-After": "1"}), times=storm
    )
    started = time.monotonic()

    def all_done():
        run_worker_pass(app)  # the worker's queue job, as it runs every few seconds
        return {t.status for t in tasks(app)} == {ProvisioningStatus.DONE}

    wait_for(all_done, timeout=120, what="every waiting person to be provisioned")
    assert time.monotonic() - started < 120
    assert len(fake_circle.members) == 6 and len(outbox(kind="welcome")) == 6
    # At the platform's pace: each 429 paused everyone, so the storm cost one call a pause.
    assert len(fake_circle.calls) == storm + 6


def test_a_success_after_failures_brings_the_others_forward(app, fake_circle):
    set_platform(app, circle_config(fake_circle))
    ids = waiting(app, 4)
    later = utcnow() + timedelta(minutes=9)
    with app_session(app) as session:
        for task in session.scalars(select(CommunityProvisioning)):
            if task.request_id != ids[0]:
                task.next_attempt_at = later  # backed off after an outage
            task.first_failed_at = utcnow() - timedelta(minutes=20)
            task.attempts = 5
    run_worker_pass(app)
    assert len(fake_circle.members) == 1  # the one that was due succeeded...
    run_worker_pass(app)
    assert len(fake_circle.members) == 4  # ...and the others came forward at once
    assert {t.status for t in tasks(app)} == {ProvisioningStatus.DONE}


def test_rotated_token_refuses_then_check_heals_it(app, runner, fake_circle, outbox):
    set_platform(app, circle_config(fake_circle))
    waiting(app, 2)
    fake_circle.token = "rotated-token-0000000000"  # rotated on the platform, not here yet
    run_worker_pass(app)
    refused = tasks(app)
    assert {t.status for t in refused} == {ProvisioningStatus.FAILED}
    assert {t.refused_for for t in refused} == {"credentials"}
    assert refused[0].last_error.startswith("401: the API token is invalid")
    still = runner.invoke(args=["community", "check"])
    assert still.exit_code == 1 and {t.status for t in tasks(app)} == {ProvisioningStatus.FAILED}
    set_platform(app, CIRCLE_API_TOKEN="rotated-token-0000000000")  # the operator fixes it
    healed = runner.invoke(args=["community", "check"])
    assert healed.exit_code == 0, healed.output
    assert "2 task(s) refused for the credentials are waiting again." in healed.output
    run_worker_pass(app)
    assert {t.status for t in tasks(app)} == {ProvisioningStatus.DONE}
    assert len(fake_circle.members) == 2 and len(outbox(kind="welcome")) == 2
    assert TOKEN not in healed.output


def test_retry_prints_every_kind_of_outcome(app, runner, fake_circle):
    set_platform(app, circle_config(fake_circle))
    ids = waiting(app, 4)
    with app_session(app) as session:
        for task in session.scalars(select(CommunityProvisioning)):
            if task.request_id == ids[0]:
                task.status, task.last_error = ProvisioningStatus.FAILED, "401: old token"
            if task.request_id == ids[1]:
                task.claimed_at = utcnow()  # another worker is on it right now
    fake_circle.answer_next(422, {"message": "Name is invalid"})
    fake_circle.answer_next(404, {"message": "Community member not found."})  # its look-up
    fake_circle.answer_next(503, {"message": "maintenance"})
    result = runner.invoke(args=["community", "retry"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Provisioned 1, still waiting 1, still refused 1, in progress 1."
    )


def test_circle_daily_limit_waits_for_the_next_utc_day(app, fake_circle):
    set_platform(app, circle_config(fake_circle, COMMUNITY_GIVE_UP_HOURS=1))
    [request_id] = waiting(app, 1)
    fake_circle.answer_next(403, {"message": "Daily member limit exceeded"})
    now = utcnow()
    with app_session(app) as session, app.app_context():
        [task_id] = session.scalars(select(CommunityProvisioning.id))
        session.get(CommunityProvisioning, task_id).waiting_since = now - timedelta(hours=5)
        session.commit()
        assert attempt(session, task_id, connector_for(app.config, 1), now) == "waiting"
    [task] = tasks(app)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
    # Not refused (nor given up, though waiting longer than COMMUNITY_GIVE_UP_HOURS).
    assert task.status == ProvisioningStatus.WAITING
    assert midnight < task.next_attempt_at < midnight + timedelta(minutes=3)
    run_worker_pass(app, now=midnight - timedelta(minutes=1))
    assert fake_circle.members == []
    run_worker_pass(app, now=midnight + timedelta(minutes=5))
    assert len(fake_circle.members) == 1 and tasks(app)[0].status == ProvisioningStatus.DONE
    with app_session(app) as session:
        assert session.get(MembershipRequest, request_id).state == RequestState.JOINED


def _worker_env(app, fake):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "WEB_"))}
    env.update({
        "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "k" * 40, "FLASK_DEBUG": "0",
        "MAIL_FILE_DIR": app.config["MAIL_FILE_DIR"], "RATELIMIT_ENABLED": "0",
        "STAFF_NOTIFY_EMAILS": "", "COMMUNITY_PLATFORM": "circle",
        "CIRCLE_API_URL": fake.url, "CIRCLE_API_TOKEN": fake.token,
        "COMMUNITY_WORKER_TIMEOUT": "120", "WORKER_INTERVAL": "1",
    })
    return env


def test_a_worker_killed_mid_add_is_shown_and_taken_over(
    app, client, runner, make_staff, fake_circle, outbox, tmp_path
):
    set_platform(app, circle_config(fake_circle))
    [request_id] = waiting(app, 1)
    email = "person0@example.com"
    fake_circle.stall = 120  # the add arrives; its answer is held until released
    with open(tmp_path / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT,
            env=_worker_env(app, fake_circle), stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: any(c[0] == "POST" for c in fake_circle.calls), 60, "the add")
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
    fake_circle.release_stalled()  # the platform finishes the add the dead worker sent
    wait_for(lambda: fake_circle.members_with(email), 10, "the add to land")
    [task] = tasks(app)
    assert task.claimed_at is not None and task.add_maybe_sent
    # Staff see it, and `community retry` leaves it to the claim's timeout.
    sign_in(client, make_staff)
    page = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    assert f"in progress</span> since {task.claimed_at:%Y-%m-%d %H:%M}" in page
    calls = len(fake_circle.calls)
    retried = runner.invoke(args=["community", "retry"])
    assert "in progress 1." in retried.output and len(fake_circle.calls) == calls
    # After WORKER_CLAIM_TIMEOUT the next pass takes it over: it looks first, finds
    # the member the dead worker's add made, and welcomes them as new.
    later = utcnow() + timedelta(seconds=app.config["WORKER_CLAIM_TIMEOUT"] + 1)
    with app_session(app) as session, app.app_context():
        counts = community_counts(session, now=later)
    assert (counts["stuck"], counts["in_progress"], counts["refused"]) == (1, 1, 0)
    run_worker_pass(app, now=later)
    assert [c[0] for c in fake_circle.calls[calls:]] == ["GET"]
    assert len(fake_circle.members_with(email)) == 1
    [task] = tasks(app)
    assert task.status == ProvisioningStatus.DONE and not task.already_member
    [welcome] = outbox(kind="welcome")
    assert "already had an account" not in welcome.body_text
