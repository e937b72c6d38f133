"""What a person's reply does: it goes on the timeline and puts the request in front of staff.

In review: the request goes to the top of the queue (`replied_at`). Declined: it
goes back into review through the state machine, with a new due date. Either
way STAFF_NOTIFY_EMAILS hear of it. Automatic mail never gets here.
"""

from flask import current_app
from sqlalchemy.exc import IntegrityError

from models import RequestState
from services.dates import due_date_for
from services.events import REQUESTER, record_event
from services.mail import emails
from services.membership.request_states import RequestChanged, may_move, move_request
from settings import as_list


def apply_reply(session, request, message, now):
    record_event(
        session, request, "replied", REQUESTER, inbound_id=message.id, matched_by=message.matched_by
    )
    if request.state == RequestState.DECLINED and may_move(
        request.state, RequestState.IN_REVIEW, REQUESTER
    ):
        _back_to_review(session, request, now)
    request.replied_at = now
    session.flush()
    for address in as_list(current_app.config["STAFF_NOTIFY_EMAILS"]):
        emails.send_staff_reply_notice(session, request, message, address)


def _back_to_review(session, request, now):
    """Declined -> in review, due REVIEW_BUSINESS_DAYS from now; unchanged if it can't be."""
    try:
        with session.begin_nested():
            move_request(
                session,
                request,
                RequestState.IN_REVIEW,
                REQUESTER,
                seen_state=request.state,
                changes={"review_started_at": now, "due_on": due_date_for(now), "replied_at": now},
                reason="replied",
            )
    except (RequestChanged, IntegrityError):
        # Changed meanwhile, or the person has asked again since (one open request
        # per address): the reply stays on this request for staff to read.
        session.refresh(request)
