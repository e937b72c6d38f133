"""Run the background worker's pass from a test, as `flask --app app worker --once` does."""

from services.jobs.worker import run_pass


def run_worker_pass(app, schedules=False, now=None):
    """One pass over the queues (and the schedules when asked); fails on any job error."""
    report = run_pass(app, now=now, schedules=schedules, name="test-worker")
    assert not report.errors, report.errors
    return report
