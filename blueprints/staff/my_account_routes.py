"""Your own account: your sessions (sign out one, or everywhere else) and your password."""

from flask import abort, flash, g, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import ButtonForm, ChangePasswordForm
from models import StaffRole, StaffSession
from services.staff import sessions
from services.staff.users import StaffUserError, change_password
from web import staff_session
from web.staff_audit import record_action
from web.staff_roles import requires_role


@bp.get("/sessions")
@requires_role(StaffRole.REVIEWER)
def my_sessions():
    return render_template(
        "staff/sessions.html",
        sessions=sessions.live_sessions(db.get_session(), g.staff_user),
        current=g.staff_session,
        button_form=ButtonForm(),
    )


@bp.post("/sessions/<int:session_id>/end")
@requires_role(StaffRole.REVIEWER)
def end_my_session(session_id):
    row = db.get_session().get(StaffSession, session_id)
    if row is None or row.user_id != g.staff_user.id:
        abort(404)
    if ButtonForm().validate_on_submit():
        if row.id == g.staff_session.id:
            record_action("sign_out", "staff", g.staff_user.email)
            staff_session.end_session(db.get_session())
            flash("You're signed out.", "success")
            return redirect(url_for("staff.login"))
        sessions.end(row)
        record_action("session_ended", "staff", g.staff_user.email, detail=f"session {row.id}")
        flash("That session is signed out.", "success")
    return redirect(url_for("staff.my_sessions"))


@bp.post("/sessions/end-others")
@requires_role(StaffRole.REVIEWER)
def end_other_sessions():
    if ButtonForm().validate_on_submit():
        count = sessions.end_all(db.get_session(), g.staff_user, keep=g.staff_session)
        record_action("sessions_ended", "staff", g.staff_user.email, detail=f"{count} other(s)")
        flash(f"Signed out everywhere else ({count} session(s)).", "success")
    return redirect(url_for("staff.my_sessions"))


@bp.route("/password", methods=["GET", "POST"])
@requires_role(StaffRole.REVIEWER)
def change_my_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and _changed_password(form):
        flash("Your password is changed; your other sessions are signed out.", "success")
        return redirect(url_for("staff.my_sessions"))
    status = 400 if request.method == "POST" else 200
    return render_template("staff/password.html", form=form), status


def _changed_password(form):
    try:
        change_password(
            db.get_session(), g.staff_user, form.current.data, form.password.data,
            keep_session=g.staff_session,
        )
    except StaffUserError as exc:
        form.current.errors.append(str(exc))
        return False
    record_action("password_changed", "staff", g.staff_user.email)
    return True
