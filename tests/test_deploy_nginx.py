"""deploy/nginx/lobby.conf as shipped, in front of gunicorn: TLS, static files, the micro-cache.

nginx (Debian's package; .ci/run installs it) runs in the foreground with the
shipped file, only its ${LOBBY_*} placeholders filled in, and a certificate made
here. The one addition is a snippet in LOBBY_SNIPPETS exposing X-Cache-Status.
The app behind it is wsgi:app, wrapped so a test can make a response claim to be
public (tests/support/nginx_upstream.py).
"""

import gzip
import os
import shutil
import subprocess
import sys
import time

import pytest

import settings
from tests.support.nginx import Nginx, nginx_binary, render
from tests.support.servers import free_port, start_gunicorn, stop, wait_until_serving

pytestmark = pytest.mark.skipif(nginx_binary() is None or shutil.which("openssl") is None,
                                reason="needs Debian's nginx and openssl (.ci/run installs them)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANSWER = "/faq/how-to-join"
SHARED_SECONDS = 3
CACHE_STATUS = "add_header X-Cache-Status $upstream_cache_status always;\n"
PUBLIC = "public, max-age=0, s-maxage=60"


class Stack:
    """gunicorn (restartable on its port) behind nginx."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.content = directory / "content"
        shutil.copytree(os.path.join(ROOT, "content"), self.content)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        self.env.update(
            SECRET_KEY="n" * 40, DATABASE_URL=f"sqlite:///{directory / 'lobby.sqlite3'}",
            SITE_URL="https://localhost", TRUST_PROXY="1", CONTENT_DIR=str(self.content),
            MAIL_BACKEND="file", MAIL_FILE_DIR=str(directory / "mail"),
            SHARED_CACHE_SECONDS=str(SHARED_SECONDS), SHARED_CACHE_STALE_SECONDS="30",
        )
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                       cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120)
        self.gunicorn = None

    def start_app(self):
        log = self.directory / "gunicorn.log"
        self.gunicorn = start_gunicorn("tests.support.nginx_upstream:app", self.port, self.env,
                                       log, workers=1)
        wait_until_serving(self.port, self.gunicorn, log, timeout=60)

    def stop_app(self):
        stop(self.gunicorn)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    directory = tmp_path_factory.mktemp("nginx")
    stack = Stack(directory)
    stack.start_app()
    try:
        with Nginx(directory / "nginx", stack.port,
                   snippets={"cache-status.conf": CACHE_STATUS}) as nginx:
            stack.nginx = nginx
            yield stack
    finally:
        stack.stop_app()


def get(stack, path, **headers):
    return stack.nginx.request("GET", path, headers)


def cache_status(response):
    return response[1].get("X-Cache-Status", "")


def test_the_shipped_file_names_only_its_placeholders():
    text = render({name: "X" for name in (
        "LOBBY_SERVER_NAME", "LOBBY_LISTEN_HTTP", "LOBBY_LISTEN_HTTPS", "LOBBY_TLS_CERTIFICATE",
        "LOBBY_TLS_CERTIFICATE_KEY", "LOBBY_RELEASE", "LOBBY_UPSTREAM", "LOBBY_CACHE_DIR",
        "LOBBY_LOG_DIR", "LOBBY_SNIPPETS")})
    directives = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not any("${" in line for line in directives)
    assert "X-Cache-Status" not in text  # only the test shows it
    # The body limit is the app's own (MAX_CONTENT_LENGTH, 1 MiB).
    assert settings.DEFAULTS["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert "client_max_body_size 1m;" in text


def test_a_public_answer_page_is_served_from_the_cache_the_second_time(stack):
    first = get(stack, ANSWER + "?first")
    second = get(stack, ANSWER + "?first")
    assert first[0] == second[0] == 200
    assert cache_status(first) == "MISS" and cache_status(second) == "HIT"
    assert second[2] == first[2]
    # Each with its own request id, which nginx gave the app too.
    ids = [r[1].get_all("X-Request-Id") for r in (first, second)]
    assert all(len(found) == 1 and len(found[0]) == 32 for found in ids) and ids[0] != ids[1]
    assert first[1]["Cache-Control"].startswith("public, max-age=0, s-maxage=3")
    # The app saw HTTPS through X-Forwarded-Proto (TRUST_PROXY=1): HSTS, and no cookie.
    assert "Strict-Transport-Security" in first[1]
    assert "Set-Cookie" not in first[1]


def test_http_is_sent_to_https(stack):
    status, headers, _body = stack.nginx.request("GET", ANSWER + "?x=1", scheme="http")
    assert status == 301
    assert headers["Location"] == f"https://localhost{ANSWER}?x=1"


def test_a_request_with_a_cookie_is_never_answered_from_or_kept_in_the_cache(stack):
    path = ANSWER + "?cookie"
    with_cookie = [get(stack, path, Cookie="session=abc") for _ in range(2)]
    assert [cache_status(r) for r in with_cookie] == ["BYPASS", "BYPASS"]
    assert cache_status(get(stack, path)) == "MISS"  # nothing was kept for it
    assert cache_status(get(stack, path)) == "HIT"
    assert cache_status(get(stack, path, Cookie="session=abc")) == "BYPASS"


def test_a_response_that_sets_a_cookie_is_never_kept(stack):
    path = ANSWER + "?sets-cookie"
    for _ in range(3):
        response = get(stack, path, **{"X-Test-Set-Cookie": "visitor=1; Path=/"})
        assert response[1]["Set-Cookie"].startswith("visitor=1")
        assert "s-maxage=3" in response[1]["Cache-Control"]
        assert cache_status(response) == "MISS"


def test_a_response_without_s_maxage_is_never_kept(stack):
    path = ANSWER + "?no-s-maxage"
    for value in ("public, max-age=600", "private, s-maxage=60", "no-store"):
        for _ in range(2):
            assert cache_status(get(stack, path, **{"X-Test-Cache-Control": value})) == "MISS"


@pytest.mark.parametrize("path", ["/staff/login", "/invite/some-token-value-0123456789",
                                  "/status/some-signed-token", "/status"])
def test_private_paths_are_never_cached_even_if_marked_public(stack, path):
    claims = {"X-Test-Cache-Control": f"{PUBLIC}, stale-while-revalidate=30"}
    responses = [get(stack, path, **claims) for _ in range(2)]
    assert [cache_status(r) for r in responses] == ["BYPASS", "BYPASS"]
    assert [cache_status(get(stack, path)) for _ in range(2)] == ["BYPASS", "BYPASS"]


def test_a_post_is_never_cached(stack):
    path = ANSWER + "?posted"
    claims = {"X-Test-Cache-Control": PUBLIC, "Content-Type": "application/x-www-form-urlencoded"}
    for _ in range(2):
        status, headers, _body = stack.nginx.request("POST", path, claims, body="a=1")
        assert headers.get("X-Cache-Status", "") in ("", "BYPASS")
    assert cache_status(get(stack, path)) == "MISS"


def test_a_body_over_the_apps_limit_is_refused_by_nginx(stack):
    status, _headers, _body = stack.nginx.request(
        "POST", "/join", {"Content-Type": "application/x-www-form-urlencoded"},
        body=b"a=" + b"x" * (1024 * 1024 + 10))
    assert status == 413


def test_static_files_come_from_the_release_folder_immutable_and_gzipped(stack):
    from web.static_assets import content_hash

    version = content_hash(os.path.join(ROOT, "static", "css", "site.css"))
    status, headers, body = stack.nginx.request(
        "GET", f"/static/css/site.css?v={version}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    with open(os.path.join(ROOT, "static", "css", "site.css"), "rb") as shipped:
        assert gzip.decompress(body) == shipped.read()
    # Served by nginx: none of the headers the app adds to every response.
    assert "X-Request-Id" not in headers and "Content-Security-Policy" not in headers
    plain = stack.nginx.request("GET", "/static/css/site.css")
    assert plain[1]["Cache-Control"] == "public, no-cache"


def test_the_access_log_masks_secrets_in_paths(stack):
    get(stack, "/status/secret-token-in-the-path")
    deadline = time.monotonic() + 10
    while "/status/[secret]" not in stack.nginx.access_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = stack.nginx.access_log()
    assert "/status/[secret]" in log
    assert "secret-token-in-the-path" not in log


def test_a_restart_is_served_from_the_cache_and_a_content_change_shows_within_s_maxage(stack):
    before = get(stack, ANSWER)
    assert before[0] == 200 and b"Changed by the test" not in before[2]
    stack.stop_app()
    during = get(stack, ANSWER)  # the app is down: the cached copy answers
    assert during[0] == 200 and during[2] == before[2]
    page = stack.content / "faq" / "how-to-join.md"
    page.write_text(page.read_text().replace("Send the form.", "Changed by the test."))
    stack.start_app()
    changed_at = time.monotonic()
    while True:
        response = get(stack, ANSWER)
        assert response[0] == 200
        if b"Changed by the test" in response[2]:
            break
        # s-maxage, plus the app's own second (SHARED_PAGE_SECONDS) and a busy machine's slack
        assert time.monotonic() - changed_at < SHARED_SECONDS + 1 + 5
        time.sleep(0.2)
