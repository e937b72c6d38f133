"""A tiny cookie-keeping HTTP client for tests that talk to a real server (gunicorn).

It never follows redirects, so a POST is timed alone, and it reads the CSRF
token out of a form page the way a browser would submit it.
"""

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.support.forms import csrf_token_from


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path, data=None):
        """(status, body, seconds) of one request; form data makes it a POST."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                content = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            content = error.read()
            status = error.code
        return status, content.decode("utf-8", "replace"), time.perf_counter() - started

    def csrf_token(self, path):
        status, html, _seconds = self.request(path)
        assert status == 200, (path, status)
        return csrf_token_from(html)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
