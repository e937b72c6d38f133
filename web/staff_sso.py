"""Staff single sign-on with OpenID Connect, through Authlib's Flask client.

One Authlib registry per app (so each app, and each test, has its own issuer).
Authlib does the protocol: discovery, state, nonce, PKCE (S256), the token
request and the ID token's signature against the issuer's JWKS, its issuer,
audience and expiry. services.staff.sso decides who that is.
"""

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc.errors import JoseError

_EXTENSION = "lobby_staff_oidc"
NAME = "staff"

# What a failed or forged sign-in raises: the provider's error, a bad token, no answer.
SSO_ERRORS = (OAuthError, JoseError, requests.RequestException, KeyError, ValueError)


def init_app(app):
    issuer = app.config["STAFF_OIDC_ISSUER"].rstrip("/")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=app.config["STAFF_OIDC_CLIENT_ID"],
        client_secret=app.config["STAFF_OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "timeout": app.config["STAFF_OIDC_TIMEOUT"],
        },
    )
    app.extensions[_EXTENSION] = oauth


def client():
    """The registered OIDC client of this app, or None when SSO is off."""
    oauth = current_app.extensions.get(_EXTENSION)
    return oauth.create_client(NAME) if oauth is not None else None


def redirect_uri():
    return current_app.config["SITE_URL"].rstrip("/") + "/staff/sso/callback"
