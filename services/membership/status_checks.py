"""/status: find a request by address and reference, or email the address a link.

Neither answer may tell a stranger whether an address is known: a wrong
reference looks exactly like an unknown address, and the status link email is
left to the worker (services.jobs), sent only to an address with a request.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from clock import utcnow
from models import MembershipRequest, RequestState
from services import links
from services.mail import emails
from services.mail.address_limits import allow_email_to
from services.membership.references import normalize_reference
from services.membership.screening import existing_request_for, latest_request_for
from services.privacy.addresses import canonical_email
from services.tokens import InvalidLink, signed_request


def status_token_for(session, email, reference):
    """A 24-hour status token when the reference is this address's, else None.

    The same single query runs for a known and an unknown address.
    """
    if not (reference or "").strip():
        return None
    request = session.scalar(
        select(MembershipRequest).where(
            MembershipRequest.reference == normalize_reference(reference),
            MembershipRequest.email_normalized == canonical_email(email),
            MembershipRequest.purged_at.is_(None),
        )
    )
    if request is None:
        return None
    return links.status_token(request, max_age=current_app.config["STATUS_LINK_MAX_AGE"])


def email_status_link(session, email, counted=False):
    """Email a 24-hour status link to an address that has a request; returns whether sent.

    `counted`: the form already counted this email against the mailbox's limit.
    """
    request = latest_request_for(session, email)
    if request is None or request.purged_at is not None:
        return False
    if not counted and not allow_email_to(request.email):
        return False
    emails.send_status_link(session, request)
    return True


def request_for_token(session, token):
    """The request a status link stands for; InvalidLink / ExpiredLink otherwise."""
    request = signed_request(session, links.read_status_token(token))
    if request is None or request.purged_at is not None:
        raise InvalidLink()
    return request


def answer_repeat_submission(session, email):
    """A repeated /join for an address with a request: email it a status link.

    Nothing goes when its request was made in the last JOIN_REPEAT_MINUTES (a
    double click, or a second try while the first email is on its way): the
    first email already says everything.
    """
    request = existing_request_for(session, email)
    if request is None:
        return False
    window = timedelta(minutes=current_app.config["JOIN_REPEAT_MINUTES"])
    if request.state == RequestState.SUBMITTED or request.created_at > utcnow() - window:
        return False
    return email_status_link(session, email, counted=True)  # /join counted it
