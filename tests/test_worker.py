"""The worker: one process for emails, look-ups and every schedule, any number at once."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from clock import utcnow
from models import (
    JobStatus,
    MembershipRequest,
    OutboxStatus,
    PendingJob,
    RequestSource,
    RequestState,
    ScheduledRun,
)
from services.events import REQUESTER
from services.jobs import schedule
from services.jobs.registry import LOOKUPS, SCHEDULED_JOBS, ScheduledJob
from services.jobs.worker import run_pass
from services.mail import outbox as outbox_service
from services.membership.screening import create_submitted
from services.queues import lookups
from tests.support.builders import build_request
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.health import health_detail
from tests.support.smtp_fakes import DropAtQuitServer

ANA = "ana@myshop.example"


def _lapse_invitation(app, email):
    with app_session(app) as session:
        request = build_request(session, "invited", email=email)
        request.invitations[-1].expires_at = utcnow() - timedelta(minutes=1)
        return request.id, request.reference


def test_worker_once_runs_the_queues_and_every_schedule(app, runner, outbox, make_request):
    make_request(email="zoe@unknown.example")
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "outbox: 2 done" in result.output  # the in-review email and the staff one
    assert "expire invitations: 0 request(s) expired" in result.output
    assert {e.status for e in outbox()} == {OutboxStatus.SENT}
    with app_session(app) as session:
        ran = set(session.scalars(select(ScheduledRun.job)))
    assert ran == {job.name for job in SCHEDULED_JOBS}


def test_a_lapsed_invitation_reads_as_expired_at_once_and_the_schedule_moves_it(
    app, client, run_worker, make_staff
):
    from services import links
    from tests.support.staff import sign_in

    request_id, _reference = _lapse_invitation(app, ANA)
    with app_session(app) as session:
        request = session.get(MembershipRequest, request_id)
        assert request.state == RequestState.INVITED  # nothing has moved it yet
        with app.test_request_context():
            status_url = links.status_url(request, max_age=3600)
    page = client.get(status_url.replace("http://localhost", "")).get_data(as_text=True)
    assert "Your invitation has expired" in page
    assert "It works until" not in page

    sign_in(client, make_staff)
    staff_page = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    assert '<span class="badge badge-state">expired</span>' in staff_page

    report = run_worker(schedules=True)
    assert report.scheduled["expire invitations"] == "1 request(s) expired"
    with app_session(app) as session:
        assert session.get(MembershipRequest, request_id).state == RequestState.EXPIRED


def test_two_workers_run_one_schedule_slot_once(app):
    barrier = threading.Barrier(2, timeout=15)
    job = ScheduledJob("counted", "SCHEDULE_TEST_COUNTED", _counted_job)
    app.config["SCHEDULE_TEST_COUNTED"] = "0 * * * *"
    now = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    results = []

    def worker(name):
        with app_session(app) as session:
            barrier.wait()
            results.append(schedule.run_if_due(session, job, name, now))

    _COUNTED.clear()
    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    calls = list(_COUNTED)
    assert calls == [now]
    assert sorted(results, key=lambda result: result is None) == ["counted once", None]
    # The next slot runs again; the same slot never.
    with app_session(app) as session:
        assert schedule.run_if_due(session, job, "w0", now + timedelta(minutes=20)) is None
        assert schedule.run_if_due(session, job, "w0", now + timedelta(hours=1)) == "counted once"
        slots = list(session.scalars(select(ScheduledRun.slot).order_by(ScheduledRun.slot)))
    assert slots == [datetime(2026, 12, 2, 10, tzinfo=UTC), datetime(2026, 12, 2, 11, tzinfo=UTC)]


_COUNTED = []


def _counted_job(session, now):
    _COUNTED.append(now)
    return "counted once"


def test_every_look_up_kind_runs_one_function_and_keeps_its_stored_name():
    # The names are stored in pending_job.kind: renaming one strands the rows waiting at an upgrade.
    assert set(LOOKUPS) == set(lookups.LookupKind)
    assert sorted(lookups.LookupKind) == [
        "join_repeat", "join_submission", "resend", "screen_request", "status_link",
        "subdomain_list",
    ]
    assert all(callable(run) for run in LOOKUPS.values())


def test_a_look_up_of_no_known_kind_is_refused_when_queued(app):
    with app_session(app) as session, pytest.raises(ValueError, match="unknown look-up"):
        lookups.enqueue(session, "status_links", email=ANA)


@pytest.mark.app_config(TIMEZONE="Europe/Paris", SCHEDULE_REVIEW_REMIND="15 8 * * 1-5")
def test_slots_are_read_in_the_configured_time_zone(app):
    with app.app_context():
        # 07:20 UTC is 08:20 in Paris on a Wednesday: today's 08:15 slot.
        slot = schedule.slot_for("15 8 * * 1-5", datetime(2026, 12, 2, 7, 20, tzinfo=UTC))
        assert slot == datetime(2026, 12, 2, 7, 15, tzinfo=UTC)
        # Saturday: the slot is still Friday's.
        slot = schedule.slot_for("15 8 * * 1-5", datetime(2026, 12, 5, 12, 0, tzinfo=UTC))
        assert slot == datetime(2026, 12, 4, 7, 15, tzinfo=UTC)


def test_a_failing_scheduled_job_leaves_its_slot_for_the_next_pass(app):
    job = ScheduledJob("broken", "SCHEDULE_TEST_BROKEN", _broken_job)
    app.config["SCHEDULE_TEST_BROKEN"] = "* * * * *"
    with app_session(app) as session:
        with pytest.raises(RuntimeError):
            schedule.run_if_due(session, job, "w0")
        session.rollback()
        assert session.scalar(select(func.count()).select_from(ScheduledRun)) == 0


def _broken_job(session, now):
    raise RuntimeError("boom")


def test_a_bad_schedule_setting_stops_the_app_from_starting(tmp_path):
    from app import ConfigurationError, create_app
    from tests.support.database import base_test_config

    config = base_test_config(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigurationError, match="SCHEDULE_DATA_PURGE='every day'"):
        create_app({**config, "SCHEDULE_DATA_PURGE": "every day"})


def _queue_lookups_and_emails(app, count):
    with app_session(app) as session:
        for i in range(count):
            build_request(session, "in_review", email=f"person{i}@shop.example")
            lookups.enqueue(session, "status_link", email=f"person{i}@shop.example")


@pytest.mark.app_config(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1")
def test_two_workers_send_each_email_and_do_each_look_up_once(app, smtp_server, outbox):
    app.config["MAIL_PORT"] = smtp_server.port
    _queue_lookups_and_emails(app, 12)
    barrier = threading.Barrier(2, timeout=15)
    errors = []

    def worker(name):
        barrier.wait()
        report = run_pass(app, schedules=False, name=name)
        errors.extend(report.errors)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Left-overs (a row one worker skipped while the other held it) go in the next pass.
    run_pass(app, schedules=False)
    assert errors == []
    emails = outbox()
    assert len(emails) == 12 * 3  # in review, staff, status link
    assert {e.status for e in emails} == {OutboxStatus.SENT}
    assert len(smtp_server.messages) == len(emails)
    ids = sorted(m.content.split(b"X-Lobby-Outbox-Id: ")[1].split(b"\r\n")[0]
                 for m in smtp_server.messages)
    assert len(set(ids)) == len(ids)
    assert len(outbox(kind="status_link")) == 12
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(PendingJob)) == 0


def test_a_look_up_left_by_a_dead_worker_is_done_by_the_next(app, outbox, use_session):
    _queue_lookups_and_emails(app, 1)
    with use_session() as session:
        [job_id] = lookups.due_ids(session, utcnow())
        assert lookups.claim(session, job_id, utcnow())  # ...and then the worker dies
    run_pass(app, schedules=False)
    assert outbox(kind="status_link") == []  # the claim is still fresh
    later = utcnow() + timedelta(seconds=app.config["WORKER_CLAIM_TIMEOUT"] + 1)
    run_pass(app, schedules=False, now=later)
    assert [e.kind for e in outbox(kind="status_link")] == ["status_link"]


def test_a_slow_worker_whose_claim_was_taken_over_does_not_do_the_work_twice(
    app, outbox, use_session
):
    _queue_lookups_and_emails(app, 1)
    with use_session() as session:
        [job_id] = lookups.due_ids(session, utcnow())
        first = utcnow()
        assert lookups.claim(session, job_id, first)  # a slow worker...
        later = first + timedelta(seconds=app.config["WORKER_CLAIM_TIMEOUT"] + 1)
        assert lookups.claim(session, job_id, later)  # ...the next one takes over
        assert lookups.run_claimed(session, job_id, first, LOOKUPS) == 0  # the slow one gives up
    assert outbox(kind="status_link") == []
    run_pass(app, schedules=False, now=utcnow() + timedelta(hours=1))
    assert len(outbox(kind="status_link")) == 1


def test_a_look_up_that_keeps_failing_ends_dead_with_a_masked_error(
    app, monkeypatch, client, make_staff
):
    from tests.support.staff import sign_in

    def broken(session, email):
        raise ValueError(f"cannot look up {email}")

    monkeypatch.setitem(LOOKUPS, lookups.LookupKind.STATUS_LINK, broken)
    with app_session(app) as session:
        lookups.enqueue(session, "status_link", email="ana@myshop.example")
    now = utcnow()
    for attempt in range(app.config["WORKER_MAX_ATTEMPTS"]):
        run_pass(app, schedules=False, now=now + timedelta(hours=attempt))
    with app_session(app) as session:
        [job] = session.scalars(select(PendingJob)).all()
        assert job.status == JobStatus.DEAD
        assert "a***@myshop.example" in job.last_error
        assert "ana@" not in job.last_error
    sign_in(client, make_staff)
    page = client.get("/staff/outbox").get_data(as_text=True)
    assert "0 waiting, 0 in hand, <strong>1 failed for good</strong>" in page


@pytest.mark.app_config(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1")
def test_a_server_that_drops_at_quit_gets_one_copy(app, use_session, outbox):
    with DropAtQuitServer() as server:
        app.config["MAIL_PORT"] = server.port
        with use_session() as session:
            outbox_service.record_email(
                session, kind="test", to=ANA, subject="Hi", body_text="Hi", body_html="<p>Hi</p>"
            )
        for hours in range(3):
            run_pass(app, schedules=False, now=utcnow() + timedelta(hours=hours))
        assert len(server.messages) == 1
    [email] = outbox()
    assert (email.status, email.attempts) == (OutboxStatus.SENT, 1)


@pytest.mark.app_config(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1")
def test_a_non_ascii_local_part_never_blocks_the_queue(app, use_session, outbox, smtp_server):
    app.config["MAIL_PORT"] = smtp_server.port
    with use_session() as session:
        for to in ("\u0430na@myshop.example", ANA):  # a Cyrillic "а" first
            outbox_service.record_email(
                session, kind="test", to=to, subject="Hi", body_text="Hi", body_html="<p>Hi</p>"
            )
    run_pass(app, schedules=False)
    bad, good = outbox()
    assert bad.status == OutboxStatus.DEAD and bad.attempts == 1  # at once, for staff
    assert "UnicodeEncodeError" in bad.last_error
    assert good.status == OutboxStatus.SENT
    assert [m.rcpt_tos for m in smtp_server.messages] == [[ANA]]


@pytest.mark.parametrize("url, page", [
    ("/join", None), ("/resend", None), ("/status", None), ("/subdomain/email", "/subdomain"),
])
def test_the_forms_refuse_a_non_ascii_local_part_with_a_clear_message(
    app, post_form, outbox, url, page
):
    data = {"name": "Ana", "email": "\u0430na@myshop.example", "agree": "y", "reference": ""}
    response = post_form(url, data, page=page)
    assert response.status_code == 400
    assert "Check for a look-alike letter" in response.get_data(as_text=True)
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(PendingJob)) == 0


class _RefusingHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such user here"


@pytest.mark.app_config(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1")
def test_a_5xx_reply_makes_the_email_dead_at_once(app, use_session, outbox):
    from aiosmtpd.controller import Controller

    from tests.support.servers import free_port

    port = free_port()
    controller = Controller(_RefusingHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["MAIL_PORT"] = port
        with use_session() as session:
            outbox_service.record_email(
                session, kind="test", to=ANA, subject="Hi", body_text="Hi", body_html="<p>Hi</p>"
            )
        run_pass(app, schedules=False)
    finally:
        controller.stop()
    [email] = outbox()
    assert (email.status, email.attempts) == (OutboxStatus.DEAD, 1)
    assert "550" in email.last_error and "a***@myshop.example" in email.last_error


def test_every_attempt_at_an_email_has_the_same_message_id(app, use_session):
    with use_session() as session:
        email = outbox_service.record_email(
            session, kind="test", to=ANA, subject="Hi", body_text="Hi", body_html="<p>Hi</p>"
        )
        first = outbox_service.build_message(email).as_string()
        second = outbox_service.build_message(email).as_string()
    message_id = f"Message-ID: <outbox-{email.id}."
    assert message_id in first and message_id in second
    assert first.split("Message-ID: ")[1].split("\n")[0] == second.split("Message-ID: ")[1].split(
        "\n"
    )[0]


def test_the_health_detail_and_the_staff_queue_report_the_worker(app, client, make_staff, make_request):
    from tests.support.staff import sign_in

    make_request(email="zoe@unknown.example")
    detail = health_detail(app, client)
    worker = detail["worker"]
    assert worker["last_seen"] is None and worker["late"] is True
    assert detail["queues"]["outbox"]["oldest_waiting"] is not None
    sign_in(client, make_staff)
    assert "The background worker isn't running" in client.get("/staff/").get_data(
        as_text=True
    )
    run_pass(app, schedules=False)
    detail = health_detail(app, client)
    worker = detail["worker"]
    assert worker["late"] is False and worker["last_seen"] is not None
    assert detail["queues"]["outbox"]["oldest_waiting"] is None
    assert "background worker" not in client.get("/staff/").get_data(as_text=True)


def test_per_process_rate_limits_with_several_web_processes_refuse_to_start(tmp_path):
    from app import ConfigurationError, create_app
    from tests.support.database import base_test_config

    config = {**base_test_config(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}"),
              "TESTING": False, "WEB_PROCESSES": 3, "RATELIMIT_ENABLED": True}
    with pytest.raises(ConfigurationError, match=r"^RATELIMIT_STORAGE_URI=memory:// counts"):
        create_app(config)
    create_app({**config, "WEB_PROCESSES": 1})
    create_app({**config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    create_app({**config, "RATELIMIT_ENABLED": False})  # nothing to count


def test_a_repeat_join_for_an_old_request_emails_a_status_link_once_per_address_limit(
    app, make_account, make_request, outbox, run_worker
):
    make_account("myshop", "active", [ANA])
    request_id = make_request(email=ANA)
    with app_session(app) as session:
        session.get(MembershipRequest, request_id).created_at = utcnow() - timedelta(days=2)
    for _ in range(2):
        browser = app.test_client()
        html = browser.get("/join").get_data(as_text=True)
        browser.post("/join", data={"csrf_token": csrf_token_from(html), "name": "Eve",
                                    "email": ANA, "agree": "y"})
    run_worker()
    assert [e.kind for e in outbox(to=ANA)] == ["invitation", "status_link", "status_link"]


def test_old_slots_are_forgotten_but_each_jobs_latest_is_kept(app, run_worker):
    old = utcnow() - timedelta(days=60)
    with app_session(app) as session:
        for job, slot in (("yearly", old), ("often", old), ("often", old + timedelta(days=1))):
            session.add(ScheduledRun(job=job, slot=slot, worker="w0"))
    run_worker()
    with app_session(app) as session:
        kept = sorted(session.execute(select(ScheduledRun.job, ScheduledRun.slot)).all())
    assert [job for job, _slot in kept] == ["often", "yearly"]
    assert kept[0][1] == old + timedelta(days=1)


def test_a_screen_request_look_up_queued_before_issue_22_still_screens_its_request(app):
    with app_session(app) as session:
        request_id, _existing = create_submitted(
            session, "Zoe Park", "zoe@unknown.example", None, RequestSource.WEB, None, REQUESTER
        )
        lookups.enqueue(session, "screen_request", request_id=request_id)
    run_pass(app, schedules=False, now=utcnow())
    with app_session(app) as session:
        assert session.get(MembershipRequest, request_id).state == RequestState.IN_REVIEW
