"""New users of paying accounts who have never been invited: count, preview, send."""

from flask import current_app, flash, redirect, render_template, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import ButtonForm
from models import StaffRole
from services.membership import bulk_invitations
from web.staff_audit import record_action
from web.staff_roles import requires_role

PREVIEW_SIZE = 50


@bp.get("/invitations")
@requires_role(StaffRole.ADMIN)
def invitations():
    session = db.get_session()
    limit = current_app.config["STAFF_INVITE_RUN_LIMIT"]
    preview = bulk_invitations.send_new(
        lambda: db.new_session(), dry_run=True, limit=PREVIEW_SIZE
    )
    return render_template(
        "staff/invitations.html",
        waiting=bulk_invitations.count_waiting(session),
        preview=preview.would_invite,
        run_limit=limit,
        form=ButtonForm(),
    )


@bp.post("/invitations/send")
@requires_role(StaffRole.ADMIN)
def invitations_send():
    """The confirmed run: the same one as `flask invitations send-new`, capped per click."""
    if not ButtonForm().validate_on_submit():
        flash("That form had expired. Please confirm again.", "error")
        return redirect(url_for("staff.invitations"))
    app = current_app._get_current_object()
    db.commit_before_sessions_of_their_own()  # the run commits batch by batch on its own
    summary = bulk_invitations.send_new(app, limit=app.config["STAFF_INVITE_RUN_LIMIT"])
    _report_run(summary)
    # The worker delivers them.
    return redirect(url_for("staff.invitations"), code=303)


def _report_run(summary):
    record_action("invitations_send", detail=f"{summary.invited} invited")
    flash(
        f"{summary.invited} invitation(s) sent to the outbox. Skipped: "
        f"{summary.skipped_known} already known, {summary.skipped_opted_out} opted out, "
        f"{summary.skipped_not_paying} not on a paying account.",
        "success",
    )
