"""Staff single sign-on (OpenID Connect, Authlib) against a provider on loopback."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from models import AuditEntry, StaffUser
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.sso import sso_sign_in


def _audit(app):
    with app_session(app) as session:
        return [(e.action, e.detail) for e in session.scalars(select(AuditEntry))]


def test_a_staff_user_signs_in_with_sso(sso, client, make_staff, provider):
    make_staff("ana@example-app.com", role="reviewer")
    response = sso_sign_in(client)
    assert response.status_code == 302 and response.location == "/staff/"
    assert client.get("/staff/").status_code == 200
    asked = next(query for method, path, query, *_ in provider.calls if path == "/authorize")
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    assert ("sign_in", "sso") in _audit(sso)


@pytest.mark.parametrize(
    "bend, reason",
    [
        ({"id_token_claims": {"nonce": "someone-elses"}}, "InvalidClaimError"),
        ({"sign_with_a_stranger_key": True}, "BadSignatureError"),
        ({"id_token_claims": {"exp": 1_000_000_000, "iat": 999_999_000}}, "ExpiredTokenError"),
        ({"id_token_claims": {"email_verified": False}}, "not verified"),
        ({"email": "ana@elsewhere.example"}, "domain is not allowed"),
        ({"id_token_claims": {"aud": "another-client"}}, "ClaimError"),
    ],
    ids=["wrong-nonce", "bad-signature", "expired", "unverified-email", "domain-not-allowed",
         "other-audience"],
)
def test_sso_refuses(sso, client, make_staff, provider, bend, reason):
    make_staff("ana@example-app.com", role="reviewer")
    make_staff("ana@elsewhere.example", role="reviewer")
    for name, value in bend.items():
        setattr(provider, name, value)
    response = sso_sign_in(client)
    assert response.status_code == 403
    assert client.get("/staff/").status_code == 302
    [(_, detail)] = [entry for entry in _audit(sso) if entry[0] == "sign_in_failed"]
    assert reason in detail


def test_a_replayed_callback_is_refused(sso, client, make_staff, provider):
    make_staff("ana@example-app.com")
    start = client.get("/staff/sso/start")
    answer = requests.get(start.location, allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    forged_state = back.query.replace(parse_qs(back.query)["state"][0], "forged")
    assert client.get(f"{back.path}?{forged_state}").status_code == 403


def test_someone_not_on_the_staff_is_refused_unless_auto_create(sso, client, provider):
    assert "not a staff user" in sso_sign_in(client).get_data(as_text=True)
    sso.config["STAFF_OIDC_AUTO_CREATE"] = True
    assert sso_sign_in(client).status_code == 302
    with app_session(sso) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == "ana@example-app.com"))
        assert user.role == "reviewer" and user.password_hash == ""


def test_an_invited_person_can_use_sso_instead_of_a_password(sso, client, make_staff, provider):
    from services.staff.invites import invite

    with app_session(sso) as session:
        invite(session, "ana@example-app.com", "admin", "boss@example-app.com")
    assert sso_sign_in(client).status_code == 302
    assert client.get("/staff/people").status_code == 200


def test_with_password_sign_in_off_only_sso_works(sso, client, make_staff):
    sso.config["STAFF_PASSWORD_SIGNIN"] = False
    make_staff()
    page = client.get("/staff/login").get_data(as_text=True)
    assert 'name="password"' not in page and "/staff/sso/start" in page
    response = client.post("/staff/login", data={
        "csrf_token": csrf_token_from(client.get("/join").get_data(as_text=True)), "email": "staff@example-app.com",
        "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_sso_pages_are_absent_without_an_issuer(client):
    assert client.get("/staff/sso/start").status_code == 404
