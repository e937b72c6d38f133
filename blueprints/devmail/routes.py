import re

from flask import abort, make_response, render_template
from markupsafe import Markup, escape
from sqlalchemy import select

import db
from blueprints.devmail import bp
from models import OutboxEmail


@bp.get("/mail")
def mailbox():
    emails = db.get_session().scalars(
        select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(200)
    )
    return render_template("devmail/mailbox.html", emails=list(emails))


@bp.get("/mail/<int:email_id>")
def message(email_id):
    email = db.get_session().get(OutboxEmail, email_id)
    if email is None:
        abort(404)
    return render_template("devmail/message.html", email=email)


@bp.get("/mail/<int:email_id>/html")
def message_html(email_id):
    """The HTML part on its own, shown in a sandboxed frame of the message page."""
    email = db.get_session().get(OutboxEmail, email_id)
    if email is None:
        abort(404)
    response = make_response(email.body_html)
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


# A URL ends before whitespace or a quote, and never with the punctuation of the
# sentence around it ("get a fresh one at https://…/resend.").
URL_RE = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)']")


@bp.app_template_filter("linkify")
def linkify(text):
    """Escape plain text and make its URLs clickable (the dev mailbox only)."""
    escaped = str(escape(text))
    return Markup(URL_RE.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))
