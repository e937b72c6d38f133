"""deploy/nginx/lobby.conf as shipped, run by a non-daemon nginx in a folder of its own.

Only the ${LOBBY_*} placeholders are filled in (ports, paths, certificates): the
rest of the file is used as it is. Used by tests/test_deploy_nginx.py and bench/.
"""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED_CONF = ROOT / "deploy" / "nginx" / "lobby.conf"
PLACEHOLDER_RE = re.compile(r"\$\{(LOBBY_[A-Z_]+)\}")


def nginx_binary():
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None)


def render(values):
    """The shipped file with its ${LOBBY_*} placeholders replaced; every one must be given."""
    text = SHIPPED_CONF.read_text()
    missing = set(PLACEHOLDER_RE.findall(text)) - set(values)
    if missing:
        raise KeyError(f"no value for {sorted(missing)}")
    return PLACEHOLDER_RE.sub(lambda m: str(values[m.group(1)]), text)


def make_certificate(directory, name="localhost"):
    """A self-signed certificate and key for `name`, made with openssl; their paths."""
    cert, key = Path(directory) / "cert.pem", Path(directory) / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


MAIN_CONF = """\
daemon off;
{user}
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    server_tokens off;
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/lobby.conf;
}}
"""


class Nginx:
    """nginx in the foreground with the shipped lobby.conf, on two free loopback ports.

    snippets: {file name: text} put in LOBBY_SNIPPETS (the file's own include), such
    as the X-Cache-Status header only a test shows.
    """

    def __init__(self, prefix, upstream_port, release=ROOT, snippets=None, workers=1):
        self.workers = workers
        self.prefix = Path(prefix)
        self.upstream_port = upstream_port
        self.release = Path(release)
        self.snippets = snippets or {}
        self.http_port = free_port()
        self.https_port = free_port()
        self.process = None

    def __enter__(self):
        prefix = self.prefix
        (prefix / "snippets").mkdir(parents=True, exist_ok=True)
        for name, text in self.snippets.items():
            (prefix / "snippets" / name).write_text(text)
        cert, key = make_certificate(prefix)
        (prefix / "lobby.conf").write_text(render({
            "LOBBY_SERVER_NAME": "localhost",
            "LOBBY_LISTEN_HTTP": f"127.0.0.1:{self.http_port}",
            "LOBBY_LISTEN_HTTPS": f"127.0.0.1:{self.https_port}",
            "LOBBY_TLS_CERTIFICATE": cert,
            "LOBBY_TLS_CERTIFICATE_KEY": key,
            "LOBBY_RELEASE": self.release,
            "LOBBY_UPSTREAM": f"127.0.0.1:{self.upstream_port}",
            "LOBBY_CACHE_DIR": prefix / "cache",
            "LOBBY_LOG_DIR": prefix,
            "LOBBY_SNIPPETS": prefix / "snippets",
        }))
        # As root, nginx's workers would run as nobody, who cannot read a test's folders.
        user = "user root;" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(MAIN_CONF.format(prefix=prefix, user=user,
                                                                   workers=self.workers))
        command = [nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                   "-e", str(prefix / "error.log")]
        checked = subprocess.run(command + ["-t"], capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
        self.log = open(prefix / "nginx.out", "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx never listened: {self.error_log()}")

    def error_log(self):
        path = self.prefix / "error.log"
        return path.read_text() if path.exists() else ""

    def access_log(self):
        path = self.prefix / "lobby-access.log"
        return path.read_text() if path.exists() else ""

    def url(self, path, scheme="https"):
        port = self.https_port if scheme == "https" else self.http_port
        return f"{scheme}://127.0.0.1:{port}{path}"

    def request(self, method, path, headers=None, body=None, scheme="https"):
        """(status, headers as a case-insensitive message, body) of one request."""
        if scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection = http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=30,
                                                     context=context)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        try:
            connection.request(method, path, body=body,
                               headers={"Host": "localhost", **(headers or {})})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.log.close()
