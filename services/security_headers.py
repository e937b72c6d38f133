"""Security headers on every response, secure cookies, and proxy awareness.

- A strict Content-Security-Policy: our own origin only, no inline script or
  style at all (so templates use static files, never style="" or onclick).
- HSTS and the `Secure` flag on every cookie when the request came over HTTPS
  (or SESSION_COOKIE_SECURE is on). Behind a reverse proxy, X-Forwarded-Proto
  is believed only with TRUST_PROXY on; otherwise anyone could claim HTTPS.
- Pages whose path carries a secret, and the staff console, are never cached;
  pages whose path carries a secret send no Referer at all.
"""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from services.secret_paths import is_secret_path

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


def csp_allowing_form_target(url):
    """The CSP with one more origin a form may post to (or be redirected to).

    Browsers apply form-action to the redirect after a POST too, so a form whose
    answer redirects to another site needs that site's origin listed.
    """
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return CSP.replace("form-action 'self'", f"form-action 'self' {origin}")


HSTS = "max-age=31536000; includeSubDomains"
PRIVATE_PREFIXES = ("/staff",)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure on any request that came over HTTPS."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def init_app(app):
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    secure = request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if is_secret_path(request.path):
        headers["Referrer-Policy"] = "no-referrer"
    if is_secret_path(request.path) or request.path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "no-store"
    _harden_cookies(response, secure)
    return response


def _harden_cookies(response, secure):
    """Add Secure (over HTTPS) and SameSite=Lax to cookies views set without them.

    The session cookie is written after this hook and gets the same flags from
    SessionInterface and the SESSION_COOKIE_* settings.
    """
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        attributes = {part.strip().split("=", 1)[0].lower() for part in cookie.split(";")[1:]}
        if secure and "secure" not in attributes:
            cookie += "; Secure"
        if "samesite" not in attributes:
            cookie += "; SameSite=Lax"
        response.headers.add("Set-Cookie", cookie)
