"""The confirmation page after a join request: a short-lived signed link to it.

The link carries the request id and whether that submission created the
request, signed with its own purpose, so nobody can walk through other
people's requests by changing a number.
"""

from dataclasses import dataclass

from models import MembershipRequest, RequestState
from services.dates import local_today, long_date
from services.invitations import current_invitation
from services.tokens import InvalidLink, sign_request, unsign_request

PURPOSE = "join-confirmation"  # lasts JOIN_CONFIRMATION_MAX_AGE


def confirmation_token(request, created):
    return sign_request(PURPOSE, request, n=bool(created))


@dataclass
class Confirmation:
    """What the confirmation page shows about one request."""

    request: MembershipRequest
    created: bool

    @property
    def next_step(self):
        """invited, in_review, expired, joined or closed: which explanation to show."""
        state = self.request.state
        if state in (RequestState.INVITED, RequestState.JOINED, RequestState.EXPIRED):
            return str(state)
        if state in (RequestState.IN_REVIEW, RequestState.SUBMITTED):
            return "in_review"
        return "closed"

    @property
    def due_on(self):
        return long_date(self.request.due_on) if self.request.due_on else ""

    @property
    def overdue(self):
        return self.request.due_on is not None and self.request.due_on < local_today()

    @property
    def invited_on(self):
        invitation = current_invitation(self.request)
        return long_date(invitation.created_at) if invitation else ""

    @property
    def expires_on(self):
        invitation = current_invitation(self.request)
        return long_date(invitation.expires_at) if invitation else ""


def read_confirmation(session, token):
    """The Confirmation a token stands for; raises InvalidLink or ExpiredLink."""
    payload = unsign_request(PURPOSE, token)
    request = session.get(MembershipRequest, payload["r"])
    if request is None:
        raise InvalidLink()
    return Confirmation(request, bool(payload.get("n")))
