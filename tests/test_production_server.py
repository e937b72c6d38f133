"""gunicorn.conf.py and wsgi.py: production mode, refusing an unsafe configuration."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

from tests.support.servers import free_port, http_status, start_gunicorn, stop, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path, **values):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FLASK_DEBUG"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'lobby.sqlite3'}", **values)
    return env


def test_gunicorn_refuses_the_development_secret_key_in_one_line(tmp_path):
    for env in (_env(tmp_path), _env(tmp_path, SECRET_KEY="dev-only-not-secret", FLASK_DEBUG="1")):
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "--no-control-socket", "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode != 0
        assert "Error: SECRET_KEY must be set" in result.stderr
        assert "Traceback" not in result.stderr
        assert "Booting worker" not in result.stderr


def test_gunicorn_serves_production_mode_with_a_real_key(tmp_path):
    port = free_port()
    env = _env(tmp_path, SECRET_KEY="k" * 40)
    migrate = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    server = start_gunicorn("wsgi:app", port, env, tmp_path / "g.log", workers=1)
    try:
        wait_until_serving(port, server, tmp_path / "g.log")
        assert http_status(port, "GET", "/") == 200
        assert http_status(port, "GET", "/dev/mail") == 404  # development only
    finally:
        stop(server)
    log = (tmp_path / "g.log").read_text()
    assert "lobby.request GET / 200" in log


def test_gunicorn_settings(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "0")  # the config file sets it; restored after
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/nonexistent")  # likewise
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert 1 <= settings["workers"] <= 8
    assert settings["control_socket_disable"] is True
    assert settings["accesslog"] is None
    assert settings["timeout"] == 30
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3
