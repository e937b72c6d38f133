"""Every bad setting is one clear line: its name, what was wrong, an example; exit 2, no traceback.

Found: `WORKER_INTERVAL=0.2` raised ValueError from the settings loader, and any
`flask --app app …` command without SECRET_KEY printed a 30-line traceback.
Now the site (gunicorn, wsgi.py), the worker and every `flask` command print one
`Error: …` line per bad setting and exit with status 2, and `flask --app app
--help` lists the commands whatever the settings.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import settings
from app import ConfigurationError, create_app
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bad-settings-test-secret-key-long-enough"
FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def _env(tmp_path, **values):
    """Our settings only from `values`: nothing of the caller's environment leaks in."""
    env = {k: v for k, v in os.environ.items()
           if k not in settings.DEFAULTS and not k.startswith(("FLASK_", "WEB_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'bad.sqlite3'}",
                "MAIL_FILE_DIR": str(tmp_path / "mail"), **values})
    return env


def _run(command, env, timeout=60):
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _error_lines(result):
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("Error: ")]


@pytest.mark.parametrize(
    ("name", "raw", "example"),
    [
        ("WORKER_INTERVAL", "0.2", "WORKER_INTERVAL=5"),
        ("WORKER_INTERVAL", "0", "WORKER_INTERVAL=5"),
        ("WORKER_INTERVAL", "five", "WORKER_INTERVAL=5"),
        ("INVITE_TTL_DAYS", "-3", "INVITE_TTL_DAYS=14"),
        ("MAIL_PORT", "２５", "MAIL_PORT=25"),
        ("RETENTION_DAYS", "1e3", "RETENTION_DAYS=365"),
        ("TRUST_PROXY", "maybe", "TRUST_PROXY=1 or TRUST_PROXY=0"),
        ("MAIL_USE_TLS", "ture", "MAIL_USE_TLS=1 or MAIL_USE_TLS=0"),
    ],
)
def test_a_bad_value_is_one_line_with_the_name_the_value_and_an_example(name, raw, example):
    found, problems = settings.read_environ({name: raw})
    assert found == {}
    [line] = problems
    assert line.startswith(f"{name} must be ") and repr(raw) in line
    assert f"(for example {example})" in line and "\n" not in line


@pytest.mark.parametrize(
    ("values", "typed"),
    [({"WORKER_INTERVAL": " 7 "}, {"WORKER_INTERVAL": 7}),
     ({"INVITE_REMINDER_DAYS": "0"}, {"INVITE_REMINDER_DAYS": 0}),
     ({"TRUST_PROXY": "On", "MAIL_USE_TLS": "no"}, {"TRUST_PROXY": True, "MAIL_USE_TLS": False})],
)
def test_good_values_are_read_as_before(values, typed):
    assert settings.read_environ(values) == (typed, [])


@pytest.mark.parametrize(
    ("name", "raw", "start"),
    [
        ("TIMEZONE", "Mars/Base", "TIMEZONE='Mars/Base' is not a time zone"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml' is neither text nor json"),
        ("RATELIMIT_EMAIL_FORMS", "lots", "RATELIMIT_EMAIL_FORMS='lots' is not a rate limit"),
        ("RATELIMIT_STORAGE_URI", "nosuch://u:pw@h", "RATELIMIT_STORAGE_URI='nosuch://u:***@h'"),
        ("DATABASE_URL", "postgres//u:pw@h/db", "DATABASE_URL='postgres//u:***@h/db' is not"),
        ("SCHEDULE_DATA_PURGE", "every day", "SCHEDULE_DATA_PURGE='every day' is not a cron"),
    ],
)
def test_values_that_mean_nothing_are_refused_by_the_factory(monkeypatch, tmp_path, name, raw,
                                                             start):
    monkeypatch.setenv(name, raw)
    config = {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    if name == "DATABASE_URL":
        config.pop("DATABASE_URL")
    with pytest.raises(ConfigurationError) as raised:
        create_app(config)
    [line] = raised.value.problems
    assert line.startswith(start) and "for example" in line and "pw" not in line


def test_several_bad_settings_are_one_line_each(tmp_path):
    env = _env(tmp_path, WORKER_INTERVAL="0.2", TRUST_PROXY="maybe", LOG_FORMAT="xml")
    result = _run(FLASK + ["worker", "--once"], env)
    assert result.returncode == 2
    assert [line.split()[1] for line in _error_lines(result)] == [
        "WORKER_INTERVAL", "TRUST_PROXY", "LOG_FORMAT='xml'", "SECRET_KEY",
    ]


def test_the_worker_with_worker_interval_0_2_says_so_in_one_line(tmp_path):
    result = _run(FLASK + ["worker"], _env(tmp_path, SECRET_KEY=SECRET, WORKER_INTERVAL="0.2"))
    assert result.returncode == 2
    assert _error_lines(result) == [
        "Error: WORKER_INTERVAL must be a whole number of 1 or more, not '0.2' "
        "(for example WORKER_INTERVAL=5)"
    ]


@pytest.mark.parametrize(
    "command",
    [["worker", "--once"], ["outbox", "send"], ["db", "upgrade"], ["staff", "create", "a@b.c"],
     ["routes"], ["run", "--port", "0"], ["shell"]],
)
def test_every_command_without_secret_key_says_so_in_one_line(tmp_path, command):
    result = _run(FLASK + command, _env(tmp_path))
    assert result.returncode == 2, result.stderr
    [line] = _error_lines(result)
    assert line.startswith("Error: SECRET_KEY must be set") and "for example" in line


def test_help_lists_the_commands_without_secret_key(tmp_path):
    for values in ({}, {"WORKER_INTERVAL": "0.2", "DATABASE_URL": "nonsense"}):
        result = _run(FLASK + ["--help"], _env(tmp_path, **values))
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and _error_lines(result) == []
        listed = result.stdout.split("Commands:")[1]
        for command in ("accounts", "db", "outbox", "staff", "worker", "community", "run"):
            assert f"\n  {command} " in listed, listed
    help_of_one = _run(FLASK + ["worker", "--help"], _env(tmp_path))
    assert help_of_one.returncode == 0 and "--once" in help_of_one.stdout


def test_the_site_under_gunicorn_says_so_in_one_line(tmp_path):
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
               "--no-control-socket", "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"]
    result = _run(command, _env(tmp_path, SECRET_KEY=SECRET, WORKER_INTERVAL="0.2"))
    assert result.returncode == 2
    assert _error_lines(result) == [
        "Error: WORKER_INTERVAL must be a whole number of 1 or more, not '0.2' "
        "(for example WORKER_INTERVAL=5)"
    ]
    no_secret = _run(command, _env(tmp_path))
    assert no_secret.returncode == 2
    [line] = _error_lines(no_secret)
    assert line.startswith("Error: SECRET_KEY must be set")
