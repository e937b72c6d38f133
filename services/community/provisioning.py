"""Provisioning tasks: make each accepted person a member on the platform, exactly once.

A task is a `community_provisioning` row written in the transaction that accepts
the invitation. Whoever attempts it first claims it through the one claim helper
(services.queues.claims), commits the claim, and only then calls the platform,
outside any open transaction; the outcome is saved only while the claim is still
its own. So two senders (or a sender and the accepting browser) never provision
the same person twice, and no row lock is held while the platform is slow. A
claim older than WORKER_CLAIM_TIMEOUT (a worker killed mid-call) is taken over.

Just before an add is sent the task notes it (`add_maybe_sent`); only then (a
timeout, a reset after sending, a takeover) does the next attempt look the
person up first, so an ordinary retry costs one call against the quota, not two.
"""

import logging
import random
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from clock import utcnow
from models import CommunityProvisioning, ProvisioningStatus
from services import community
from services.community import Refused, Retryable
from services.community.task_moves import (
    CREDENTIALS,
    bring_forward,
    hold_everyone,
    reopen_refused,
)
from services.events import SYSTEM, record_event
from services.mail import emails
from services.queues.claims import ClaimQueue

log = logging.getLogger(__name__)

FIRST_DELAY = 60  # seconds before the first retry; doubles each time
LONGEST_DELAY = 600  # so a recovered platform drains the queue within minutes
BATCH = 50

PROVISIONED, WAITING, REFUSED, IN_PROGRESS = "provisioned", "waiting", "refused", "in progress"
HELD = "held"  # waiting, and the platform asked everyone to wait (429): stop this pass

Task = CommunityProvisioning
QUEUE = ClaimQueue(
    model=Task,
    ready=lambda: (Task.status == ProvisioningStatus.WAITING) & Task.claimed_at.is_(None),
    held=lambda: (Task.status == ProvisioningStatus.WAITING) & Task.claimed_at.is_not(None),
    due=Task.next_attempt_at,
    claim_values=lambda now: {"claimed_at": now},
    order_by=(Task.next_attempt_at, Task.id),
)


def start_provisioning(session, request, platform, now=None):
    """The task for an accepted request (in the caller's transaction); one per request."""
    now = now or utcnow()
    task = task_for(session, request)
    if task is None:
        task = CommunityProvisioning(
            request=request,
            platform=platform,
            status=ProvisioningStatus.WAITING,
            attempts=0,
            created_at=now,
            waiting_since=now,
            next_attempt_at=now,
        )
        session.add(task)
        session.flush()
    return task


def task_for(session, request):
    return session.scalar(
        select(CommunityProvisioning).where(CommunityProvisioning.request_id == request.id)
    )


def attempt(session, task_id, connector, now=None, any_time=False):
    """Claim one task and call the platform; returns provisioned, waiting, held, refused or None.

    None means another caller holds the task (or took it over from us). Commits
    the claim before the call and the outcome (with the welcome email) after it.
    """
    now = now or utcnow()
    before = session.get(CommunityProvisioning, task_id, populate_existing=True)
    taken_over = before is not None and before.claimed_at is not None
    if not QUEUE.claim(session, task_id, now, any_time):
        return None
    task = session.get(CommunityProvisioning, task_id, populate_existing=True)
    request = task.request
    look_first = task.add_maybe_sent or taken_over
    # No transaction stays open during the call: on SQLite it would hold the write
    # lock (db.py), and every form would wait for the platform.
    session.commit()
    task.attempts += 1
    task.last_attempt_at = now
    adding = []

    def note_add():
        # Saved before the add leaves: a worker killed now still leaves the mark.
        adding.append(True)
        task.add_maybe_sent = True
        session.commit()

    try:
        result = connector.provision(
            request.email, request.name, look_first=look_first, before_add=note_add
        )
    except Retryable as error:
        if adding:
            task.add_maybe_sent = error.maybe_done
        outcome = _failed_for_now(session, task, error, now)
    except Refused as error:
        task.add_maybe_sent = False
        outcome = _refused(session, task, error.message, now, error.credentials)
    else:
        _provisioned(session, task, result, now, connector.way_in(result.already_member, result.link))
        outcome = PROVISIONED
    return outcome if _release(session, task_id, now) else None


def _release(session, task_id, claimed_at):
    """Save the outcome only while the claim is still ours (not taken over meanwhile)."""
    still_ours = session.execute(
        update(CommunityProvisioning)
        .where(CommunityProvisioning.id == task_id, CommunityProvisioning.claimed_at == claimed_at)
        .values(claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not still_ours:
        session.rollback()
        log.warning("community: task %s was taken over by another sender", task_id)
        return False
    session.commit()
    return True


def _provisioned(session, task, result, now, way_in):
    had_failed = task.first_failed_at is not None
    task.status = ProvisioningStatus.DONE
    task.done_at = now
    task.member_id = result.member_id or None
    task.already_member = result.already_member
    task.way_in_url = result.link
    task.last_error = None
    task.refused_for = None
    task.add_maybe_sent = False
    request = task.request
    record_event(
        session, request, "community_member", SYSTEM,
        platform=task.platform, already_member=result.already_member,
    )
    emails.send_welcome(session, request, way_in)
    if had_failed:
        bring_forward(session, now)


def _failed_for_now(session, task, error, now):
    task.first_failed_at = task.first_failed_at or now
    give_up = timedelta(hours=current_app.config["COMMUNITY_GIVE_UP_HOURS"])
    if not error.patient and now - task.waiting_since >= give_up:
        return _refused(session, task, f"gave up after {task.attempts} tries: {error.message}", now)
    task.last_error = error.message
    delay = retry_delay(task.attempts, error.retry_after)
    task.next_attempt_at = now + timedelta(seconds=delay)
    log.warning(
        "community: %s for request %s failed (%s); retrying at %s",
        task.platform, task.request.reference, error.message, task.next_attempt_at.isoformat(),
    )
    if error.status == 429:
        hold_everyone(session, task.next_attempt_at)
        return HELD
    return WAITING


def _refused(session, task, message, now, credentials=False):
    task.status = ProvisioningStatus.FAILED
    task.first_failed_at = task.first_failed_at or now
    task.last_error = message
    task.refused_for = CREDENTIALS if credentials else None
    record_event(session, task.request, "community_failed", SYSTEM, message=message)
    log.error(
        "community: %s refused to add request %s: %s",
        task.platform, task.request.reference, message,
    )
    return REFUSED


def retry_delay(attempts, retry_after=None, rand=random.random):
    """The platform's own wait when it names one; else capped exponential backoff with jitter."""
    if retry_after is not None:
        return retry_after + rand()  # a second's spread, so a queue does not return at once
    step = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)
    return step * (0.5 + rand() / 2)


def _run(session, now, any_time):
    counts = Counter()
    ids = QUEUE.due_ids(session, now, limit=BATCH, any_time=any_time)
    if not ids:
        return counts
    # One connector for the pass, so its calls keep to the platform's rate; each
    # attempt still has a deadline of its own (COMMUNITY_WORKER_TIMEOUT).
    connector = community.connector(worker=True)
    for done, task_id in enumerate(ids, start=1):
        outcome = attempt(session, task_id, connector, now, any_time)
        counts[WAITING if outcome == HELD else outcome or IN_PROGRESS] += 1
        if outcome == HELD:
            counts[WAITING] += len(ids) - done  # the platform asked for a pause: all wait
            break
    return counts


def provision_due(session, now=None):
    """One pass over the tasks whose retry time has come; returns a Counter of outcomes."""
    return _run(session, now or utcnow(), any_time=False)


def run_due(session, now):
    """The worker's queue job: one pass of `provision_due`; returns how many were tried."""
    return sum(provision_due(session, now).values())


def retry_all(session, now=None):
    """`community retry`: waiting and refused tasks, now, whatever their backoff.

    Returns a Counter of provisioned, waiting, refused and "in progress" (held
    by another sender right now, including a claim not yet stale).
    """
    now = now or utcnow()
    reopen_refused(session, now)
    counts = _run(session, now, any_time=True)
    counts[IN_PROGRESS] += session.scalar(
        select(func.count(CommunityProvisioning.id)).where(
            CommunityProvisioning.status == ProvisioningStatus.WAITING,
            CommunityProvisioning.claimed_at.is_not(None),
        )
    )
    session.commit()
    return counts


def try_again(session, request, now=None):
    """Staff's "Try again": restart the task (the day's clock too) and attempt it now."""
    now = now or utcnow()
    task = task_for(session, request)
    if task is None or task.status == ProvisioningStatus.DONE:
        return None
    task.status = ProvisioningStatus.WAITING
    task.waiting_since = now
    task.next_attempt_at = now
    session.commit()
    return attempt(session, task.id, community.connector(), now)


def reprovision(session, request, now=None):
    """Make a joined request's person a member again (`community sync`): attempt now."""
    now = now or utcnow()
    connector = community.connector(worker=True)
    task = start_provisioning(session, request, connector.platform, now)
    task.status = ProvisioningStatus.WAITING
    task.waiting_since = task.next_attempt_at = now
    session.commit()
    return attempt(session, task.id, connector, now, any_time=True)
