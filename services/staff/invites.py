"""Invitations to the staff console: a link, valid STAFF_INVITE_HOURS, used once."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from clock import as_utc, utcnow
from models import StaffInvite, StaffRole
from services.mail import emails
from services.privacy.addresses import canonical_email
from services.staff.users import (
    StaffUserError,
    create_staff_user,
    find_staff_user,
    set_first_password,
)
from services.tokens import hash_secret, new_secret


def invite(db_session, email, role, invited_by, now=None):
    """Record the invitation and its email (in this transaction); returns the token."""
    email = canonical_email(email)
    if "@" not in email:
        raise StaffUserError(f"“{email}” is not an email address.")
    existing = find_staff_user(db_session, email)
    if existing is not None and existing.password_hash:
        raise StaffUserError(f"{email} is already a staff user.")
    now = now or utcnow()
    token, token_hash = new_secret()
    expires_at = now + timedelta(hours=current_app.config["STAFF_INVITE_HOURS"])
    db_session.add(
        StaffInvite(
            email=email,
            role=StaffRole(role),
            token_hash=token_hash,
            invited_by=invited_by,
            created_at=now,
            expires_at=expires_at,
        )
    )
    url = current_app.config["SITE_URL"].rstrip("/") + f"/staff/join/{token}"
    emails.send_staff_invite(db_session, email, url, invited_by, StaffRole(role), expires_at)
    return token


def live_invite(db_session, token, now=None):
    """The unused, unexpired invitation of this token, or None."""
    found = db_session.scalar(
        select(StaffInvite).where(StaffInvite.token_hash == hash_secret(token or ""))
    )
    now = now or utcnow()
    if found is None or found.used_at is not None or as_utc(found.expires_at) <= now:
        return None
    return found


def accept(db_session, staff_invite, password=None, now=None):
    """Use the invitation: the staff user exists (with `password`, or for SSO) from now."""
    user = find_staff_user(db_session, staff_invite.email)
    if user is None:
        user = create_staff_user(db_session, staff_invite.email, password, role=staff_invite.role)
    else:
        if password is not None:
            set_first_password(user, password)
        user.active = True
    staff_invite.used_at = now or utcnow()
    return user
