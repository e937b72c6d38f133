"""/resend: send the address whatever fits the state of its latest request.

The page never says what happened; the email does. Invited or expired gets a
fresh invitation link (earlier links keep working until one is used, so a
stranger's re-send never breaks the link in someone's inbox); in review gets
the due date; declined gets the reason and how to reply; joined gets how to log
in; withdrawn (the person said they don't want to join) and unknown get nothing.
Over the per-address limit nothing is sent either, and nor is a second link
within a minute of the last one (a double click, or several tabs at once).

A new link is issued through the state machine from the state and version read
here, inside a savepoint: of several re-sends racing for one request exactly one
issues a link and sends it; the others send nothing.
"""

from datetime import timedelta

from clock import utcnow
from models import RequestState
from services.events import REQUESTER
from services.mail import emails
from services.mail.address_limits import allow_email_to
from services.membership.invitations import issue_invitation, live_invitations
from services.membership.request_states import RequestChanged
from services.membership.screening import latest_request_for

INVITATION = "invitation"
REVIEW_STATUS = "review_status"
DECLINED = "declined"
LOGIN_HELP = "login_help"
NOTHING = "nothing"
LIMITED = "limited"
CHANGED = "changed"
# A link issued less than this long ago is not followed by another one.
RECENT_LINK = timedelta(minutes=1)

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
    if kind == NOTHING or request.bounced_at is not None:
        # Our email to this address bounced for good: until a new request, nothing more.
        return NOTHING
    seen_state, seen_version = request.state, request.version
    if kind == INVITATION and _link_just_sent(request):
        return NOTHING
    if not allow_email_to(request.email_normalized):
        return LIMITED
    if kind == INVITATION:
        try:
            with session.begin_nested():
                issue_invitation(
                    session, request, REQUESTER, seen_state=seen_state, seen_version=seen_version
                )
        except RequestChanged:
            return CHANGED
    elif kind == REVIEW_STATUS:
        emails.send_review_status(session, request)
    elif kind == DECLINED:
        emails.send_declined(session, request)
    else:
        emails.send_login_help(session, request)
    return kind


def _link_just_sent(request):
    now = utcnow()
    return any(now - link.created_at < RECENT_LINK for link in live_invitations(request, now))
