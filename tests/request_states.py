"""Put a request in any state through the real services (shared by the status tests)."""

from datetime import timedelta

from sqlalchemy import select

from clock import utcnow
from models import Account, AccountUser, InvitationOptOut, MembershipRequest, RequestState
from services.accounts.records import normalize_email
from services.membership.events import record_event
from services.membership.invitations import accept_invitation, expire_invitations, issue_invitation
from services.membership.screening import submit_request

STATES = ["invited", "expired", "in_review", "overdue", "declined", "joined", "withdrawn"]
DECLINE_REASON = "We couldn't find a paying account that lists this address."


def make_request_in_state(session, state, email, name="Ana Lima"):
    """Create a request for `email` and move it to `state`; returns the request."""
    if state in ("invited", "expired", "joined", "withdrawn"):
        account = Account(subdomain=email.split("@")[0] + "shop", name="Shop", status="active")
        account.users = [AccountUser(email=email, email_normalized=normalize_email(email))]
        session.add(account)
        session.flush()
    request = submit_request(session, name=name, email=email).request
    if state == "expired":
        request.invitations[-1].expires_at = utcnow() - timedelta(days=1)
        expire_invitations(session)
    elif state == "joined":
        accept_invitation(session, issue_invitation(session, request))
    elif state == "withdrawn":
        request.state = RequestState.WITHDRAWN
        session.add(InvitationOptOut(email_normalized=normalize_email(email)))
        record_event(session, request, "withdrawn", "requester")
    elif state == "overdue":
        request.due_on = (utcnow() - timedelta(days=5)).date()
    elif state == "declined":
        request.state = RequestState.DECLINED
        request.decided_at = utcnow()
        request.decided_by = "staff@example-app.com"
        request.decline_reason = DECLINE_REASON
        record_event(session, request, "declined", "staff@example-app.com")
    session.flush()
    assert request.state == {"overdue": "in_review"}.get(state, state)
    return request


def request_by_email(session, email):
    return session.scalar(
        select(MembershipRequest).where(MembershipRequest.email_normalized == normalize_email(email))
    )
