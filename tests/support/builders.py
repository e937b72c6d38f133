"""Builders for requests, invitations' links and decline reasons: one way to build each in a test."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from clock import utcnow
from models import Account, AccountUser, DeclineReason, MembershipRequest, RequestState
from services.dates import due_date_for
from services.events import REQUESTER, SYSTEM
from services.membership.invitations import accept_invitation, expire_invitations, issue_invitation
from services.membership.opt_outs import opt_out
from services.membership.references import new_reference
from services.membership.request_states import TRANSITIONS, move_request, role_of
from services.membership.reviews import decline
from services.membership.screening import create_and_screen_request
from services.privacy.addresses import canonical_email

STATES = ["invited", "expired", "in_review", "overdue", "declined", "joined", "withdrawn"]
DECLINE_REASON = "We couldn't find a paying account that lists this address."
UNKNOWN = "nobody@elsewhere.example"  # an address no request uses
STAFF_EMAIL = "staff@example-app.com"  # the staff member who declines built requests

_INVITE_RE = re.compile(r"https?://\S+?/invite/(?!opt-out/)([A-Za-z0-9_-]+)")
_OPT_OUT_RE = re.compile(r"(https?://\S+?/invite/opt-out/[A-Za-z0-9_.-]+)")


def build_request(session, state=None, *, name=None, email=None, quiet=False, **details):
    """Build one request; returns it. The one way tests make requests.

    - `state=None`: submitted through the real service (screened, emails queued);
      `details` go to create_and_screen_request (subdomain, source, facebook_name, ...).
    - `state` one of STATES: submitted (with `details`), then moved there through the
      real services: staff decline, the requester's opt-out, expiry, acceptance;
      "overdue" is in review with its due date moved into the past. An account is
      made for the address when the state needs a member and it has none.
    - `quiet=True`: the row is inserted directly as submitted, screened by nobody
      and emailing nobody, since `entered_review_days_ago` days, then moved along
      the state machine's table to `state` (in review by default) with
      move_request (ValueError when no legal moves lead there); `details` may set
      any other column (source, subdomain, reference, ...), e.g. rows as they were
      stored before today's checks existed.
    """
    if quiet:
        request = _insert_request(session, name, email, **details)
        return _move_quietly(session, request, state or RequestState.IN_REVIEW)
    name = name or "Ana Lima"
    email = email or "ana@myshop.example"
    if state is None:
        return create_and_screen_request(session, name=name, email=email, **details).request
    return _request_in_state(session, state, email, name, **details)


def _request_in_state(session, state, email, name, **details):
    if state in ("invited", "expired", "joined", "withdrawn") and not _has_an_account(
        session, email
    ):
        account = Account(subdomain=email.split("@")[0] + "shop", name="Shop", status="active")
        account.users = [AccountUser(email=email, email_normalized=canonical_email(email))]
        session.add(account)
        session.flush()
    request = create_and_screen_request(session, name=name, email=email, **details).request
    if state == "expired":
        request.invitations[-1].expires_at = utcnow() - timedelta(days=1)
        session.flush()
        expire_invitations(session)
    elif state == "joined":
        join_request(session, request)
    elif state == "withdrawn":
        opt_out(session, request)
    elif state == "overdue":
        request.due_on = (utcnow() - timedelta(days=5)).date()
    elif state == "declined":
        decline_request(session, request)
    session.flush()
    assert request.state == {"overdue": "in_review"}.get(state, state)
    return request


def _has_an_account(session, email):
    return session.scalar(
        select(AccountUser.id).where(AccountUser.email_normalized == canonical_email(email))
    ) is not None


def join_request(session, request, welcome=True):
    """The person behind an invited request accepts a fresh link, as from the email.

    `welcome=False` leaves the welcome email to community provisioning.
    """
    accept_invitation(session, issue_invitation(session, request), welcome=welcome)
    return request


def decline_request(session, request):
    """A staff member declines the request with DECLINE_REASON, through the review service."""
    reason = DeclineReason(title="No paying account found", body=DECLINE_REASON)
    decline(session, request, STAFF_EMAIL, reason)
    return request


def _insert_request(session, name, email, entered_review_days_ago=0, **fields):
    name = name or "Hana Ito"
    started = utcnow() - timedelta(days=entered_review_days_ago)
    email = email or f"{name.split()[0].lower()}@gmail.example"
    values = {
        "reference": new_reference(),
        "name": name,
        "email": email,
        "email_normalized": canonical_email(email),
        "created_at": started,
        "review_started_at": started,
        "due_on": due_date_for(started),
    }
    request = MembershipRequest(**{**values, **fields}, state=RequestState.SUBMITTED)
    session.add(request)
    session.flush()
    return request


def _move_quietly(session, request, state):
    """Move a new request to `state` by the fewest legal moves, as the table allows."""
    for to_state, actor in _moves_to(RequestState(state)):
        move_request(session, request, to_state, actor, seen_state=request.state)
    session.flush()
    return request


def _moves_to(target):
    """The shortest list of (state, actor) moves from submitted to `target`."""
    paths = {RequestState.SUBMITTED: []}
    frontier = [RequestState.SUBMITTED]
    while frontier and target not in paths:
        state = frontier.pop(0)
        for (source, to_state), roles in TRANSITIONS.items():
            if source == state and to_state not in paths:
                actor = next(a for a in (SYSTEM, REQUESTER, STAFF_EMAIL) if role_of(a) in roles)
                paths[to_state] = [*paths[state], (to_state, actor)]
                frontier.append(to_state)
    if target not in paths:
        raise ValueError(f"no legal moves lead from submitted to {target}")
    return paths[target]


def request_by_email(session, email):
    return session.scalar(
        select(MembershipRequest).where(MembershipRequest.email_normalized == canonical_email(email))
    )


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


def invitation_token(email):
    """The invitation token in an invitation (or reminder) email."""
    return _INVITE_RE.search(email.body_text).group(1)


def opt_out_path(email):
    """The path of the "don't invite me again" link in an invitation email."""
    return urlsplit(_OPT_OUT_RE.search(email.body_text).group(1)).path
