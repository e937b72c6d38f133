"""Random single-use secrets (stored only as hashes), and the one signer of every signed link.

Signed tokens carry a payload for one purpose: a status page, the opt-out of an
invitation, the page after a join request, an accounts upload between preview
and import. Each purpose has its own salt, so a token made for one never opens
another, and its lifetime in a setting. Invitation tokens and report codes are
not signed: they are random secrets, stored hashed.
"""

import hashlib
import secrets
import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from models import MembershipRequest

# purpose -> the setting of its lifetime, in seconds. The salt is "lobby.<purpose>":
# renaming a purpose would break every link of it already sent.
PURPOSES = {
    "status": "EMAIL_STATUS_LINK_MAX_AGE",
    "invite-opt-out": "OPT_OUT_LINK_MAX_AGE",
    "accounts-import": "ACCOUNTS_UPLOAD_MAX_AGE",
}


class InvalidLink(Exception):
    """A signed link was tampered with or is not one of ours."""


class ExpiredLink(Exception):
    """A signed link was genuine but is too old."""

    def __init__(self, payload=None):
        super().__init__("expired")
        self.payload = payload


def new_secret():
    """A random URL-safe token of 32 bytes and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_secret(token)


def hash_secret(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _serializer(purpose):
    if purpose not in PURPOSES:
        raise KeyError(f"unknown signing purpose {purpose!r}: add it to PURPOSES")
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"lobby.{purpose}")


def sign(purpose, payload, max_age=None):
    """A signed, URL-safe token carrying payload for one purpose.

    With max_age, that lifetime (seconds) is signed into the payload (a dict) and
    wins over the purpose's setting: links of one purpose that must last
    differently (the status link asked for on /status) still share one URL.
    """
    if max_age is not None:
        payload = {**payload, "a": int(max_age)}
    return _serializer(purpose).dumps(payload)


def unsign(purpose, token):
    """The payload of a signed token, or InvalidLink / ExpiredLink."""
    try:
        payload, signed_at = _serializer(purpose).loads(token, return_timestamp=True)
    except BadSignature as exc:
        raise InvalidLink() from exc
    if time.time() - signed_at.timestamp() > _lifetime(purpose, payload):
        raise ExpiredLink(payload)
    return payload


def _lifetime(purpose, payload):
    if isinstance(payload, dict) and isinstance(payload.get("a"), int):
        return payload["a"]
    return current_app.config[PURPOSES[purpose]]


def sign_request(purpose, request, max_age=None, **extra):
    """A token standing for one membership request, by its public reference ("f").

    Never its id: a signed payload is only base64, and a sequential id in every
    link would tell anyone holding one how many requests there are.
    """
    return sign(purpose, {"f": request.reference, **extra}, max_age)


def unsign_request(purpose, token):
    """The payload of a token made by sign_request; InvalidLink otherwise.

    Links signed before carry the request's id as "r" instead: they keep
    working until they expire (signed by us, they tell nothing new).
    """
    payload = unsign(purpose, token)
    if isinstance(payload, dict) and (
        isinstance(payload.get("f"), str) or isinstance(payload.get("r"), int)
    ):
        return payload
    raise InvalidLink()


def signed_request(session, payload):
    """The membership request an unsign_request payload names, or None."""
    if isinstance(payload.get("f"), str):
        return session.scalar(
            select(MembershipRequest).where(MembershipRequest.reference == payload["f"])
        )
    return session.get(MembershipRequest, payload["r"])
