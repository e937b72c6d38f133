"""Accepting an invitation: accept, then have the platform's connector make the member."""

from dataclasses import dataclass

from models import ProvisioningStatus
from services import community
from services.community.provisioning import attempt, start_provisioning, task_for
from services.membership.invitations import InvitationLookup, InvitationOutcome, accept_invitation

# What the person sees: sent on to a link, our "you're in" page, or "we're finishing".
REDIRECT, MEMBER, FINISHING = "redirect", "member", "finishing"


@dataclass
class JoinOutcome:
    lookup: InvitationLookup
    page: str | None = None  # REDIRECT, MEMBER or FINISHING; None: explain the lookup
    link: str | None = None
    way_in: community.WayIn | None = None  # MEMBER: how they get in


def accept_and_join(session, token):
    """Accept the invitation and, with a platform connected, make the person a member.

    The acceptance and its provisioning task are committed here, before the
    platform is called, rather than at the edge of the request (db.py): the
    person has accepted whatever the platform does next, a slow platform must
    not hold our transaction open, and the background sender must be able to
    see (and finish) the task if this short attempt times out. The attempt
    itself claims the task, so it never races the background sender.
    """
    connector = community.connector()
    if not connector.connected:
        lookup = accept_invitation(session, token)
        if lookup.outcome in (InvitationOutcome.JOINED, InvitationOutcome.ACCEPTED):
            return JoinOutcome(lookup, REDIRECT, connector.redirect_target)
        return JoinOutcome(lookup)
    lookup = accept_invitation(session, token, welcome=False)
    if lookup.outcome == InvitationOutcome.JOINED:
        task = start_provisioning(session, lookup.request, connector.platform)
        session.commit()
        attempt(session, task.id, connector)
    elif lookup.outcome != InvitationOutcome.ACCEPTED:
        return JoinOutcome(lookup)
    # "accepted": opened again (or by a mail scanner first): where the task stands now.
    task = task_for(session, lookup.request)
    if task is None or task.status != ProvisioningStatus.DONE:
        return JoinOutcome(lookup, FINISHING)
    way_in = connector.way_in(task.already_member, task.way_in_url)
    if way_in.link:
        return JoinOutcome(lookup, REDIRECT, way_in.link)
    return JoinOutcome(lookup, MEMBER, way_in=way_in)


def way_in_for(session, request):
    """The platform's link for someone who accepted (an invite to finish signing up), or None."""
    task = task_for(session, request) if request is not None else None
    if task is not None and task.status == ProvisioningStatus.DONE and not task.already_member:
        return task.way_in_url
    return None
