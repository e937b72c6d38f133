"""CLI command groups, one module per noun: `flask --app app <group> <command>`."""

import copy

import click
from flask.cli import FlaskGroup

from commands import (
    accounts,
    community,
    content,
    data,
    database,
    demo,
    facebook,
    invitations,
    outbox,
    review,
    staff,
    worker,
)

# One line per command or group keeps merges simple.
COMMANDS = [
    database.group,
    accounts.group,
    staff.group,
    outbox.group,
    demo.group,
    content.group,
    invitations.group,
    review.group,
    data.group,
    facebook.group,
    community.group,
    worker.worker,  # a command of its own (no group)
]


def register_commands(app):
    for command in COMMANDS:
        app.cli.add_command(command)


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
