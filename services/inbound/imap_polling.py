"""The worker reads the inbound mailbox over IMAP (imap-tools) and files each message.

INBOUND_IMAP_URL is `imaps://user:password@host:993/INBOX` (`imap://`, without
TLS, only to a loopback host). Each message is stored (committed) and then moved
to INBOUND_IMAP_DONE_FOLDER, created if missing. A worker that dies between the
two leaves the message in the inbox; the next pass reads it again, finds its
Message-ID already stored, and only moves it: nothing is lost or stored twice.
A worker looks at most every INBOUND_IMAP_INTERVAL seconds (mail providers
frown on a login every few seconds), though it passes more often.
"""

import ipaddress
import logging
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask import current_app
from imap_tools import AND, MailBox, MailBoxUnencrypted
from imap_tools.errors import MailboxCopyError, MailboxMoveError

from services.inbound.receiving import DUPLICATE, NotAMessage, receive_message

log = logging.getLogger(__name__)
LOOPBACK_NAMES = {"localhost"}


class ImapSettingError(ValueError):
    """INBOUND_IMAP_URL cannot be used as given."""


@dataclass(frozen=True)
class ImapSettings:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    folder: str


def imap_settings(url):
    """Read INBOUND_IMAP_URL; refuses plain imap:// to anything but loopback."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise ImapSettingError("INBOUND_IMAP_URL must look like imaps://user:password@host/INBOX")
    if parts.scheme == "imap" and not _is_loopback(parts.hostname):
        raise ImapSettingError("imap:// (no TLS) is allowed only to a loopback host; use imaps://")
    return ImapSettings(
        secure=parts.scheme == "imaps",
        host=parts.hostname,
        port=parts.port or (993 if parts.scheme == "imaps" else 143),
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _is_loopback(host):
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_mailbox(settings, timeout):
    box_class = MailBox if settings.secure else MailBoxUnencrypted
    box = box_class(settings.host, settings.port, timeout=timeout)
    return box.login(settings.user, settings.password, initial_folder=settings.folder)


def poll_mailbox(session, now=None):
    """The worker's queue job: file up to INBOUND_IMAP_BATCH messages; returns how many were new."""
    config = current_app.config
    if not config["INBOUND_IMAP_URL"] or not config["INBOUND_ADDRESS"]:
        return 0
    if not _time_to_look(config["INBOUND_IMAP_INTERVAL"]):
        return 0
    settings = imap_settings(config["INBOUND_IMAP_URL"])
    done_folder = config["INBOUND_IMAP_DONE_FOLDER"]
    stored = 0
    with open_mailbox(settings, config["INBOUND_IMAP_TIMEOUT"]) as mailbox:
        if not mailbox.folder.exists(done_folder):
            mailbox.folder.create(done_folder)
        for uid in mailbox.uids("ALL")[: config["INBOUND_IMAP_BATCH"]]:
            if store_one(session, mailbox, uid, now):
                stored += 1
            move_processed(mailbox, uid, done_folder)
    return stored


def _time_to_look(interval):
    """True at most once per `interval` seconds in this worker process (per app)."""
    last = current_app.extensions.setdefault("inbound_imap", {"looked_at": None})
    now = time.monotonic()
    if last["looked_at"] is not None and now - last["looked_at"] < interval:
        return False
    last["looked_at"] = now
    return True


def store_one(session, mailbox, uid, now=None):
    """File one message and commit; True when it was new."""
    for message in mailbox.fetch(AND(uid=uid), mark_seen=False, bulk=True):
        try:
            received = receive_message(session, message.obj.as_bytes(), "imap", now)
        except NotAMessage:
            log.warning("inbound mailbox: message %s is not an email; moved aside", uid)
            return False
        session.commit()
        return received.outcome != DUPLICATE
    return False


def move_processed(mailbox, uid, done_folder):
    """Out of the inbox once stored (another worker may have moved it first)."""
    try:
        mailbox.move(uid, done_folder)
    except (MailboxMoveError, MailboxCopyError) as exc:
        log.info("inbound mailbox: message %s not moved: %s", uid, exc)
