"""The staff side of anonymous reports: the inbox, and closing a report with a note."""

from flask import current_app
from sqlalchemy import func, select

from clock import utcnow
from models import Report, ReportStatus


def reports_with_status(session, status, limit=200):
    order = Report.created_at.asc() if status == ReportStatus.OPEN else Report.closed_at.desc()
    return list(
        session.scalars(select(Report).where(Report.status == status).order_by(order).limit(limit))
    )


def report_counts(session):
    counts = dict(
        session.execute(select(Report.status, func.count(Report.id)).group_by(Report.status)).all()
    )
    return {status.value: counts.get(status.value, 0) for status in ReportStatus}


def close_report(session, report, note):
    """Close an open report with the outcome the reporter will see; False if already closed."""
    if report.status == ReportStatus.CLOSED:
        return False
    report.status = ReportStatus.CLOSED
    report.outcome_note = note.strip()
    report.closed_at = utcnow()
    session.flush()
    return True


def guideline_title(anchor):
    """The guideline's title from the content index when it is loaded, else the anchor."""
    index = current_app.extensions.get("lobby_content")
    guidelines = getattr(getattr(index, "guidelines", None), "guidelines", None) or []
    for guideline in guidelines:
        if getattr(guideline, "anchor", None) == anchor:
            return guideline.title
    return anchor
