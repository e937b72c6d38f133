"""What staff and monitors see of the provisioning queue: problems and counts.

A failing platform never makes the site itself unhealthy: these are details for
the staff console and a monitor, counted over every task, not only the latest.
"""

from datetime import timedelta

from sqlalchemy import func, or_, select

from clock import utcnow
from models import CommunityProvisioning, ProvisioningStatus
from services import community
from services.community.provisioning import QUEUE

PROBLEM_AGE = timedelta(hours=1)  # failures older than this are shown to staff

Task = CommunityProvisioning


def _failing_long(now):
    return (Task.status == ProvisioningStatus.WAITING) & (Task.first_failed_at < now - PROBLEM_AGE)


def problems(session, now=None):
    """Tasks staff should look at: refused, failing for over an hour, or stuck mid-call."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Task)
            .where(
                or_(
                    Task.status == ProvisioningStatus.FAILED,
                    _failing_long(now),
                    QUEUE.stuck(now),
                )
            )
            .order_by(Task.first_failed_at, Task.id)
        )
    )


def community_counts(session, now=None):
    """Counts of the community queue for health reports: every task, not the latest.

    `refused`: staff must act; `stuck`: claimed longer than WORKER_CLAIM_TIMEOUT
    (a worker died mid-call; the next pass takes it over); `failing`: still
    retrying after an hour; `waiting` and `in_progress` for context.
    """
    now = now or utcnow()

    def count(condition):
        return session.scalar(select(func.count(Task.id)).where(condition))

    waiting = Task.status == ProvisioningStatus.WAITING
    return {
        "platform": community.connector().platform,
        "waiting": count(waiting),
        "in_progress": count(waiting & Task.claimed_at.is_not(None)),
        "failing": count(_failing_long(now)),
        "stuck": count(QUEUE.stuck(now)),
        "refused": count(Task.status == ProvisioningStatus.FAILED),
    }


def connector_health(session, now=None):
    """"none" (no platform connected), "ok", or "failing: 2 refused, 1 stuck, ..." over every task."""
    if not community.connector().connected:
        return "none"
    counts = community_counts(session, now)
    bad = [f"{counts[key]} {key}" for key in ("refused", "stuck", "failing") if counts[key]]
    return f"failing: {', '.join(bad)}" if bad else "ok"
