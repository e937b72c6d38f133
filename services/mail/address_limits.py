"""The per-mailbox limit on emails the forms send (RATELIMIT_PER_ADDRESS).

Counted per mailbox: the canonical address without its +tag, so a+1@x, a+2@x
and a@x share one count (the request itself keeps the tag it was typed with).
Over it, the form answers exactly as usual and simply sends nothing, so the
limit reveals nothing about the address. It counts in Flask-Limiter's storage,
beside the per-client limit of web.rate_limits, under a keyed hash
(services.privacy.addresses.keyed_hash): the storage never holds the address,
and a leaked Redis cannot be checked against a list of addresses.
"""

from flask import current_app
from limits import parse_many

from extensions import limiter
from services.privacy.addresses import canonical_email, keyed_hash


def mailbox_of(address):
    """The canonical address without its +tag: where the email really lands."""
    local, at, domain = canonical_email(address).rpartition("@")
    if not at:
        return domain
    return f"{local.partition('+')[0] or local}@{domain}"


def _mailbox_key(address):
    return "mailbox:" + keyed_hash(mailbox_of(address))


def allow_email_to(address):
    """Count one email to this mailbox; False when it is over the per-mailbox limit.

    Every limit is tested before any is counted, so a refusal costs nothing.
    """
    if not limiter.enabled:
        return True
    strategy = limiter.limiter
    items = parse_many(current_app.config["RATELIMIT_PER_ADDRESS"])
    key = _mailbox_key(address)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "lobby")
    if not all(strategy.test(item, prefix, key) for item in items):
        return False
    for item in items:
        strategy.hit(item, prefix, key)
    return True
