"""CLI command groups, one module per noun: `flask --app app <group> <command>`."""


def register_commands(app):
    from commands import accounts, database, demo, outbox, review, staff

    for group in (
        database.group, accounts.group, staff.group, outbox.group, demo.group, review.group
    ):
        app.cli.add_command(group)
