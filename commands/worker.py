import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from services.jobs.worker import run_pass, worker_name


@click.command("worker")
@click.option("--once", is_flag=True,
              help="One pass of everything waiting and every schedule that is due, then exit.")
@click.option("--interval", type=float, default=None,
              help="Seconds between passes (default WORKER_INTERVAL).")
@click.option("--max-passes", default=0, hidden=True, help="Stop after N passes (tests).")
@with_appcontext
def worker(once, interval, max_passes):
    """All background work: emails, look-ups and every schedule (run one or more)."""
    app = current_app._get_current_object()
    interval = app.config["WORKER_INTERVAL"] if interval is None else interval
    name = worker_name()
    stopping = []
    if not once:
        # systemd and Ctrl-C: finish the pass in hand, then stop; a second signal stops now.
        def stop(*_):
            if stopping:
                raise SystemExit(1)
            stopping.append(True)

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stop)
        click.echo(f"Worker {name} started: a pass every {interval:g} s. Ctrl-C stops it.")
    passes = 0
    while True:
        report = run_pass(app, name=name)
        passes += 1
        for line in report.lines():
            click.echo(line)
        if once:
            if report.errors:
                raise SystemExit(1)
            return
        if max_passes and passes >= max_passes:
            return
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, interval))
        if stopping:
            click.echo("Worker stopped.")
            return
