"""“Email me my subdomains”: the list goes only to users of paying accounts.

The page answers the same for every address. The lookup, the per-address limit
and the email all happen after the response has been sent (in a session of their
own), so neither the answer nor its timing tells whether an address is known.
"""

import logging

import db
from services import emails, outbox
from services.accounts import paying_accounts_for_email
from services.rate_limits import allow_email_to

log = logging.getLogger(__name__)


def send_subdomain_list(session, address):
    """Record the email listing the paying accounts of `address`; False when none goes."""
    accounts = paying_accounts_for_email(session, address)
    if not accounts or not allow_email_to(address):
        return False
    emails.send_subdomain_list(session, address.strip(), accounts)
    return True


def send_subdomain_list_after(response, app, address):
    """Do send_subdomain_list once `response` has gone out, then deliver the email."""

    def work():
        with app.app_context():
            with db.new_session(app) as session:
                if send_subdomain_list(session, address):
                    session.commit()
                    ids = outbox.take_new_ids(session)
                    if app.config["OUTBOX_DELIVERY"] == "after_response":
                        outbox.deliver_ids(session, ids)

    response.call_on_close(work)
    return response
