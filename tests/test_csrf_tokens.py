from flask import session
from flask_wtf.csrf import generate_csrf, validate_csrf

from services.csrf_tokens import csrf_token


def test_the_kept_serializer_makes_tokens_flask_wtf_accepts(app):
    with app.test_request_context("/"):
        token = csrf_token()
        assert csrf_token() == token  # one token per request
        validate_csrf(token)  # raises ValidationError if Flask-WTF would refuse it
        assert generate_csrf() == token  # and Flask-WTF hands out the same one


def test_a_session_secret_from_flask_wtf_is_reused(app):
    with app.test_request_context("/"):
        generate_csrf()
        secret = session["csrf_token"]
    with app.test_request_context("/"):
        session["csrf_token"] = secret
        validate_csrf(csrf_token())
        assert session["csrf_token"] == secret
