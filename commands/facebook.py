import csv

import click
from flask.cli import AppGroup

import db
from services.membership.facebook_invites import BadListError, invite_from_list

group = AppGroup("facebook", help="The former Facebook group.")


@group.command("invite")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option(
    "--unmatched",
    "unmatched_file",
    type=click.File("w", encoding="utf-8"),
    help="Write the addresses that matched no paying account to this CSV, for follow-up.",
)
def invite_command(csv_file, unmatched_file):
    """Invite the addresses in CSV_FILE (column email, optional name) that pass the check.

    Addresses that match no paying account are not invited and no review
    request is made for them: they are counted in the summary (and written to
    --unmatched). They can still ask for themselves on /facebook.
    """
    session = db.get_session()
    try:
        report = invite_from_list(session, csv_file.read())
    except BadListError as exc:
        click.echo(f"Nothing done: {exc}.", err=True)
        raise SystemExit(1) from exc
    session.commit()
    for line, reason in report.bad_rows:
        click.echo(f"line {line}: {reason}", err=True)
    if unmatched_file is not None:
        writer = csv.writer(unmatched_file)
        writer.writerow(["email", "name"])
        writer.writerows(report.not_matched)
    click.echo(report.summary())
    click.echo("The emails are in the outbox: the worker sends them.")

