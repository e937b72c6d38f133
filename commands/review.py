import click
from flask import current_app
from flask.cli import AppGroup

import db
from services import emails, outbox
from services.review_queue import due_for_reminder
from settings import as_list

group = AppGroup("review", help="The manual-review queue.")


@group.command("remind")
def remind():
    """Email STAFF_NOTIFY_EMAILS the requests overdue or due today (run daily from cron)."""
    session = db.get_session()
    overdue, due_today = due_for_reminder(session)
    if not overdue and not due_today:
        click.echo("Nothing is overdue or due today: no reminder sent.")
        return
    recipients = as_list(current_app.config["STAFF_NOTIFY_EMAILS"])
    if not recipients:
        raise click.ClickException(
            f"{len(overdue)} overdue and {len(due_today)} due today, but STAFF_NOTIFY_EMAILS "
            "is empty: nobody to remind."
        )
    for address in recipients:
        emails.send_staff_review_reminder(session, address, overdue, due_today)
    session.commit()
    if current_app.config["OUTBOX_DELIVERY"] == "after_response":
        outbox.deliver_ids(session, outbox.take_new_ids(session))
    click.echo(
        f"Sent the review reminder ({len(overdue)} overdue, {len(due_today)} due today) "
        f"to {', '.join(recipients)}."
    )
    for request in overdue + due_today:
        click.echo(f"  {request.reference}  due {request.due_on.isoformat()}  {request.name}")
