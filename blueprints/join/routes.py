"""Asking to join: /join, /facebook and the one confirmation page after both.

The confirmation is the same page for every outcome (new request, a request
already open, a member, an address we know or not): only the masked address
and the review date differ, and the review date is the same for everyone that
day. What happened, and the reference, go only into the email the worker sends.
"""

import time
from datetime import date

from flask import current_app, make_response, redirect, render_template, session, url_for

import db
from blueprints.join import bp
from blueprints.join.forms import FacebookForm, JoinForm
from clock import utcnow
from models import RequestSource
from services.dates import due_date_for, long_date
from services.membership.join_submissions import queue_join_submission
from services.privacy.addresses import canonical_email, keyed_hash
from services.privacy.masking import mask_address
from web.http_cache import no_store
from web.rate_limits import limit_email_form

# What the confirmation page shows (masked address, review date), and the
# addresses this browser asked for lately (hashed, with the time).
_SENT = "join_sent"
_RECENT = "join_recent"


@bp.route("/join", methods=["GET", "POST"])
@limit_email_form
def ask():
    return _ask(JoinForm(), "join/ask.html", RequestSource.WEB)


@bp.route("/facebook", methods=["GET", "POST"])
@limit_email_form
def facebook():
    return _ask(FacebookForm(), "join/facebook.html", RequestSource.FACEBOOK)


def _ask(form, template, source):
    """Both forms: write the submission (the worker does the rest), or show the errors."""
    if not form.validate_on_submit():
        return render_template(template, form=form), 400 if form.errors else 200
    if not _asked_lately(form.email.data):
        queue_join_submission(
            db.get_session(),
            name=form.name.data,
            email=form.email.data,
            subdomain=form.parsed_subdomain,
            source=source,
            facebook_name=form.facebook_name.data if "facebook_name" in form else None,
        )
    session[_SENT] = {
        "to": mask_address(form.email.data.strip()),
        "due": due_date_for(utcnow()).isoformat(),
    }
    return redirect(url_for("join.sent"), 303)


def _asked_lately(address):
    """True when this browser asked for this address within JOIN_REPEAT_MINUTES.

    Such a repeat is the browser's own request: nothing new is written or sent.
    """
    now = int(time.time())
    window = current_app.config["JOIN_REPEAT_MINUTES"] * 60
    key = keyed_hash(canonical_email(address))[:16]
    recent = {k: t for k, t in session.get(_RECENT, {}).items() if now - t < window}
    lately = key in recent
    recent[key] = recent.get(key, now)
    session[_RECENT] = dict(sorted(recent.items(), key=lambda item: item[1])[-5:])
    return lately


@bp.get("/join/sent")
def sent():
    shown = session.get(_SENT)
    if not shown:
        return redirect(url_for("join.ask"))
    due_on = long_date(date.fromisoformat(shown["due"]))
    page = render_template("join/sent.html", to=shown["to"], due_on=due_on)
    return no_store(make_response(page))
