"""Join requests and the automatic check that decides invite or review."""

import functools
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, case, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from clock import utcnow
from models import OPEN_STATES, MembershipRequest, RequestSource, RequestState
from services import community
from services.accounts.records import paying_accounts_for_email, review_hints
from services.community import CommunityError
from services.community.task_report import problems
from services.dates import due_date_for
from services.events import REQUESTER, SYSTEM, insert_event, record_event
from services.mail import emails
from services.membership.invitations import issue_invitation
from services.membership.references import new_reference
from services.membership.request_states import move_request
from services.privacy.addresses import canonical_email, tidy_address
from services.privacy.names import NameProblem, name_problem
from settings import as_list

log = logging.getLogger(__name__)


@dataclass
class CreateResult:
    request: MembershipRequest
    created: bool


def open_request_for(session, email):
    """The open request of this address (any letter case), or None."""
    return session.scalar(
        select(MembershipRequest).where(
            MembershipRequest.email_normalized == canonical_email(email),
            MembershipRequest.state.in_(OPEN_STATES),
        )
    )


def latest_request_for(session, email):
    """The newest request of this address in any state, or None."""
    return session.scalar(
        select(MembershipRequest)
        .where(MembershipRequest.email_normalized == canonical_email(email))
        .order_by(MembershipRequest.created_at.desc(), MembershipRequest.id.desc())
        .limit(1)
    )


def create_and_screen_request(
    session,
    *,
    name,
    email,
    subdomain=None,
    source=RequestSource.WEB,
    facebook_name=None,
    actor=REQUESTER,
):
    """Create a request and screen it now, or return the one this address already has.

    For commands and tests; the web forms use join_submissions.queue_join_submission,
    which leaves all of this to the worker.

    An open request is returned as it is; so is the request of someone who has
    already joined (a member asking again needs to log in, not a new invitation).
    A declined or withdrawn person may ask again: that makes a new request.

    The partial unique index on open requests is the real guard: when two
    submissions race, the loser's insert does nothing (ON CONFLICT DO NOTHING) and
    it returns the winner's request instead.
    """
    request_id, existing = create_submitted(
        session, name, email, subdomain, source, facebook_name, actor
    )
    if existing is not None:
        return CreateResult(existing, created=False)
    request = session.get(MembershipRequest, request_id)
    _screen(session, request)
    return CreateResult(request, created=True)


def existing_request_for(session, email):
    """The open request of this address, or the joined one of a member; else None.

    One query: the open request sorts first (there is at most one), else the newest
    request, which counts only when it is a member's.
    """
    found = session.scalar(_existing_request_query(), {"email": canonical_email(email)})
    if found is not None and (found.state in OPEN_STATES or found.state == RequestState.JOINED):
        return found
    return None


@functools.cache
def _existing_request_query():
    """Built once: building it and its cache key cost ~0.5 ms of every POST /join."""
    return (
        select(MembershipRequest)
        .where(MembershipRequest.email_normalized == bindparam("email"))
        .order_by(
            case((MembershipRequest.state.in_(OPEN_STATES), 0), else_=1),
            MembershipRequest.created_at.desc(),
            MembershipRequest.id.desc(),
        )
        .limit(1)
    )


def create_submitted(session, name, email, subdomain, source, facebook_name, actor):
    """(id of a new request in state `submitted`, None), or (None, the request this
    address already has)."""
    email, canonical = tidy_address(email)
    for text in (name, facebook_name):
        problem = name_problem(text)
        if problem:
            raise NameProblem(problem)
    existing = existing_request_for(session, email)
    if existing is not None:
        return None, existing
    values = {
        "name": name.strip(),
        "email": email,
        "email_normalized": canonical,
        "subdomain": (subdomain or "").strip().lower() or None,
        "facebook_name": (facebook_name or "").strip() or None,
        "source": source,
        "state": RequestState.SUBMITTED,
    }
    for _attempt in range(5):
        request_id = _insert_unless_taken(session, {**values, "reference": new_reference()})
        if request_id is not None:
            break
        existing = open_request_for(session, email)
        if existing is not None:
            return None, existing
        # Otherwise the reference collided: draw another one.
    else:
        raise RuntimeError("could not allocate a unique reference")
    insert_event(session, request_id, "submitted", actor, source=source)
    return request_id, None


def _insert_unless_taken(session, values):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the new request's id, or None on a conflict.

    The conflict is a racing open request of the same address (the partial unique
    index) or a reference drawn twice; nothing fails, so no SAVEPOINT is needed to
    keep the caller's transaction usable (two round trips fewer than a flush in
    begin_nested()). A Core statement, built once per dialect: no ORM object is made
    for a row only the worker reads (~0.8 ms of every POST /join).
    """
    return session.scalar(_insert_request_statement(session.get_bind().dialect.name), values)


@functools.cache
def _insert_request_statement(dialect):
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = MembershipRequest.__table__
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


def _screen(session, request):
    """The automatic check: a user of a paying account is invited, anyone else reviewed.

    Someone the community platform already knows needs no invitation: the
    request is marked joined and the email says how to sign in. When the
    platform cannot answer (down, slow, refused), screening goes on as before.
    """
    if _already_member(request.email):
        move_request(session, request, RequestState.JOINED, SYSTEM, seen_state=request.state)
        record_event(session, request, "already_member", SYSTEM)
        emails.send_already_member(session, request)
        return
    matches = paying_accounts_for_email(session, request.email)
    if matches:
        record_event(
            session, request, "matched", SYSTEM, accounts=[a.subdomain for a in matches]
        )
        issue_invitation(session, request, SYSTEM)
        return
    send_to_review(session, request)


def _already_member(email):
    try:
        return community.connector().find_member(email) is not None
    except CommunityError as error:
        log.warning("community: look-up at screening failed (%s); screening as usual", error)
        return False


def send_to_review(session, request):
    now = utcnow()
    due_on = due_date_for(now)
    move_request(
        session,
        request,
        RequestState.IN_REVIEW,
        SYSTEM,
        seen_state=request.state,
        changes={"review_started_at": now, "due_on": due_on},
        due_on=due_on,
    )
    emails.send_in_review(session, request)
    hints = review_hints(session, request)
    failing = len(problems(session))
    for staff_address in as_list(current_app.config["STAFF_NOTIFY_EMAILS"]):
        emails.send_staff_new_review(session, request, hints, staff_address, failing)


def screen_request(session, request_id):
    """Screen the request with this id, unless that is done already.

    The worker's half of a join submission, and what a `screen_request` look-up
    queued before issue 22 runs.
    """
    request = session.get(MembershipRequest, request_id)
    if request is not None and request.state == RequestState.SUBMITTED:
        _screen(session, request)
