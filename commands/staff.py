import click
from flask.cli import AppGroup

import db
from models import StaffRole
from services.staff import audit
from services.staff.users import (
    StaffUserError,
    create_staff_user,
    deactivate_staff_user,
    reset_two_factor_of,
)

group = AppGroup("staff", help="Staff users of the console.")


@group.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in StaffRole]),
    default=StaffRole.ADMIN.value,
    show_default=True,
    help="reviewer: the queue and requests; admin: also accounts, staff and exports.",
)
@click.password_option("--password", help="Prompted for (twice) when not given.")
def create(email, role, password):
    """Create a staff user who can sign in at /staff/login."""
    session = db.get_session()
    try:
        user = create_staff_user(session, email, password, role=role)
    except StaffUserError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(session, "cli", "staff_created", "staff", user.email, detail=role)
    session.commit()
    click.echo(f"Staff user {user.email} created ({user.role}).")


@group.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Stop a staff user from signing in (their sessions end now)."""
    _change_staff_user(deactivate_staff_user, email, "staff_deactivated",
                       "Staff user {email} deactivated.")


@group.command("reset-2fa")
@click.argument("email")
def reset_2fa(email):
    """Forget a staff user's second factor: they set up a new one at next sign-in."""
    _change_staff_user(reset_two_factor_of, email, "staff_2fa_reset",
                       "The second factor of {email} is reset; they set up a new one at next sign-in.")


def _change_staff_user(change, email, action, done_message):
    """Look the user up and change them, audit it as the CLI, commit, and say what was done."""
    session = db.get_session()
    try:
        user = change(session, email)
    except StaffUserError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(session, "cli", action, "staff", user.email)
    session.commit()
    click.echo(done_message.format(email=user.email))
