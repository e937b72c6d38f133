import click
from flask import current_app
from flask.cli import AppGroup

import db
from services.dates import long_date
from services.membership.bulk_invitations import send_new
from services.membership.invitation_reminders import reminders_switched_off, send_reminders

group = AppGroup("invitations", help="Invitations nobody asked for: new users and reminders.")


@group.command("send-new")
@click.option("--dry-run", is_flag=True, help="List who would be invited; send nothing.")
@click.option("--limit", type=click.IntRange(min=1), help="Invite at most N addresses.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only users added on or after this date (YYYY-MM-DD).",
)
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(min=1))
def send_new_command(dry_run, limit, since, batch_size):
    """Invite every user of a paying account who has never had a request."""
    summary = send_new(
        current_app._get_current_object(),
        dry_run=dry_run,
        limit=limit,
        since=since.date() if since else None,
        batch_size=batch_size,
    )
    echo_summary(summary)


def echo_summary(summary):
    """Print a bulk run's outcome (shared with `accounts import --invite-new`)."""
    if summary.dry_run:
        click.echo(f"Would invite {len(summary.would_invite)} address(es):")
        for email in summary.would_invite:
            click.echo(f"  {email}")
    skipped = (
        f"{summary.skipped_known} already known, "
        f"{summary.skipped_not_paying} not on a paying account, "
        f"{summary.skipped_opted_out} opted out"
    )
    if summary.dry_run:
        click.echo(f"Dry run, nothing sent. Skipped: {skipped}.")
    else:
        click.echo(f"Invited {summary.invited}. Skipped: {skipped}.")
        if summary.invited:
            click.echo("The invitations are in the outbox: the worker sends them.")


@group.command("remind")
def remind_command():
    """Send the one reminder for invitations unanswered after INVITE_REMINDER_DAYS."""
    if reminders_switched_off():
        click.echo("Reminders are switched off (INVITE_REMINDER_DAYS=0).")
        return
    with db.new_session() as session:
        sent = send_reminders(session)
        for reminder in sent:
            click.echo(
                f"Reminded {reminder.reference} {reminder.email} "
                f"(invitation works until {long_date(reminder.expires_at)})"
            )
    click.echo(f"Sent {len(sent)} reminder(s).")
