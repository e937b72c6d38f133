"""One way to claim queued work (emails, look-ups, provisioning), used by every queue.

A row is claimed with a conditional UPDATE that only one caller can win: it must
be ready (and due, unless asked for "any time"), or held by a claim older than
WORKER_CLAIM_TIMEOUT, which belongs to a worker that died and is taken over.
Listing what is due skips rows another worker has locked (`SKIP LOCKED` on
PostgreSQL), so several workers share a queue without waiting on each other.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update


def claim_timeout():
    """How old a claim must be before another worker may take the work over."""
    return timedelta(seconds=current_app.config["WORKER_CLAIM_TIMEOUT"])


@dataclass(frozen=True)
class ClaimQueue:
    """How one table is claimed.

    `ready` and `held` are functions returning SQL conditions: free to claim,
    and claimed by someone; `due` is the column saying when a ready row is due;
    `claim_values(now)` the values a claim writes (it always sets `claimed_at`).
    """

    model: type
    ready: object
    held: object
    due: object
    claim_values: object
    order_by: tuple = field(default=())

    def claimable(self, now, any_time=False):
        ready = self.ready() if any_time else self.ready() & (self.due <= now)
        stale = self.held() & (self.model.claimed_at < now - claim_timeout())
        return or_(ready, stale)

    def due_ids(self, session, now, limit=100, any_time=False):
        """Ids this worker could claim now, in queue order; ends the transaction."""
        query = (
            select(self.model.id)
            .where(self.claimable(now, any_time))
            .order_by(*(self.order_by or (self.model.id,)))
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        session.commit()
        return ids

    def claim(self, session, row_id, now, any_time=False):
        """Take one row for this caller and commit; False when another has it (or not due)."""
        won = session.execute(
            update(self.model)
            .where(self.model.id == row_id, self.claimable(now, any_time))
            .values(**self.claim_values(now))
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        return won == 1

    def stuck(self, now):
        """The condition of rows whose claim is older than WORKER_CLAIM_TIMEOUT."""
        return self.held() & (self.model.claimed_at < now - claim_timeout())
