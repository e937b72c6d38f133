"""Demo data, so a fresh `make run` shows a living site: accounts and a request in every state."""

from datetime import timedelta

from sqlalchemy import func, select

from clock import utcnow
from models import (
    Account,
    AccountUser,
    DeclineReason,
    MembershipRequest,
    RequestSource,
    RequestState,
    StaffUser,
)
from services.dates import due_date_for
from services.events import record_event
from services.membership.invitations import accept_invitation, issue_invitation
from services.membership.screening import create_and_screen_request
from services.privacy.addresses import canonical_email
from services.staff.users import create_staff_user

DEMO_STAFF_EMAIL = "staff@example-app.com"
DEMO_STAFF_PASSWORD = "demo-staff-password"

ACCOUNTS = [
    ("myshop", "My Shop Ltd", "active", ["ana@myshop.example", "ben@myshop.example"]),
    ("northwind", "Northwind Traders", "past_due", ["carla@northwind.example"]),
    ("bluebird", "Bluebird Studio", "trial", ["dev@bluebird.example"]),
    ("oldco", "Old Co", "cancelled", ["eve@oldco.example"]),
    ("greenleaf", "Greenleaf Gardens", "active", ["finn@greenleaf.example", "gia@greenleaf.example"]),
]

DECLINE_REASONS = [
    (
        "No paying account found",
        "We couldn't find a paying account that your address belongs to. The community "
        "is for users of paying accounts. If your company has one, ask its owner to add "
        "you as a user, then ask to join again — or reply to this email with your "
        "account's subdomain and we'll look again.",
    ),
    (
        "Personal email address",
        "You asked to join with a personal email address, and we can only match work "
        "addresses to accounts. Please ask to join again with the address you use to "
        "log in to your account.",
    ),
    (
        "Account is on a trial",
        "Your account is still on a trial. The community opens to you as soon as the "
        "account has a paid plan — ask to join again then.",
    ),
]


def is_empty(session):
    return not session.scalar(select(func.count()).select_from(MembershipRequest))


def seed_demo(session):
    """Create the demo data (idempotent enough to run on an empty database)."""
    for subdomain, name, status, emails in ACCOUNTS:
        account = Account(subdomain=subdomain, name=name, status=status)
        account.users = [AccountUser(email=e, email_normalized=canonical_email(e)) for e in emails]
        session.add(account)
    for position, (title, body) in enumerate(DECLINE_REASONS):
        session.add(DeclineReason(title=title, body=body, position=position))
    if not session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF_EMAIL)):
        create_staff_user(session, DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD)
    session.flush()

    # invited: a user of an active account.
    create_and_screen_request(session, name="Ana Lima", email="ana@myshop.example", subdomain="myshop")
    # joined: no account matched, so staff reviewed and approved it; then accepted.
    joined = create_and_screen_request(
        session, name="Omar Haddad", email="omar@partner-agency.example", subdomain="greenleaf"
    ).request
    accept_invitation(session, issue_invitation(session, joined, DEMO_STAFF_EMAIL))
    # in review: a trial account's user and an unknown address; one of them overdue.
    create_and_screen_request(session, name="Dev Patel", email="dev@bluebird.example", subdomain="bluebird")
    overdue = create_and_screen_request(
        session, name="Hana Ito", email="hana@gmail.example", subdomain="myshop"
    ).request
    overdue.review_started_at = utcnow() - timedelta(days=6)
    overdue.created_at = overdue.review_started_at
    overdue.due_on = due_date_for(overdue.review_started_at)
    create_and_screen_request(
        session,
        name="Ivan Petrov",
        email="ivan@facebook-fan.example",
        source=RequestSource.FACEBOOK,
        facebook_name="Ivan P.",
    )
    # declined.
    declined = create_and_screen_request(session, name="Eve Stone", email="eve@oldco.example").request
    declined.state = RequestState.DECLINED
    declined.decided_at = utcnow()
    declined.decided_by = DEMO_STAFF_EMAIL
    declined.decline_reason = DECLINE_REASONS[0][1]
    record_event(session, declined, "declined", DEMO_STAFF_EMAIL, reason=DECLINE_REASONS[0][0])
    # expired: invited long ago, never accepted.
    expired = create_and_screen_request(session, name="Carla Diaz", email="carla@northwind.example").request
    for invitation in expired.invitations:
        invitation.expires_at = utcnow() - timedelta(days=1)
    expired.state = RequestState.EXPIRED
    record_event(session, expired, "expired")
    session.flush()
