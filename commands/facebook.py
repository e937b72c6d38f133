import csv

import click
from flask import current_app
from flask.cli import AppGroup

import db
from services import outbox
from services.facebook_invites import BadListError, invite_from_list

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
    _deliver_now(session)


def _deliver_now(session):
    """Send the invitations now, as a web request would; a worker sends them otherwise."""
    ids = outbox.take_new_ids(session)
    if not ids:
        return
    if current_app.config["OUTBOX_DELIVERY"] != "after_response":
        click.echo(f"{len(ids)} email(s) queued for the outbox worker.")
        return
    sent = outbox.deliver_ids(session, ids)
    failed = len(ids) - sent
    tail = f"; {failed} will be retried by `outbox send`" if failed else ""
    click.echo(f"Emails sent: {sent}{tail}.")
