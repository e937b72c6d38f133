"""Every piece of background work, in two lists: the queues and the schedules.

Targets are "module:function" strings, imported when first run, so this file
imports nothing from the areas it lists and adding a job is one line.

- QUEUE_JOBS: work waiting in the database, drained on every pass in this
  order; each is called as function(session, now) and returns how many it did.
  The outbox comes last, so the emails the others record leave in the same pass.
- LOOKUPS: the kinds of `pending_job` row a form writes (services.jobs.lookups);
  each is called as function(session, **payload).
- SCHEDULED_JOBS: run once per slot of their cron expression (setting name and
  default), in TIMEZONE, across all workers; called as function(session, now)
  and returning a short summary.
"""

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class QueueJob:
    name: str
    target: str


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    setting: str  # the cron expression's setting, e.g. "15 8 * * 1-5"; empty switches it off
    target: str


QUEUE_JOBS = [
    QueueJob("look-ups", "services.jobs.lookups:run_due"),
    QueueJob("community provisioning", "services.community.provisioning:run_due"),
    QueueJob("inbound mail", "services.inbound.imap_polling:poll_mailbox"),
    QueueJob("outbox", "services.mail.outbox:send_due_now"),
]

LOOKUPS = {
    "join_submission": "services.membership.join_submissions:take_submission",
    # The next two were queued by /join before issue 22: kept for rows waiting at an upgrade.
    "screen_request": "services.membership.screening:screen_request",
    "join_repeat": "services.membership.status_checks:answer_repeat_submission",
    "resend": "services.membership.resending:resend_for_address",
    "status_link": "services.membership.status_checks:email_status_link",
    "subdomain_list": "services.accounts.subdomain_reminder:send_subdomain_list",
}

SCHEDULED_JOBS = [
    ScheduledJob("expire invitations", "SCHEDULE_EXPIRE_INVITATIONS",
                 "services.jobs.scheduled:expire_invitations"),
    ScheduledJob("invitation reminders", "SCHEDULE_INVITATION_REMINDERS",
                 "services.jobs.scheduled:remind_invitations"),
    ScheduledJob("review remind", "SCHEDULE_REVIEW_REMIND",
                 "services.jobs.scheduled:remind_reviewers"),
    ScheduledJob("data purge", "SCHEDULE_DATA_PURGE", "services.jobs.scheduled:purge_old_data"),
]


def resolve(target):
    """The function a "module:function" target names."""
    module, _, name = target.partition(":")
    return getattr(import_module(module), name)
