"""Shared pages answered again for a moment without running the app: a micro-cache.

A page the app marks `Cache-Control: public` (an FAQ answer, the FAQ list, the
home page, a search's results) is the same bytes for every visitor who sends no
cookie. For SHARED_PAGE_SECONDS (1 by default; 0 turns this off) after such a
visitor got one, the next visitors without a cookie who ask for the same address
get those bytes from here (never longer than SHARED_CACHE_SECONDS, the lifetime
the page's s-maxage grants every shared cache): the same status, body and headers the app set (the
security headers included), each with a request id of its own and the usual log
line. Serving them skips Flask's request cycle, about two thirds of the cost of
an answer page; a spike of visitors following one link (a support ticket, a
newsletter) then costs one render a second.

Only what every visitor without a cookie would get alike is kept or served:
- requests: GET, with no Cookie, Authorization, If-None-Match, If-Modified-Since
  or Range header (those go to the app, which answers 304s itself);
- responses the app marked public (web.http_cache sets PUBLIC_MARK in the
  environ), that are 200 with "public" in Cache-Control and neither "private" nor
  "no-store", no Set-Cookie, and no Vary other than Cookie.
The key is the scheme, host, script root, path and query string, so whatever
the app decides from those (the request guard, the route, HSTS over HTTPS)
was decided for exactly this address. At most SHARED_PAGE_ENTRIES are kept.

It wraps the app inside ProxyFix, so the scheme and host are the ones the proxy
vouched for; it is off in development, where content edits show at once.
Flask's request signals are not sent for a page served from here; the request
metrics (web.metrics) count it under the endpoint that made it.
"""

import threading
import time
from collections import OrderedDict

from werkzeug.wsgi import get_path_info

from web import metrics
from web.http_cache import PUBLIC_MARK
from web.logging_setup import masked_request_path, request_id_for, write_request_line

_PERSONAL_REQUEST_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH",
                             "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE")


def init_app(app):
    # Never longer than any shared cache may keep the page (SHARED_CACHE_SECONDS).
    seconds = min(app.config["SHARED_PAGE_SECONDS"], app.config["SHARED_CACHE_SECONDS"])
    if seconds > 0 and not app.config["IS_DEVELOPMENT"]:
        app.wsgi_app = SharedPages(app.wsgi_app, seconds, app.config["SHARED_PAGE_ENTRIES"],
                                   metrics.observer(app))


class SharedPages:
    """WSGI middleware keeping shareable 200 responses for `seconds`, `entries` at most."""

    def __init__(self, wsgi_app, seconds, entries, observe=None):
        self.wsgi_app = wsgi_app
        self.seconds = seconds
        self.entries = entries
        self.observe = observe  # web.metrics' observe(endpoint, status, seconds), or None
        # key -> (expires, status, headers, body, logged path, endpoint)
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        key = _key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        page = self._pages.get(key)
        if page is not None and page[0] > time.monotonic():
            return _serve(page, environ, start_response, started, self.observe)
        return self._fetch(key, environ, start_response)

    def _fetch(self, key, environ, start_response):
        answered = []

        def keep_start_response(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, keep_start_response)
        if not environ.get(PUBLIC_MARK) or not answered or not _is_shareable(*answered):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        status, headers = answered
        kept = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
        self._keep(key, (time.monotonic() + self.seconds, status, kept, content,
                         masked_request_path(get_path_info(environ)),
                         environ.get(metrics.ENDPOINT_KEY, "none")))
        return [content]

    def _keep(self, key, page):
        # Every page lives the same seconds, so the order kept is the order they
        # expire in: the expired and, when full, the oldest go from the front.
        with self._lock:
            pages = self._pages
            pages.pop(key, None)
            now = time.monotonic()
            while pages and (len(pages) >= self.entries or next(iter(pages.values()))[0] <= now):
                pages.popitem(last=False)
            pages[key] = page


def _key(environ):
    if environ["REQUEST_METHOD"] != "GET":
        return None
    for name in _PERSONAL_REQUEST_HEADERS:
        if name in environ:
            return None
    return (environ["wsgi.url_scheme"], environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME"),
            environ.get("PATH_INFO"), environ.get("QUERY_STRING"))


def _is_shareable(status, headers):
    if not status.startswith("200 "):
        return False
    cache_control = vary = ""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control":
            cache_control += value.lower() + ","
        elif lowered == "vary":
            vary += value.lower() + ","
    directives = {part.strip() for part in cache_control.split(",")}
    varies = {part.strip() for part in vary.split(",")} - {"", "cookie"}
    return "public" in directives and not directives & {"private", "no-store"} and not varies


def _serve(page, environ, start_response, started, observe):
    _expires, status, headers, content, path, endpoint = page
    request_id = request_id_for(environ)
    start_response(status, [*headers, ("X-Request-Id", request_id)])
    code, seconds = int(status[:3]), time.perf_counter() - started
    write_request_line("GET", path, code, seconds * 1000, request_id)
    if observe is not None:
        observe(endpoint, code, seconds)
    return [content]
