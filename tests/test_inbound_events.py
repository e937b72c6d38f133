"""POST /inbound/events: bounces and complaints from the sending service's own webhook."""

import base64
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select

from clock import utcnow
from models import InvitationOptOut, MembershipRequest, OutboxEmail
from services.mail.outbox import message_id
from setting_checks import value_problems
from settings import DEFAULTS
from tests.support.database import app_session
from tests.support.inbound import BEARER, INBOUND_CONFIG, PERSON, inbound_rows

pytestmark = pytest.mark.app_config(**INBOUND_CONFIG)


@pytest.fixture
def sent_invitation(app, make_account, make_request):
    """(request id, outbox id, our Message-ID) of a sent invitation."""
    make_account("benshop", "active", [PERSON])
    request_id = make_request(name="Ben Ode", email=PERSON)
    with app_session(app) as session:
        email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "invitation")).one()
        email.status, email.sent_at = "sent", utcnow()
        return request_id, email.id, message_id(email)


def _sendgrid(event, smtp_id, **fields):
    return [{"email": PERSON, "timestamp": 1765098782, "smtp-id": smtp_id, "event": event,
             "sg_event_id": f"sg-{event}-1", "sg_message_id": "14c5d75ce93.dfd.64b469", **fields}]


def _mailgun(event, message_id_text, **fields):
    return {
        "signature": {"timestamp": "1765098782", "token": "t", "signature": "s"},
        "event-data": {
            "id": f"mg-{event}-{fields.get('severity', '')}", "event": event, "recipient": PERSON,
            "message": {"headers": {"message-id": message_id_text.strip("<>")}}, **fields,
        },
    }


def _state(app, request_id, email_id):
    with app_session(app) as session:
        email = session.get(OutboxEmail, email_id)
        request = session.get(MembershipRequest, request_id)
        return email.status, email.delivery_report, request.bounced_at is not None


def test_a_sendgrid_bounce_marks_the_email_bounced_once(app, client, sent_invitation):
    request_id, email_id, our_id = sent_invitation
    body = _sendgrid("bounce", our_id, status="5.1.1", reason="550 5.1.1 User unknown",
                     type="bounce")
    first = client.post("/inbound/events", json=body, headers=BEARER)
    again = client.post("/inbound/events", json=body, headers=BEARER)
    assert (first.get_json(), again.get_json()) == ({"result": ["bounce"]}, {"result": ["duplicate"]})
    status, report, request_bounced = _state(app, request_id, email_id)
    assert status == "bounced" and "User unknown" in report and request_bounced
    assert len(inbound_rows(app)) == 1


def test_a_sendgrid_deferral_is_only_noted(app, client, sent_invitation):
    request_id, email_id, our_id = sent_invitation
    body = _sendgrid("deferred", our_id, response="421 try again later", attempt="2")
    assert client.post("/inbound/events", json=body, headers=BEARER).get_json() == {
        "result": ["delay"]
    }
    assert _state(app, request_id, email_id) == ("sent", "421 try again later", False)


def test_a_mailgun_permanent_failure_and_a_complaint(app, client, sent_invitation):
    request_id, email_id, our_id = sent_invitation
    failed = _mailgun("failed", our_id, severity="permanent", reason="bounce",
                      **{"delivery-status": {"code": 550, "message": "No such user"}})
    assert client.post("/inbound/events", json=failed, headers=BEARER).status_code == 200
    status, report, request_bounced = _state(app, request_id, email_id)
    assert status == "bounced" and report.startswith("550 No such user") and request_bounced

    complained = _mailgun("complained", our_id)
    assert client.post("/inbound/events", json=complained, headers=BEARER).get_json() == {
        "result": ["complaint"]
    }
    with app_session(app) as session:
        [opt_out] = session.scalars(select(InvitationOptOut)).all()
        assert opt_out.complained_at is not None


def test_a_mailgun_temporary_failure_is_a_delay(app, client, sent_invitation):
    request_id, email_id, our_id = sent_invitation
    body = _mailgun("failed", our_id, severity="temporary",
                    **{"delivery-status": {"code": 452, "message": "Mailbox full"}})
    client.post("/inbound/events", json=body, headers=BEARER)
    assert _state(app, request_id, email_id) == ("sent", "452 Mailbox full", False)


@pytest.mark.parametrize("body", [None, "not json"])
def test_events_need_the_token_and_json(client, body):
    assert client.post("/inbound/events", json=[]).status_code == 401
    response = client.post("/inbound/events", data=body or "", headers=BEARER)
    assert response.status_code == 400


MAILGUN_KEY = "key-mailgun-signing-3f9a"


def _mailgun_signed(body, key=MAILGUN_KEY, timestamp="1765098782", token="a" * 50):
    digest = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return {**body, "signature": {"timestamp": timestamp, "token": token, "signature": digest}}


@pytest.mark.app_config(MAILGUN_WEBHOOK_SIGNING_KEY=MAILGUN_KEY)
def test_with_a_mailgun_signing_key_only_signed_events_are_filed(app, client, sent_invitation):
    request_id, email_id, our_id = sent_invitation
    body = _mailgun("failed", our_id, severity="permanent",
                    **{"delivery-status": {"code": 550, "message": "No such user"}})
    for forged in (body, _mailgun_signed(body, key="someone-else"), {**body, "signature": "x"}):
        response = client.post("/inbound/events", json=forged, headers=BEARER)
        assert response.status_code == 401
        assert response.get_json() == {"error": "Mailgun's signature is missing or wrong."}
    assert _state(app, request_id, email_id)[0] == "sent" and inbound_rows(app) == []

    signed = client.post("/inbound/events", json=_mailgun_signed(body), headers=BEARER)
    assert signed.get_json() == {"result": ["bounce"]}
    assert _state(app, request_id, email_id)[0] == "bounced"


@pytest.fixture
def sendgrid_key():
    """(private key, the base64 DER verification key SendGrid would show)."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return private, base64.b64encode(public).decode()


def _sendgrid_headers(private, raw, timestamp="1765098782"):
    signature = private.sign(timestamp.encode() + raw, ec.ECDSA(hashes.SHA256()))
    return {**BEARER, "Content-Type": "application/json",
            "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": timestamp}


def test_with_a_sendgrid_key_only_signed_events_are_filed(app, client, sent_invitation,
                                                          sendgrid_key):
    private, public = sendgrid_key
    app.config["SENDGRID_WEBHOOK_PUBLIC_KEY"] = public
    request_id, email_id, our_id = sent_invitation
    raw = json.dumps(_sendgrid("bounce", our_id, reason="550 5.1.1 User unknown")).encode()
    other = ec.generate_private_key(ec.SECP256R1())
    tampered = raw.replace(b"User unknown", b"User gone!!")
    for headers, body in ((BEARER | {"Content-Type": "application/json"}, raw),
                          (_sendgrid_headers(other, raw), raw),
                          (_sendgrid_headers(private, raw), tampered),
                          (_sendgrid_headers(private, raw, "1765098783") | {
                              "X-Twilio-Email-Event-Webhook-Timestamp": "1765098782"}, raw)):
        response = client.post("/inbound/events", data=body, headers=headers)
        assert response.status_code == 401
        assert response.get_json() == {"error": "SendGrid's signature is missing or wrong."}
    assert _state(app, request_id, email_id)[0] == "sent" and inbound_rows(app) == []

    signed = client.post("/inbound/events", data=raw, headers=_sendgrid_headers(private, raw))
    assert signed.get_json() == {"result": ["bounce"]}
    assert _state(app, request_id, email_id)[0] == "bounced"


def test_a_sendgrid_key_that_is_no_key_is_a_settings_problem(sendgrid_key):
    assert value_problems({**DEFAULTS, "SENDGRID_WEBHOOK_PUBLIC_KEY": sendgrid_key[1]}) == []
    rsa_key = base64.b64encode(rsa.generate_private_key(65537, 2048).public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).decode()
    for wrong, words in (("not base64!", "not a base64 public key"),
                         ("c29tZXRoaW5n", "not a base64 public key"),
                         (rsa_key, "not an elliptic-curve key")):
        [problem] = value_problems({**DEFAULTS, "SENDGRID_WEBHOOK_PUBLIC_KEY": wrong})
        assert problem.startswith(f"SENDGRID_WEBHOOK_PUBLIC_KEY is {words} ")
