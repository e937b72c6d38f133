"""Flask-WTF's CSRF token, made with a serializer kept between requests.

Flask-WTF builds a new URLSafeTimedSerializer for every token, and building one
costs more than signing with it (it test-serializes a value to learn its type).
On a cached FAQ answer page that was a large share of the time left, so this
makes exactly the token Flask-WTF makes (same secret in the session, same salt,
same format: flask_wtf.csrf.validate_csrf accepts it) from a kept serializer.
Forms still render and check tokens through Flask-WTF.
"""

import hashlib
import os

from flask import current_app, g, session
from itsdangerous import URLSafeTimedSerializer

_SALT = "wtf-csrf-token"  # Flask-WTF's salt for CSRF tokens
_serializers = {}


def csrf_token():
    """The request's CSRF token, as flask_wtf.csrf.generate_csrf() returns it."""
    config = current_app.config
    field_name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field_name)
    if token is not None:
        return token
    secret_key = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    serializer = _serializers.get(secret_key)
    if serializer is None:
        serializer = _serializers[secret_key] = URLSafeTimedSerializer(secret_key, salt=_SALT)
    if not isinstance(session.get(field_name), str):
        session[field_name] = hashlib.sha1(os.urandom(64)).hexdigest()
    token = serializer.dumps(session[field_name])
    setattr(g, field_name, token)
    return token
