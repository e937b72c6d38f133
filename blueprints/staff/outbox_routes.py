"""The outbox page: email that failed or waits, queued look-ups, bounces; retry one or all."""

from flask import flash, redirect, render_template, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import ButtonForm
from models import StaffRole
from services.inbound.staff_answers import bounced_emails
from services.mail import outbox
from services.queues import lookups
from web.staff_audit import record_action
from web.staff_roles import requires_role


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
