"""A small OpenID Connect provider over real HTTP on loopback: discovery, authorize, token, JWKS.

Enough of the protocol for Lobby's staff sign-in: the authorization code flow
with PKCE (S256) checked at the token endpoint, and an RS256-signed ID token
carrying the nonce it was given. Tests bend one thing at a time through
`id_token_claims` (override claims) and `sign_with_a_stranger_key`.
"""

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.support.fake_http import Canned, FakeHttpApi

CLIENT_ID = "lobby-staff"
CLIENT_SECRET = "lobby-staff-secret"


class FakeOpenIdProvider(FakeHttpApi):
    def __init__(self):
        super().__init__()
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
        self.stranger_key = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
        self.grants = {}  # code -> what /authorize was asked
        self.email = "ana@example-app.com"
        self.id_token_claims = {}
        self.sign_with_a_stranger_key = False

    def route(self, method, path, query, body):
        if method == "GET" and path == "/.well-known/openid-configuration":
            return Canned(200, self.metadata())
        if method == "GET" and path == "/jwks":
            return Canned(200, KeySet([self.key]).as_dict(private=False))
        if method == "GET" and path == "/authorize":
            return self.authorize(query)
        if method == "POST" and path == "/token":
            return self.token(body or {})
        return Canned(404, {"error": "not_found"})

    def metadata(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, query):
        """Sign the person in at once (no login page) and send them back with a code."""
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return Canned(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self.grants[code] = query
        location = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return Canned(302, None, {"Location": location})

    def token(self, form):
        grant = self.grants.pop(form.get("code"), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return Canned(400, {"error": "invalid_grant"})
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if grant.get("code_challenge_method") != "S256" or challenge.rstrip(b"=").decode() != grant.get("code_challenge"):
            return Canned(400, {"error": "invalid_grant", "error_description": "PKCE"})
        now = int(time.time())
        claims = {
            "iss": self.url, "sub": "user-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
            "nonce": grant.get("nonce"), "email": self.email, "email_verified": True,
            **self.id_token_claims,
        }
        key = self.stranger_key if self.sign_with_a_stranger_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        return Canned(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                            "expires_in": 300, "id_token": id_token})
