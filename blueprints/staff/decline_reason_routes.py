"""Decline reasons (admins): the list, and a new or changed reason."""

from flask import flash, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import DeclineReasonForm
from models import DeclineReason, StaffRole
from services.membership import reviews
from web.staff_audit import record_action
from web.staff_roles import requires_role


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
    return _edit_decline_reason(db.get_or_404(DeclineReason, reason_id))


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
