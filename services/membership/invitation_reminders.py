"""The one reminder for an invitation nobody has answered (INVITE_REMINDER_DAYS, 0 = off).

The reminder must carry a working link, but only the hash of the first token is
stored. We issue a NEW invitation row that keeps the original expiry and revoke
the old row, rather than overwriting the old row's hash, because:
- the link in the first email then reads as "revoked" (a newer link was sent),
  which /invite/<token> can explain, instead of "unknown";
- a stored hash always stands for exactly one emailed token, so the history
  (events, rows) stays true;
- only the newest link of a request is reminded, and it expires last, which expiry
  relies on.
Both rows get reminder_sent_at, so neither can be reminded again, and the
reminder never extends the invitation's life.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from clock import utcnow
from models import Invitation, MembershipRequest, RequestState
from services.events import SYSTEM, record_event
from services.mail import emails
from services.membership.invitations import add_invitation
from services.membership.opt_outs import opted_out_among


@dataclass
class SentReminder:
    reference: str
    email: str
    expires_at: object


def reminder_days():
    return int(current_app.config["INVITE_REMINDER_DAYS"] or 0)


def reminders_switched_off():
    """INVITE_REMINDER_DAYS=0 (or less): nobody is reminded."""
    return reminder_days() <= 0


def due_reminder_ids(session, now=None):
    """Ids of invitations due their one reminder, oldest first.

    Live (not accepted, revoked or expired), sent more than INVITE_REMINDER_DAYS
    ago, never reminded, its request still invited, its address not opted out.
    """
    if reminders_switched_off():
        return []
    days = reminder_days()
    now = now or utcnow()
    newer = aliased(Invitation)
    rows = session.execute(
        select(Invitation.id, MembershipRequest.email_normalized)
        .join(Invitation.request)
        .where(
            Invitation.live_condition(now),
            Invitation.reminder_sent_at.is_(None),
            Invitation.created_at <= now - timedelta(days=days),
            MembershipRequest.state == RequestState.INVITED,
            MembershipRequest.bounced_at.is_(None),  # hard-bounced: no more reminders
            # Only the newest link of a request is reminded (re-sends add links).
            ~exists().where(newer.request_id == Invitation.request_id, newer.id > Invitation.id),
        )
        .order_by(Invitation.created_at, Invitation.id)
    ).all()
    opted_out = opted_out_among(session, {email for _id, email in rows})
    return [invitation_id for invitation_id, email in rows if email not in opted_out]


def send_reminders(session, now=None):
    """Send every due reminder; commits after each one. Returns what was sent.

    Each reminder is claimed with a conditional UPDATE of reminder_sent_at in the
    transaction that records its email, so two overlapping runs (a cron job
    that ran long) never remind the same invitation twice.
    """
    now = now or utcnow()
    sent = []
    for invitation_id in due_reminder_ids(session, now):
        reminder = _remind(session, invitation_id, now)
        session.commit()
        if reminder is not None:
            sent.append(reminder)
    return sent


def _remind(session, invitation_id, now):
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.reminder_sent_at.is_(None),
            Invitation.open_condition(),
        )
        .values(reminder_sent_at=now, revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    old = session.get(Invitation, invitation_id)
    session.refresh(old)
    request = old.request
    record_event(session, request, "invitation_revoked", SYSTEM, reason="reminder")
    token, fresh = add_invitation(session, request, now, old.expires_at, reminder_sent_at=now)
    session.flush()
    record_event(session, request, "reminded", SYSTEM, expires_at=fresh.expires_at)
    emails.send_invitation(session, request, token, fresh, reminder=True)
    return SentReminder(request.reference, request.email, fresh.expires_at)
