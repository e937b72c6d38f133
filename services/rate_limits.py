"""Rate limits: per client on forms that send email, and per target address.

The per-client limit is Flask-Limiter's decorator and answers 429 in the site's
layout. The per-address limit (RATELIMIT_PER_ADDRESS, default 3 an hour and 5 a
day to one address) never shows: over it, the form answers exactly as usual and
simply sends nothing, so the limit reveals nothing about the address.
Both share Flask-Limiter's storage: memory by default, Redis via
RATELIMIT_STORAGE_URI when several processes serve the site.
"""

import hashlib

from flask import current_app
from limits import parse_many

from extensions import limiter
from services.addresses import canonical_email


def _email_form_limit():
    return current_app.config["RATELIMIT_EMAIL_FORMS"]


def limit_email_form(view):
    """Decorate a view whose POST sends email: limited per client address."""
    return limiter.limit(_email_form_limit, methods=["POST"])(view)


def _address_key(address):
    # Canonical: look-alike spellings of one address share one count.
    normalized = canonical_email(address).encode("utf-8", "surrogatepass")
    # Hashed: the limiter's storage never holds the address itself.
    return "address:" + hashlib.sha256(normalized).hexdigest()


def allow_email_to(address):
    """Count one email to this address; False when it is over the per-address limit.

    Every limit is tested before any is counted, so a refusal costs nothing.
    """
    if not limiter.enabled:
        return True
    strategy = limiter.limiter
    items = parse_many(current_app.config["RATELIMIT_PER_ADDRESS"])
    key = _address_key(address)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "lobby")
    if not all(strategy.test(item, prefix, key) for item in items):
        return False
    for item in items:
        strategy.hit(item, prefix, key)
    return True
