"""Every piece of background work, in three lists: the queues, the look-ups and the schedules.

Each names the function it runs, so go-to-definition leads from here to the work.
This module is at the top of services/: it imports the areas it lists, and nothing
below imports it (a form queuing a look-up needs only services.queues.lookups).

- QUEUE_JOBS: work waiting in the database, drained on every pass in this
  order; each is called as function(session, now) and returns how many it did.
  The outbox comes last, so the emails the others record leave in the same pass.
- LOOKUPS: what runs each kind of `pending_job` row a form writes
  (services.queues.lookups.LookupKind); each is called as function(session, **payload).
- SCHEDULED_JOBS: run once per slot of their cron expression (setting name and
  default), in TIMEZONE, across all workers; called as function(session, now)
  and returning a short summary (services.jobs.scheduled).
"""

from collections.abc import Callable
from dataclasses import dataclass

from services.accounts import subdomain_reminder
from services.community import provisioning
from services.inbound import imap_polling
from services.jobs import scheduled
from services.mail import outbox
from services.membership import join_submissions, resending, screening, status_checks
from services.queues import lookups
from services.queues.lookups import LookupKind


@dataclass(frozen=True)
class QueueJob:
    name: str
    run: Callable


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    setting: str  # the cron expression's setting, e.g. "15 8 * * 1-5"; empty switches it off
    run: Callable


LOOKUPS = {
    LookupKind.JOIN_SUBMISSION: join_submissions.take_submission,
    LookupKind.SCREEN_REQUEST: screening.screen_request,
    LookupKind.JOIN_REPEAT: status_checks.answer_repeat_submission,
    LookupKind.RESEND: resending.resend_for_address,
    LookupKind.STATUS_LINK: status_checks.email_status_link,
    LookupKind.SUBDOMAIN_LIST: subdomain_reminder.send_subdomain_list,
}


def run_lookups(session, now=None):
    """Every look-up that is due, each by the function LOOKUPS names for its kind."""
    return lookups.run_due(session, now, LOOKUPS)


QUEUE_JOBS = [
    QueueJob("look-ups", run_lookups),
    QueueJob("community provisioning", provisioning.run_due),
    QueueJob("inbound mail", imap_polling.poll_mailbox),
    QueueJob("outbox", outbox.send_due_now),
]

SCHEDULED_JOBS = [
    ScheduledJob("expire invitations", "SCHEDULE_EXPIRE_INVITATIONS",
                 scheduled.expire_invitations),
    ScheduledJob("invitation reminders", "SCHEDULE_INVITATION_REMINDERS",
                 scheduled.remind_invitations),
    ScheduledJob("review remind", "SCHEDULE_REVIEW_REMIND", scheduled.remind_reviewers),
    ScheduledJob("data purge", "SCHEDULE_DATA_PURGE", scheduled.purge_old_data),
]
