"""CLI command groups, one module per noun: `flask --app app <group> <command>`."""


def register_commands(app):
    from commands import accounts, database, demo, outbox, staff

    for group in (database.group, accounts.group, staff.group, outbox.group, demo.group):
        app.cli.add_command(group)

    from commands import facebook

    app.cli.add_command(facebook.group)
