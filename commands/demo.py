import click
from flask.cli import AppGroup

import db
from services.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, is_empty, seed_demo

group = AppGroup("demo", help="Demo data for development.")


@group.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when there are requests already.")
def seed(if_empty):
    """Fill the database with demo accounts, staff and a request in every state."""
    session = db.get_session()
    if if_empty and not is_empty(session):
        click.echo("The database has data already; no demo data added.")
        return
    seed_demo(session)
    session.commit()
    click.echo(f"Demo data added. Staff sign-in: {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD}")
