"""Security headers on every route (enumerated from url_map), cookies, HTTPS, templates."""

import re
from pathlib import Path

import pytest
from flask import Blueprint, make_response, render_template_string, session
from flask_wtf import FlaskForm

from tests.support.routes import collection_app, route_id, routes

ROUTES = routes(collection_app())
POST_ROUTES = [(rule, path) for rule, path in ROUTES if "POST" in rule.methods]
REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def assert_secure_headers(response):
    headers = response.headers
    for name, value in REQUIRED.items():
        if name == "Referrer-Policy" and headers.get(name) == "no-referrer":
            continue  # stricter still: pages whose URL carries a secret send no referrer
        assert headers.get(name) == value, name
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    sources = re.findall(r"[a-z-]+-src ([^;]+)", csp) + re.findall(r"default-src ([^;]+)", csp)
    for source_list in sources:
        for source in source_list.split():
            assert source in {"'self'", "'none'", "data:"}, f"third-party source {source}"
    permissions = headers["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions
    assert headers.get("X-Request-Id")


def _methods(rule):
    return rule.methods - {"HEAD", "OPTIONS"}


@pytest.mark.parametrize(("rule", "path"), ROUTES, ids=[route_id(r) for r, _ in ROUTES])
def test_every_route_carries_the_security_headers(client, rule, path):
    if "GET" in _methods(rule):
        response = client.get(path)
    else:
        # A POST-only route, sent nothing: a 400 (CSRF or validation), never a 500.
        response = client.post(path)
    assert response.status_code < 500
    assert_secure_headers(response)
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(("rule", "path"), POST_ROUTES, ids=[route_id(r) for r, _ in POST_ROUTES])
def test_every_form_refuses_a_post_without_csrf_token(client, rule, path):
    response = client.post(path, data={"anything": "x"})
    if rule.rule.startswith("/api/"):
        assert response.status_code < 500
    elif rule.rule.startswith("/inbound/"):
        # A machine's endpoint: no CSRF token, refused without INBOUND_TOKEN (404 while off).
        assert response.status_code in (401, 404)
    else:
        assert response.status_code == 400
    assert_secure_headers(response)


def test_errors_carry_the_headers_too(client, csrf_app):
    assert_secure_headers(client.get("/no-such-page"))
    response = client.post("/healthz")
    assert response.status_code == 405
    assert_secure_headers(response)
    response = csrf_app.test_client().post("/test-secure/form", data={"x": "1"})
    assert response.status_code == 400
    assert_secure_headers(response)


@pytest.fixture
def csrf_app(app):
    """The app with a form page and a page that sets its own cookie (as a voter cookie)."""
    bp = Blueprint("testsecure", __name__)

    @bp.route("/test-secure/form", methods=["GET", "POST"])
    def form():
        form = FlaskForm()
        if form.validate_on_submit():
            return "ok"
        session["seen"] = True
        return render_template_string("<form method=post>{{ form.csrf_token }}</form>", form=form)

    @bp.get("/test-secure/cookie")
    def cookie():
        response = make_response("ok")
        response.set_cookie("voter", "abc", max_age=3600, httponly=True)
        return response

    app.register_blueprint(bp)
    return app


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.app_config(TRUST_PROXY=True)
def test_forwarded_proto_counts_when_the_proxy_is_trusted(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_forwarded_proto_is_ignored_without_trust_proxy(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def _cookies(response):
    return {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}


def test_cookies_are_httponly_lax_and_not_secure_over_plain_http(csrf_app):
    client = csrf_app.test_client()
    session_cookie = _cookies(client.get("/test-secure/form"))["session"]
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie
    voter = _cookies(client.get("/test-secure/cookie"))["voter"]
    assert "SameSite=Lax" in voter and "Secure" not in voter


def test_every_cookie_is_secure_over_https(csrf_app):
    client = csrf_app.test_client()
    session_cookie = _cookies(client.get("/test-secure/form", base_url="https://localhost"))
    assert "Secure" in session_cookie["session"]
    voter = _cookies(client.get("/test-secure/cookie", base_url="https://localhost"))["voter"]
    assert "Secure" in voter


@pytest.mark.app_config(SITE_URL="https://help.example-app.com")
def test_https_site_url_makes_cookies_secure_even_behind_a_plain_http_hop(csrf_app):
    assert csrf_app.config["SESSION_COOKIE_SECURE"] is True
    assert csrf_app.config["PREFERRED_URL_SCHEME"] == "https"
    client = csrf_app.test_client()
    assert "Secure" in _cookies(client.get("/test-secure/form"))["session"]
    assert "Secure" in _cookies(client.get("/test-secure/cookie"))["voter"]


def test_development_never_forces_secure_cookies(monkeypatch, tmp_path):
    from app import create_app

    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
                      "SITE_URL": "https://localhost:5000"})
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.app_config(MAX_CONTENT_LENGTH=1000)
def test_a_body_over_the_limit_is_a_413_page_in_the_layout(csrf_app):
    response = csrf_app.test_client().post("/test-secure/form", data={"x": "y" * 5000})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "That was too much to send" in html and "skip-link" in html
    assert_secure_headers(response)


@pytest.mark.parametrize("path", ["/status/abc", "/invite/opt-out/abc", "/staff/requests/1"])
def test_pages_with_secrets_are_never_cached(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path", ["/status/abc", "/invite/opt-out/abc", "/invite/abc", "/report/" + "x" * 43],
)
def test_pages_with_secrets_in_their_url_send_no_referrer(client, path):
    # A link followed from such a page must not carry the token along in Referer.
    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=([0-9a-f]{12}))"', html)
    assert css, "the stylesheet URL has no content hash"
    response = client.get(css.group(1))
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert_secure_headers(response)
    stale = client.get("/static/css/site.css?v=000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    stale.close()
    response.close()


# Served templates only: email templates are never served by the site.
INLINE_PATTERNS = {
    "inline <script> without src": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "on*= event handler": re.compile(r"\son[a-z]+\s*=", re.I),
}


def _served_templates():
    return [
        path for path in sorted(TEMPLATES.rglob("*.html"))
        if path.relative_to(TEMPLATES).parts[0] != "email"
    ]


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    templates = _served_templates()
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}")
    assert not found, "CSP forbids these:\n" + "\n".join(found)
