"""CLI command groups, one module per noun: `flask --app app <group> <command>`."""

from importlib import import_module

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
