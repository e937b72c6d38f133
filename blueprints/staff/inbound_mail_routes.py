"""Mail that came back: the staff answer on a request, and the "Unmatched mail" list.

Reviewers' work: answering a person, and sorting the mail nobody was matched to.
"""

from flask import abort, flash, g, redirect, render_template, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import AttachMailForm, ButtonForm, StaffAnswerForm
from blueprints.staff.queue_routes import render_request, request_or_404
from models import InboundMessage, StaffRole
from services.inbound import staff_answers
from web.staff_audit import record_action
from web.staff_roles import requires_role


@bp.post("/requests/<int:request_id>/answer")
@requires_role(StaffRole.REVIEWER)
def answer_reply(request_id):
    membership_request = request_or_404(request_id)
    form = StaffAnswerForm()
    if membership_request.purged_at is not None:
        abort(404)
    if not form.validate_on_submit():
        return render_request(membership_request, answer_form=form, status=400)
    staff_answers.answer_request(
        db.get_session(), membership_request, g.staff_user.email, form.answer.data
    )
    record_action("reply", "request", request_id)
    flash(f"Your answer to {membership_request.reference} is on its way.", "success")
    return redirect(url_for("staff.request_detail", request_id=request_id))


def _unmatched_page(attach_form=None, failed_id=None, status=200):
    return (
        render_template(
            "staff/unmatched_mail.html",
            mail=staff_answers.unmatched_mail(db.get_session()),
            attach_form=attach_form or AttachMailForm(),
            failed_id=failed_id,
            button_form=ButtonForm(),
        ),
        status,
    )


@bp.get("/mail/unmatched")
@requires_role(StaffRole.REVIEWER)
def unmatched_mail():
    return _unmatched_page()


def _request_named_by(form):
    """The request the form's reference names, or None with the field's error set."""
    if not form.validate_on_submit():
        return None
    found = staff_answers.find_by_reference(db.get_session(), form.reference.data)
    if found is None:
        form.reference.errors = ["No request has that reference."]
    return found


@bp.post("/mail/<int:message_id>/attach")
@requires_role(StaffRole.REVIEWER)
def mail_attach(message_id):
    message = db.get_or_404(InboundMessage, message_id)
    form = AttachMailForm()
    target = _request_named_by(form)
    if target is None:
        return _unmatched_page(form, failed_id=message_id, status=400)
    if staff_answers.attach_to_request(db.get_session(), message, target, g.staff_user.email):
        record_action("mail_attached", "request", target.id, detail=f"message {message.id}")
        flash(f"Attached to {target.reference}.", "success")
        return redirect(url_for("staff.request_detail", request_id=target.id))
    flash("That message was already dealt with.", "info")
    return redirect(url_for("staff.unmatched_mail"))


@bp.post("/mail/<int:message_id>/discard")
@requires_role(StaffRole.REVIEWER)
def mail_discard(message_id):
    message = db.get_or_404(InboundMessage, message_id)
    if ButtonForm().validate_on_submit() and staff_answers.discard(db.get_session(), message):
        record_action("mail_discarded", "inbound_message", message.id)
        flash("Discarded: its text is gone.", "success")
    return redirect(url_for("staff.unmatched_mail"))
