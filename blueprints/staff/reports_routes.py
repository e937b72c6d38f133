"""Reports of breaches of the guidelines: the inbox by status, and closing one with an outcome."""

from flask import flash, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import CloseReportForm
from models import Report, ReportStatus, StaffRole
from services.reports.inbox import close_report, guideline_title, report_counts, reports_with_status
from web.staff_audit import record_action
from web.staff_roles import requires_role


@bp.get("/reports")
@requires_role(StaffRole.REVIEWER)
def reports():
    return _render_reports(request.args.get("status", ReportStatus.OPEN))


def _render_reports(status, failed_form=None, failed_id=None):
    if status not in {s.value for s in ReportStatus}:
        status = ReportStatus.OPEN
    session = db.get_session()
    found = reports_with_status(session, status)
    forms = {
        report.id: failed_form
        if report.id == failed_id
        else CloseReportForm(formdata=None, prefix=f"report-{report.id}")
        for report in found
    }
    return (
        render_template(
            "staff/reports.html",
            status=status,
            reports=found,
            counts=report_counts(session),
            guideline_title=guideline_title,
            forms_by_id=forms,
            failed_form=failed_form,
        ),
        400 if failed_form is not None else 200,
    )


@bp.post("/reports/<int:report_id>/close")
@requires_role(StaffRole.REVIEWER)
def report_close(report_id):
    report = db.get_or_404(Report, report_id)
    form = CloseReportForm(prefix=f"report-{report.id}")
    if not form.validate_on_submit():
        return _render_reports(report.status, failed_form=form, failed_id=report.id)
    closed = close_report(db.get_session(), report, form.note.data)
    record_action("report_close", "report", report.id, detail="closed" if closed else "already closed")
    if closed:
        flash("The report is closed; the reporter can see the outcome.", "success")
    else:
        flash("That report was already closed.", "info")
    return redirect(url_for("staff.reports"))
