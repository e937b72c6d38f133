"""/invite/<token>: GET only looks (mail scanners fetch links); POST accepts."""

from flask import current_app, redirect, render_template

import db
from blueprints.invite import bp
from blueprints.invite.forms import AcceptForm
from services.dates import long_date
from services.invitations import accept_invitation, find_invitation
from services.security_headers import csp_allowing_form_target

# What each outcome answers with, besides the confirm page for a live invitation.
STATUS = {
    "accepted": 200, "used": 200, "expired": 410, "revoked": 410, "unknown": 404, "changed": 409,
}


@bp.after_request
def keep_the_token_private(response):
    # The token is in the URL: keep it out of caches, search engines and the
    # Referer header sent to the community.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    # The button's POST is answered with a redirect to the community.
    community = current_app.config["COMMUNITY_URL"]
    response.headers["Content-Security-Policy"] = csp_allowing_form_target(community)
    return response


@bp.get("/invite/<token>")
def show(token):
    lookup = find_invitation(db.get_session(), token)
    if lookup.outcome == "ok":
        return render_template(
            "invite/confirm.html",
            form=AcceptForm(),
            name=lookup.request.name,
            expires_on=long_date(lookup.invitation.expires_at),
        )
    return _explain(lookup)


@bp.post("/invite/<token>")
def accept(token):
    form = AcceptForm()
    if not form.validate_on_submit():
        return show(token)
    lookup = accept_invitation(db.get_session(), token)
    if lookup.outcome in ("joined", "accepted"):
        return redirect(current_app.config["COMMUNITY_URL"], 303)
    return _explain(lookup)


def _explain(lookup):
    invitation = lookup.invitation
    context = {"outcome": lookup.outcome}
    if invitation is not None:
        context.update(
            name=lookup.request.name,
            accepted_on=long_date(invitation.accepted_at),
            expired_on=long_date(invitation.expires_at),
        )
    return render_template("invite/outcome.html", **context), STATUS[lookup.outcome]
