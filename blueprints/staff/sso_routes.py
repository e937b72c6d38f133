"""Sign in with the company's identity provider (OpenID Connect): start, and the callback."""

from flask import abort, current_app, render_template, url_for

import db
from blueprints.staff import bp
from blueprints.staff.auth import finish_sign_in
from services.staff.sso import user_for_claims
from web import staff_sso
from web.staff_audit import record_action


def _client_or_404():
    found = staff_sso.client()
    if found is None:
        abort(404)
    return found


@bp.get("/sso/start")
def sso_start():
    return _client_or_404().authorize_redirect(staff_sso.redirect_uri())


@bp.get("/sso/callback")
@db.writes_on_get  # signing in starts a staff session and writes the audit entry
def sso_callback():
    claims = _verified_claims(_client_or_404())
    if claims is None:
        return _refused("the sign-in could not be checked")
    config = current_app.config
    outcome = user_for_claims(
        db.get_session(), claims, config["STAFF_OIDC_ALLOWED_DOMAINS"],
        config["STAFF_OIDC_AUTO_CREATE"],
    )
    if outcome.user is None:
        record_action("sign_in_failed", "staff", claims.get("email"), actor=claims.get("email"),
                      detail=f"sso: {outcome.reason}")
        return _refused(outcome.reason)
    return finish_sign_in(outcome.user, "sso")


def _verified_claims(client):
    """The ID token's claims once Authlib has checked state, PKCE, signature and nonce."""
    try:
        return client.authorize_access_token()["userinfo"]
    except staff_sso.SSO_ERRORS as exc:
        record_action("sign_in_failed", "staff", detail=f"sso: {type(exc).__name__}")
        return None


def _refused(reason):
    return render_template("staff/sso_refused.html", reason=reason,
                           login_url=url_for("staff.login")), 403
