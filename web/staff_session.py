"""Who is signed in to the staff console: the cookie session of a staff user.

The session cookie carries the user's id and session_version. Signing in,
signing out and deactivation all bump session_version, so every older cookie
(a copied one included) stops working at its next request. Passwords and the
throttling of failed sign-ins are services.staff.sign_in.
"""

from flask import current_app, session

from clock import utcnow
from models import StaffUser

_USER_KEY = "staff_id"
_VERSION_KEY = "staff_version"
_SIGNED_IN_AT_KEY = "staff_signed_in_at"


def start_session(user, now=None):
    """Rotate the cookie session: drop everything in it, then sign the user in."""
    now = now or utcnow()
    user.session_version += 1
    session.clear()
    session[_USER_KEY] = user.id
    session[_VERSION_KEY] = user.session_version
    session[_SIGNED_IN_AT_KEY] = int(now.timestamp())


def end_session(user=None):
    """Sign out: the cookie is emptied and any copy of it stops working."""
    if user is not None:
        user.session_version += 1
    session.clear()


def current_staff_user(db_session, now=None):
    """The signed-in, active staff user of this cookie, or None (and the cookie is emptied)."""
    user_id = session.get(_USER_KEY)
    if user_id is None:
        return None
    now = now or utcnow()
    user = db_session.get(StaffUser, user_id)
    max_age = current_app.config["STAFF_SESSION_HOURS"] * 3600
    if (
        user is None
        or not user.active
        or session.get(_VERSION_KEY) != user.session_version
        or now.timestamp() - session.get(_SIGNED_IN_AT_KEY, 0) > max_age
    ):
        session.clear()
        return None
    return user


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
