"""Data retention: forget personal data once it is no longer needed.

A request that ended (declined, joined or withdrawn) keeps its anonymous facts
(state, source, dates, reference, decline reason) so counts stay right, but loses
what identifies a person: name, email, Facebook name, subdomain, the staff note,
its emails and any event detail that could name someone. Closed reports lose the
post address and description; sent emails are deleted once old.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from models import (
    Event,
    MembershipRequest,
    OutboxEmail,
    OutboxStatus,
    Report,
    ReportStatus,
    RequestState,
)
from services.clock import utcnow

PURGEABLE_STATES = (RequestState.DECLINED, RequestState.JOINED, RequestState.WITHDRAWN)
REMOVED = "[removed]"
# Event detail keys whose values say what happened, not who it happened to.
ANONYMOUS_DETAIL_KEYS = frozenset({"source", "email", "reason", "due_on", "outbox_id"})
# An email a sender is delivering right now is left for the next purge.
IN_FLIGHT = (OutboxStatus.SENDING,)


@dataclass
class PurgeReport:
    requests: int = 0
    events: int = 0
    request_emails: int = 0
    reports: int = 0
    sent_emails: int = 0

    def summary(self):
        return (
            f"{self.requests} requests anonymised ({self.events} event details and "
            f"{self.request_emails} emails removed), {self.reports} closed reports emptied, "
            f"{self.sent_emails} old sent emails deleted"
        )


def purge(session, older_than_days, now=None):
    """Forget personal data last changed more than `older_than_days` ago (caller commits)."""
    if older_than_days < 0:
        raise ValueError("older_than_days must be zero or more")
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    report = PurgeReport()
    requests = list(
        session.scalars(
            select(MembershipRequest).where(
                MembershipRequest.state.in_(PURGEABLE_STATES),
                MembershipRequest.purged_at.is_(None),
                MembershipRequest.updated_at < cutoff,
            )
        )
    )
    for request in requests:
        report.events += _anonymise_request(session, request, now or utcnow())
    report.requests = len(requests)
    if requests:
        report.request_emails = session.execute(
            delete(OutboxEmail)
            .where(
                OutboxEmail.request_id.in_([r.id for r in requests]),
                OutboxEmail.status.not_in(IN_FLIGHT),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
    report.reports = _empty_closed_reports(session, cutoff)
    report.sent_emails = session.execute(
        delete(OutboxEmail)
        .where(OutboxEmail.status == OutboxStatus.SENT, OutboxEmail.sent_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.flush()
    return report


def _anonymise_request(session, request, now):
    request.name = REMOVED
    request.email = REMOVED
    request.email_normalized = REMOVED
    request.facebook_name = None
    request.subdomain = None
    request.decline_note = None
    request.purged_at = now
    changed = 0
    for event in session.scalars(select(Event).where(Event.request_id == request.id)):
        kept = _anonymous_detail(event.detail)
        if kept != event.detail:
            event.detail = kept
            changed += 1
    return changed


def _anonymous_detail(detail):
    if not detail:
        return detail
    try:
        values = json.loads(detail)
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    kept = {
        key: value
        for key, value in values.items()
        if key in ANONYMOUS_DETAIL_KEYS and "@" not in json.dumps(value)
    }
    return json.dumps(kept, sort_keys=True) if kept else None


def _empty_closed_reports(session, cutoff):
    reports = list(
        session.scalars(
            select(Report).where(
                Report.status == ReportStatus.CLOSED,
                Report.closed_at < cutoff,
                func.length(Report.description) + func.length(Report.post_url) > 0,
            )
        )
    )
    for report in reports:
        report.description = ""
        report.post_url = ""
    return len(reports)
