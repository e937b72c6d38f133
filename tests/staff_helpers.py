"""Helpers shared by the staff console tests (plain functions, not fixtures)."""

from datetime import timedelta

from clock import utcnow
from models import DeclineReason, MembershipRequest, RequestSource, RequestState
from services.accounts.records import normalize_email
from services.dates import due_date_for
from services.membership.references import new_reference
from tests.conftest import csrf_token_from

STAFF_EMAIL = "staff@example-app.com"
STAFF_PASSWORD = "correct horse battery"


def log_in(client, email=STAFF_EMAIL, password=STAFF_PASSWORD, next_path=None):
    """POST the sign-in form (with the page's CSRF token); returns the response."""
    url = "/staff/login" + (f"?next={next_path}" if next_path else "")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "email": email, "password": password})


def sign_in(client, make_staff, email=STAFF_EMAIL, password=STAFF_PASSWORD):
    make_staff(email, password)
    response = log_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def csrf(client, path="/staff/"):
    """A CSRF token of the signed-in session, read from a staff page."""
    return csrf_token_from(client.get(path).get_data(as_text=True))


def staff_post(client, url, data=None, page="/staff/"):
    return client.post(url, data={"csrf_token": csrf(client, page), **(data or {})})


def add_request(
    session,
    name="Hana Ito",
    email=None,
    state=RequestState.IN_REVIEW,
    source=RequestSource.WEB,
    entered_review_days_ago=0,
    subdomain=None,
):
    """Insert a request directly (no emails), in review since N days ago."""
    started = utcnow() - timedelta(days=entered_review_days_ago)
    email = email or f"{name.split()[0].lower()}@gmail.example"
    request = MembershipRequest(
        reference=new_reference(),
        name=name,
        email=email,
        email_normalized=normalize_email(email),
        subdomain=subdomain,
        source=source,
        state=state,
        created_at=started,
        review_started_at=started,
        due_on=due_date_for(started),
    )
    session.add(request)
    session.flush()
    return request


def make_overdue(use_session, request_id, days=8):
    """Move a request's review start N days into the past and recompute its due date."""
    with use_session() as session:
        request = session.get(MembershipRequest, request_id)
        request.review_started_at = utcnow() - timedelta(days=days)
        request.created_at = request.review_started_at
        request.due_on = due_date_for(request.review_started_at)


def add_decline_reason(use_session, title="No paying account found", body=None, active=True):
    with use_session() as session:
        reason = DeclineReason(
            title=title,
            body=body or "We couldn't find a paying account that your address belongs to.",
            active=active,
        )
        session.add(reason)
        session.flush()
        return reason.id
