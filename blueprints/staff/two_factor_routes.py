"""Enrolling the second factor: the secret as text and QR code, a code to confirm, recovery codes."""

from flask import current_app, flash, g, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.auth import require_pending_or_signed_in
from blueprints.staff.forms import EnrolForm
from services.staff import two_factor
from web import staff_session
from web.staff_audit import record_action


@bp.route("/enrol", methods=["GET", "POST"])
def enrol():
    """For the user half-way through sign-in, or a signed-in one not enrolled (never a swap)."""
    user = require_pending_or_signed_in()
    if two_factor.is_enrolled(user):
        return _already_enrolled()
    form = EnrolForm()
    if request.method == "GET":
        two_factor.start_enrolment(user)
    elif form.validate_on_submit() and user.totp_secret:
        codes = two_factor.confirm_enrolment(db.get_session(), user, form.code.data)
        if codes is not None:
            return _enrolled(user, codes)
        form.code.errors.append("That code doesn't match. Check the app's clock, then try the newest code.")
    return _render_enrolment(user, form, 400 if request.method == "POST" else 200)


def _already_enrolled():
    # A stray visit must not switch off a working second factor: an admin's reset comes first.
    flash("Your authenticator app is set up already; an admin can reset it for a new one.", "info")
    return redirect(url_for("staff.my_sessions" if g.staff_user else "staff.login_code"))


def _render_enrolment(user, form, status):
    uri = two_factor.provisioning_uri(user, current_app.config["BRAND_NAME"] + " staff")
    return render_template(
        "staff/enrol.html",
        form=form,
        secret=two_factor.grouped(user.totp_secret),
        qr_svg=two_factor.qr_svg(uri, "QR code of your authenticator secret"),
        uri=uri,
    ), status


def _enrolled(user, codes):
    """Enrolled: the recovery codes are shown this once; a pending sign-in is finished."""
    session = db.get_session()
    if g.staff_user is None:
        staff_session.start_session(session, user, "password+totp")
        g.staff_user = user
        record_action("sign_in", "staff", user.email, detail="password+totp (enrolled)")
    record_action("two_factor_enrolled", "staff", user.email)
    return render_template(
        "staff/recovery_codes.html", codes=codes, next_url=url_for("staff.queue")
    )
