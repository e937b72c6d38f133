"""The outbox: every email is a row written in the transaction that caused it.

The worker (`flask worker`, services.jobs) delivers it after that transaction
commits. A row is claimed with a conditional UPDATE (status pending/failed ->
sending), which only one sender can win, so several workers never deliver the
same email twice; a claim older than WORKER_CLAIM_TIMEOUT belongs to a worker
that died and is taken over.

One email never blocks the others: whatever goes wrong while sending it is
recorded on its row (addresses masked) and the pass moves on. A permanent
error (a 5xx reply, an address that cannot be encoded) makes it dead at once,
for staff to see. An email is sent once the server answers 250 to DATA: an
error after that (at QUIT) is logged, never retried. Each email's Message-ID
is derived from its row, so a copy sent twice after a crash is the same message.
"""

import logging
import os
import smtplib
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from flask_mail import Message
from sqlalchemy import func, select

from clock import utcnow
from models import OutboxEmail, OutboxStatus
from services.privacy.addresses import keyed_hash
from services.privacy.masking import mask_emails
from services.queues.claims import ClaimQueue

log = logging.getLogger(__name__)



def record_email(
    session, *, kind, to, subject, body_text, body_html, request_id=None, reply_to=None,
    in_reply_to=None, thread_references=None,
):
    """Add an email to the outbox in the caller's transaction and return the row.

    `reply_to` defaults to SUPPORT_EMAIL; an email about a request names the
    request's own reply address instead (services.mail.reply_addresses).
    """
    row = OutboxEmail(
        kind=kind,
        to_addr=to,
        reply_to=reply_to or current_app.config["SUPPORT_EMAIL"],
        in_reply_to=in_reply_to,
        thread_references=thread_references,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        request_id=request_id,
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


QUEUE = ClaimQueue(
    model=OutboxEmail,
    ready=lambda: OutboxEmail.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]),
    held=lambda: OutboxEmail.status == OutboxStatus.SENDING,
    due=OutboxEmail.next_attempt_at,
    claim_values=lambda now: {"status": OutboxStatus.SENDING, "claimed_at": now},
    order_by=(OutboxEmail.next_attempt_at, OutboxEmail.id),
)


def claim(session, email_id, now=None):
    """Mark one email as being sent by us; False when another sender has it."""
    return QUEUE.claim(session, email_id, now or utcnow())


def due_ids(session, limit=100, now=None):
    """Ids of emails ready for a (re)try, oldest first; skips rows others lock."""
    return QUEUE.due_ids(session, now or utcnow(), limit)


def send_due(session, limit=100, now=None):
    """One pass of the sender: deliver every email that is due. Returns (sent, failed)."""
    sent = failed = 0
    for email_id in due_ids(session, limit=limit, now=now):
        if not claim(session, email_id, now):
            continue
        if deliver_one(session, session.get(OutboxEmail, email_id)):
            sent += 1
        else:
            failed += 1
    return sent, failed


def send_due_now(session, now=None):
    """The worker's queue job: every due email, in batches; returns how many were sent."""
    total = 0
    while True:
        sent, failed = send_due(session, limit=100, now=now)
        total += sent
        if sent + failed < 100:
            return total


def deliver_one(session, email):
    """Hand one claimed email to the mail backend and record the outcome."""
    # No transaction stays open while the mail server takes its time: on SQLite it
    # would hold the write lock (db.py) and every form would wait for the server.
    session.commit()
    email.attempts += 1
    try:
        _transport(email)
    except Exception as exc:  # noqa: BLE001 - one bad email must never stop the queue
        email.last_error = mask_emails(f"{type(exc).__name__}: {exc}")[:2000]
        if is_permanent(exc) or email.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            email.status = OutboxStatus.DEAD
        else:
            email.status = OutboxStatus.FAILED
            email.next_attempt_at = utcnow() + backoff(email.attempts)
        session.commit()
        log.warning(
            "email %s %s (attempt %s): %s", email.id, email.status, email.attempts,
            email.last_error,
        )
        return False
    email.status = OutboxStatus.SENT
    email.sent_at = utcnow()
    email.last_error = None
    session.commit()
    return True


def is_permanent(exc):
    """True when sending again cannot help: a 5xx reply, or an address we cannot encode."""
    if isinstance(exc, UnicodeError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


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
    return True


def build_message(email):
    message = Message(
        subject=email.subject,
        recipients=[email.to_addr],
        body=email.body_text,
        html=email.body_html,
        reply_to=email.reply_to,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=_extra_headers(email),
    )
    message.msgId = message_id(email)
    return message


def _extra_headers(email):
    headers = {"X-Lobby-Outbox-Id": str(email.id)}
    if email.in_reply_to:  # a staff answer, threaded under the person's reply
        headers["In-Reply-To"] = email.in_reply_to
        headers["References"] = email.thread_references or email.in_reply_to
    return headers


def envelope_sender(email):
    """Where bounces go: the request's reply address when mail comes back to Lobby
    (README "Replies and bounces"), so a bounce lands on its request; else the From."""
    inbound = current_app.config["INBOUND_ADDRESS"]
    if inbound and email.reply_to and email.reply_to != current_app.config["SUPPORT_EMAIL"]:
        return email.reply_to
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def message_id(email):
    """The same Message-ID on every attempt at one email, and one nobody else can make up:
    a reply naming it in In-Reply-To lands on its request (services.inbound.matching)."""
    _name, sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    domain = sender.rpartition("@")[2] or "lobby.invalid"
    stem = f"outbox-{email.id}.{email.created_at:%Y%m%d%H%M%S}"
    return f"<{stem}.{keyed_hash(stem)[:20]}@{domain}>"


def _transport(email):
    message = build_message(email)
    if current_app.config["MAIL_BACKEND"] == "file":
        directory = current_app.config["MAIL_FILE_DIR"]
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{email.id:08d}-{email.kind}.eml")
        with open(path, "wb") as handle:
            handle.write(message.as_bytes())
        return
    _send_smtp(current_app.config, message, envelope_sender(email))


def _send_smtp(config, message, envelope_from=None):
    """Send over SMTP; returns once the server has answered 250 to DATA.

    Built from the current config on each send, so settings changed at run time
    (and in tests) apply. MAIL_TIMEOUT bounds every wait, so a server that
    accepts and never answers only costs the worker that long.
    """
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    host = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_TLS"]:
            host.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        sender = envelope_from or parseaddr(message.sender)[1]
        host.sendmail(sender, list(message.send_to), message.as_bytes())
    except BaseException:
        host.close()
        raise
    # Accepted (250 to DATA): the email is sent, whatever QUIT does now.
    try:
        host.quit()
    except (smtplib.SMTPException, OSError) as exc:
        log.info("mail server closed badly after accepting %s: %s", message.msgId, exc)
        host.close()


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
