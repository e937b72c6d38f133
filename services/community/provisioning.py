"""Provisioning tasks: make each accepted person a member on the platform, exactly once.

A task is a `community_provisioning` row written in the transaction that accepts
the invitation. Whoever attempts it first claims it with a conditional UPDATE
(claimed_at set only where it is free or stale), commits the claim, and only
then calls the platform, outside any open transaction. So two senders (or a
sender and the accepting browser) never provision the same person twice, and
no row lock is held while the platform is slow. The connector looks the person
up before adding them, which also covers a claim that went stale mid-call.
"""

import logging
import random
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from clock import utcnow
from models import CommunityProvisioning, ProvisioningStatus
from services.community import Refused, Retryable, connector_for
from services.mail import emails
from services.membership.events import SYSTEM, record_event

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)
FIRST_DELAY = 60  # seconds before the first retry; doubles each time
LONGEST_DELAY = 3600
PROBLEM_AGE = timedelta(hours=1)  # failures older than this are shown to staff

PROVISIONED, WAITING, REFUSED = "provisioned", "waiting", "refused"


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


def _claim(session, task_id, now, any_time=False):
    """Take the task for this caller; False when someone else has it (or it is not due)."""
    conditions = [
        CommunityProvisioning.id == task_id,
        CommunityProvisioning.status == ProvisioningStatus.WAITING,
        or_(
            CommunityProvisioning.claimed_at.is_(None),
            CommunityProvisioning.claimed_at < now - STALE_CLAIM,
        ),
    ]
    if not any_time:
        conditions.append(CommunityProvisioning.next_attempt_at <= now)
    won = session.execute(
        update(CommunityProvisioning)
        .where(*conditions)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return won == 1


def attempt(session, task_id, connector, now=None, any_time=False):
    """Claim one task and call the platform; returns provisioned, waiting, refused or None.

    None means another caller holds the task. Commits the claim before the
    call and the outcome (with the welcome email) after it.
    """
    now = now or utcnow()
    if not _claim(session, task_id, now, any_time):
        return None
    task = session.get(CommunityProvisioning, task_id, populate_existing=True)
    request = task.request
    # No transaction stays open during the call: on SQLite it would hold the write
    # lock (db.py), and every form would wait for the platform.
    session.commit()
    task.attempts += 1
    task.last_attempt_at = now
    try:
        result = connector.provision(request.email, request.name)
    except Retryable as error:
        outcome = _failed_for_now(session, task, error, now)
    except Refused as error:
        outcome = _refused(session, task, error.message, now)
    else:
        task.status = ProvisioningStatus.DONE
        task.done_at = now
        task.member_id = result.member_id or None
        task.already_member = result.already_member
        task.way_in_url = result.link
        task.last_error = None
        record_event(
            session, request, "community_member", SYSTEM,
            platform=task.platform, already_member=result.already_member,
        )
        emails.send_welcome(
            session, request, way_in_url=result.link, platform=task.platform,
            already_member=result.already_member,
        )
        outcome = PROVISIONED
    task.claimed_at = None
    session.commit()
    return outcome


def _failed_for_now(session, task, error, now):
    task.first_failed_at = task.first_failed_at or now
    give_up = timedelta(hours=current_app.config["COMMUNITY_GIVE_UP_HOURS"])
    if now - task.waiting_since >= give_up:
        return _refused(session, task, f"gave up after {task.attempts} tries: {error.message}", now)
    task.last_error = error.message
    task.next_attempt_at = now + timedelta(seconds=retry_delay(task.attempts, error.retry_after))
    log.warning(
        "community: %s for request %s failed (%s); retrying at %s",
        task.platform, task.request.reference, error.message, task.next_attempt_at.isoformat(),
    )
    return WAITING


def _refused(session, task, message, now):
    task.status = ProvisioningStatus.FAILED
    task.first_failed_at = task.first_failed_at or now
    task.last_error = message
    record_event(session, task.request, "community_failed", SYSTEM, message=message)
    log.error(
        "community: %s refused to add request %s: %s",
        task.platform, task.request.reference, message,
    )
    return REFUSED


def retry_delay(attempts, retry_after=None, rand=random.random):
    """Exponential backoff with jitter (half to all of the step), never before Retry-After."""
    step = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)
    delay = step * (0.5 + rand() / 2)
    return max(delay, retry_after or 0)


def _due_ids(session, now, any_time=False, limit=50):
    query = select(CommunityProvisioning.id).where(
        CommunityProvisioning.status == ProvisioningStatus.WAITING,
        or_(
            CommunityProvisioning.claimed_at.is_(None),
            CommunityProvisioning.claimed_at < now - STALE_CLAIM,
        ),
    )
    if not any_time:
        query = query.where(CommunityProvisioning.next_attempt_at <= now)
    ids = list(session.scalars(query.order_by(CommunityProvisioning.next_attempt_at).limit(limit)))
    session.commit()
    return ids


def _run(session, now, any_time):
    counts = Counter()
    ids = _due_ids(session, now, any_time)
    if not ids:
        return counts
    config = current_app.config
    connector = connector_for(config, config["COMMUNITY_WORKER_TIMEOUT"])
    for task_id in ids:
        outcome = attempt(session, task_id, connector, now, any_time)
        if outcome:
            counts[outcome] += 1
    return counts


def provision_due(session, now=None):
    """One pass over the tasks whose retry time has come; returns a Counter of outcomes."""
    return _run(session, now or utcnow(), any_time=False)


def run_due(session, now):
    """The worker's queue job: one pass of `provision_due`; returns how many were tried."""
    return sum(provision_due(session, now).values())


def retry_all(session, now=None):
    """Attempt every waiting task now, whatever its backoff (`community retry`)."""
    return _run(session, now or utcnow(), any_time=True)


def try_again(session, request, now=None):
    """Staff's "Try again": restart the task (the day's clock too) and attempt it now."""
    now = now or utcnow()
    task = task_for(session, request)
    if task is None or task.status == ProvisioningStatus.DONE:
        return None
    task.status = ProvisioningStatus.WAITING
    task.waiting_since = now
    task.next_attempt_at = now
    task.claimed_at = None
    session.commit()
    config = current_app.config
    return attempt(session, task.id, connector_for(config, config["COMMUNITY_TIMEOUT"]), now)


def problems(session, now=None):
    """Tasks staff should look at: failed, or still failing after an hour."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(CommunityProvisioning)
            .where(
                or_(
                    CommunityProvisioning.status == ProvisioningStatus.FAILED,
                    (CommunityProvisioning.status == ProvisioningStatus.WAITING)
                    & (CommunityProvisioning.first_failed_at < now - PROBLEM_AGE),
                )
            )
            .order_by(CommunityProvisioning.first_failed_at, CommunityProvisioning.id)
        )
    )


def connector_health(session):
    """"ok", "none", or "failing: <the platform's message>" from the latest attempt."""
    if current_app.config.get("COMMUNITY_PLATFORM", "none") == "none":
        return "none"
    latest = session.scalar(
        select(CommunityProvisioning)
        .where(CommunityProvisioning.last_attempt_at.is_not(None))
        .order_by(CommunityProvisioning.last_attempt_at.desc(), CommunityProvisioning.id.desc())
        .limit(1)
    )
    if latest is not None and latest.status == ProvisioningStatus.FAILED:
        return f"failing: {latest.last_error}"
    return "ok"


def reprovision(session, request, now=None):
    """Make a joined request's person a member again (`community sync`): attempt now."""
    now = now or utcnow()
    task = start_provisioning(session, request, current_app.config["COMMUNITY_PLATFORM"], now)
    task.status = ProvisioningStatus.WAITING
    task.waiting_since = task.next_attempt_at = now
    task.claimed_at = None
    session.commit()
    config = current_app.config
    connector = connector_for(config, config["COMMUNITY_WORKER_TIMEOUT"])
    return attempt(session, task.id, connector, now, any_time=True)
