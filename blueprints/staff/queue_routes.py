"""The review queue and one request's page with its actions (approve, decline, ...).

request_or_404 and render_request serve the other pages that act on one request.
"""

from flask import current_app, flash, g, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import DecisionForm, DeclineForm, StaffAnswerForm
from models import DeclineReason, MembershipRequest, RequestSource, StaffRole
from services import community
from services.accounts.records import accounts_for_email, review_hints
from services.community.provisioning import task_for
from services.events import detail_of
from services.inbound.staff_answers import mail_of
from services.jobs.worker import worker_health
from services.membership import reviews
from services.membership.invitations import current_invitation, effective_state
from services.membership.request_states import staff_actions
from services.membership.review_queue import (
    QueueFilters,
    due_in_words,
    is_overdue,
    queue_counts,
    queue_page,
)
from web.staff_audit import record_action
from web.staff_roles import requires_role


def _filters_from_args():
    source = request.args.get("source", "")
    return QueueFilters(
        overdue=request.args.get("overdue") == "1",
        source=source if source in {s.value for s in RequestSource} else "",
        search=request.args.get("q", "")[:200],
        page=request.args.get("page", 1, type=int),
    )


@bp.get("/")
@requires_role(StaffRole.REVIEWER)
def queue():
    session = db.get_session()
    filters = _filters_from_args()
    return render_template(
        "staff/queue.html",
        filters=filters,
        counts=queue_counts(session),
        result=queue_page(session, filters),
        sources=[s.value for s in RequestSource],
        worker=worker_health(session),
        worker_late_minutes=current_app.config["WORKER_LATE_MINUTES"],
    )


def request_or_404(request_id):
    return db.get_or_404(MembershipRequest, request_id)


def _decline_form(session):
    form = DeclineForm()
    form.reason.choices = [("", "Choose a reason")] + [
        (reason.id, reason.title) for reason in reviews.decline_reasons(session)
    ]
    return form


def render_request(membership_request, decline_form=None, status=200, answer_form=None):
    session = db.get_session()
    return (
        render_template(
            "staff/request.html",
            req=membership_request,
            state=effective_state(membership_request),
            overdue=is_overdue(membership_request),
            due_words=due_in_words(membership_request.due_on),
            hints=review_hints(session, membership_request),
            accounts=accounts_for_email(session, membership_request.email),
            invitation=current_invitation(membership_request),
            community_task=task_for(session, membership_request),
            platform_connected=community.connector().connected,
            events=[(event, detail_of(event)) for event in membership_request.events],
            decline_form=decline_form or _decline_form(session),
            can=staff_actions(membership_request),
            mail=mail_of(session, membership_request),
            answer_form=answer_form or StaffAnswerForm(),
        ),
        status,
    )


@bp.get("/requests/<int:request_id>")
@requires_role(StaffRole.REVIEWER)
def request_detail(request_id):
    return render_request(request_or_404(request_id))


AUDIT_ACTIONS = {"resend_invitation": "resend"}


def _act(request_id, action, *args, seen_version=None):
    """Run one review action as the signed-in staff member, then back to the request.

    Decisions are made only from the version of the request the page showed
    (the form's `seen`): if it changed meanwhile, nothing is done or sent.
    """
    membership_request = request_or_404(request_id)
    result = action(
        db.get_session(), membership_request, g.staff_user.email, *args, seen_version=seen_version
    )
    record_action(
        AUDIT_ACTIONS.get(action.__name__, action.__name__), "request", request_id,
        detail=("done: " if result.done else "not done: ") + result.message,
    )
    flash(result.message, "success" if result.done else "info")
    return redirect(url_for("staff.request_detail", request_id=request_id))


def _seen():
    form = DecisionForm()
    return form.seen.data if form.validate_on_submit() else None


@bp.post("/requests/<int:request_id>/approve")
@requires_role(StaffRole.REVIEWER)
def approve(request_id):
    return _act(request_id, reviews.approve, seen_version=_seen())


@bp.post("/requests/<int:request_id>/decline")
@requires_role(StaffRole.REVIEWER)
def decline(request_id):
    session = db.get_session()
    membership_request = request_or_404(request_id)
    form = _decline_form(session)
    reason = session.get(DeclineReason, form.reason.data) if form.validate_on_submit() else None
    if reason is None:
        if not form.reason.errors:
            form.reason.errors = ["Choose the reason to give."]
        return render_request(membership_request, decline_form=form, status=400)
    return _act(request_id, reviews.decline, reason, form.note.data, seen_version=form.seen.data)


@bp.post("/requests/<int:request_id>/resend")
@requires_role(StaffRole.REVIEWER)
def resend(request_id):
    return _act(request_id, reviews.resend_invitation, seen_version=_seen())


@bp.post("/requests/<int:request_id>/revoke")
@requires_role(StaffRole.REVIEWER)
def revoke(request_id):
    return _act(request_id, reviews.revoke)
