"""Calls to the platform over HTTP: one deadline for a whole attempt, no redirects.

`http.client` rather than `requests`: it never follows a redirect (so no key or
token can be carried to another origin) and it gives us the socket, so a timer
can cut a call at the attempt's deadline however slowly the platform drips its
headers or body. A per-read timeout alone lets a drip of one byte a second hold
a web worker for as long as the platform likes.
"""

import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

MAX_BODY = 5 * 1024 * 1024  # a member list page is far smaller; more is not an answer
LOOPBACK_NAMES = ("localhost",)


class CallFailed(Exception):
    """The call did not produce an answer; `sent` is True when the request may have arrived."""

    def __init__(self, reason, sent, timed_out):
        super().__init__(reason)
        self.reason = reason
        self.sent = sent
        self.timed_out = timed_out


class TooLarge(Exception):
    """The answer's body was larger than MAX_BODY."""


class Deadline:
    """When an attempt must end, however many calls it makes."""

    def __init__(self, seconds):
        self.seconds = float(seconds)
        self.ends = time.monotonic() + self.seconds

    def left(self):
        return self.ends - time.monotonic()


@dataclass
class Answer:
    """What the platform sent back: the status, a few headers and the raw body."""

    status: int
    body: bytes
    content_type: str = ""
    location: str = ""
    retry_after: str = ""

    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        """The body as JSON, or None when it is not JSON at all."""
        if "json" not in self.content_type.lower():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def is_loopback(host):
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url, setting, allow_http=False):
    """Why `url` cannot be a platform's base URL (https, or http on loopback), or None.

    `allow_http` in development, where a platform may run on another local machine.
    """
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.hostname:
        return f"{setting} must be a full URL such as https://example.com"
    if parts.scheme == "https" or (
        parts.scheme == "http" and (allow_http or is_loopback(parts.hostname))
    ):
        return None
    return f"{setting} must start with https:// (http only for a loopback address)"


def origin_of(url):
    parts = urlsplit(url or "")
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def send(method, url, deadline, headers, params=None, json_body=None):
    """One HTTP exchange, cut at the deadline; the Answer, or CallFailed/TooLarge."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if params:
        target += "?" + urlencode(params)
    body = None
    headers = dict(headers)
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    left = deadline.left()
    if left <= 0:
        raise CallFailed("no time left", sent=False, timed_out=True)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=left, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=left)
    opened = []  # the socket, once connected: the response keeps reading from it
    timer = threading.Timer(left, _cut, (opened,))
    timer.daemon = True
    timer.start()
    sent = False
    try:
        connection.connect()  # bounded by `timeout`; then the timer can reach the socket
        opened.append(connection.sock)
        connection.request(method, target, body=body, headers=headers)
        sent = True
        response = connection.getresponse()
        body = _read_body(response)
        if deadline.left() <= 0:
            # Cut at the deadline, a read ends as if the body were complete: it is not.
            raise CallFailed("deadline", sent=True, timed_out=True)
        return Answer(
            status=response.status,
            body=body,
            content_type=response.getheader("Content-Type", ""),
            location=response.getheader("Location", ""),
            retry_after=response.getheader("Retry-After", ""),
        )
    except (OSError, http.client.HTTPException) as error:
        timed_out = isinstance(error, TimeoutError) or deadline.left() <= 0
        raise CallFailed(type(error).__name__, sent=sent, timed_out=timed_out) from None
    finally:
        timer.cancel()
        connection.close()


def _read_body(response):
    chunks, size = [], 0
    while chunk := response.read(65536):
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _cut(opened):
    """At the deadline: shut the socket, so whatever read is waiting ends now.

    The connection object lets go of its socket once a response that closes
    the connection is under way, so the socket is the one kept at connect.
    """
    for sock in opened:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed: nothing is waiting on it
