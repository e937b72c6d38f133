"""The per-address limit on emails the forms send (RATELIMIT_PER_ADDRESS).

Over it, the form answers exactly as usual and simply sends nothing, so the
limit reveals nothing about the address. It counts in Flask-Limiter's storage,
beside the per-client limits of web.rate_limits.
"""

import hashlib

from flask import current_app
from limits import parse_many

from extensions import limiter
from services.privacy.addresses import canonical_email


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
