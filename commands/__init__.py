"""CLI command groups, one module per noun: `flask --app app <group> <command>`."""


def register_commands(app):
    from commands import accounts, data, database, demo, outbox, staff

    for group in (database.group, accounts.group, staff.group, outbox.group, demo.group, data.group):
        app.cli.add_command(group)
