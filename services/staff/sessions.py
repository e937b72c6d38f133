"""Server-side staff sessions: one row per signed-in browser, with idle and absolute expiry.

The cookie carries a random token; only its hash is stored. A session ends
after STAFF_IDLE_MINUTES without a request, STAFF_SESSION_HOURS in all, on
sign-out, when the user is deactivated, and (the others) when the password
changes or the second factor is reset. An ended session forgets its browser
and network.
"""

import ipaddress
from datetime import timedelta

from sqlalchemy import select, update

from clock import as_utc, utcnow
from models import StaffSession, StaffUser
from services.tokens import hash_secret, new_secret

# Writing last_seen_at on every request would make each page a write; a minute
# of slack on a 30-minute idle limit costs nothing.
TOUCH_EVERY = timedelta(seconds=60)


def network_of(address):
    """The network an address belongs to (/24 for IPv4, /48 for IPv6), not the address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def start(db_session, user, browser=None, client=None, method="password", now=None):
    """A new session for `user`; returns (row, token for the cookie)."""
    now = now or utcnow()
    token, token_hash = new_secret()
    row = StaffSession(
        user_id=user.id,
        token_hash=token_hash,
        started_at=now,
        last_seen_at=now,
        browser=(browser or "")[:200] or None,
        network=network_of(client),
        method=method,
    )
    db_session.add(row)
    db_session.flush()
    return row, token


def _expired(row, now, idle_minutes, session_hours):
    return (
        now - as_utc(row.last_seen_at) > timedelta(minutes=idle_minutes)
        or now - as_utc(row.started_at) > timedelta(hours=session_hours)
    )


def find_live(db_session, token, idle_minutes, session_hours, now=None):
    """The live session of this cookie token, touched; None (and ended) when it expired."""
    if not token:
        return None
    now = now or utcnow()
    row = db_session.scalar(select(StaffSession).where(StaffSession.token_hash == hash_secret(token)))
    if row is None or row.ended_at is not None:
        return None
    user = db_session.get(StaffUser, row.user_id)
    if user is None or not user.active or _expired(row, now, idle_minutes, session_hours):
        end(row, now)
        return None
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    return row


def end(row, now=None):
    row.ended_at = now or utcnow()
    row.browser = None
    row.network = None


def end_all(db_session, user, keep=None, now=None):
    """End every live session of `user` but `keep`; returns how many ended."""
    conditions = [StaffSession.user_id == user.id, StaffSession.ended_at.is_(None)]
    if keep is not None:
        conditions.append(StaffSession.id != keep.id)
    return db_session.execute(
        update(StaffSession)
        .where(*conditions)
        .values(ended_at=now or utcnow(), browser=None, network=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount


def live_sessions(db_session, user):
    return list(
        db_session.scalars(
            select(StaffSession)
            .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
            .order_by(StaffSession.last_seen_at.desc())
        )
    )


def end_expired(db_session, idle_minutes, session_hours, now=None):
    """End sessions past either limit (the worker's purge calls this); returns how many."""
    now = now or utcnow()
    return db_session.execute(
        update(StaffSession)
        .where(
            StaffSession.ended_at.is_(None),
            (StaffSession.last_seen_at < now - timedelta(minutes=idle_minutes))
            | (StaffSession.started_at < now - timedelta(hours=session_hours)),
        )
        .values(ended_at=now, browser=None, network=None)
        .execution_options(synchronize_session=False)
    ).rowcount
