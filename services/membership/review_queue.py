"""The review queue: requests in review, oldest due first, with filters and counts.

Queries stay on the (state, due_on) index: every list and count starts from
state = in_review, and a page is LIMIT/OFFSET over due_on, created_at, id.
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select

from models import MembershipRequest, RequestState
from services.accounts.records import review_hints_for
from services.community.task_report import problems
from services.dates import local_today, long_date
from services.mail import emails
from services.membership.references import normalize_reference
from services.privacy.addresses import canonical_email
from settings import as_list

PAGE_SIZE = 50


@dataclass
class QueueFilters:
    overdue: bool = False
    source: str = ""
    search: str = ""
    page: int = 1

    def query_args(self, page):
        """The query of the queue's page `page` with these filters (only what is set)."""
        args = {"overdue": "1" if self.overdue else "", "source": self.source, "q": self.search}
        return {**{name: value for name, value in args.items() if value}, "page": page}


@dataclass
class QueueRow:
    request: MembershipRequest
    overdue: bool
    due_words: str
    hints: list = field(default_factory=list)


@dataclass
class QueuePage:
    rows: list
    total: int
    page: int
    pages: int


@dataclass
class QueueCounts:
    in_review: int
    overdue: int
    decided_today: int


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(query, filters, today):
    query = query.where(MembershipRequest.state == RequestState.IN_REVIEW)
    if filters.overdue:
        query = query.where(MembershipRequest.due_on < today)
    if filters.source:
        query = query.where(MembershipRequest.source == filters.source)
    term = filters.search.strip()
    if term:
        pattern = f"%{_escape_like(term.lower())}%"
        query = query.where(
            or_(
                MembershipRequest.email_normalized.like(pattern, escape="\\"),
                func.lower(MembershipRequest.name).like(pattern, escape="\\"),
                MembershipRequest.reference == normalize_reference(term),
                MembershipRequest.email_normalized == canonical_email(term),
            )
        )
    return query


def queue_page(session, filters, today=None, with_hints=True):
    """One page of the queue, oldest due first, each row with its due date in words."""
    today = today or local_today()
    total = session.scalar(_filtered(select(func.count(MembershipRequest.id)), filters, today))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    requests = list(
        session.scalars(
            _filtered(select(MembershipRequest), filters, today)
            # "The person replied" first (services.inbound), oldest reply first.
            .order_by(
                MembershipRequest.replied_at.is_(None),
                MembershipRequest.replied_at,
                MembershipRequest.due_on,
                MembershipRequest.created_at,
                MembershipRequest.id,
            )
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    hints = review_hints_for(session, requests) if with_hints else {}
    rows = [
        QueueRow(
            request=request,
            overdue=is_overdue(request, today),
            due_words=due_in_words(request.due_on, today),
            hints=hints.get(request.id, []),
        )
        for request in requests
    ]
    return QueuePage(rows=rows, total=total, page=page, pages=pages)


def queue_counts(session, today=None):
    """The numbers at the top of the queue: in review, overdue, decided today."""
    today = today or local_today()
    in_review = MembershipRequest.state == RequestState.IN_REVIEW
    counted = session.execute(
        select(
            func.count(MembershipRequest.id),
            func.count(MembershipRequest.id).filter(MembershipRequest.due_on < today),
        ).where(in_review)
    ).one()
    decided = session.scalar(
        select(func.count(MembershipRequest.id)).where(
            MembershipRequest.decided_at >= start_of_local_day(today)
        )
    )
    return QueueCounts(in_review=counted[0], overdue=counted[1], decided_today=decided)


def due_for_reminder(session, today=None):
    """(overdue, due today): the in-review requests a daily reminder lists."""
    today = today or local_today()
    requests = list(
        session.scalars(
            select(MembershipRequest)
            .where(
                MembershipRequest.state == RequestState.IN_REVIEW,
                MembershipRequest.due_on <= today,
            )
            .order_by(MembershipRequest.due_on, MembershipRequest.created_at)
        )
    )
    overdue = [r for r in requests if r.due_on < today]
    due_today = [r for r in requests if r.due_on == today]
    return overdue, due_today


def start_of_local_day(day):
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


def is_overdue(request, today=None):
    today = today or local_today()
    return (
        request.state == RequestState.IN_REVIEW
        and request.due_on is not None
        and request.due_on < today
    )


def due_in_words(due_on, today=None):
    """'due today', 'due tomorrow', 'due Tuesday 1 December', or '3 days overdue'."""
    if due_on is None:
        return "no due date"
    today = today or local_today()
    days = (due_on - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days < 0:
        late = -days
        return f"{late} day{'s' if late != 1 else ''} overdue (was due {long_date(due_on)})"
    return f"due {long_date(due_on)}"


def send_review_reminder(session, now=None):
    """Email STAFF_NOTIFY_EMAILS the requests overdue or due today (nothing when none).

    Platform failures older than an hour are listed too. Returns (overdue,
    due_today, failing, recipients); the daily schedule and `flask review remind`
    both call it.
    """
    overdue, due_today = due_for_reminder(session, local_today(now))
    failing = problems(session, now)
    recipients = as_list(current_app.config["STAFF_NOTIFY_EMAILS"])
    if overdue or due_today or failing:
        for address in recipients:
            emails.send_staff_review_reminder(session, address, overdue, due_today, failing)
    return overdue, due_today, failing, recipients
