"""Schedules: each job runs once per slot of its cron expression, across all workers.

A slot is the latest time the job's cron expression (in TIMEZONE) names at or
before now. The worker that inserts the (job, slot) row runs the job in the
same transaction; the unique key makes every other worker's insert fail (on
PostgreSQL it waits for the first to commit, then fails), so the slot runs once.
If the job fails, its transaction rolls back with the row and the next pass
tries again. croniter reads the expressions.
"""

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from flask import current_app
from sqlalchemy.exc import IntegrityError

from clock import utcnow
from models import ScheduledRun
from services.jobs.registry import SCHEDULED_JOBS

log = logging.getLogger(__name__)


def expression_for(job):
    return (current_app.config.get(job.setting) or "").strip()


def slot_for(expression, now):
    """The latest time at or before `now` that the cron expression names, in UTC."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    # A second later, so a pass at exactly 08:15:00 gets the 08:15 slot itself.
    start = now.astimezone(zone) + timedelta(seconds=1)
    return croniter(expression, start).get_prev(datetime).astimezone(UTC)


def run_if_due(session, job, worker, now=None):
    """Run `job` for its current slot unless a worker has; returns its summary or None."""
    expression = expression_for(job)
    if not expression:
        return None
    now = now or utcnow()
    run = ScheduledRun(job=job.name, slot=slot_for(expression, now), worker=worker,
                       started_at=utcnow())
    session.add(run)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # this slot has run, or is running elsewhere
        return None
    summary = str(job.run(session, now))
    run.finished_at = utcnow()
    run.summary = summary[:2000]
    session.commit()
    log.info("scheduled job %r ran for %s: %s", job.name, run.slot.isoformat(), summary)
    return summary


def check_expressions(config):
    """Problems with the SCHEDULE_* settings, as lines (empty when all are valid)."""
    problems = []
    for job in SCHEDULED_JOBS:
        expression = (config.get(job.setting) or "").strip()
        if expression and not croniter.is_valid(expression):
            problems.append(
                f"{job.setting}={expression!r} is not a cron expression (minute hour day "
                f"month weekday, for example {job.setting}='30 8 * * 1-5'; empty switches it off)"
            )
    return problems
