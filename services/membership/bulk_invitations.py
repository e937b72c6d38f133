"""Inviting every new user of a paying account, once, without anyone asking.

The run walks the addresses of account users in a fixed order (by normalized
address) and works in batches. Each batch has a session and a transaction of its
own and commits at its end, so an interrupted run loses at most the batch it was
in, and the next run skips everyone already invited: an address with a request
in any state is "known" and never invited again. The partial unique index on
open requests per address is the backstop if a web submission races the run.
"""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import case, exists, func, select
from sqlalchemy.exc import IntegrityError

import db
from models import (
    Account,
    AccountUser,
    InvitationOptOut,
    MembershipRequest,
    RequestSource,
    RequestState,
)
from services.accounts.records import paying_statuses
from services.events import SYSTEM
from services.membership.invitations import issue_invitation
from services.membership.opt_outs import address_hash, opted_out_among
from services.membership.references import new_reference
from services.privacy.addresses import canonical_email

# Keeps IN (...) lists well below SQLite's limit on bound parameters.
_IN_CHUNK = 500


@dataclass
class Summary:
    """What a run did, or (dry run) would do."""

    invited: int = 0
    skipped_known: int = 0
    skipped_not_paying: int = 0
    skipped_opted_out: int = 0
    would_invite: list[str] = field(default_factory=list)
    dry_run: bool = False

    def add(self, other):
        self.invited += other.invited
        self.skipped_known += other.skipped_known
        self.skipped_opted_out += other.skipped_opted_out
        self.would_invite.extend(other.would_invite)

    @property
    def taken(self):
        """Invitations sent, or listed in a dry run: what --limit counts."""
        return len(self.would_invite) if self.dry_run else self.invited


@dataclass(frozen=True)
class Candidate:
    """One address of account users, and whether any of its accounts pays."""

    email_normalized: str
    email: str
    paying: bool


def _known_address():
    return exists().where(MembershipRequest.email_normalized == AccountUser.email_normalized)


def _opted_out_address():
    return exists().where(InvitationOptOut.email_normalized == AccountUser.email_normalized)


def count_waiting(session):
    """How many addresses of paying accounts are waiting for their first invitation."""
    waiting = (
        select(AccountUser.email_normalized)
        .distinct()
        .join(Account)
        .where(
            Account.status.in_(paying_statuses()),
            ~_known_address(),
            ~_opted_out_address(),
        )
    )
    # Opt-outs past the retention period keep only a keyed hash, checked here.
    hashed_only = set(
        session.scalars(
            select(InvitationOptOut.email_hash).where(InvitationOptOut.email_normalized.is_(None))
        )
    )
    if not hashed_only:
        return session.scalar(select(func.count()).select_from(waiting.subquery()))
    return sum(1 for email in session.scalars(waiting) if address_hash(email) not in hashed_only)


def list_candidates(session, *, since=None, only_emails=None):
    """Every address of account users (optionally new since a date / among some), in order.

    An address that belongs to several accounts appears once; it counts as
    paying when any of its accounts pays. With `since`, an address is a
    candidate when at least one of its account-user rows was added since then.
    """
    paying = case((Account.status.in_(paying_statuses()), 1), else_=0)
    query = (
        select(AccountUser.email_normalized, func.min(AccountUser.email), func.max(paying))
        .join(Account)
        .group_by(AccountUser.email_normalized)
        .order_by(AccountUser.email_normalized)
    )
    if since is not None:
        recent = select(AccountUser.email_normalized).where(
            AccountUser.created_at >= _start_of(since)
        )
        query = query.where(AccountUser.email_normalized.in_(recent))
    if only_emails is None:
        rows = session.execute(query).all()
    else:
        wanted = sorted({canonical_email(e) for e in only_emails})
        rows = []
        for chunk in _chunks(wanted, _IN_CHUNK):
            rows.extend(
                session.execute(query.where(AccountUser.email_normalized.in_(chunk))).all()
            )
    return [Candidate(normalized, email, bool(paying)) for normalized, email, paying in rows]


def send_new(
    app_or_session_factory,
    *,
    dry_run=False,
    limit=None,
    since=None,
    batch_size=200,
    only_emails=None,
):
    """Invite every address of a paying account that has never had a request.

    Skips addresses with a request in any state (withdrawn included), addresses
    that opted out, and addresses whose accounts are all unpaid. Each batch of
    `batch_size` addresses commits on its own. `limit` caps the invitations
    (or, in a dry run, the addresses listed). Returns a Summary.
    """
    session_factory, context = _sessions_of(app_or_session_factory)
    with context:
        summary = Summary(dry_run=dry_run)
        with session_factory() as session:
            candidates = list_candidates(session, since=since, only_emails=only_emails)
        paying = [c for c in candidates if c.paying]
        summary.skipped_not_paying = len(candidates) - len(paying)
        for batch in _chunks(paying, batch_size):
            remaining = None if limit is None else limit - summary.taken
            if remaining is not None and remaining <= 0:
                break
            with session_factory() as session:
                done = _invite_batch(session, batch, dry_run=dry_run, limit=remaining)
                if not dry_run:
                    session.commit()
            summary.add(done)
        return summary


def _invite_batch(session, batch, *, dry_run, limit):
    """Invite the eligible addresses of one batch (the caller commits).

    The batch's requests go in with one INSERT; if the database refuses it (a
    request for one of the addresses appeared meanwhile, or a reference
    collided), the batch goes again row by row, each row in its own savepoint.
    """
    done, chosen = _classify(session, batch, dry_run=dry_run, limit=limit)
    if dry_run:
        done.would_invite = [c.email for c in chosen]
        return done
    requests = _insert_requests(session, chosen) if chosen else []
    if requests is None:
        for candidate in chosen:
            if invite_address(session, candidate):
                done.invited += 1
            else:
                done.skipped_known += 1
        return done
    for request in requests:
        issue_invitation(session, request, SYSTEM, source=RequestSource.IMPORT)
    done.invited = len(requests)
    return done


def _classify(session, batch, *, dry_run, limit):
    """Count the known and opted-out addresses of a batch; return the rest (two queries)."""
    done = Summary(dry_run=dry_run)
    emails = [c.email_normalized for c in batch]
    known = set(
        session.scalars(
            select(MembershipRequest.email_normalized).where(
                MembershipRequest.email_normalized.in_(emails)
            )
        )
    )
    opted_out = opted_out_among(session, emails)
    chosen = []
    for candidate in batch:
        if limit is not None and len(chosen) >= limit:
            break
        if candidate.email_normalized in known:
            done.skipped_known += 1
        elif candidate.email_normalized in opted_out:
            done.skipped_opted_out += 1
        else:
            chosen.append(candidate)
    return done, chosen


def _insert_requests(session, candidates):
    """Insert the requests of a batch in one statement; None if the database refused."""
    requests = [_new_request(c) for c in candidates]
    try:
        with session.begin_nested():
            session.add_all(requests)
            session.flush()
    except IntegrityError:
        return None
    return requests


def invite_address(session, candidate):
    """Create an import request in state invited and send its invitation.

    Import requests skip screening (the address is known to be a paying
    account's), so this does not go through create_and_screen_request. Returns False when
    a request for the address appeared meanwhile (the unique index said so).
    """
    for _attempt in range(5):
        request = _new_request(candidate)
        try:
            with session.begin_nested():
                session.add(request)
                session.flush()
        except IntegrityError:
            if session.scalar(
                select(
                    exists().where(
                        MembershipRequest.email_normalized == candidate.email_normalized
                    )
                )
            ):
                return False
            continue  # the reference collided: draw another one
        issue_invitation(session, request, SYSTEM, source=RequestSource.IMPORT)
        return True
    raise RuntimeError("could not allocate a unique reference")


def _new_request(candidate):
    return MembershipRequest(
        name="",  # an account-user record carries no name; emails greet "there"
        email=candidate.email,
        email_normalized=candidate.email_normalized,
        source=RequestSource.IMPORT,
        state=RequestState.SUBMITTED,
        reference=new_reference(),
        invitations=[],  # new and empty: spares issue_invitation a lazy load
        events=[],
    )


def _sessions_of(app_or_session_factory) -> tuple[Callable, object]:
    """A session factory, and the app context to run in when given an app."""
    if isinstance(app_or_session_factory, Flask):
        app = app_or_session_factory
        return (lambda: db.new_session(app)), app.app_context()
    return app_or_session_factory, nullcontext()


def _start_of(day):
    """Midnight (in TIMEZONE) at the start of a date; an aware datetime passes through."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    if isinstance(day, datetime):
        return day if day.tzinfo is not None else day.replace(tzinfo=zone)
    return datetime.combine(day, time.min, zone)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]
