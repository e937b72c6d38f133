import click
from flask import current_app
from flask.cli import AppGroup

import db
from services import emails, outbox
from services.community.provisioning import problems
from services.review_queue import due_for_reminder
from settings import as_list

group = AppGroup("review", help="The manual-review queue.")


@group.command("remind")
def remind():
    """Email STAFF_NOTIFY_EMAILS the requests overdue or due today (run daily from cron)."""
    session = db.get_session()
    overdue, due_today = due_for_reminder(session)
    failing = problems(session)
    if not overdue and not due_today and not failing:
        click.echo("Nothing is overdue or due today: no reminder sent.")
        return
    recipients = as_list(current_app.config["STAFF_NOTIFY_EMAILS"])
    if not recipients:
        raise click.ClickException(
            f"{len(overdue)} overdue, {len(due_today)} due today and {len(failing)} platform "
            "problem(s), but STAFF_NOTIFY_EMAILS "
            "is empty: nobody to remind."
        )
    for address in recipients:
        emails.send_staff_review_reminder(session, address, overdue, due_today, failing)
    session.commit()
    if current_app.config["OUTBOX_DELIVERY"] == "after_response":
        outbox.deliver_ids(session, outbox.take_new_ids(session))
    click.echo(
        f"Sent the review reminder ({len(overdue)} overdue, {len(due_today)} due today) "
        f"to {', '.join(recipients)}."
    )
    for request in overdue + due_today:
        click.echo(f"  {request.reference}  due {request.due_on.isoformat()}  {request.name}")
    if failing:
        click.echo(f"{len(failing)} accepted but not on the community platform (failing over an hour):")
    for task in failing:
        click.echo(f"  {task.request.reference}  {task.request.name}: {task.last_error}")
