"""Work that must not show in a response's timing: run it once the response has gone.

/status and /resend answer the same page whether or not an address is known.
If the lookup and the email were done before answering, the response time would
still tell the two apart; so the view schedules that work here and answers at
once. The work runs after the response, in its own session and transaction, and
the emails it records are delivered right after (or left to the outbox worker).
"""

import logging

from flask import after_this_request, current_app
from sqlalchemy.exc import SQLAlchemyError

import db
from services import outbox

log = logging.getLogger(__name__)


def after_response(work, *args):
    """Call work(session, *args) after this request's response is sent, then commit."""
    app = current_app._get_current_object()

    @after_this_request
    def _schedule(response):
        response.call_on_close(lambda: run_now(app, work, *args))
        return response


def run_now(app, work, *args):
    """Run deferred work in an app context and a session of its own; deliver its emails."""
    with app.app_context():
        session = db.new_session(app)
        try:
            try:
                work(session, *args)
                session.commit()
            except SQLAlchemyError:
                # Nobody is waiting for an answer any more: log it and let the person retry.
                session.rollback()
                log.exception("deferred work %s failed", work.__name__)
                return
            ids = outbox.take_new_ids(session)
            if ids and app.config["OUTBOX_DELIVERY"] == "after_response":
                outbox.deliver_ids(session, ids)
        finally:
            session.close()
