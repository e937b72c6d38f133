"""Data retention: forget personal data once it is no longer needed.

A request keeps its anonymous facts (state, source, dates, reference, decline
reason) so counts stay right, but loses what identifies a person: name, email,
Facebook name, subdomain, the staff note, its emails (whatever their state), the
mail that came back for it, and any event detail that could name someone. That
happens to requests that ended (declined, joined, withdrawn), expired, or waited
undecided, once they last changed more than the period ago; an undecided one is
closed as expired first. Past the period, too: opt-outs keep only a keyed hash
of their address, vote comments and closed reports' text go, staff addresses in
decisions and events become "staff", and every email in the outbox (and every
message that came back) is deleted.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from clock import utcnow
from models import (
    CommunityProvisioning,
    Event,
    FaqVote,
    InboundMessage,
    InvitationOptOut,
    MembershipRequest,
    OutboxEmail,
    PendingJob,
    Report,
    ReportStatus,
    RequestState,
)
from services.events import SYSTEM
from services.membership.request_states import ENDED, RequestChanged, move_request, states_that_can
from services.privacy.addresses import keyed_hash
from services.staff import audit
from services.staff import sessions as staff_sessions
from services.staff.sign_in import forget_old_failures

# Requests forgotten past the period: the ended ones, the expired ones, and the
# undecided ones (which the purge first closes as expired).
UNDECIDED = tuple(s for s in states_that_can(RequestState.EXPIRED, SYSTEM) if s != "invited")
PURGEABLE_STATES = (*ENDED, RequestState.EXPIRED, *UNDECIDED)
REMOVED = "[removed]"
STAFF = "staff"
# Event detail keys whose values say what happened, not who it happened to.
ANONYMOUS_DETAIL_KEYS = frozenset(
    {"source", "email", "reason", "due_on", "outbox_id", "previous", "expires_at"}
)
# How long failed staff sign-ins are remembered for throttling (hashed anyway).
SIGN_IN_MEMORY = timedelta(days=1)
# How long a vote remembers its client (a keyed hash) to count it once.
VOTE_CLIENT_MEMORY = timedelta(days=1)


@dataclass
class PurgeReport:
    """How many of each kind went; `counts` keeps the order they are printed in."""

    counts: dict = field(default_factory=dict)

    def add(self, kind, count):
        self.counts[kind] = self.counts.get(kind, 0) + count

    @property
    def requests(self):
        return self.counts.get("requests anonymised", 0)

    def summary(self):
        return ", ".join(f"{count} {kind}" for kind, count in self.counts.items())

    def lines(self):
        width = max(len(str(c)) for c in self.counts.values()) if self.counts else 1
        return [f"{count:>{width}}  {kind}" for kind, count in self.counts.items()]


def purge(session, older_than_days, now=None):
    """Forget personal data older than `older_than_days` (caller commits, or rolls back)."""
    if older_than_days < 0:
        raise ValueError("older_than_days must be zero or more")
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    report = PurgeReport()
    report.add("undecided requests closed as expired", _close_undecided(session, cutoff))
    requests = list(
        session.scalars(
            select(MembershipRequest).where(
                MembershipRequest.state.in_(PURGEABLE_STATES),
                MembershipRequest.purged_at.is_(None),
                MembershipRequest.updated_at < cutoff,
            )
        )
    )
    events = sum(_anonymise_request(session, request, now) for request in requests)
    report.add("requests anonymised", len(requests))
    report.add("event details removed", events)
    session.flush()
    purged_ids = select(MembershipRequest.id).where(MembershipRequest.purged_at.is_not(None))
    report.add(
        "emails of purged requests deleted",
        _delete(session, OutboxEmail, OutboxEmail.request_id.in_(purged_ids)),
    )
    report.add(
        "older emails deleted",
        _delete(
            session,
            OutboxEmail,
            or_(OutboxEmail.created_at < cutoff, OutboxEmail.sent_at < cutoff),
        ),
    )
    report.add(
        "mail that came back deleted",
        _delete(
            session,
            InboundMessage,
            or_(InboundMessage.request_id.in_(purged_ids), InboundMessage.received_at < cutoff),
        ),
    )
    report.add(
        "platform records of purged requests deleted",
        _delete(
            session, CommunityProvisioning, CommunityProvisioning.request_id.in_(purged_ids)
        ),
    )
    # Look-ups normally vanish once done; one that failed for good keeps its address.
    report.add(
        "old look-ups deleted", _delete(session, PendingJob, PendingJob.created_at < cutoff)
    )
    report.add("staff addresses removed from decisions", _forget_deciders(session, cutoff))
    report.add("staff addresses removed from history", _forget_actors(session, cutoff))
    report.add("opt-outs reduced to a keyed hash", _hash_opt_outs(session, cutoff))
    report.add(
        "vote comments removed",
        _update(
            session,
            FaqVote,
            [FaqVote.comment.is_not(None), FaqVote.created_at < cutoff],
            comment=None,
        ),
    )
    report.add(
        "vote clients forgotten",
        _update(
            session,
            FaqVote,
            [FaqVote.client_key.is_not(None), FaqVote.created_at < now - VOTE_CLIENT_MEMORY],
            client_key=None,
        ),
    )
    report.add("closed reports emptied", _empty_closed_reports(session, cutoff))
    report.add("old failed sign-ins forgotten", forget_old_failures(session, now - SIGN_IN_MEMORY))
    report.add("staff names and addresses removed from the audit trail",
               audit.forget_personal_fields(session, cutoff))
    # A session nobody came back to keeps its browser and network until it is ended.
    config = current_app.config
    report.add("expired staff sessions ended", staff_sessions.end_expired(
        session, config["STAFF_IDLE_MINUTES"], config["STAFF_SESSION_HOURS"], now))
    session.flush()
    return report


def _delete(session, model, condition):
    return session.execute(
        delete(model).where(condition).execution_options(synchronize_session=False)
    ).rowcount


def _update(session, model, conditions, **values):
    return session.execute(
        update(model)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount


def _close_undecided(session, cutoff):
    """Requests nobody decided within the period lapse (the state machine's system move)."""
    closed = 0
    for request in session.scalars(
        select(MembershipRequest).where(
            MembershipRequest.state.in_(UNDECIDED),
            MembershipRequest.purged_at.is_(None),
            MembershipRequest.updated_at < cutoff,
        )
    ):
        updated_at = request.updated_at
        try:
            with session.begin_nested():
                move_request(
                    session,
                    request,
                    RequestState.EXPIRED,
                    SYSTEM,
                    seen_state=request.state,
                    changes={"updated_at": updated_at},  # still past the period
                    reason="undecided",
                )
            closed += 1
        except RequestChanged:
            continue  # decided meanwhile: it is no longer undecided
    return closed


def _anonymise_request(session, request, now):
    request.name = REMOVED
    request.email = REMOVED
    request.email_normalized = REMOVED
    request.facebook_name = None
    request.subdomain = None
    request.decline_note = None
    request.bounce_diagnostic = None  # names the address
    if request.decided_by:
        request.decided_by = STAFF
    request.purged_at = now
    changed = 0
    for event in session.scalars(select(Event).where(Event.request_id == request.id)):
        kept = _anonymous_detail(event.detail)
        if kept != event.detail:
            event.detail = kept
            changed += 1
        if "@" in event.actor:
            event.actor = STAFF
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


def _forget_deciders(session, cutoff):
    return _update(
        session,
        MembershipRequest,
        [MembershipRequest.decided_at < cutoff, MembershipRequest.decided_by.contains("@")],
        decided_by=STAFF,
    )


def _forget_actors(session, cutoff):
    return _update(
        session, Event, [Event.created_at < cutoff, Event.actor.contains("@")], actor=STAFF
    )


def _hash_opt_outs(session, cutoff):
    """Opt-outs older than the period keep only a keyed hash, which still matches."""
    opt_outs = list(
        session.scalars(
            select(InvitationOptOut).where(
                InvitationOptOut.email_normalized.is_not(None),
                InvitationOptOut.created_at < cutoff,
            )
        )
    )
    for opt_out in opt_outs:
        opt_out.email_hash = opt_out.email_hash or keyed_hash(opt_out.email_normalized)
        opt_out.email_normalized = None
    return len(opt_outs)


def _empty_closed_reports(session, cutoff):
    reports = list(
        session.scalars(
            select(Report).where(
                Report.status == ReportStatus.CLOSED,
                Report.closed_at < cutoff,
                func.length(Report.description)
                + func.length(Report.post_url)
                + func.coalesce(func.length(Report.outcome_note), 0)
                > 0,
            )
        )
    )
    for report in reports:
        report.description = ""
        report.post_url = ""
        report.outcome_note = None
    return len(reports)
