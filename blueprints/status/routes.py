"""Where a request stands (/status) and a re-sent invitation (/resend).

Neither page may tell a stranger whether an address is known. The answer is the
same page either way: the form only queues a look-up (services.queues.lookups)
and the worker does the look-up and the email, so its timing is the same too.
"""

from email.utils import parseaddr

from flask import current_app, redirect, render_template, url_for

import db
from blueprints.status import bp
from blueprints.status.forms import ResendForm, ResendFromStatusForm, StatusForm
from services.membership import resending, status_checks
from services.membership.status_view import build_status_view
from services.queues.lookups import LookupKind, enqueue
from services.tokens import ExpiredLink, InvalidLink
from web.rate_limits import limit_email_form


@bp.route("/status", methods=["GET", "POST"])
@limit_email_form
def check():
    form = StatusForm()
    if form.validate_on_submit():
        token = status_checks.status_token_for(
            db.get_session(), form.email.data, form.reference.data
        )
        if token is not None:
            return redirect(url_for("status.show", token=token))
        enqueue(db.get_session(), LookupKind.STATUS_LINK, email=form.email.data)
        return redirect(url_for("status.check_sent"))
    return render_template("status/check.html", form=form), (400 if form.errors else 200)


@bp.get("/status/sent")
def check_sent():
    return render_template("status/check_sent.html")


@bp.get("/status/<token>")
def show(token):
    request, problem = _request_or_problem(token)
    if problem:
        return problem
    return render_template(
        "status/show.html",
        view=build_status_view(request),
        token=token,
        resend_form=ResendFromStatusForm(),
    )


@bp.post("/status/<token>/resend")
@limit_email_form
def resend_from_status(token):
    form = ResendFromStatusForm()
    request, problem = _request_or_problem(token)
    if problem:
        return problem
    if form.validate_on_submit():
        # The link proves whose request it is, so this can be done before answering.
        resending.resend_for_address(db.get_session(), request.email)
    return redirect(url_for("status.resend_sent"))


@bp.route("/resend", methods=["GET", "POST"])
@limit_email_form
def resend():
    form = ResendForm()
    if form.validate_on_submit():
        enqueue(db.get_session(), LookupKind.RESEND, email=form.email.data)
        return redirect(url_for("status.resend_sent"))
    return render_template("status/resend.html", form=form), (400 if form.errors else 200)


@bp.get("/resend/sent")
def resend_sent():
    sender_name, sender_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return render_template(
        "status/resend_sent.html", sender_name=sender_name, sender_address=sender_address
    )


def _request_or_problem(token):
    """(the request a status link stands for, None), or (None, a page offering a fresh link)."""
    try:
        return status_checks.request_for_token(db.get_session(), token), None
    except ExpiredLink:
        return None, _link_problem(expired=True)
    except InvalidLink:
        return None, _link_problem(expired=False)


def _link_problem(expired):
    page = render_template("status/link_problem.html", expired=expired, form=StatusForm())
    return page, (410 if expired else 400)
