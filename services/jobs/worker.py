"""The worker pass: the schedules that are due, then every queue, then a heartbeat.

`flask --app app worker` repeats the pass every WORKER_INTERVAL seconds;
`--once` does one pass and exits. Any number of workers may run: queue rows are
claimed with conditional UPDATEs and schedule slots with a unique row, so each
piece of work is done once. One job failing is logged and never stops the pass.
"""

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import aliased

import db
from clock import as_utc, utcnow
from models import OutboxEmail, OutboxStatus, ScheduledRun, WorkerHeartbeat
from services.jobs import schedule
from services.jobs.registry import QUEUE_JOBS, SCHEDULED_JOBS

log = logging.getLogger(__name__)

# An email in these states is still to be delivered (the outbox's depth).
WAITING_EMAIL_STATES = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


@dataclass
class PassReport:
    done: dict = field(default_factory=dict)  # queue job name -> how many
    scheduled: dict = field(default_factory=dict)  # scheduled job name -> summary
    errors: list = field(default_factory=list)

    def lines(self):
        for name, count in self.done.items():
            if count:
                yield f"{name}: {count} done"
        for name, summary in self.scheduled.items():
            yield f"{name}: {summary}"
        for error in self.errors:
            yield f"error: {error}"


def run_pass(app, now=None, schedules=True, name=None):
    """One pass of everything waiting (and the schedules that are due)."""
    name = name or worker_name()
    report = PassReport()
    with app.app_context():
        session = db.new_session(app)
        try:
            for job in SCHEDULED_JOBS if schedules else ():
                _guarded(session, report, job.name, _schedule, session, job, name, now, report)
            for job in QUEUE_JOBS:
                _guarded(session, report, job.name, _drain, session, job, now, report)
            beat(session, name)
        finally:
            session.close()
    return report


def _schedule(session, job, name, now, report):
    summary = schedule.run_if_due(session, job, name, now)
    if summary is not None:
        report.scheduled[job.name] = summary


def _drain(session, job, now, report):
    report.done[job.name] = job.run(session, now or utcnow())


def _guarded(session, report, job_name, work, *args):
    try:
        work(*args)
    except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
        session.rollback()
        log.exception("background job %r failed", job_name)
        report.errors.append(f"{job_name}: {type(exc).__name__}")


def beat(session, name):
    """Record that this worker is alive; forget workers silent for a day, and old slots."""
    now = utcnow()
    row = session.get(WorkerHeartbeat, name)
    if row is None:
        session.add(WorkerHeartbeat(name=name, started_at=now, last_seen=now))
    else:
        row.last_seen = now
    forgotten = WorkerHeartbeat.last_seen < now - timedelta(days=1)
    session.execute(delete(WorkerHeartbeat).where(forgotten))
    # Keep a month of slots to look back on, and always each job's latest (it is the lock
    # of the current slot, however long ago a monthly or yearly job's slot began).
    newer = aliased(ScheduledRun)
    session.execute(
        delete(ScheduledRun).where(
            ScheduledRun.slot < now - timedelta(days=31),
            exists().where(newer.job == ScheduledRun.job, newer.slot > ScheduledRun.slot),
        )
    )
    session.commit()


@dataclass
class WorkerHealth:
    last_seen: object  # datetime or None
    oldest_waiting_email: object  # datetime or None

    def late(self, minutes, now=None):
        """True when no worker has been seen for `minutes` (or ever)."""
        now = now or utcnow()
        return self.last_seen is None or self.last_seen < now - timedelta(minutes=minutes)


def worker_health(session):
    """When a worker was last seen, and the creation time of the oldest unsent email."""
    last_seen = session.scalar(select(func.max(WorkerHeartbeat.last_seen)))
    oldest = session.scalar(
        select(func.min(OutboxEmail.created_at)).where(
            OutboxEmail.status.in_(WAITING_EMAIL_STATES)
        )
    )
    return WorkerHealth(as_utc(last_seen), as_utc(oldest))
