"""`community sync`: which joined requests the platform does not know."""

from sqlalchemy import select

from models import MembershipRequest, ProvisioningStatus, RequestState
from services.community.provisioning import task_for


def joined_requests(session):
    return list(
        session.scalars(
            select(MembershipRequest)
            .where(MembershipRequest.state == RequestState.JOINED)
            .order_by(MembershipRequest.id)
        )
    )


def missing_from_platform(session, connector):
    """Joined requests the platform has no member for (raises CommunityError on trouble).

    People holding a Discourse invite link they have not used yet are not
    members there yet, but they are not missing either: a new link would
    only replace theirs.
    """
    missing = []
    for request in joined_requests(session):
        task = task_for(session, request)
        if task is not None and task.status == ProvisioningStatus.DONE and task.way_in_url:
            continue
        if task is not None and task.status == ProvisioningStatus.WAITING:
            continue  # the background sender is on it
        if connector.find_member(request.email) is None:
            missing.append(request)
    return missing
