"""Rate limits: one budget per client across every form that sends email.

The per-client limit (RATELIMIT_EMAIL_FORMS) is one Flask-Limiter shared limit:
/join, /facebook, /resend, /status (by email and the re-send on a status page)
and "email me my subdomains" all count against the same budget, so a client
that has had 429 from one form gets it from all of them. It answers 429 in the
site's layout. The per-mailbox limit (RATELIMIT_PER_ADDRESS, default 3 an hour
and 5 a day to one address, +tags counted together) is a business rule and
lives in services.mail.address_limits: over it, the form answers exactly as
usual and simply sends nothing. Both share Flask-Limiter's storage: memory by
default, Redis via RATELIMIT_STORAGE_URI when several processes serve the site.
"""

from flask import current_app

from extensions import limiter

EMAIL_FORMS_SCOPE = "email-forms"


def _email_form_limit():
    return current_app.config["RATELIMIT_EMAIL_FORMS"]


_email_forms_budget = limiter.shared_limit(
    _email_form_limit, scope=EMAIL_FORMS_SCOPE, methods=["POST"]
)


def limit_email_form(view):
    """Decorate a view whose POST sends email: it spends the client's one shared budget."""
    return _email_forms_budget(view)
