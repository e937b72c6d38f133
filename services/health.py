"""Liveness: can we reach the database, and when was a worker last seen?"""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from services.jobs.worker import worker_health


def database_problem(engine):
    """None when the database answers a trivial query, else a short description."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return type(exc).__name__
    return None


def worker_report(session, late_minutes):
    """What /healthz says of the workers: last seen, late or not, the oldest email waiting."""
    worker = worker_health(session)
    return {
        "last_seen": _iso(worker.last_seen),
        "late": worker.late(late_minutes),
        "oldest_waiting_email": _iso(worker.oldest_waiting_email),
    }


def _iso(moment):
    return moment.isoformat() if moment else None
