"""'Was this helpful?' votes: one per visitor per answer, no identity kept.

A browser is known by a random cookie; the database keeps the SHA-256 of it
(FaqVote.voter_key), which ties a comment to its vote. A cookie is easy to
drop, so a vote also counts once per client: FaqVote.client_key is a keyed hash
(services.privacy.addresses.keyed_hash) of the client's address and browser,
forgotten after a day (retention.purge). A vote from a browser or a client that
already voted on the answer changes nothing; the unique (slug, voter_key) and
(slug, client_key) constraints settle two votes racing.
"""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from models import FaqVote
from services.privacy.addresses import keyed_hash

VOTER_COOKIE = "lobby_voter"
VOTER_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
MAX_COMMENT = 500


def new_voter_id():
    """A random id for a browser's voter cookie (never stored as it is)."""
    return secrets.token_urlsafe(32)


def client_key(address, user_agent):
    """What is kept of a client for a day: a keyed hash of its address and browser."""
    return keyed_hash(f"faq-vote\0{address or ''}\0{user_agent or ''}")


def voter_key(voter_id):
    """What the database keeps of a voter cookie: its SHA-256, hex."""
    return hashlib.sha256(voter_id.encode()).hexdigest()


def is_plausible_voter_id(value):
    return bool(value) and 20 <= len(value) <= 100 and value.isascii()


@dataclass(frozen=True)
class VoteResult:
    recorded: bool  # False: this browser had already voted on this answer


@dataclass(frozen=True)
class Ballot:
    state: str  # the answer page's thank-you state: "yes", "no" or "already"
    new_voter_id: str | None  # set when the browser had no voter cookie: give it this one


def cast_vote(session, slug, voter_id, helpful, client=None):
    """A visitor's vote from its voter cookie (a new id when it has none) and the page to show.

    `client`: its client_key, so a client that drops its cookie still votes once.
    """
    fresh = None
    if not is_plausible_voter_id(voter_id):
        voter_id = fresh = new_voter_id()
    result = record_vote(session, slug, voter_id, helpful, client)
    return Ballot(("yes" if helpful else "no") if result.recorded else "already", fresh)


def record_vote(session, slug, voter_id, helpful, client=None):
    """Store a vote unless this browser, or this client, already voted on this answer."""
    key = voter_key(voter_id)
    if _vote_of(session, slug, key) is not None or _client_voted(session, slug, client):
        return VoteResult(recorded=False)
    try:
        with session.begin_nested():
            session.add(FaqVote(slug=slug, voter_key=key, client_key=client, helpful=helpful))
    except IntegrityError:
        # The same browser or client voted twice at once; the first vote stands.
        return VoteResult(recorded=False)
    return VoteResult(recorded=True)


def add_comment(session, slug, voter_id, comment):
    """Attach a comment to this browser's "No" vote on an answer, once.

    Returns True when stored; a missing vote, a "Yes" vote or an existing
    comment changes nothing.
    """
    vote = _vote_of(session, slug, voter_key(voter_id))
    if vote is None or vote.helpful or vote.comment:
        return False
    vote.comment = comment.strip()[:MAX_COMMENT]
    return True


def _vote_of(session, slug, key):
    return session.scalars(
        select(FaqVote).where(FaqVote.slug == slug, FaqVote.voter_key == key)
    ).first()


def _client_voted(session, slug, client):
    if not client:
        return False
    found = session.scalar(
        select(FaqVote.id).where(FaqVote.slug == slug, FaqVote.client_key == client).limit(1)
    )
    return found is not None


def most_helpful(session, limit=6):
    """Slugs with the most "Yes" voters (more yes than no), best first: distinct voters count."""
    yes = func.count(func.distinct(case((FaqVote.helpful.is_(True), FaqVote.voter_key))))
    no = func.count(func.distinct(case((FaqVote.helpful.is_(False), FaqVote.voter_key))))
    rows = session.execute(
        select(FaqVote.slug, yes.label("yes"))
        .group_by(FaqVote.slug)
        .having(yes > no)
        .order_by(yes.desc(), FaqVote.slug)
        .limit(limit)
    )
    return [row.slug for row in rows]
