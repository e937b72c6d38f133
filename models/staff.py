"""Staff accounts' second factor, invitations, sessions and the audit trail."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clock import utcnow
from models.base import Base, Created


class StaffRecoveryCode(Base):
    """One of the ten one-time recovery codes of a staff user (only a hash is kept)."""

    __tablename__ = "staff_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]


class StaffInvite(Base):
    """An invitation to the console: a link valid STAFF_INVITE_HOURS, used once."""

    __tablename__ = "staff_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[Created]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random id of which only a hash is kept.

    The browser and network are shown on "Your sessions" and emptied when the
    session ends, so nothing about where someone was is kept beyond it.
    """

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    browser: Mapped[str | None] = mapped_column(String(200))
    network: Mapped[str | None] = mapped_column(String(64))
    # How the person signed in: "password+totp", "password+recovery", "password", "sso".
    method: Mapped[str] = mapped_column(String(30), default="password")


class AuditEntry(Base):
    """One staff action: append-only (rows are never changed but for the retention purge)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The staff address, or the typed one for a failed sign-in; "staff" after the purge.
    actor: Mapped[str | None] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str | None] = mapped_column(String(30))
    target: Mapped[str | None] = mapped_column(String(254))
    client: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
