"""CLI command groups, one module per noun: `flask --app app <group> <command>`."""


def register_commands(app):
    from commands import accounts, database, demo, invitations, outbox, staff

    for group in (
        database.group,
        accounts.group,
        staff.group,
        outbox.group,
        demo.group,
        invitations.group,
    ):
        app.cli.add_command(group)
