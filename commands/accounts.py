import click
from flask.cli import AppGroup

import db
from commands.invitations import echo_summary
from services.accounts.importing import import_accounts
from services.membership.bulk_invitations import send_new

group = AppGroup("accounts", help="Paying-account records.")


@group.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows of a file with errors.")
@click.option(
    "--invite-new",
    is_flag=True,
    help="Then invite the added users of paying accounts (as `invitations send-new`).",
)
def import_command(csv_file, skip_bad_rows, invite_new):
    """Import accounts from CSV_FILE (subdomain,account_name,status,email)."""
    session = db.get_session()
    report = import_accounts(session, csv_file.read(), skip_bad_rows=skip_bad_rows)
    for line in report.error_lines():
        click.echo(line, err=True)
    if not report.imported:
        session.rollback()
        click.echo(
            f"Nothing imported: {len(report.errors)} bad row(s). "
            "Fix them, or use --skip-bad-rows to import the rest.",
            err=True,
        )
        raise SystemExit(1)
    session.commit()
    skipped = f", {len(report.errors)} bad row(s) skipped" if report.errors else ""
    click.echo(
        f"Imported: {report.accounts_created} account(s) created, "
        f"{report.accounts_updated} updated, {report.users_added} user(s) added{skipped}."
    )
    if invite_new:
        echo_summary(send_new(db.new_session, only_emails=report.added_emails))
