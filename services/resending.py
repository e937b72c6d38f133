"""/resend: send the address whatever fits the state of its latest request.

The page never says what happened; the email does. Invited or expired gets a
fresh invitation (new token, the old one revoked, a new expiry); in review gets
the due date; declined gets the reason and how to reply; joined gets how to log
in; withdrawn (the person said they don't want to join) and unknown get nothing.
Over the per-address limit nothing is sent either.
"""

from models import RequestState
from services import emails
from services.events import REQUESTER
from services.invitations import issue_invitation
from services.rate_limits import allow_email_to
from services.screening import latest_request_for

INVITATION = "invitation"
REVIEW_STATUS = "review_status"
DECLINED = "declined"
LOGIN_HELP = "login_help"
NOTHING = "nothing"
LIMITED = "limited"

_WHAT_FITS = {
    RequestState.INVITED: INVITATION,
    RequestState.EXPIRED: INVITATION,
    RequestState.SUBMITTED: REVIEW_STATUS,
    RequestState.IN_REVIEW: REVIEW_STATUS,
    RequestState.DECLINED: DECLINED,
    RequestState.JOINED: LOGIN_HELP,
}


def what_fits(request):
    """The kind of email a re-send sends for this request, or NOTHING."""
    if request is None or request.purged_at is not None:
        return NOTHING
    return _WHAT_FITS.get(request.state, NOTHING)


def resend_for_address(session, email):
    """Send what fits the address's latest request; return the kind sent, NOTHING or LIMITED."""
    request = latest_request_for(session, email)
    kind = what_fits(request)
    if kind == NOTHING:
        return NOTHING
    if not allow_email_to(request.email):
        return LIMITED
    if kind == INVITATION:
        # Expired goes back to invited; the old link stops working at once.
        issue_invitation(session, request, REQUESTER)
    elif kind == REVIEW_STATUS:
        emails.send_review_status(session, request)
    elif kind == DECLINED:
        emails.send_declined(session, request)
    else:
        emails.send_login_help(session, request)
    return kind
