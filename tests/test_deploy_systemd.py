"""deploy/systemd/*.service: the settings an operator relies on, and systemd's own check."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
RELEASE = "/srv/lobby"
NAMES = ["lobby-web.service", "lobby-worker.service", "lobby-worker@.service"]


def parse(path):
    """{section: {key: [values]}}; systemd allows a key more than once (Environment=)."""
    sections, current = {}, None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


@pytest.mark.parametrize("name", NAMES)
def test_every_unit_runs_hardened_as_its_own_user_with_the_settings_file(name):
    service = parse(UNITS / name)["Service"]
    assert service["User"] == ["lobby"] and service["Group"] == ["lobby"]
    assert service["EnvironmentFile"] == ["/etc/lobby/env"]
    assert service["WorkingDirectory"] == [RELEASE]
    assert service["Restart"] == ["on-failure"]
    assert service["NoNewPrivileges"] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    assert service["ReadWritePaths"] == [f"{RELEASE}/instance"]  # SQLite, the file mailbox
    assert service["PrivateTmp"] == ["yes"]
    assert service["CapabilityBoundingSet"] == [""]
    assert parse(UNITS / name)["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_web_unit_runs_gunicorn_with_the_repositorys_config_and_metrics_folder():
    service = parse(UNITS / "lobby-web.service")["Service"]
    [command] = service["ExecStart"]
    assert command.startswith(f"{RELEASE}/.venv/bin/gunicorn -c gunicorn.conf.py")
    assert "--no-control-socket" in command and command.endswith("wsgi:app")
    assert service["Type"] == ["notify"]  # gunicorn tells systemd when it serves
    assert "PROMETHEUS_MULTIPROC_DIR=/run/lobby-web" in service["Environment"]
    assert service["RuntimeDirectory"] == ["lobby-web"]  # emptied at each start


@pytest.mark.parametrize("name", ["lobby-worker.service", "lobby-worker@.service"])
def test_the_worker_units_run_the_worker_and_let_it_finish_its_pass(name):
    sections = parse(UNITS / name)
    service = sections["Service"]
    assert service["ExecStart"] == [f"{RELEASE}/.venv/bin/flask --app app worker"]
    assert service["KillSignal"] == ["SIGTERM"]
    assert int(service["TimeoutStopSec"][0]) >= 30
    assert "PROMETHEUS_MULTIPROC_DIR" not in " ".join(service.get("Environment", []))
    if name.endswith("@.service"):
        assert "%i" in sections["Unit"]["Description"][0]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze missing (.ci/run installs systemd)")
def test_systemd_analyze_verify_passes(tmp_path):
    """The shipped units, with only the release folder moved to one holding the two
    programs they start (verify checks that ExecStart= is executable)."""
    release = tmp_path / "srv" / "lobby"
    (release / ".venv" / "bin").mkdir(parents=True)
    (release / "instance").mkdir()
    for program in ("gunicorn", "flask"):
        stub = release / ".venv" / "bin" / program
        stub.write_text("#!/bin/sh\n")
        stub.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for name in NAMES:
        (units / name).write_text((UNITS / name).read_text().replace(RELEASE, str(release)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *[str(units / name) for name in NAMES]],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stderr.strip() == "", result.stderr
