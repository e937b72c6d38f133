"""Paying-account records (admins): search, and the CSV import (upload, preview, confirm)."""

from flask import abort, flash, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import AccountsConfirmForm, AccountsUploadForm
from models import StaffRole
from services.accounts.importing import import_accounts, parse_csv, read_upload, sign_upload
from services.accounts.records import search_accounts
from services.tokens import ExpiredLink, InvalidLink
from web.staff_audit import record_action
from web.staff_roles import requires_role


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
