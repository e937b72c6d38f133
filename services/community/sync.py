"""`community sync`: which joined requests the platform does not know."""

from sqlalchemy import select

from models import MembershipRequest, ProvisioningStatus, RequestState
from services.community.provisioning import task_for
from services.privacy.addresses import canonical_email

# More people to check than this: page through the platform's member list instead
# of one look-up each (a page holds 100 members: far fewer calls, same answer).
LOOK_UPS_AT_MOST = 20


def joined_requests(session):
    return list(
        session.scalars(
            select(MembershipRequest)
            .where(MembershipRequest.state == RequestState.JOINED)
            .order_by(MembershipRequest.id)
        )
    )


def _to_check(session):
    """Joined requests whose membership is in question.

    People holding a Discourse invite link they have not used yet are not
    members there yet, but they are not missing either: a new link would only
    replace theirs. Tasks still waiting are the background sender's.
    """
    out = []
    for request in joined_requests(session):
        task = task_for(session, request)
        if task is not None and task.status == ProvisioningStatus.DONE and task.way_in_url:
            continue
        if task is not None and task.status == ProvisioningStatus.WAITING:
            continue
        out.append(request)
    return out


def missing_from_platform(session, connector):
    """Joined requests the platform has no member for (raises CommunityError on trouble).

    `connector.calls` then says how many API calls the comparison cost.
    """
    to_check = _to_check(session)
    if len(to_check) > LOOK_UPS_AT_MOST:
        known = connector.member_emails()
        return [r for r in to_check if canonical_email(r.email) not in known]
    return [r for r in to_check if connector.find_member(r.email) is None]
