"""/invite/<token>: GET only looks (mail scanners fetch links); POST accepts."""

from flask import redirect, render_template

import db
from blueprints.invite import bp
from blueprints.invite.forms import AcceptForm
from services import community
from services.dates import long_date
from services.membership.invitations import InvitationOutcome, find_invitation
from services.membership.joining import FINISHING, MEMBER, accept_and_join, way_in_for
from web.http_cache import no_store
from web.security_headers import csp_allowing_form_target

# What each outcome answers with, besides the confirm page for a live invitation.
STATUS = {
    InvitationOutcome.ACCEPTED: 200, InvitationOutcome.USED: 200, InvitationOutcome.EXPIRED: 410,
    InvitationOutcome.REVOKED: 410, InvitationOutcome.UNKNOWN: 404, InvitationOutcome.CHANGED: 409,
}


@bp.after_request
def keep_the_token_private(response):
    # The token is in the URL: keep it out of caches, search engines and the
    # Referer header sent to the community.
    no_store(response)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    # The button's POST is answered with a redirect to the community (or to the
    # platform's own link to finish signing up): the connector says where.
    target = community.connector().redirect_target
    response.headers["Content-Security-Policy"] = csp_allowing_form_target(target)
    return response


@bp.get("/invite/<token>")
def show(token):
    lookup = find_invitation(db.get_session(), token)
    if lookup.outcome == InvitationOutcome.OK:
        return render_template(
            "invite/confirm.html",
            form=AcceptForm(),
            name=lookup.request.name,
            expires_on=long_date(lookup.invitation.expires_at),
        )
    return _explain(lookup)


@bp.post("/invite/<token>")
def accept(token):
    if not AcceptForm().validate_on_submit():
        return show(token)
    joined = accept_and_join(db.get_session(), token)
    if joined.page is None:
        return _explain(joined.lookup)
    if joined.page in (MEMBER, FINISHING):
        return _member_page(joined)
    return redirect(joined.link, 303)


def _member_page(joined):
    return render_template(
        "invite/member.html",
        finishing=joined.page == FINISHING,
        way_in=joined.way_in,
        name=joined.lookup.request.name,
        email=joined.lookup.request.email,
    )


def _explain(lookup):
    invitation = lookup.invitation
    context = {"outcome": lookup.outcome}
    if invitation is not None:
        context.update(
            name=lookup.request.name,
            accepted_on=long_date(invitation.accepted_at),
            expired_on=long_date(invitation.expires_at),
            continue_url=way_in_for(db.get_session(), lookup.request),
        )
    return render_template("invite/outcome.html", **context), STATUS[lookup.outcome]
