"""Who may use /staff: sign-in, sign-out, and the guard in front of every other page."""

from flask import current_app, flash, g, redirect, render_template, request, url_for

import db
from blueprints.staff import bp
from blueprints.staff.forms import ButtonForm, SignInForm
from extensions import limiter
from services.accounts.look_alike_domains import imitated_domain
from services.privacy.addresses import punycode_of, text_warnings
from services.staff import sign_in
from web import staff_session
from web.http_cache import no_store

OPEN_ENDPOINTS = {"staff.login"}


def _wants_html():
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    return not request.headers.get("Accept") or request.accept_mimetypes.accept_html


@bp.before_request
def require_staff_user():
    """Every staff page needs a signed-in, active staff user whose cookie is current."""
    g.staff_user = staff_session.current_staff_user(db.get_session())
    if g.staff_user is not None or request.endpoint in OPEN_ENDPOINTS:
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
    return {"staff_user": g.get("staff_user")}


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
    form = SignInForm()
    result = _sign_in(form) if form.validate_on_submit() else None
    if result is not None and result.ok:
        return redirect(next_path or url_for("staff.queue"))
    error = result.error if result is not None else None
    status = 400 if request.method == "POST" else 200
    return render_template("staff/login.html", form=form, error=error, next=next_path), status


def _sign_in(form):
    """Check the password; on success the session cookie starts (and says so)."""
    result = sign_in.authenticate(
        db.get_session(), form.email.data, form.password.data, client=request.remote_addr
    )
    if result.ok:
        staff_session.start_session(result.user)
        flash(f"Signed in as {result.user.email}.", "success")
    return result


@bp.post("/logout")
def logout():
    if ButtonForm().validate_on_submit():
        staff_session.end_session(g.staff_user)
        flash("You're signed out.", "success")
    return redirect(url_for("staff.login"))
