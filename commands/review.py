import click
from flask.cli import AppGroup

import db
from services.membership.review_queue import send_review_reminder

group = AppGroup("review", help="The manual-review queue.")


@group.command("remind")
def remind():
    """Email STAFF_NOTIFY_EMAILS the requests overdue or due today (the worker does it daily)."""
    session = db.get_session()
    overdue, due_today, failing, recipients = send_review_reminder(session)
    if not overdue and not due_today and not failing:
        click.echo("Nothing is overdue or due today: no reminder sent.")
        return
    if not recipients:
        raise click.ClickException(
            f"{len(overdue)} overdue, {len(due_today)} due today and {len(failing)} platform "
            "problem(s), but STAFF_NOTIFY_EMAILS "
            "is empty: nobody to remind."
        )
    session.commit()
    click.echo(
        f"Queued the review reminder ({len(overdue)} overdue, {len(due_today)} due today) "
        f"for {', '.join(recipients)}; the worker sends it."
    )
    for request in overdue + due_today:
        click.echo(f"  {request.reference}  due {request.due_on.isoformat()}  {request.name}")
    if failing:
        click.echo(f"{len(failing)} accepted but not on the community platform (failing over an hour):")
    for task in failing:
        click.echo(f"  {task.request.reference}  {task.request.name}: {task.last_error}")
