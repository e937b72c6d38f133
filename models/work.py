"""Background work: community provisioning tasks, the look-up queue, schedules and worker heartbeats."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clock import utcnow
from models.base import Base, Created
from models.enums import JobStatus, ProvisioningStatus
from models.membership import MembershipRequest


class CommunityProvisioning(Base):
    """Making an accepted person a member on the community platform, and how it went."""

    __tablename__ = "community_provisioning"
    __table_args__ = (
        Index("ix_community_provisioning_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("membership_request.id", ondelete="CASCADE"), unique=True
    )
    platform: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ProvisioningStatus.WAITING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[Created]
    # The "give up after a day" clock; staff's "Try again" restarts it.
    waiting_since: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    first_failed_at: Mapped[datetime | None]
    # The platform's own words, shown to staff (never a token).
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    member_id: Mapped[str | None] = mapped_column(String(64))
    already_member: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the person goes in (Discourse's invite link); None: our own "you're in" page.
    way_in_url: Mapped[str | None] = mapped_column(String(2000))
    # An add left for the platform and no answer proved it failed: look up first next time.
    add_maybe_sent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "credentials" when our key or token was refused: healed by a passing `community check`.
    refused_for: Mapped[str | None] = mapped_column(String(20))

    request: Mapped[MembershipRequest] = relationship()



class PendingJob(Base):
    """A look-up a form asked for (resend, status link, subdomain list, screening).

    Written in the request's transaction; the worker claims it with a conditional
    UPDATE, does it, and deletes the row (it holds an address: nothing is kept).
    """

    __tablename__ = "pending_job"
    __table_args__ = (Index("ix_pending_job_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Created]
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]



class ScheduledRun(Base):
    """One row per (scheduled job, slot): the unique key is the lock that makes
    any number of workers run each slot once."""

    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("job", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    slot: Mapped[datetime]
    worker: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)



class WorkerHeartbeat(Base):
    """When each worker process last finished a pass (for /healthz and staff)."""

    __tablename__ = "worker_heartbeat"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
