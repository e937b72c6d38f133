"""Staff accounts: creation and deactivation (sign-in lives in services/staff/sign_in.py)."""

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import StaffUser
from services.accounts.records import normalize_email

MIN_PASSWORD_LENGTH = 12


class StaffUserError(ValueError):
    """A staff account could not be created or changed; the message says why."""


def create_staff_user(session, email, password):
    email = normalize_email(email)
    if "@" not in email:
        raise StaffUserError(f"“{email}” is not an email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffUserError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(StaffUser).where(StaffUser.email == email)):
        raise StaffUserError(f"A staff user {email} already exists.")
    user = StaffUser(email=email, password_hash=generate_password_hash(password), active=True)
    session.add(user)
    session.flush()
    return user


def deactivate_staff_user(session, email):
    user = session.scalar(select(StaffUser).where(StaffUser.email == normalize_email(email)))
    if user is None:
        raise StaffUserError(f"No staff user {email}.")
    user.active = False
    user.session_version += 1
    return user
