"""A fake HTTP API served over real sockets on loopback, in a thread.

Subclasses answer `route(method, path, query, body)`; tests can queue canned
answers (`answer_next`), make the server stall (`stall`), and read what was
asked (`calls`). A canned answer can also be what misbehaving services and
proxies send: a raw body of any type (HTML, broken JSON) and a body dripped a
byte at a time (`drip` seconds apart).
"""

import json
import threading
from dataclasses import dataclass, field

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Canned:
    status: int
    body: object = None
    headers: dict = field(default_factory=dict)
    raw: bytes | None = None  # sent as is (with `content_type`) instead of JSON
    content_type: str = "application/json"
    drip: float = 0.0  # seconds between bytes of the body


def html_page(status=200, text="<html><body><h1>Welcome</h1></body></html>"):
    """What a proxy, a login wall or a maintenance page answers."""
    return Canned(status, raw=text.encode(), content_type="text/html; charset=utf-8")


class FakeHttpApi:
    prefix = ""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []  # (method, path, query dict, json body or None, headers dict)
        self.canned = []
        self.stall = 0.0
        self._release = threading.Event()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_port}{self.prefix}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def release_stalled(self):
        """End every stall and drip now (and from now on): the held answers go out."""
        self.stall = 0.0
        self._release.set()

    def answer_next(self, status, body=None, headers=None, times=1):
        """The next `times` requests get this answer instead of the normal one."""
        self.send_next(Canned(status, body, headers or {}), times)

    def send_next(self, canned, times=1):
        """The next `times` requests get this Canned answer (any body, any pace)."""
        with self.lock:
            self.canned.extend([canned] * times)

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        body = request.get_json(silent=True) if request.data else None
        if body is None and request.form:
            body = dict(request.form)
        path = request.path[len(self.prefix):] if request.path.startswith(self.prefix) else None
        with self.lock:
            self.calls.append((request.method, path, dict(request.args), body, dict(request.headers)))
            canned = self.canned.pop(0) if self.canned else None
        if self.stall:
            self._release.wait(self.stall)
        if canned is None:
            if path is None:
                canned = Canned(404, {"errors": ["not found"]})
            else:
                denied = self.refuse_credentials(request.headers)
                with self.lock:
                    canned = denied or self.route(request.method, path, dict(request.args), body)
        data = canned.raw
        if data is None:
            data = json.dumps(canned.body).encode() if canned.body is not None else b""
        response = Response(
            self._dripped(data, canned.drip) if canned.drip else data,
            status=canned.status,
            headers=canned.headers,
            content_type=canned.content_type,
        )
        if canned.drip:
            response.headers["Content-Length"] = str(len(data))
        return response(environ, start_response)

    def _dripped(self, data, pause):
        for index in range(len(data)):
            yield data[index:index + 1]
            if self._release.wait(pause):
                return

    def refuse_credentials(self, headers):
        """A Canned refusal when the request's credentials are wrong, else None."""
        return None

    def route(self, method, path, query, body):
        raise NotImplementedError


class Elsewhere(FakeHttpApi):
    """Another origin (another port): answers 200 to anything and keeps what it was sent."""

    def route(self, method, path, query, body):
        return Canned(200, {"id": 1, "email": query.get("email", ""), "link": self.url + "/x"})


def served(fake):
    """Context manager: start the fake, stop it afterwards."""
    from contextlib import contextmanager

    @contextmanager
    def running():
        fake.start()
        try:
            yield fake
        finally:
            fake.stop()

    return running()
