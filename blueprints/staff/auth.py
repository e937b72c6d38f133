"""Who may use /staff: sign-in (password, then a second factor), sign-out, and the guard.

The guard in front of every console page finds the server-side session of the
cookie and checks the role the page's view is labelled with (web.staff_roles).
"""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask import session as cookie_session

import db
from blueprints.staff import bp
from blueprints.staff.forms import ButtonForm, CodeForm, SignInForm
from extensions import limiter
from models import StaffRole
from services.accounts.look_alike_domains import imitated_domain
from services.privacy.addresses import punycode_of, text_warnings
from services.staff import sign_in, two_factor
from services.staff.roles import has_role
from web import staff_session
from web.http_cache import no_store
from web.staff_audit import record_action
from web.staff_roles import enforce_role, requires_role, role_for_endpoint

# Pages for people who are not signed in (yet): sign-in steps, invitations, SSO.
OPEN_ENDPOINTS = {
    "staff.login", "staff.login_code", "staff.enrol", "staff.join",
    "staff.sso_start", "staff.sso_callback",
}


def _wants_html():
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    return not request.headers.get("Accept") or request.accept_mimetypes.accept_html


@bp.before_request
def require_staff_user():
    """Every staff page needs a live session of an active staff user with the page's role."""
    g.staff_user = staff_session.current_staff_user(db.get_session())
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if g.staff_user is not None:
        enforce_role(g.staff_user, request.endpoint)
        return None
    if not _wants_html():
        return {"error": "Sign in to the staff console first.", "status": 401}, 401
    # Only a page can be returned to; after a refused POST, sign-in leads to the queue.
    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("staff.login", next=next_path))


@bp.after_request
def never_cache(response):
    return no_store(response)


@bp.context_processor
def staff_context():
    user = g.get("staff_user")
    return {
        "staff_user": user,
        "sso_enabled": bool(current_app.config["STAFF_OIDC_ISSUER"]),
        "staff_can": lambda endpoint: has_role(user, role_for_endpoint(endpoint)),
    }


# For the `flagged` macro of staff/_macros.html (imported macros see globals only).
bp.add_app_template_global(punycode_of)
bp.add_app_template_global(text_warnings)


@bp.app_template_global()
def imitated_customer_domain(address):
    """The customer domain an address's domain passes for, or None (staff/_macros.html)."""
    return imitated_domain(db.get_session(), (address or "").rpartition("@")[2])


def _login_limit():
    return current_app.config["RATELIMIT_STAFF_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    next_path = staff_session.safe_next(request.args.get("next"))
    if g.staff_user is not None:
        return redirect(next_path or url_for("staff.queue"))
    password_allowed = current_app.config["STAFF_PASSWORD_SIGNIN"]
    form = SignInForm()
    result = _check_password(form) if password_allowed and form.validate_on_submit() else None
    if result is not None and result.ok:
        return after_first_factor(result.user, next_path)
    return render_template(
        "staff/login.html", form=form, error=result.error if result else None, next=next_path,
        password_allowed=password_allowed,
    ), 400 if request.method == "POST" else 200


def _check_password(form):
    result = sign_in.authenticate(
        db.get_session(), form.email.data, form.password.data, client=request.remote_addr
    )
    if not result.ok:
        record_action("sign_in_failed", "staff", form.email.data, actor=form.email.data)
    return result


def after_first_factor(user, next_path=None, method="password"):
    """The password was right: ask for the code, or enrol first, or (2FA off) sign in."""
    staff_session.begin_pending(user)
    if next_path:
        cookie_session["staff_next"] = next_path
    if two_factor.is_enrolled(user):
        return redirect(url_for("staff.login_code"))
    if current_app.config["STAFF_REQUIRE_2FA"]:
        return redirect(url_for("staff.enrol"))
    return finish_sign_in(user, method)


def finish_sign_in(user, method):
    """Start the session (the cookie is rotated) and record it; returns where to go next."""
    next_path = staff_session.safe_next(cookie_session.get("staff_next"))
    staff_session.start_session(db.get_session(), user, method)
    g.staff_user = user
    record_action("sign_in", "staff", user.email, detail=method)
    flash(f"Signed in as {user.email}.", "success")
    return redirect(next_path or url_for("staff.queue"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    session = db.get_session()
    user = staff_session.pending_user(session)
    if user is None or not two_factor.is_enrolled(user):
        return redirect(url_for("staff.login"))
    form = CodeForm()
    result, how = _check_code(session, user, form.code.data) if form.validate_on_submit() else (None, None)
    if result is not None and result.ok:
        return _finish_with_code(session, user, how)
    error = result.error if result is not None else None
    return render_template("staff/login_code.html", form=form, error=error), (
        400 if request.method == "POST" else 200)


def _check_code(session, user, code):
    result, how = sign_in.check_second_factor(session, user, code, client=request.remote_addr)
    if not result.ok:
        record_action("sign_in_code_failed", "staff", user.email, actor=user.email)
    return result, how


def _finish_with_code(session, user, how):
    response = finish_sign_in(user, f"password+{how}")
    if how == "recovery":
        left = two_factor.recovery_codes_left(session, user)
        flash(f"You used a recovery code; {left} left.", "info")
    return response


@bp.post("/logout")
@requires_role(StaffRole.REVIEWER)
def logout():
    if ButtonForm().validate_on_submit():
        record_action("sign_out", "staff", g.staff_user.email)
        staff_session.end_session(db.get_session())
        flash("You're signed out.", "success")
    return redirect(url_for("staff.login"))


def require_pending_or_signed_in():
    """The user enrolling: the one half-way through sign-in, or the signed-in one."""
    user = g.staff_user or staff_session.pending_user(db.get_session())
    if user is None:
        abort(redirect(url_for("staff.login")))
    return user
