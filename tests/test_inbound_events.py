"""POST /inbound/events: bounces and complaints from the sending service's own webhook."""

import pytest
from sqlalchemy import select

from clock import utcnow
from models import InvitationOptOut, MembershipRequest, OutboxEmail
from services.mail.outbox import message_id
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
