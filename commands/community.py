import click
from flask.cli import AppGroup

import db
from services import community
from services.community import CommunityError
from services.community.provisioning import (
    IN_PROGRESS,
    PROVISIONED,
    REFUSED,
    WAITING,
    reprovision,
    retry_all,
)
from services.community.sync import joined_requests, missing_from_platform
from services.community.task_moves import heal_credential_refusals

group = AppGroup("community", help="The community platform (COMMUNITY_PLATFORM).")


@group.command("check")
def check():
    """Call the platform with the configured credentials; exit 1 with the reason if it fails.

    When the call succeeds, tasks refused earlier for the credentials go back
    to waiting: the background sender makes those people members now.
    """
    connector = community.connector(worker=True)
    try:
        report = connector.check()
    except CommunityError as error:
        click.echo(f"{connector.name}: {error.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Platform: {report.platform}")
    click.echo(f"Community: {report.community}")
    healed = heal_credential_refusals(db.get_session())
    if healed:
        click.echo(f"{healed} task(s) refused for the credentials are waiting again.")
    for found in report.found:
        click.echo(f"  {found}: exists")
    for missing in report.missing:
        click.echo(f"  {missing}: NOT FOUND")
    if report.missing:
        click.echo(f"{len(report.missing)} configured space(s)/group(s) not found.", err=True)
        raise SystemExit(1)
    click.echo("All is well.")


@group.command("retry")
def retry():
    """Attempt every waiting and refused provisioning task now, whatever its backoff."""
    counts = retry_all(db.get_session())
    click.echo(
        f"Provisioned {counts[PROVISIONED]}, still waiting {counts[WAITING]}, "
        f"still refused {counts[REFUSED]}, in progress {counts[IN_PROGRESS]}."
    )


@group.command("sync")
@click.option("--dry-run", is_flag=True, help="Only report who is missing.")
def sync(dry_run):
    """Compare joined requests with the platform; add anyone missing (unless --dry-run)."""
    session = db.get_session()
    connector = community.connector(worker=True)
    if not connector.connected:
        click.echo("No platform connected (COMMUNITY_PLATFORM=none): nothing to compare.")
        return
    try:
        missing = missing_from_platform(session, connector)
    except CommunityError as error:
        raise click.ClickException(f"{connector.name}: {error.message}") from None
    click.echo(
        f"{len(joined_requests(session))} joined, {len(missing)} missing on the platform "
        f"({connector.calls} API call(s) to compare)."
    )
    for request in missing:
        if dry_run:
            click.echo(f"  {request.reference}  {request.name}: missing")
            continue
        outcome = reprovision(session, request)
        click.echo(f"  {request.reference}  {request.name}: {outcome}")
