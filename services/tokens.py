"""Random single-use secrets (stored only as hashes) and signed, expiring links."""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


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
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"lobby.{purpose}")


def sign(purpose, payload):
    """A signed, URL-safe token carrying payload for one purpose."""
    return _serializer(purpose).dumps(payload)


def unsign(purpose, token, max_age):
    """The payload of a signed token, or InvalidLink / ExpiredLink."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ExpiredLink(exc.payload) from exc
    except BadSignature as exc:
        raise InvalidLink() from exc
