"""Health: whether this process can serve (public), and the detail only operators see.

The public answer depends on nothing but the database answering: no visitor's
action may change it. The detail (worker, queues, platform) is for the staff
console and for a monitor holding HEALTH_TOKEN.
"""

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

import db
from clock import as_utc
from models import JobStatus, OutboxEmail, OutboxStatus, PendingJob
from services.community.task_report import connector_health, problems
from services.jobs.worker import worker_health

# Emails not delivered yet (the worker's backlog), and those given up on (sent ones are
# not counted: they only grow).
WAITING_EMAIL = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)
UNSENT_EMAIL = (*WAITING_EMAIL, OutboxStatus.DEAD)


def database_problem(engine):
    """None when the database answers a trivial query, else a short description."""
    try:
        with engine.connect() as connection:
            connection.execution_options(**{db.READS_ONLY: True}).execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return type(exc).__name__
    return None


def health_detail(session, late_minutes):
    """Everything an operator wants to know: worker, queues (counts and oldest), platform."""
    worker = worker_health(session)
    return {
        "status": "ok",
        "database": "ok",
        "worker": {
            "last_seen": _iso(worker.last_seen),
            "late": worker.late(late_minutes),
            "late_after_minutes": late_minutes,
        },
        "queues": {
            "outbox": _queue(session, OutboxEmail, UNSENT_EMAIL, WAITING_EMAIL),
            "lookups": _queue(session, PendingJob, tuple(JobStatus),
                              (JobStatus.PENDING, JobStatus.RUNNING)),
        },
        "community": {
            "platform": connector_health(session),
            "problems": len(problems(session)),
        },
    }


def _queue(session, model, statuses, waiting):
    """Rows in each of `statuses`, and when the oldest row still waiting was written."""
    found = dict(session.execute(
        select(model.status, func.count(model.id))
        .where(model.status.in_(statuses))
        .group_by(model.status)
    ).all())
    oldest = session.scalar(select(func.min(model.created_at)).where(model.status.in_(waiting)))
    counts = {status.value: found.get(status.value, 0) for status in statuses}
    return {"counts": counts, "oldest_waiting": _iso(as_utc(oldest))}


def _iso(moment):
    return moment.isoformat() if moment else None
