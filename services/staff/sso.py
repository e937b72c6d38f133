"""Who an identity provider's verified claims sign in as (the OIDC protocol: web.staff_sso).

Only a verified address of an allowed domain signs in, and only as an existing
active staff user, an invited one, or (STAFF_OIDC_AUTO_CREATE) a new reviewer.
"""

from dataclasses import dataclass

from sqlalchemy import select

from clock import as_utc, utcnow
from models import StaffInvite, StaffRole, StaffUser
from services.privacy.addresses import canonical_email
from services.staff.users import create_staff_user, find_staff_user
from settings import as_list


@dataclass
class SsoOutcome:
    user: StaffUser | None
    reason: str = ""


def _is_true(value):
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _verified(claims):
    # Entra ID sends no email_verified; its optional claim xms_edov says the same.
    return _is_true(claims.get("email_verified")) or _is_true(claims.get("xms_edov"))


def _live_invite(db_session, email, now):
    for found in db_session.scalars(
        select(StaffInvite).where(StaffInvite.email == email, StaffInvite.used_at.is_(None))
    ):
        if as_utc(found.expires_at) > now:
            return found
    return None


def user_for_claims(db_session, claims, allowed_domains, auto_create, now=None):
    """The staff user these ID-token claims sign in as, or why nobody."""
    now = now or utcnow()
    email = canonical_email(claims.get("email") or "")
    if "@" not in email:
        return SsoOutcome(None, "no email address in the token")
    if not _verified(claims):
        return SsoOutcome(None, "the provider has not verified the email address")
    domains = {d.lower().lstrip("@") for d in as_list(allowed_domains)}
    if email.rsplit("@", 1)[1] not in domains:
        return SsoOutcome(None, "the email domain is not allowed")
    user = find_staff_user(db_session, email)
    if user is None:
        invite = _live_invite(db_session, email, now)
        if invite is not None:
            invite.used_at = now
            user = create_staff_user(db_session, email, None, role=invite.role)
        elif auto_create:
            user = create_staff_user(db_session, email, None, role=StaffRole.REVIEWER)
        else:
            return SsoOutcome(None, "not a staff user (ask an admin for an invitation)")
    if not user.active:
        return SsoOutcome(None, "the staff account is deactivated")
    return SsoOutcome(user)
