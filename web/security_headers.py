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

from web.http_cache import no_store
from web.secret_paths import is_secret_path

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

    def open_session(self, app, request):
        # No cookie, no session to read: an empty one, without building the signing
        # serializer (HMAC key derivation) that Flask's version builds first.
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        # An empty session nobody changed: nothing to write or delete, only Flask's
        # Vary: Cookie when it was read. Flask's own answer is the same, after it has
        # looked up all seven cookie settings first.
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def init_app(app):
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)


# The headers every response gets unless its view set its own, in one list so that
# one pass over the response's headers finds which are already there.
DEFAULT_HEADERS = tuple((name.lower(), (name, value)) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
))
_HSTS_HEADER = ("Strict-Transport-Security", HSTS)


def add_security_headers(response):
    headers = response.headers
    present = {name.lower() for name, _value in headers}
    is_secure = request.is_secure
    missing = [header for lowered, header in DEFAULT_HEADERS if lowered not in present]
    if is_secure and "strict-transport-security" not in present:
        missing.append(_HSTS_HEADER)
    headers.extend(missing)
    path = request.path
    secret = is_secret_path(path)
    if secret:
        headers["Referrer-Policy"] = "no-referrer"
    if secret or path.startswith(PRIVATE_PREFIXES):
        no_store(response)
    if "set-cookie" in present:
        _harden_cookies(response, is_secure or current_app.config["SESSION_COOKIE_SECURE"])
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
