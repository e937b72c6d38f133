"""The server side of the bench: a migrated SQLite file and gunicorn on a free loopback port."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time

from harness.cpu import process_times

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = sys.executable


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env(**overrides):
    """Environment for a production-like app: a random secret, quiet mail, no debug."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "DATABASE_URL", "SITE_URL"))
    }
    env.update(
        SECRET_KEY=secrets.token_hex(32),
        MAIL_BACKEND="file",
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_ENABLED="0",  # several processes with memory:// are refused otherwise
        PYTHONPATH=ROOT,
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def migrated_sqlite(directory=None):
    """A fresh SQLite database migrated to the newest schema; returns its URL."""
    directory = directory or tempfile.mkdtemp(prefix="lobby-bench-")
    url = f"sqlite:///{os.path.join(directory, 'bench.sqlite3')}"
    subprocess.run(
        [PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT, env=base_env(DATABASE_URL=url), check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    return url


class Server:
    """gunicorn serving the app on a free loopback port, stopped on exit."""

    def __init__(self, env, workers=2, threads=4, ready_path="/ping", timeout=60,
                 target="wsgi:app", worker_class="gthread", config=None, preexec_fn=None):
        """worker_class None leaves it to `config` (a gunicorn.conf.py path, or none)."""
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.threads = threads
        self.ready_path = ready_path
        self.timeout = timeout
        self.target = target
        self.worker_class = worker_class
        self.config = config
        self.preexec_fn = preexec_fn
        self.process = None
        self.log = tempfile.TemporaryFile()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        command = [PYTHON, "-m", "gunicorn"]
        if self.config:
            command += ["-c", self.config]
        command += [
            "--no-control-socket", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers), "--log-level", "warning",
        ]
        if self.worker_class == "gthread":
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        elif self.worker_class:
            command += ["--worker-class", self.worker_class]
        command.append(self.target)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log,
            start_new_session=True, preexec_fn=self.preexec_fn,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.output()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", self.ready_path)
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer {self.ready_path} in {self.timeout}s")

    def cpu_seconds(self):
        """CPU seconds used so far by gunicorn and its workers, the replaced ones
        included (Linux /proc; None elsewhere)."""
        times = process_times() if self.process is not None else None
        if times is None:
            return None
        pid = self.process.pid
        total = 0.0
        for process, (parent, own, reaped, _command) in times.items():
            if process == pid:  # its own, and its reaped workers'
                total += own + reaped
            elif parent == pid:
                total += own
        return total

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __exit__(self, *exc):
        self.stop()
        self.log.close()
