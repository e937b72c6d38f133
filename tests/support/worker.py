"""Run the background worker from a test: one pass in-process, or real worker processes."""

import subprocess
import sys
from pathlib import Path

from services.jobs.worker import run_pass

ROOT = Path(__file__).resolve().parent.parent.parent


def run_worker_pass(app, schedules=False, now=None):
    """One pass over the queues (and the schedules when asked); fails on any job error."""
    report = run_pass(app, now=now, schedules=schedules, name="test-worker")
    assert not report.errors, report.errors
    return report


def run_worker_processes(env, count=2, passes=4):
    """Start `count` `flask worker` processes at once on `env`; wait, and fail unless all exit 0."""
    command = [sys.executable, "-m", "flask", "--app", "app", "worker",
               "--interval", "0.2", "--max-passes", str(passes)]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
        for _ in range(count)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    return outputs
