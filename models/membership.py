"""Paying accounts, requests to join, invitations, their events, opt-outs and decline reasons."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clock import utcnow
from models.base import Base, Created, Updated
from models.enums import OPEN_STATES, RequestSource, RequestState


def _open_states_sql():
    # A purged request no longer holds its address (services.jobs.retention).
    states = ", ".join(f"'{s.value}'" for s in OPEN_STATES)
    return text(f"state IN ({states}) AND purged_at IS NULL")



class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    subdomain: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]

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
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

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
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[Updated]
    review_started_at: Mapped[datetime | None]
    due_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(index=True)
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    decline_note: Mapped[str | None] = mapped_column(Text)
    purged_at: Mapped[datetime | None]
    # Bumped by every change of state (services.membership.request_states): a move is made
    # only from the state and version its actor saw.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Mail coming back (services.inbound): the random `+tag` of this request's reply
    # address; when the person replied and no staff member has answered yet (the
    # queue puts these first); and the last hard bounce of an email to the address.
    reply_tag: Mapped[str | None] = mapped_column(String(40), unique=True)
    replied_at: Mapped[datetime | None]
    bounced_at: Mapped[datetime | None]
    bounce_diagnostic: Mapped[str | None] = mapped_column(Text)

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
    created_at: Mapped[Created]
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]

    request: Mapped[MembershipRequest] = relationship(back_populates="invitations")

    # "Is this link still good?" in one place: open (neither accepted nor revoked),
    # and live (open and not yet expired), for a row and in SQL.
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None

    def is_live(self, now):
        return self.is_open() and self.expires_at > now

    @classmethod
    def open_condition(cls):
        return and_(cls.accepted_at.is_(None), cls.revoked_at.is_(None))

    @classmethod
    def live_condition(cls, now):
        return and_(cls.open_condition(), cls.expires_at > now)


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
    created_at: Mapped[Created]

    request: Mapped[MembershipRequest] = relationship(back_populates="events")



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
    keyed hash (services.membership.opt_outs.address_hash) remains, so the opt-out holds.
    """

    __tablename__ = "invitation_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_normalized: Mapped[str | None] = mapped_column(String(254), unique=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[Created]
    # Set when the address marked our email as spam (an ARF complaint): from then on
    # it gets only direct answers to its own requests (services.inbound.bounces).
    complained_at: Mapped[datetime | None]



class InboundMessage(Base):
    """A message that came back (reply, auto-reply, bounce, complaint): only what staff need.

    Kept: sender, date, subject, the new text of a reply (quoted history and
    signature removed) and the names and sizes of attachments, never their content.
    `message_key` (a hash of the Message-ID, or of the bytes when there is none)
    makes receiving the same message twice a no-op.
    """

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_key: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(998))
    # The Message-IDs it answers (References, oldest first): a staff answer continues them.
    thread_references: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership_request.id", ondelete="CASCADE"), index=True
    )
    outbox_email_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_email.id", ondelete="SET NULL")
    )
    # tag, thread, sender or staff (attached by hand); None while unmatched.
    matched_by: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # imap or webhook
    sender: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    body_text: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[str | None] = mapped_column(Text)  # JSON: [{"name", "size"}]
    diagnostic: Mapped[str | None] = mapped_column(Text)

    request: Mapped[MembershipRequest | None] = relationship()
