"""Start and stop gunicorn (or any server process) for tests, talk HTTP, wait, find a free port."""

import http.client
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def start_gunicorn(module, port, env, log_path, workers=2):
    """gunicorn with our config on a loopback port, output to log_path."""
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
        "--no-control-socket", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), module,
    ]
    log = open(log_path, "w")  # closed by stop()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    return process


def wait_until_serving(port, process, log_path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {Path(log_path).read_text()}")
        try:
            if http_status(port, "GET", "/healthz") == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn on {port} never answered: {Path(log_path).read_text()}")


def http_status(port, method, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def stop(process):
    end_process(process)
    process.log.close()


def end_process(process, timeout=15):
    """Ask a server process to stop; kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition, timeout=30, what="the condition"):
    """Poll `condition` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
