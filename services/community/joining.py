"""Accepting an invitation with a platform connected: accept, then make the member."""

from dataclasses import dataclass

from flask import current_app

from models import ProvisioningStatus
from services.community import connector_for
from services.community.provisioning import attempt, start_provisioning, task_for
from services.membership.invitations import InvitationLookup, InvitationOutcome, accept_invitation

# What the person sees: sent on to a link, our "you're in" page, or "we're finishing".
REDIRECT, MEMBER, FINISHING = "redirect", "member", "finishing"


@dataclass
class JoinOutcome:
    lookup: InvitationLookup
    page: str | None = None  # REDIRECT, MEMBER or FINISHING; None: explain the lookup
    link: str | None = None
    already_member: bool = False


def accept_and_join(session, token):
    """Accept the invitation and, with a platform connected, make the person a member.

    The acceptance and its provisioning task are committed here, before the
    platform is called, rather than at the edge of the request (db.py): the
    person has accepted whatever the platform does next, a slow platform must
    not hold our transaction open, and the background sender must be able to
    see (and finish) the task if this short attempt times out. The attempt
    itself claims the task, so it never races the background sender.
    """
    config = current_app.config
    platform = config["COMMUNITY_PLATFORM"]
    if platform == "none":
        lookup = accept_invitation(session, token)
        if lookup.outcome in (InvitationOutcome.JOINED, InvitationOutcome.ACCEPTED):
            return JoinOutcome(lookup, REDIRECT, config["COMMUNITY_URL"])
        return JoinOutcome(lookup)
    lookup = accept_invitation(session, token, welcome=False)
    if lookup.outcome == InvitationOutcome.JOINED:
        task = start_provisioning(session, lookup.request, platform)
        session.commit()
        attempt(session, task.id, connector_for(config, config["COMMUNITY_TIMEOUT"]))
    elif lookup.outcome != InvitationOutcome.ACCEPTED:
        return JoinOutcome(lookup)
    # "accepted": opened again (or by a mail scanner first): where the task stands now.
    task = task_for(session, lookup.request)
    if task is None or task.status != ProvisioningStatus.DONE:
        return JoinOutcome(lookup, FINISHING)
    if task.way_in_url and not task.already_member:
        return JoinOutcome(lookup, REDIRECT, task.way_in_url)
    return JoinOutcome(lookup, MEMBER, already_member=task.already_member)


def way_in_for(session, request):
    """The platform's link for someone who accepted (Discourse's invite), or None."""
    task = task_for(session, request) if request is not None else None
    if task is not None and task.status == ProvisioningStatus.DONE and not task.already_member:
        return task.way_in_url
    return None
