import time

import click
from flask.cli import AppGroup

import db
from services.mail import outbox

group = AppGroup("outbox", help="Delivering the emails in the outbox.")


@group.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until stopped (for a service).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--max-passes", default=0, hidden=True, help="Stop after N passes (tests).")
def send(loop, interval, max_passes):
    """Deliver pending emails and retry failed ones whose backoff has passed."""
    passes = 0
    while True:
        with db.new_session() as session:
            sent, failed = outbox.send_due(session)
        passes += 1
        if sent or failed or not loop:
            click.echo(f"Sent {sent}, failed {failed}.")
        if not loop or (max_passes and passes >= max_passes):
            return
        time.sleep(interval)
