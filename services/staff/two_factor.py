"""Time-based one-time passwords (RFC 6238) and recovery codes of staff users.

A code is good within one 30-second step of clock drift, and once: the step of
the last accepted code is kept and no code of that step or an earlier one is
taken again. Ten recovery codes are made at enrolment, shown once, and kept
only as hashes; each works once.
"""

import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, select

from clock import utcnow
from models import StaffRecoveryCode
from services.tokens import hash_secret

STEP_SECONDS = 30
RECOVERY_CODES = 10
ACCEPTED, WRONG, REPLAYED = "accepted", "wrong", "replayed"


def is_enrolled(user):
    return user.totp_enrolled_at is not None and bool(user.totp_secret)


def start_enrolment(user):
    """Give a user not yet enrolled a secret (kept until a code confirms it) unless one is pending."""
    if is_enrolled(user):
        raise ValueError("already enrolled: reset the second factor first")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.totp_enrolled_at = None
        user.totp_last_step = None
    return user.totp_secret


def provisioning_uri(user, issuer):
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri, title):
    """The otpauth URI as an inline SVG QR code (no script, no style attribute)."""
    return segno.make(uri, error="m").svg_inline(scale=4, title=title, dark="#000", light="#fff")


def grouped(secret):
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _step(moment):
    return int(moment.timestamp()) // STEP_SECONDS


def check_code(user, code, now=None):
    """ACCEPTED (and the step is used up), WRONG or REPLAYED for a six-digit code."""
    code = "".join((code or "").split())
    if not user.totp_secret or not (code.isdigit() and len(code) == 6):
        return WRONG
    now = now or utcnow()
    totp = pyotp.TOTP(user.totp_secret)
    for offset in (0, -1, 1):
        step = _step(now) + offset
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return REPLAYED
            user.totp_last_step = step
            return ACCEPTED
    return WRONG


def confirm_enrolment(db_session, user, code, now=None):
    """Enrol when `code` matches the pending secret: returns the ten recovery codes, or None."""
    if check_code(user, code, now) != ACCEPTED:
        return None
    user.totp_enrolled_at = now or utcnow()
    return new_recovery_codes(db_session, user)


def _normal_recovery(code):
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def new_recovery_codes(db_session, user):
    """Replace the user's recovery codes with ten new ones; returns them (shown once)."""
    db_session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db_session.add(StaffRecoveryCode(user_id=user.id, code_hash=hash_secret(raw)))
    db_session.flush()
    return codes


def use_recovery_code(db_session, user, code, now: datetime | None = None):
    """Whether `code` is an unused recovery code of `user`; it is used up if so."""
    normal = _normal_recovery(code)
    if len(normal) != 10:
        return False
    found = db_session.scalar(
        select(StaffRecoveryCode).where(
            StaffRecoveryCode.user_id == user.id,
            StaffRecoveryCode.code_hash == hash_secret(normal),
            StaffRecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    found.used_at = now or utcnow()
    return True


def recovery_codes_left(db_session, user):
    return len(
        db_session.scalars(
            select(StaffRecoveryCode.id).where(
                StaffRecoveryCode.user_id == user.id, StaffRecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def reset_two_factor(db_session, user):
    """Forget the second factor: the user enrols again at their next sign-in."""
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db_session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.user_id == user.id))
