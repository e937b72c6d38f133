"""What the scheduled jobs say they did: each calls one service and returns a one-line summary
(the worker prints it and keeps it on the slot's row)."""

from flask import current_app

from services.jobs import retention
from services.membership import invitation_reminders, invitations, review_queue


def expire_invitations(session, now):
    return f"{invitations.expire_invitations(session, now)} request(s) expired"


def remind_invitations(session, now):
    if invitation_reminders.reminders_switched_off():
        return "reminders are switched off"
    return f"{len(invitation_reminders.send_reminders(session, now))} reminder(s)"


def remind_reviewers(session, now):
    overdue, due_today, failing, recipients = review_queue.send_review_reminder(session, now)
    return (
        f"{len(overdue)} overdue, {len(due_today)} due today, "
        f"{len(failing)} platform problem(s), told {len(recipients)}"
    )


def purge_old_data(session, now):
    report = retention.purge(session, current_app.config["RETENTION_DAYS"], now)
    return report.summary()
