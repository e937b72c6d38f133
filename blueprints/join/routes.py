"""Asking to join: /join, the confirmation page, and /facebook."""

from flask import abort, redirect, render_template, session, url_for

import db
from blueprints.join import bp
from blueprints.join.forms import FacebookForm, JoinForm
from models import RequestSource
from services import deferred, status_checks
from services.confirmations import confirmation_token, read_confirmation
from services.rate_limits import limit_email_form
from services.screening import submit_request
from services.tokens import ExpiredLink, InvalidLink

# The requests this browser created: only they show their reference and where
# they stand on the confirmation page, so typing someone else's address reveals
# neither; the address itself is emailed a status link instead.
_OWN_REQUESTS = "join_requests"


@bp.route("/join", methods=["GET", "POST"])
@limit_email_form
def ask():
    return _ask(JoinForm(), "join/ask.html", RequestSource.WEB)


@bp.route("/facebook", methods=["GET", "POST"])
@limit_email_form
def facebook():
    return _ask(FacebookForm(), "join/facebook.html", RequestSource.FACEBOOK)


def _ask(form, template, source):
    """Both forms: submit the request through the same check, or show the errors."""
    if form.validate_on_submit():
        facebook_name = form.facebook_name.data if "facebook_name" in form else None
        result = submit_request(
            db.get_session(),
            name=form.name.data,
            email=form.email.data,
            subdomain=form.parsed_subdomain,
            source=source,
            facebook_name=facebook_name,
        )
        return _to_confirmation(result)
    return render_template(template, form=form), 400 if form.errors else 200


@bp.get("/join/sent/<token>")
def sent(token):
    try:
        confirmation = read_confirmation(db.get_session(), token)
    except ExpiredLink:
        return render_template("join/sent_expired.html"), 410
    except InvalidLink:
        abort(404)
    own = confirmation.request.id in session.get(_OWN_REQUESTS, [])
    response = render_template("join/sent.html", c=confirmation, show_reference=own)
    return response, 200, {"Cache-Control": "no-store"}


def _to_confirmation(result):
    request = result.request
    if result.created:
        # Keep the last few, so the cookie stays small.
        session[_OWN_REQUESTS] = (session.get(_OWN_REQUESTS, []) + [request.id])[-5:]
    elif request.id not in session.get(_OWN_REQUESTS, []):
        # Someone else's, or the person's own from another browser: where it stands
        # goes to the address (per-address limited, after the response), not to the page.
        deferred.after_response(status_checks.email_status_link, request.email)
    token = confirmation_token(request, result.created)
    return redirect(url_for("join.sent", token=token), 303)
