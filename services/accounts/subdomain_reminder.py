"""“Email me my subdomains”: the list goes only to users of paying accounts.

The page answers the same for every address: the form only queues a look-up
(services.queues.lookups), and the worker does the look-up, the per-address limit
and the email, so neither the answer nor its timing tells whether an address is
known.
"""

from services.accounts.records import paying_accounts_for_email
from services.mail import emails
from services.mail.address_limits import allow_email_to


def send_subdomain_list(session, address):
    """Record the email listing the paying accounts of `address`; False when none goes."""
    accounts = paying_accounts_for_email(session, address)
    if not accounts or not allow_email_to(address):
        return False
    emails.send_subdomain_list(session, address.strip(), accounts)
    return True
