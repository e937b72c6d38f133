"""What readers say about each FAQ answer: votes, the share that helped, the latest "No" comments.

Sorted worst first, so the content team knows which answers to rewrite.
"""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import case, func, select

from models import FaqVote

LATEST_COMMENTS = 3


@dataclass
class AnswerFeedback:
    slug: str
    title: str
    yes: int
    no: int
    comments: list = field(default_factory=list)  # [(created_at, text)], newest first

    @property
    def total(self):
        return self.yes + self.no

    @property
    def helped_share(self):
        return self.yes / self.total if self.total else 0.0

    @property
    def helped_percent(self):
        return round(self.helped_share * 100)


def faq_title(slug):
    """The answer's title from the content index when it is loaded, else the slug."""
    index = current_app.extensions.get("lobby_content")
    page = getattr(index, "faq", {}).get(slug) if index is not None else None
    return getattr(page, "title", None) or slug


def answer_feedback(session):
    """Every answer with votes, worst first (lowest share helped, then most votes)."""
    helped = func.sum(case((FaqVote.helpful.is_(True), 1), else_=0))
    unhelpful = func.sum(case((FaqVote.helpful.is_(True), 0), else_=1))
    rows = session.execute(select(FaqVote.slug, helped, unhelpful).group_by(FaqVote.slug)).all()
    answers = {
        slug: AnswerFeedback(slug, faq_title(slug), int(yes or 0), int(no or 0))
        for slug, yes, no in rows
    }
    for slug, created_at, comment in _latest_no_comments(session):
        answers[slug].comments.append((created_at, comment))
    return sorted(answers.values(), key=lambda a: (a.helped_share, -a.total, a.slug))


def _latest_no_comments(session):
    """The newest LATEST_COMMENTS "No" comments of each answer (one windowed query)."""
    ranked = (
        select(
            FaqVote.slug,
            FaqVote.created_at,
            FaqVote.comment,
            func.row_number()
            .over(
                partition_by=FaqVote.slug, order_by=(FaqVote.created_at.desc(), FaqVote.id.desc())
            )
            .label("rank"),
        )
        .where(FaqVote.helpful.is_(False), FaqVote.comment.is_not(None), FaqVote.comment != "")
        .subquery()
    )
    return session.execute(
        select(ranked.c.slug, ranked.c.created_at, ranked.c.comment)
        .where(ranked.c.rank <= LATEST_COMMENTS)
        .order_by(ranked.c.slug, ranked.c.rank)
    ).all()
