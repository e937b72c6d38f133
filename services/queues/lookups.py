"""The look-up queue: rows a form writes, done by the worker, each exactly once.

A form that needs a look-up or an email (/resend, /status with an email alone,
"email me my subdomains", /join) writes one `pending_job` row in its own
transaction and answers at once: the same work for a known and an unknown
address. A worker claims a row with a conditional UPDATE (only one can win),
then does the work and deletes the row in one transaction, so the emails the
work records and the end of the job are saved together. The delete names the
claim it holds: if a slow worker's claim went stale and another took the job
over, the slow one's work is rolled back instead of done twice. A worker killed
mid-job leaves a claim that goes stale (WORKER_CLAIM_TIMEOUT) and is redone.
"""

import functools
import json
import logging
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import delete, func, insert, select, update

from clock import utcnow
from models import JobStatus, PendingJob
from services.privacy.masking import mask_emails
from services.queues.claims import ClaimQueue

log = logging.getLogger(__name__)

BATCH = 100


class LookupKind(StrEnum):
    """The kinds of look-up, as stored in `pending_job.kind`: never rename a value, or the
    rows waiting at an upgrade stop running. services.jobs.registry.LOOKUPS says what runs each."""

    JOIN_SUBMISSION = "join_submission"
    # The next two were queued by /join before issue 22: kept for rows waiting at an upgrade.
    SCREEN_REQUEST = "screen_request"
    JOIN_REPEAT = "join_repeat"
    RESEND = "resend"
    STATUS_LINK = "status_link"
    SUBDOMAIN_LIST = "subdomain_list"


_KINDS = frozenset(LookupKind)  # Python 3.11 refuses `str in StrEnum`


def enqueue(session, kind, **payload):
    """Add a look-up to the queue in the caller's transaction.

    One Core INSERT: nothing reads the row back in the request, so the ORM's
    unit of work (a flush) would be pure cost on every form that queues work.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown look-up {kind!r}")
    row = {"kind": kind, "payload": json.dumps(payload), "status": JobStatus.PENDING,
           "run_after": utcnow()}
    session.execute(_insert_job_statement(), row)


@functools.cache
def _insert_job_statement():
    return insert(PendingJob.__table__)  # built once: the same statement and cache key every time


def _claim_values(now):
    return {"status": JobStatus.RUNNING, "claimed_at": now, "attempts": PendingJob.attempts + 1}


QUEUE = ClaimQueue(
    model=PendingJob,
    ready=lambda: PendingJob.status == JobStatus.PENDING,
    held=lambda: PendingJob.status == JobStatus.RUNNING,
    due=PendingJob.run_after,
    claim_values=_claim_values,
)


def due_ids(session, now, limit=100):
    return QUEUE.due_ids(session, now, limit)


def claim(session, job_id, now):
    """Mark one job as ours; False when another worker has it."""
    return QUEUE.claim(session, job_id, now)


def run_due(session, now, handlers):
    """Do every look-up that is due, each by `handlers[kind]`; returns how many were done."""
    now = now or utcnow()
    done = 0
    while True:  # batches, until nothing is left that this worker can claim
        ids = due_ids(session, now, limit=BATCH)
        won = 0
        for job_id in ids:
            if claim(session, job_id, now):
                won += 1
                done += run_claimed(session, job_id, now, handlers)
        if len(ids) < BATCH or not won:
            return done


def run_claimed(session, job_id, claimed_at, handlers):
    """Do one claimed job by `handlers[kind]`; its work and its deletion commit together."""
    job = session.get(PendingJob, job_id)
    kind, payload, attempts = job.kind, json.loads(job.payload), job.attempts
    try:
        handlers[kind](session, **payload)
        still_ours = session.execute(
            delete(PendingJob)
            .where(PendingJob.id == job_id, PendingJob.claimed_at == claimed_at)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not still_ours:
            session.rollback()
            log.warning("look-up %s (%s) was taken over by another worker", job_id, kind)
            return 0
        session.commit()
        return 1
    except Exception as exc:  # noqa: BLE001 - one bad job must never stop the queue
        session.rollback()
        _record_failure(session, job_id, claimed_at, attempts, exc)
        return 0


def _record_failure(session, job_id, claimed_at, attempts, exc):
    error = mask_emails(f"{type(exc).__name__}: {exc}")[:2000]
    dead = attempts >= current_app.config["WORKER_MAX_ATTEMPTS"]
    session.execute(
        update(PendingJob)
        .where(PendingJob.id == job_id, PendingJob.claimed_at == claimed_at)
        .values(
            status=JobStatus.DEAD if dead else JobStatus.PENDING,
            last_error=error,
            run_after=utcnow() + timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600)),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    log.warning("look-up %s failed (attempt %s): %s", job_id, attempts, error)


def counts(session):
    """How many look-ups are waiting, being done and dead (for the staff outbox page)."""
    found = dict(
        session.execute(
            select(PendingJob.status, func.count(PendingJob.id)).group_by(PendingJob.status)
        ).all()
    )
    return {status.value: found.get(status.value, 0) for status in JobStatus}
