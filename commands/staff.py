import click
from flask.cli import AppGroup

import db
from services.staff.users import StaffUserError, create_staff_user, deactivate_staff_user

group = AppGroup("staff", help="Staff users of the console.")


@group.command("create")
@click.argument("email")
@click.password_option("--password", help="Prompted for (twice) when not given.")
def create(email, password):
    """Create a staff user who can sign in at /staff/login."""
    session = db.get_session()
    try:
        user = create_staff_user(session, email, password)
    except StaffUserError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"Staff user {user.email} created.")


@group.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Stop a staff user from signing in (takes effect at their next request)."""
    session = db.get_session()
    try:
        user = deactivate_staff_user(session, email)
    except StaffUserError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"Staff user {user.email} deactivated.")
