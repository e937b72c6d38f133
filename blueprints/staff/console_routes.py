"""The rest of the console: decline reasons, accounts, outbox, answers and reports."""

from flask import abort, flash, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import (
    AccountsConfirmForm,
    AccountsUploadForm,
    ButtonForm,
    CloseReportForm,
    DeclineReasonForm,
)
from models import DeclineReason, Report, ReportStatus, StaffRole
from services.accounts.importing import import_accounts, parse_csv, read_upload, sign_upload
from services.accounts.records import search_accounts
from services.content.answer_feedback import answer_feedback
from services.inbound.staff_answers import bounced_emails
from services.mail import outbox
from services.membership import reviews
from services.queues import lookups
from services.reports.inbox import close_report, guideline_title, report_counts, reports_with_status
from services.tokens import ExpiredLink, InvalidLink
from web.staff_audit import record_action
from web.staff_roles import requires_role

# Decline reasons


@bp.get("/decline-reasons")
@requires_role(StaffRole.ADMIN)
def decline_reasons():
    reasons = reviews.decline_reasons(db.get_session(), include_inactive=True)
    return render_template("staff/decline_reasons.html", reasons=reasons)


@bp.route("/decline-reasons/new", methods=["GET", "POST"])
@requires_role(StaffRole.ADMIN)
def decline_reason_new():
    return _edit_decline_reason(None)


@bp.route("/decline-reasons/<int:reason_id>", methods=["GET", "POST"])
@requires_role(StaffRole.ADMIN)
def decline_reason_edit(reason_id):
    reason = db.get_session().get(DeclineReason, reason_id)
    if reason is None:
        abort(404)
    return _edit_decline_reason(reason)


def _edit_decline_reason(reason):
    session = db.get_session()
    form = DeclineReasonForm(obj=reason)
    if form.validate_on_submit():
        if reviews.title_taken(session, form.title.data, reason.id if reason else None):
            form.title.errors.append("Another reason has this title; choose a different one.")
        else:
            reviews.save_decline_reason(
                session,
                reason,
                title=form.title.data,
                body=form.body.data,
                position=form.position.data,
                active=form.active.data,
            )
            record_action("decline_reason_saved", "decline_reason", reason.id if reason else None,
                          detail=form.title.data)
            flash("The reason is saved.", "success")
            return redirect(url_for("staff.decline_reasons"))
    status = 400 if request.method == "POST" else 200
    return render_template("staff/decline_reason_form.html", form=form, reason=reason), status


# Accounts


@bp.get("/accounts")
@requires_role(StaffRole.ADMIN)
def accounts():
    term = request.args.get("q", "")[:254]
    return render_template(
        "staff/accounts.html",
        term=term,
        found=search_accounts(db.get_session(), term),
        upload_form=AccountsUploadForm(),
    )


@bp.post("/accounts/preview")
@requires_role(StaffRole.ADMIN)
def accounts_preview():
    form = AccountsUploadForm()
    text = _uploaded_text(form) if form.validate_on_submit() else None
    if text is None:
        return render_template("staff/accounts.html", term="", found=[], upload_form=form), 400
    report = parse_csv(text)
    return render_template(
        "staff/accounts_preview.html",
        report=report,
        filename=form.csv_file.data.filename,
        accounts=len({row.subdomain for row in report.rows}),
        confirm_form=AccountsConfirmForm(formdata=None, upload=sign_upload(text)),
    )


def _uploaded_text(form):
    """The uploaded file as text, or None (with the field's error) when it isn't UTF-8."""
    try:
        return form.csv_file.data.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        form.csv_file.errors.append("The file isn't UTF-8 text; save it as CSV (UTF-8).")
        return None


@bp.post("/accounts/import")
@requires_role(StaffRole.ADMIN)
def accounts_import():
    form = AccountsConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        text = read_upload(form.upload.data)
    except (InvalidLink, ExpiredLink):
        flash("That preview is too old or was changed; upload the file again.", "error")
        return redirect(url_for("staff.accounts"))
    report = import_accounts(db.get_session(), text, skip_bad_rows=form.skip_bad_rows.data)
    _flash_import_report(report)
    return redirect(url_for("staff.accounts"))


def _flash_import_report(report):
    record_action(
        "accounts_import", "accounts", None,
        detail=f"{report.accounts_created} created, {report.accounts_updated} updated, "
        f"{report.users_added} users added, {len(report.errors)} bad rows",
    )
    if not report.imported:
        flash(
            f"Nothing imported: the file has {len(report.errors)} bad row(s). Fix them, "
            "or tick “skip the bad ones”.",
            "error",
        )
        return
    skipped = f", {len(report.errors)} bad row(s) skipped" if report.errors else ""
    flash(
        f"Imported: {report.accounts_created} account(s) created, {report.accounts_updated} "
        f"updated, {report.users_added} user(s) added{skipped}.",
        "success",
    )


# Outbox


@bp.get("/outbox")
@requires_role(StaffRole.REVIEWER)
def outbox_list():
    session = db.get_session()
    emails, counts = outbox.needing_attention(session)
    return render_template(
        "staff/outbox.html", emails=emails, counts=counts, button_form=ButtonForm(),
        lookup_counts=lookups.counts(session), bounced=bounced_emails(session),
    )


@bp.post("/outbox/<int:email_id>/retry")
@requires_role(StaffRole.REVIEWER)
def outbox_retry(email_id):
    retried = outbox.retry(db.get_session(), email_id)
    record_action("outbox_retry", "email", email_id, detail="retried" if retried else "not failed")
    if retried:
        flash("The email is back in the queue and will be sent now.", "success")
    else:
        flash("That email isn't failed, so there was nothing to retry.", "info")
    return redirect(url_for("staff.outbox_list"))


@bp.post("/outbox/retry-all")
@requires_role(StaffRole.ADMIN)
def outbox_retry_all():
    count = outbox.retry_all(db.get_session())
    record_action("outbox_retry_all", detail=f"{count} email(s)")
    flash(f"{count} email(s) back in the queue.", "success" if count else "info")
    return redirect(url_for("staff.outbox_list"))


# Answers


@bp.get("/answers")
@requires_role(StaffRole.REVIEWER)
def answers():
    return render_template("staff/answers.html", answers=answer_feedback(db.get_session()))


# Reports


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
    session = db.get_session()
    report = session.get(Report, report_id)
    if report is None:
        abort(404)
    form = CloseReportForm(prefix=f"report-{report.id}")
    if not form.validate_on_submit():
        return _render_reports(report.status, failed_form=form, failed_id=report.id)
    closed = close_report(session, report, form.note.data)
    record_action("report_close", "report", report.id, detail="closed" if closed else "already closed")
    if closed:
        flash("The report is closed; the reporter can see the outcome.", "success")
    else:
        flash("That report was already closed.", "info")
    return redirect(url_for("staff.reports"))
