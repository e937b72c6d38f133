"""'Was this helpful?' votes: one per browser per answer, no identity kept.

A browser is known only by a random cookie; the database keeps the SHA-256 of
it (FaqVote.voter_key). The unique (slug, voter_key) constraint settles two
votes racing from the same browser: the second one changes nothing.
"""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from models import FaqVote

VOTER_COOKIE = "lobby_voter"
VOTER_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
MAX_COMMENT = 500


def new_voter_id():
    """A random id for a browser's voter cookie (never stored as it is)."""
    return secrets.token_urlsafe(32)


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


def cast_vote(session, slug, voter_id, helpful):
    """A browser's vote from its voter cookie (a new id when it has none) and the page to show."""
    fresh = None
    if not is_plausible_voter_id(voter_id):
        voter_id = fresh = new_voter_id()
    result = record_vote(session, slug, voter_id, helpful)
    return Ballot(("yes" if helpful else "no") if result.recorded else "already", fresh)


def record_vote(session, slug, voter_id, helpful):
    """Store a vote unless this browser already voted on this answer."""
    key = voter_key(voter_id)
    if _vote_of(session, slug, key) is not None:
        return VoteResult(recorded=False)
    try:
        with session.begin_nested():
            session.add(FaqVote(slug=slug, voter_key=key, helpful=helpful))
    except IntegrityError:
        # The same browser voted twice at once; the first vote stands.
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


def most_helpful(session, limit=6):
    """Slugs with the most "Yes" votes (more yes than no), best first."""
    yes = func.sum(case((FaqVote.helpful.is_(True), 1), else_=0))
    no = func.sum(case((FaqVote.helpful.is_(False), 1), else_=0))
    rows = session.execute(
        select(FaqVote.slug, yes.label("yes"))
        .group_by(FaqVote.slug)
        .having(yes > no)
        .order_by(yes.desc(), FaqVote.slug)
        .limit(limit)
    )
    return [row.slug for row in rows]
