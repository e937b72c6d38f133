"""Staff sign-in: passwords, lockout after repeated failures, and who is signed in.

Every failure answers with the same message, whether the address is unknown,
the password wrong, the account deactivated or locked, so the sign-in form
tells nobody which staff addresses exist. Unknown addresses still pay for a
password hash check, so the answer takes about as long either way.

The session cookie carries the user's id and session_version. Signing in,
signing out and deactivation all bump session_version, so every older cookie
(a copied one included) stops working at its next request.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app, session
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models import StaffUser
from services.accounts import normalize_email
from services.clock import utcnow

SIGN_IN_FAILED = (
    "That email and password don't match an active staff account. "
    "After several failed tries, sign-in pauses for a few minutes."
)
_USER_KEY = "staff_id"
_VERSION_KEY = "staff_version"
_SIGNED_IN_AT_KEY = "staff_signed_in_at"


@dataclass
class SignInResult:
    user: StaffUser | None
    error: str | None = None

    @property
    def ok(self):
        return self.user is not None


@lru_cache(maxsize=1)
def _dummy_hash():
    # Computed once with the same (default) method as real hashes.
    return generate_password_hash("not a real password, only for timing")


def authenticate(db_session, email, password, now=None):
    """Check a sign-in attempt and record its outcome on the account (lockout)."""
    now = now or utcnow()
    user = db_session.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return SignInResult(None, SIGN_IN_FAILED)
    password_ok = check_password_hash(user.password_hash, password or "")
    locked = user.locked_until is not None and user.locked_until > now
    if password_ok and user.active and not locked:
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        return SignInResult(user)
    if not locked:
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["STAFF_LOCKOUT_ATTEMPTS"]:
            user.locked_until = now + timedelta(minutes=current_app.config["STAFF_LOCKOUT_MINUTES"])
            user.failed_logins = 0
    return SignInResult(None, SIGN_IN_FAILED)


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
