"""The outbox: every email is a row written in the transaction that caused it.

Delivery happens only after that transaction commits: right after the response
(OUTBOX_DELIVERY=after_response) or from `flask outbox send --loop`. A row is
claimed with a conditional UPDATE (status pending/failed -> sending), which only
one sender can win, so several senders never deliver the same email twice.
"""

import logging
import os
import smtplib
from datetime import timedelta

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import func, or_, select, update

import db
from extensions import mail
from models import OutboxEmail, OutboxStatus
from services.clock import utcnow

log = logging.getLogger(__name__)

_SESSION_KEY = "outbox_new_ids"
STALE_CLAIM = timedelta(minutes=10)


def record_email(session, *, kind, to, subject, body_text, body_html, request_id=None):
    """Add an email to the outbox in the caller's transaction and return the row."""
    row = OutboxEmail(
        kind=kind,
        to_addr=to,
        reply_to=current_app.config["SUPPORT_EMAIL"],
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        request_id=request_id,
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    session.add(row)
    session.flush()
    session.info.setdefault(_SESSION_KEY, []).append(row.id)
    return row


def take_new_ids(session):
    """The ids recorded in this session since the last call (after a commit)."""
    return session.info.pop(_SESSION_KEY, [])


def deliver_after_response(session, response):
    """Deliver the emails this request committed, once the response is sent."""
    ids = take_new_ids(session)
    if not ids or current_app.config["OUTBOX_DELIVERY"] != "after_response":
        return
    app = current_app._get_current_object()

    def deliver():
        with app.app_context():
            with db.new_session(app) as own_session:
                deliver_ids(own_session, ids)

    response.call_on_close(deliver)


def deliver_ids(session, ids):
    """Deliver the given emails now, each only if this caller wins its claim."""
    sent = 0
    for email_id in ids:
        if claim(session, email_id):
            sent += deliver_one(session, session.get(OutboxEmail, email_id))
    return sent


def claim(session, email_id, now=None):
    """Mark one email as being sent by us; False when another sender has it."""
    now = now or utcnow()
    result = session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            or_(
                OutboxEmail.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]),
                (OutboxEmail.status == OutboxStatus.SENDING)
                & (OutboxEmail.claimed_at < now - STALE_CLAIM),
            ),
        )
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def due_ids(session, limit=100, now=None):
    """Ids of emails ready for a (re)try, oldest first; skips rows others lock."""
    now = now or utcnow()
    query = (
        select(OutboxEmail.id)
        .where(
            or_(
                OutboxEmail.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED])
                & (OutboxEmail.next_attempt_at <= now),
                (OutboxEmail.status == OutboxStatus.SENDING)
                & (OutboxEmail.claimed_at < now - STALE_CLAIM),
            )
        )
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    session.commit()
    return ids


def send_due(session, limit=100):
    """One pass of the sender: deliver every email that is due. Returns (sent, failed)."""
    sent = failed = 0
    for email_id in due_ids(session, limit=limit):
        if not claim(session, email_id):
            continue
        if deliver_one(session, session.get(OutboxEmail, email_id)):
            sent += 1
        else:
            failed += 1
    return sent, failed


def deliver_one(session, email):
    """Hand one claimed email to the mail backend and record the outcome."""
    email.attempts += 1
    try:
        _transport(email)
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
        if email.attempts >= max_attempts:
            email.status = OutboxStatus.DEAD
        else:
            email.status = OutboxStatus.FAILED
            email.next_attempt_at = utcnow() + backoff(email.attempts)
        session.commit()
        log.warning("email %s failed (attempt %s): %s", email.id, email.attempts, email.last_error)
        return False
    email.status = OutboxStatus.SENT
    email.sent_at = utcnow()
    email.last_error = None
    session.commit()
    return True


def backoff(attempts):
    """Wait 30 s, 1 min, 2 min, ... up to 1 hour between tries."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def retry(session, email_id):
    """Put a failed or dead email back in the queue now (staff action)."""
    email = session.get(OutboxEmail, email_id)
    if email is None or email.status not in (OutboxStatus.FAILED, OutboxStatus.DEAD):
        return False
    email.status = OutboxStatus.PENDING
    email.next_attempt_at = utcnow()
    session.flush()
    session.info.setdefault(_SESSION_KEY, []).append(email.id)
    return True


def build_message(email):
    return Message(
        subject=email.subject,
        recipients=[email.to_addr],
        body=email.body_text,
        html=email.body_html,
        reply_to=email.reply_to,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"X-Lobby-Outbox-Id": str(email.id)},
    )


def _transport(email):
    message = build_message(email)
    if current_app.config["MAIL_BACKEND"] == "file":
        directory = current_app.config["MAIL_FILE_DIR"]
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{email.id:08d}-{email.kind}.eml")
        with open(path, "wb") as handle:
            handle.write(message.as_bytes())
        return
    # Built from the current config on each send, so settings changed at run
    # time (and in tests) apply; Flask-Mail otherwise reads them once at start.
    config = current_app.config
    state = mail.init_mail(config, False, False)
    with _TimedConnection(state, config["MAIL_TIMEOUT"]) as connection:
        message.send(connection)


class _TimedConnection(Connection):
    """Flask-Mail's SMTP connection with a timeout, so a hung server cannot hang us."""

    def __init__(self, state, timeout):
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self):
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def needing_attention(session, limit=200):
    """Emails not sent yet (pending, sending, failed, dead), newest first, and their counts."""
    statuses = [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED, OutboxStatus.DEAD]
    emails = list(
        session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.status.in_(statuses))
            .order_by(OutboxEmail.id.desc())
            .limit(limit)
        )
    )
    counts = dict(
        session.execute(
            select(OutboxEmail.status, func.count(OutboxEmail.id))
            .where(OutboxEmail.status.in_(statuses))
            .group_by(OutboxEmail.status)
        ).all()
    )
    return emails, {status.value: counts.get(status.value, 0) for status in statuses}


def retry_all(session):
    """Put every failed or dead email back in the queue now; returns how many."""
    ids = session.scalars(
        select(OutboxEmail.id).where(
            OutboxEmail.status.in_([OutboxStatus.FAILED, OutboxStatus.DEAD])
        )
    )
    return sum(retry(session, email_id) for email_id in list(ids))
