"""The home page: the tasks people come for, and the answers that help most.

Top answers are ranked by voters (the share of “helpful” among an answer's
distinct voters, once it has at least MIN_VOTES of them, and only when most found
it helpful; services.content.faq_votes counts each visitor once);
the remaining places are filled from CURATED, a hand-picked order.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, select

from models import FaqVote
from services.content.guides import answer_links

TOP_ANSWERS = 6
MIN_VOTES = 5
MIN_HELPFUL_SHARE = 0.5
CURATED = (
    "invitation-not-arrived",
    "what-happens-after-request",
    "lock-screen-already-member",
    "forgot-password",
    "find-my-subdomain",
    "how-to-join",
)


@dataclass(frozen=True)
class Tile:
    title: str
    text: str
    url: str


TILES = (
    Tile("Join the community", "Ask for an invitation with your work email.", "/join"),
    Tile("Check my request", "See where your request to join stands.", "/status"),
    Tile("Re-send my invitation", "Lost the email, or the link expired?", "/resend"),
    Tile("I can't log in", "Answer a few questions and we'll take you to the fix.",
         "/help/login"),
    Tile("Find my subdomain", "The name before your account's address.", "/subdomain"),
    Tile("Coming from the Facebook group", "Ask for a personal invitation.", "/facebook"),
    Tile("Report a post", "Tell moderators about a guideline breach, anonymously.",
         "/report"),
    Tile("Contact support", "For help with your account or the product.", "/contact"),
)


def voted_slugs(session, min_votes=MIN_VOTES):
    """Slugs ranked by helpful share (then by number of voters), in one grouped query."""
    helpful = func.count(func.distinct(case((FaqVote.helpful.is_(True), FaqVote.voter_key))))
    total = func.count(func.distinct(FaqVote.voter_key))
    rows = session.execute(
        select(FaqVote.slug, helpful.label("helpful"), total.label("total"))
        .group_by(FaqVote.slug)
        .having(total >= min_votes)
    ).all()
    ranked = [
        (row.helpful / row.total, row.total, row.slug)
        for row in rows
        if row.helpful / row.total >= MIN_HELPFUL_SHARE
    ]
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return [slug for _share, _total, slug in ranked]


def top_answers(session, index, limit=TOP_ANSWERS):
    """The answers to show on the home page: by votes first, then the curated order."""
    return answer_links(index, voted_slugs(session) + list(CURATED))[:limit]
