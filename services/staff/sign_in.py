"""Staff sign-in: passwords and throttling of repeated failures (the session: web.staff_session).

Every failure answers with the same message, whether the address is unknown,
the password wrong or the account deactivated, so the sign-in form tells nobody
which staff addresses exist. Unknown addresses still pay for a password hash
check, so the answer takes about as long either way.

There is no account lockout a stranger could trigger. Failures are counted per
(client address, typed address): after STAFF_SIGN_IN_FREE_TRIES of them, that
client must wait before its next try for that address, the wait doubling with
each failure up to STAFF_SIGN_IN_MAX_DELAY seconds. Any other client, and so the
staff member at their own desk, signs in as usual. The per-client limit on the
form (RATELIMIT_STAFF_LOGIN) still applies. Every STAFF_SIGN_IN_ALERT_AFTER
failures against an account, its owner is emailed.

"""

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from clock import utcnow
from models import SignInThrottle, StaffUser
from services.mail import emails
from services.privacy.addresses import canonical_email
from services.privacy.addresses import keyed_hash as address_hash
from services.staff import two_factor

SIGN_IN_FAILED = (
    "That email and password don't match an active staff account. "
    "After several failed tries from one place, sign-in there pauses for a little while."
)


CODE_FAILED = (
    "That code isn't right. Use the six-digit code your authenticator app shows now, "
    "or one of your recovery codes."
)
CODE_REPLAYED = "That code was used already. Wait for the next one, then enter it."


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


def _throttle_key(client, email):
    return address_hash(f"sign-in|{client or '-'}|{canonical_email(email)}")


def wait_seconds(failures):
    """How long a client must wait after `failures` failed tries in a row (0: none)."""
    config = current_app.config
    extra = failures - config["STAFF_SIGN_IN_FREE_TRIES"]
    if extra < 0:
        return 0
    return min(2 ** min(extra + 1, 30), config["STAFF_SIGN_IN_MAX_DELAY"])


def _wait_message(seconds):
    if seconds < 120:
        amount = "1 second" if seconds == 1 else f"{seconds} seconds"
    else:
        amount = f"{(seconds + 59) // 60} minutes"
    return (
        f"Too many failed sign-ins from here. Wait {amount} before trying again, "
        "or sign in from your usual device."
    )


def _wait_before_trying(db_session, key, now):
    """(throttle row or None, the message when this client must still wait)."""
    throttle = db_session.scalar(select(SignInThrottle).where(SignInThrottle.key_hash == key))
    if throttle is not None:
        ready_at = throttle.last_failed_at + timedelta(seconds=wait_seconds(throttle.failures))
        if ready_at > now:
            return throttle, _wait_message(int((ready_at - now).total_seconds()) + 1)
    return throttle, None


def authenticate(db_session, email, password, client=None, now=None):
    """Check a sign-in attempt from `client` (an IP address); count failures per client."""
    now = now or utcnow()
    key = _throttle_key(client, email)
    throttle, wait = _wait_before_trying(db_session, key, now)
    if wait:
        return SignInResult(None, wait)
    user = db_session.scalar(select(StaffUser).where(StaffUser.email == canonical_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
    elif check_password_hash(user.password_hash, password or "") and user.active:
        user.failed_logins = 0
        # With a code still to come, the count stays until the code is right too:
        # otherwise knowing the password would reset the delay on guessing codes.
        if throttle is not None and not two_factor.is_enrolled(user):
            db_session.delete(throttle)
        return SignInResult(user)
    _count_failure(db_session, key, throttle, now)
    if user is not None:
        _note_failure(db_session, user, now)
    return SignInResult(None, SIGN_IN_FAILED)


def check_second_factor(db_session, user, code, client=None, now=None):
    """Check a TOTP or recovery code after the password, under the same growing delay.

    Returns (SignInResult, how): how is "totp" or "recovery" when accepted. Wrong
    and replayed codes count as failures of this (client, account) pair.
    """
    now = now or utcnow()
    key = _throttle_key(client, user.email)
    throttle, wait = _wait_before_trying(db_session, key, now)
    if wait:
        return SignInResult(None, wait), None
    outcome = two_factor.check_code(user, code, now)
    how = "totp" if outcome == two_factor.ACCEPTED else None
    if how is None and outcome == two_factor.WRONG:
        how = "recovery" if two_factor.use_recovery_code(db_session, user, code, now) else None
    if how is not None and user.active:
        if throttle is not None:
            db_session.delete(throttle)
        user.last_login_at = now
        return SignInResult(user), how
    _count_failure(db_session, key, throttle, now)
    _note_failure(db_session, user, now)
    if outcome == two_factor.REPLAYED:
        return SignInResult(None, CODE_REPLAYED), None
    return SignInResult(None, CODE_FAILED), None


def _note_failure(db_session, user, now):
    user.failed_logins += 1
    if user.active and user.failed_logins % current_app.config["STAFF_SIGN_IN_ALERT_AFTER"] == 0:
        emails.send_staff_sign_in_failures(db_session, user.email, user.failed_logins, now)


def _count_failure(db_session, key, throttle, now):
    if throttle is None:
        try:
            with db_session.begin_nested():
                db_session.add(SignInThrottle(key_hash=key, failures=1, last_failed_at=now))
                db_session.flush()
            return
        except IntegrityError:
            # Another attempt from the same client counted first: add to its row.
            throttle = db_session.scalar(
                select(SignInThrottle).where(SignInThrottle.key_hash == key)
            )
    throttle.failures += 1
    throttle.last_failed_at = now


def forget_old_failures(db_session, older_than):
    """Delete throttle rows whose last failure is before `older_than`; returns how many."""
    return db_session.execute(
        delete(SignInThrottle)
        .where(SignInThrottle.last_failed_at < older_than)
        .execution_options(synchronize_session=False)
    ).rowcount
