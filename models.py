"""The data model of DESIGN.md, in SQLAlchemy 2.x typed style."""

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from clock import as_utc, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AccountStatus(StrEnum):
    ACTIVE = "active"
    TRIAL = "trial"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"


class RequestState(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INVITED = "invited"
    JOINED = "joined"
    DECLINED = "declined"
    EXPIRED = "expired"
    # The person said "I don't want to join" from an invitation email.
    WITHDRAWN = "withdrawn"


# A person has at most one request in these states (enforced by a partial index).
OPEN_STATES = (
    RequestState.SUBMITTED,
    RequestState.IN_REVIEW,
    RequestState.INVITED,
    RequestState.EXPIRED,
)


class RequestSource(StrEnum):
    WEB = "web"
    FACEBOOK = "facebook"
    IMPORT = "import"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # retried with backoff until OUTBOX_MAX_ATTEMPTS
    DEAD = "dead"  # gave up; staff can retry by hand


class ReportStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def _open_states_sql():
    # A purged request no longer holds its address (services.privacy.retention).
    states = ", ".join(f"'{s.value}'" for s in OPEN_STATES)
    return text(f"state IN ({states}) AND purged_at IS NULL")


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    subdomain: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, onupdate=utcnow
    )

    users: Mapped[list["AccountUser"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="AccountUser.email"
    )


class AccountUser(Base):
    """One email address of a user of a paying-account record."""

    __tablename__ = "account_user"
    __table_args__ = (UniqueConstraint("account_id", "email_normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254), index=True)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, index=True
    )

    account: Mapped[Account] = relationship(back_populates="users")


class MembershipRequest(Base):
    __tablename__ = "membership_request"
    __table_args__ = (
        Index(
            "uq_membership_request_open_email",
            "email_normalized",
            unique=True,
            sqlite_where=_open_states_sql(),
            postgresql_where=_open_states_sql(),
        ),
        Index("ix_membership_request_state_due_on", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254), index=True)
    subdomain: Mapped[str | None] = mapped_column(String(63))
    facebook_name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default=RequestSource.WEB)
    state: Mapped[str] = mapped_column(String(20), default=RequestState.SUBMITTED)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, onupdate=utcnow
    )
    review_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    due_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    decline_note: Mapped[str | None] = mapped_column(Text)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Bumped by every change of state (services.membership.request_states): a move is made
    # only from the state and version its actor saw.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="request", order_by="Invitation.created_at"
    )
    events: Mapped[list["Event"]] = relationship(
        back_populates="request", order_by="(Event.created_at, Event.id)"
    )

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class Invitation(Base):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("membership_request.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    request: Mapped[MembershipRequest] = relationship(back_populates="invitations")


class Event(Base):
    """A state change or an email sent, with its actor: system, requester or a staff email."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_request_id_created_at", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("membership_request.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(254))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    request: Mapped[MembershipRequest] = relationship(back_populates="events")


class OutboxEmail(Base):
    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_addr: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership_request.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FaqVote(Base):
    __tablename__ = "faq_vote"
    __table_args__ = (UniqueConstraint("slug", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    # A hash of a random per-browser cookie: one vote per browser, no identity.
    voter_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Report(Base):
    """An anonymous report: deliberately no reporter identity, IP or user agent."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    post_url: Mapped[str] = mapped_column(String(2000))
    guideline: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.OPEN)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Failed sign-ins since the last good one, from any client (for the alert email).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # Unused since sign-in stopped locking accounts (services.staff.sign_in); kept so
    # the code before that change still runs during an upgrade. Drop it later.
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Changes on sign-in and deactivation, so old session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=0)


class SignInThrottle(Base):
    """Failed staff sign-ins from one client address for one typed address.

    Keyed by a keyed hash of both, so the table names neither. Rows of addresses
    that exist and of ones that don't look the same.
    """

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class DeclineReason(Base):
    """An editable template of the reason given when staff decline a request."""

    __tablename__ = "decline_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InvitationOptOut(Base):
    """An address that asked not to be invited again (unsolicited invitations only).

    The canonical address is kept for the retention period; after it only the
    keyed hash (services.privacy.opt_outs.address_hash) remains, so the opt-out holds.
    """

    __tablename__ = "invitation_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_normalized: Mapped[str | None] = mapped_column(String(254), unique=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProvisioningStatus(StrEnum):
    WAITING = "waiting"  # to be tried (again) at next_attempt_at
    DONE = "done"
    FAILED = "failed"  # refused by the platform, or given up after a day: staff retry


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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # The "give up after a day" clock; staff's "Try again" restarts it.
    waiting_since: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The platform's own words, shown to staff (never a token).
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    member_id: Mapped[str | None] = mapped_column(String(64))
    already_member: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the person goes in (Discourse's invite link); None: our own "you're in" page.
    way_in_url: Mapped[str | None] = mapped_column(String(2000))

    request: Mapped[MembershipRequest] = relationship()


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"  # claimed by a worker; stale after WORKER_CLAIM_TIMEOUT
    DEAD = "dead"  # failed WORKER_MAX_ATTEMPTS times; kept (address masked) for staff


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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    run_after: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ScheduledRun(Base):
    """One row per (scheduled job, slot): the unique key is the lock that makes
    any number of workers run each slot once."""

    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("job", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    slot: Mapped[datetime] = mapped_column(UtcDateTime())
    worker: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    summary: Mapped[str | None] = mapped_column(Text)


class WorkerHeartbeat(Base):
    """When each worker process last finished a pass (for /healthz and staff)."""

    __tablename__ = "worker_heartbeat"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
