import os

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

group = AppGroup("db", help="The database schema (Alembic migrations).")


def alembic_config(app):
    config = Config(os.path.join(app.root_path, "alembic.ini"))
    config.set_main_option("script_location", os.path.join(app.root_path, "migrations"))
    config.attributes["database_url"] = app.config["DATABASE_URL"]
    return config


@group.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision):
    """Migrate the database to the newest schema (or REVISION)."""
    command.upgrade(alembic_config(current_app), revision)
    click.echo(f"Database at {revision}.")


@group.command("downgrade")
@click.argument("revision")
def downgrade(revision):
    """Migrate the database down to REVISION."""
    command.downgrade(alembic_config(current_app), revision)


@group.command("revision")
@click.option("-m", "--message", required=True)
def revision(message):
    """Write a new migration from the difference between models and database."""
    command.revision(alembic_config(current_app), message=message, autogenerate=True)
