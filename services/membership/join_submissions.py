"""/join and /facebook: the form queues the submission, the worker makes the request.

The page must not tell a stranger whether an address is known, by its answer or
by its timing. So the form does the same database work whatever the address:
one INSERT of a `join_submission` look-up (services.queues.lookups), nothing read.
The worker then makes the request and screens it, or, for an address that
already has a request, emails it a status link; what happened (the reference,
the outcome) goes only into an email.
"""

from models import RequestSource
from services.events import REQUESTER
from services.mail.address_limits import allow_email_to
from services.membership.screening import create_submitted, screen_request
from services.membership.status_checks import answer_repeat_submission
from services.queues.lookups import LookupKind, enqueue


def queue_join_submission(session, *, name, email, subdomain=None, source=RequestSource.WEB,
                          facebook_name=None):
    """What /join and /facebook do: queue the submission; True when it was queued.

    Each submission counts one email against the mailbox's limit (+tags counted
    together, services.mail.address_limits); over it nothing is written or sent,
    so a+1@, a+2@, ... cannot each make a request and an email to staff.
    """
    if not allow_email_to(email):
        return False
    enqueue(session, LookupKind.JOIN_SUBMISSION, name=name, email=email, subdomain=subdomain,
            source=str(source), facebook_name=facebook_name)
    return True


def take_submission(session, *, name, email, subdomain=None, source=RequestSource.WEB,
                    facebook_name=None):
    """The worker's half: a new request, screened now, or a status link for a repeat.

    Returns the new request's id, or None when the address already had one.
    """
    request_id, _existing = create_submitted(
        session, name, email, subdomain, RequestSource(source), facebook_name, REQUESTER
    )
    if request_id is None:
        answer_repeat_submission(session, email)
        return None
    screen_request(session, request_id)
    return request_id
