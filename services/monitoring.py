"""What an operator watches, read from the database when /metrics is scraped.

Every figure is a count of rows as they are now (queues, reviews, emails by
state), so any process can answer it, whichever process did the work.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from clock import as_utc, utcnow
from models import (
    CommunityProvisioning,
    JobStatus,
    OutboxEmail,
    OutboxStatus,
    PendingJob,
    ProvisioningStatus,
)
from services.jobs.worker import WAITING_EMAIL_STATES, worker_health
from services.membership.review_queue import queue_counts

# Every state an email can be in, "bounced" included before the outbox has it, so a
# dashboard and its alerts can be set up now and the series never appears late.
EMAIL_STATES = tuple(dict.fromkeys([*OutboxStatus, "bounced"]))
WAITING_LOOKUP_STATES = (JobStatus.PENDING, JobStatus.RUNNING)


@dataclass
class Snapshot:
    emails: dict  # state -> how many
    emails_waiting: int
    oldest_waiting_email_age: float  # seconds; 0 when none waits
    lookups: dict  # state -> how many
    lookups_waiting: int
    oldest_waiting_lookup_age: float
    provisioning: dict  # state -> how many
    in_review: int
    overdue_reviews: int  # past the promise of REVIEW_BUSINESS_DAYS business days
    worker_last_pass: float  # Unix time of the last pass of any worker; 0: never


def take_snapshot(session, now=None):
    """The figures of /metrics, a handful of indexed counts."""
    now = now or utcnow()
    emails = _counts(session, OutboxEmail.status, EMAIL_STATES)
    worker = worker_health(session)
    lookups = _counts(session, PendingJob.status, list(JobStatus))
    oldest_lookup = as_utc(session.scalar(
        select(func.min(PendingJob.created_at)).where(
            PendingJob.status.in_(WAITING_LOOKUP_STATES))))
    reviews = queue_counts(session)
    return Snapshot(
        emails=emails,
        emails_waiting=sum(emails[state] for state in WAITING_EMAIL_STATES),
        oldest_waiting_email_age=_age(worker.oldest_waiting_email, now),
        lookups=lookups,
        lookups_waiting=sum(lookups[state] for state in WAITING_LOOKUP_STATES),
        oldest_waiting_lookup_age=_age(oldest_lookup, now),
        provisioning=_counts(session, CommunityProvisioning.status, list(ProvisioningStatus)),
        in_review=reviews.in_review,
        overdue_reviews=reviews.overdue,
        worker_last_pass=worker.last_seen.timestamp() if worker.last_seen else 0.0,
    )


def _counts(session, column, states):
    found = dict(session.execute(select(column, func.count()).group_by(column)).all())
    return {str(state): found.get(str(state), 0) for state in states}


def _age(moment, now):
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0
