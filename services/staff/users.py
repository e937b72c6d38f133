"""Staff accounts: creation, roles, deactivation and passwords (sign-in: services/staff/sign_in.py).

The last active admin can be neither demoted nor deactivated, so the console
always has someone who can manage it.
"""

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import StaffRole, StaffUser
from services.privacy.addresses import canonical_email
from services.staff import sessions, two_factor

MIN_PASSWORD_LENGTH = 12


class StaffUserError(ValueError):
    """A staff account could not be created or changed; the message says why."""


def password_problem(password):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
    return None


def find_staff_user(session, email):
    return session.scalar(select(StaffUser).where(StaffUser.email == canonical_email(email)))


def create_staff_user(session, email, password, role=StaffRole.ADMIN):
    """A new active staff user; `password` None makes one who signs in only by SSO."""
    email = canonical_email(email)
    if "@" not in email:
        raise StaffUserError(f"“{email}” is not an email address.")
    if password is not None and password_problem(password):
        raise StaffUserError(password_problem(password))
    if find_staff_user(session, email):
        raise StaffUserError(f"A staff user {email} already exists.")
    user = StaffUser(
        email=email,
        password_hash=generate_password_hash(password) if password is not None else "",
        active=True,
        role=StaffRole(role),
    )
    session.add(user)
    session.flush()
    return user


def _user_or_error(session, email):
    user = find_staff_user(session, email)
    if user is None:
        raise StaffUserError(f"No staff user {email}.")
    return user


def _is_last_admin(session, user):
    if not (user.active and user.role == StaffRole.ADMIN):
        return False
    admins = session.scalar(
        select(func.count(StaffUser.id)).where(
            StaffUser.active.is_(True), StaffUser.role == StaffRole.ADMIN
        )
    )
    return admins <= 1


def set_role(session, user, role):
    role = StaffRole(role)
    if role != StaffRole.ADMIN and _is_last_admin(session, user):
        raise StaffUserError(f"{user.email} is the last active admin; make someone else admin first.")
    user.role = role
    return user


def deactivate(session, user):
    """Stop the user signing in; every session of theirs ends now."""
    if _is_last_admin(session, user):
        raise StaffUserError(f"{user.email} is the last active admin and stays active.")
    user.active = False
    user.session_version += 1
    sessions.end_all(session, user)
    return user


def reactivate(session, user):
    user.active = True
    return user


def deactivate_staff_user(session, email):
    return deactivate(session, _user_or_error(session, email))


def reset_two_factor_of(session, email):
    """The CLI's reset: the user enrols again at next sign-in, and their sessions end."""
    user = _user_or_error(session, email)
    two_factor.reset_two_factor(session, user)
    sessions.end_all(session, user)
    return user


def change_password(session, user, current, new, keep_session=None):
    """Set a new password after checking the current one; the user's other sessions end."""
    if not check_password_hash(user.password_hash or "", current or ""):
        raise StaffUserError("That isn't your current password.")
    if password_problem(new):
        raise StaffUserError(password_problem(new))
    user.password_hash = generate_password_hash(new)
    sessions.end_all(session, user, keep=keep_session)
    return user


def set_first_password(user, password):
    if password_problem(password):
        raise StaffUserError(password_problem(password))
    user.password_hash = generate_password_hash(password)


def all_staff(session):
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))
