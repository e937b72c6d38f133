import click
from flask.cli import AppGroup

import db
from services.jobs import retention

group = AppGroup("data", help="Personal data: retention.")


@group.command("purge")
@click.option(
    "--older-than", "days", type=click.IntRange(min=0), required=True, metavar="DAYS",
    help="Forget personal data of requests and reports last changed more than DAYS ago.",
)
@click.option("--dry-run", is_flag=True, help="Count what would go, change nothing.")
def purge(days, dry_run):
    """Forget personal data past the period: requests, emails, opt-outs, comments, reports."""
    session = db.get_session()
    report = retention.purge(session, days)
    if dry_run:
        session.rollback()
        click.echo("Dry run, nothing changed. Would purge:")
    else:
        session.commit()
        click.echo("Purged:")
    for line in report.lines():
        click.echo(f"  {line}")
