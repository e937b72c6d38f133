"""CLI command groups, one module per noun: `flask --app app <group> <command>`."""

import copy
from importlib import import_module

import click
from flask.cli import FlaskGroup

# One line per group keeps merges simple.
GROUPS = [
    "database",
    "accounts",
    "staff",
    "outbox",
    "demo",
    "content",
    "invitations",
    "review",
    "data",
    "facebook",
    "community",
]

# Commands of their own (no group): the module's function of the same name.
COMMANDS = [
    "worker",
]


def register_commands(app):
    for module in GROUPS:
        app.cli.add_command(import_module(f"commands.{module}").group)
    for name in COMMANDS:
        app.cli.add_command(getattr(import_module(f"commands.{name}"), name))


def listing_commands():
    """True while the `flask` command loads the app to list or look up its commands.

    Then a bad setting must not stop the loading (`flask --app app --help` lists
    the commands whatever the settings); refuse_to_run makes each command stop.
    Loading for anything else (a command of Flask's own such as `run`, a WSGI
    server, a test) has no click context or a command's own.
    """
    context = click.get_current_context(silent=True)
    return context is not None and isinstance(context.command, FlaskGroup)


def refuse_to_run(app, error):
    """Make each of the app's commands stop with `error` (exit status 2) instead of running.

    Copies are changed, never the shared command objects: other apps in the same
    process (tests) keep theirs. Help (`--help`) still shows, as it runs no callback.
    """

    def refusing(*_args, **_kwargs):
        raise error

    for name, command in list(app.cli.commands.items()):
        refused = copy.copy(command)
        refused.callback = refusing
        app.cli.commands[name] = refused
