"""The rest of what the site keeps: the outbox, FAQ votes, reports, staff users and sign-in throttles."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clock import utcnow
from models.base import Base, Created
from models.enums import OutboxStatus, ReportStatus, StaffRole


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
    created_at: Mapped[Created]
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Threading of a staff answer (services.inbound.staff_answers): the Message-IDs it answers.
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    thread_references: Mapped[str | None] = mapped_column(Text)
    # What a delivery report said about this email: a 5.x.x makes it `bounced`, a
    # 4.x.x (delayed) only writes its words here.
    delivery_report: Mapped[str | None] = mapped_column(Text)



class FaqVote(Base):
    __tablename__ = "faq_vote"
    __table_args__ = (
        UniqueConstraint("slug", "voter_key"),
        UniqueConstraint("slug", "client_key", name="uq_faq_vote_slug_client_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    # A hash of a random per-browser cookie: one vote per browser, no identity.
    voter_key: Mapped[str] = mapped_column(String(64))
    # A keyed hash of the client's address and browser: one vote per client per
    # answer whatever cookies it drops; forgotten after a day (retention.purge).
    client_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[Created]



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
    created_at: Mapped[Created]
    closed_at: Mapped[datetime | None]



class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Created]
    last_login_at: Mapped[datetime | None]
    # Failed sign-ins since the last good one, from any client (for the alert email).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # Unused since sign-in stopped locking accounts (services.staff.sign_in); kept so
    # the code before that change still runs during an upgrade. Drop it later.
    locked_until: Mapped[datetime | None]
    # Changes on sign-in and deactivation, so old session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(20), default=StaffRole.ADMIN, server_default="admin")
    # The TOTP secret (base32); enrolment counts once totp_enrolled_at is set.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None]
    # The last 30-second step whose code was accepted: a code is good once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)



class SignInThrottle(Base):
    """Failed staff sign-ins from one client address for one typed address.

    Keyed by a keyed hash of both, so the table names neither. Rows of addresses
    that exist and of ones that don't look the same.
    """

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
