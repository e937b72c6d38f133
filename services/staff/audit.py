"""The audit trail: one append-only row per staff action, with filters and a CSV export.

Rows are only ever added; the one change made to them is the retention purge,
which replaces who and from where with "staff" after RETENTION_DAYS.
"""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event, func, select, update

from clock import utcnow
from models import AuditEntry

PAGE_SIZE = 100
PURGED_ACTOR = "staff"
CSV_HEADER = ["at", "actor", "action", "target_type", "target", "client", "detail"]


class AuditTrailIsAppendOnly(RuntimeError):
    """Code tried to change or delete an audit entry through the ORM."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper, connection, target):
    # The retention purge is a bulk UPDATE statement (forget_personal_fields), which
    # does not pass through here; any ORM change to a loaded entry does.
    raise AuditTrailIsAppendOnly(f"audit entry {target.id} cannot be changed or deleted")


def record(db_session, actor, action, target_type=None, target=None, client=None, detail=None):
    """Append one entry (in the caller's transaction, so it lands with the change)."""
    entry = AuditEntry(
        at=utcnow(),
        actor=(actor or "")[:254] or None,
        action=action,
        target_type=target_type,
        target=None if target is None else str(target)[:254],
        client=(client or "")[:64] or None,
        detail=detail,
    )
    db_session.add(entry)
    return entry


@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None


def _query(filters):
    query = select(AuditEntry)
    if filters.actor:
        query = query.where(func.lower(AuditEntry.actor).contains(filters.actor.lower()))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.target:
        query = query.where(AuditEntry.target == filters.target)
    if filters.since:
        query = query.where(AuditEntry.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def entries(db_session, filters, limit=PAGE_SIZE):
    return list(db_session.scalars(_query(filters).limit(limit)))


def actions(db_session):
    return list(db_session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def _safe_cell(value):
    # A cell starting with =, +, - or @ is a formula to a spreadsheet.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def as_csv(db_session, filters):
    """The filtered entries as CSV text, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for entry in reversed(list(db_session.scalars(_query(filters)))):
        writer.writerow(
            [entry.at.isoformat()]
            + [_safe_cell(getattr(entry, name)) for name in CSV_HEADER[1:]]
        )
    return out.getvalue()


def forget_personal_fields(db_session, cutoff):
    """Older entries keep what was done and to what, not who or from where; returns how many."""
    return db_session.execute(
        update(AuditEntry)
        .where(AuditEntry.at < cutoff, AuditEntry.actor != PURGED_ACTOR)
        .values(actor=PURGED_ACTOR, client=None)
        .execution_options(synchronize_session=False)
    ).rowcount
