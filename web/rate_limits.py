"""Rate limits: per client on forms that send email, and per target address.

The per-client limit is Flask-Limiter's decorator and answers 429 in the site's
layout. The per-address limit (RATELIMIT_PER_ADDRESS, default 3 an hour and 5 a
day to one address) is a business rule and lives in services.mail.address_limits:
over it, the form answers exactly as usual and simply sends nothing.
Both share Flask-Limiter's storage: memory by default, Redis via
RATELIMIT_STORAGE_URI when several processes serve the site.
"""

from flask import current_app

from extensions import limiter


def _email_form_limit():
    return current_app.config["RATELIMIT_EMAIL_FORMS"]


def limit_email_form(view):
    """Decorate a view whose POST sends email: limited per client address."""
    return limiter.limit(_email_form_limit, methods=["POST"])(view)
