"""Moves over the whole provisioning queue: pause it, bring it forward, reopen refusals.

A platform's answer to one task often says something about all of them: a 429
means everyone waits, a success after an outage means nobody need wait longer,
and fixed credentials mean the tasks they refused can go again.
"""

from sqlalchemy import update

from clock import utcnow
from models import CommunityProvisioning, ProvisioningStatus

CREDENTIALS = "credentials"  # refused_for: our key or token was refused


def bring_forward(session, now):
    """The platform answers again: everyone waiting on a backoff is due now."""
    _move_next_attempts(session, CommunityProvisioning.next_attempt_at > now, now)


def hold_everyone(session, until):
    """The platform asked us to wait (429): nobody's next try comes before `until`."""
    _move_next_attempts(session, CommunityProvisioning.next_attempt_at < until, until)


def _move_next_attempts(session, which, to):
    """Every waiting task no sender holds, of those `which` picks, is next tried at `to`."""
    session.execute(
        update(CommunityProvisioning)
        .where(
            CommunityProvisioning.status == ProvisioningStatus.WAITING,
            CommunityProvisioning.claimed_at.is_(None),
            which,
        )
        .values(next_attempt_at=to)
        .execution_options(synchronize_session=False)
    )


def reopen_refused(session, now=None, credentials_only=False):
    """Refused tasks wait again, due now, their day's clock restarted; returns how many.

    All of them for `community retry`; only those refused for our credentials
    once `community check` has succeeded with the fixed ones.
    """
    now = now or utcnow()
    conditions = [CommunityProvisioning.status == ProvisioningStatus.FAILED]
    if credentials_only:
        conditions.append(CommunityProvisioning.refused_for == CREDENTIALS)
    reopened = session.execute(
        update(CommunityProvisioning)
        .where(*conditions)
        .values(status=ProvisioningStatus.WAITING, waiting_since=now, next_attempt_at=now,
                refused_for=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return reopened


def heal_credential_refusals(session, now=None):
    """After `community check` succeeds: tasks refused for our credentials wait again."""
    return reopen_refused(session, now, credentials_only=True)
