"""The platform side of requests: provisioning problems, and "Try again"."""

from flask import flash, redirect, render_template, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import ButtonForm
from blueprints.staff.queue_routes import request_or_404
from models import StaffRole
from services.community.provisioning import PROVISIONED, REFUSED, try_again
from services.community.task_report import problems
from web.staff_audit import record_action
from web.staff_roles import requires_role

TRY_AGAIN_SAYS = {
    PROVISIONED: ("Done: the person is a member now and has been emailed.", "success"),
    REFUSED: ("The platform refused again; its message is below.", "info"),
    None: ("Someone else is trying this one right now; look again in a minute.", "info"),
}


@bp.get("/community")
@requires_role(StaffRole.REVIEWER)
def community_problems():
    return render_template(
        "staff/community.html", tasks=problems(db.get_session()), button_form=ButtonForm()
    )


@bp.post("/requests/<int:request_id>/community-retry")
@requires_role(StaffRole.REVIEWER)
def community_retry(request_id):
    membership_request = request_or_404(request_id)
    if ButtonForm().validate_on_submit():
        outcome = try_again(db.get_session(), membership_request)
        record_action("community_retry", "request", request_id, detail=str(outcome))
        message, category = TRY_AGAIN_SAYS.get(
            outcome, ("Still failing; we'll keep trying in the background.", "info")
        )
        flash(message, category)
    return redirect(url_for("staff.request_detail", request_id=request_id))
