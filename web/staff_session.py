"""Who is signed in to the staff console: the cookie's link to a server-side staff session.

The cookie holds only a random session token (services.staff.sessions keeps its
hash, with idle and absolute expiry). Between the password and the second
factor the cookie holds a "pending" sign-in instead, good for PENDING_MINUTES
and for nothing but the code and enrolment pages.
"""

from flask import current_app, g, request, session

import db
from clock import utcnow
from models import StaffUser
from services.staff import sessions

_TOKEN_KEY = "staff_sid"
_PENDING_KEY = "staff_pending"
_PENDING_AT_KEY = "staff_pending_at"
PENDING_MINUTES = 10


def _limits():
    config = current_app.config
    return config["STAFF_IDLE_MINUTES"], config["STAFF_SESSION_HOURS"]


def begin_pending(user, now=None):
    """The password (or SSO) was right; the second factor comes next."""
    session.clear()
    session[_PENDING_KEY] = user.id
    session[_PENDING_AT_KEY] = int((now or utcnow()).timestamp())


def pending_user(db_session, now=None):
    """The user half-way through signing in, or None."""
    user_id = session.get(_PENDING_KEY)
    started = session.get(_PENDING_AT_KEY, 0)
    now = now or utcnow()
    if user_id is None or now.timestamp() - started > PENDING_MINUTES * 60:
        return None
    user = db_session.get(StaffUser, user_id)
    return user if user is not None and user.active else None


def start_session(db_session, user, method, now=None):
    """Rotate the cookie session: drop everything in it, then sign the user in."""
    now = now or utcnow()
    session.clear()
    row, token = sessions.start(
        db_session,
        user,
        browser=request.user_agent.string,
        client=request.remote_addr,
        method=method,
        now=now,
    )
    user.last_login_at = now
    session[_TOKEN_KEY] = token
    g.staff_session = row
    return row


def end_session(db_session):
    """Sign out this browser: its session row ends and the cookie is emptied."""
    row = g.get("staff_session")
    if row is not None:
        sessions.end(row)
    session.clear()


def current_staff_user(db_session, now=None):
    """The signed-in, active staff user of this cookie, or None (and the cookie is emptied)."""
    token = session.get(_TOKEN_KEY)
    if token is None:
        return None
    idle, hours = _limits()
    row = sessions.find_live(db_session, token, idle, hours, now)
    if db_session.dirty and db.reads_only(db_session):  # touched or ended, on a GET
        db.save_aside(db_session)
    if row is None:
        session.pop(_TOKEN_KEY, None)
        return None
    g.staff_session = row
    return db_session.get(StaffUser, row.user_id)


def safe_next(target):
    """A `next` path to return to after sign-in: only our own /staff pages."""
    if (
        isinstance(target, str)
        and target.startswith("/staff")
        and not target.startswith("//")
        and "\\" not in target
        and "\n" not in target
        and "\r" not in target
    ):
        return target
    return None
