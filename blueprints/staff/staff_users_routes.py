"""The Staff page (admins): invite, change role, deactivate, reactivate, reset the second factor.

And the invitation link itself: set a password (then enrol the second factor) or use SSO.
"""

from flask import current_app, flash, g, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.auth import after_first_factor
from blueprints.staff.forms import ButtonForm, InviteForm, RoleForm, SetPasswordForm
from models import StaffRole, StaffUser
from services.staff import invites, sessions, two_factor, users
from services.staff.users import StaffUserError
from web.staff_audit import record_action
from web.staff_roles import requires_role


def _render_people(invite_form=None, status=200):
    session = db.get_session()
    staff = users.all_staff(session)
    role_forms = {
        user.id: RoleForm(formdata=None, prefix=f"user-{user.id}", role=user.role) for user in staff
    }
    return render_template(
        "staff/people.html",
        staff_users=staff,
        role_forms=role_forms,
        invite_form=invite_form or InviteForm(formdata=None),
        button_form=ButtonForm(),
        enrolled=two_factor.is_enrolled,
    ), status


@bp.get("/people")
@requires_role(StaffRole.ADMIN)
def people():
    return _render_people()


@bp.post("/people/invite")
@requires_role(StaffRole.ADMIN)
def people_invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invites.invite(db.get_session(), form.email.data, form.role.data, g.staff_user.email)
        except StaffUserError as exc:
            form.email.errors.append(str(exc))
        else:
            record_action("staff_invited", "staff", form.email.data, detail=form.role.data)
            flash(f"Invitation sent to {form.email.data}; the link works for 48 hours.", "success")
            return redirect(url_for("staff.people"))
    return _render_people(invite_form=form, status=400)


def _change(user_id, change, action, done_message, detail=None):
    """Apply one change to a staff user from a button form; the last-admin rule may refuse."""
    user = db.get_or_404(StaffUser, user_id)
    if ButtonForm().validate_on_submit():
        try:
            change(db.get_session(), user)
        except StaffUserError as exc:
            flash(str(exc), "error")
        else:
            record_action(action, "staff", user.email, detail=detail)
            flash(done_message.format(email=user.email), "success")
    return redirect(url_for("staff.people"))


@bp.post("/people/<int:user_id>/role")
@requires_role(StaffRole.ADMIN)
def people_role(user_id):
    form = RoleForm(prefix=f"user-{user_id}")
    if not form.validate_on_submit():
        flash("Choose a role.", "error")
        return redirect(url_for("staff.people"))
    role = form.role.data
    return _change(
        user_id, lambda session, user: users.set_role(session, user, role), "staff_role_changed",
        "{email} is now " + role + ".", detail=role,
    )


@bp.post("/people/<int:user_id>/deactivate")
@requires_role(StaffRole.ADMIN)
def people_deactivate(user_id):
    return _change(user_id, users.deactivate, "staff_deactivated",
                   "{email} is deactivated; their sessions have ended.")


@bp.post("/people/<int:user_id>/reactivate")
@requires_role(StaffRole.ADMIN)
def people_reactivate(user_id):
    return _change(user_id, users.reactivate, "staff_reactivated", "{email} is active again.")


def _reset(session, user):
    two_factor.reset_two_factor(session, user)
    sessions.end_all(session, user, keep=g.staff_session if user.id == g.staff_user.id else None)


@bp.post("/people/<int:user_id>/reset-2fa")
@requires_role(StaffRole.ADMIN)
def people_reset_two_factor(user_id):
    return _change(user_id, _reset, "staff_2fa_reset",
                   "{email} will set up a new second factor at their next sign-in.")


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token):
    """An invitation link: set a password, then enrol the second factor (or use SSO)."""
    session = db.get_session()
    staff_invite = invites.live_invite(session, token)
    if staff_invite is None:
        return render_template("staff/join_invalid.html"), 404
    form = SetPasswordForm()
    if current_app.config["STAFF_PASSWORD_SIGNIN"] and form.validate_on_submit():
        user = invites.accept(session, staff_invite, form.password.data)
        record_action("staff_invite_accepted", "staff", user.email, actor=user.email)
        return after_first_factor(user)
    status = 400 if request.method == "POST" else 200
    return render_template("staff/join.html", form=form, invite=staff_invite, token=token), status
