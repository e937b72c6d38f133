"""Staff read replies, answer them threaded, and sort the unmatched mail; bounces show."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from clock import utcnow
from models import InboundMessage, MembershipRequest, OutboxEmail
from services.jobs.retention import purge
from services.links import status_token
from services.mail.outbox import build_message, message_id
from services.membership.invitation_reminders import due_reminder_ids
from services.membership.resending import NOTHING, resend_for_address
from tests.support.builders import decline_request
from tests.support.database import app_session
from tests.support.inbound import (
    INBOUND_CONFIG,
    PERSON,
    RAW_MAIL,
    first_email_to,
    inbound_rows,
    sample,
)
from tests.support.snapshots import assert_snapshot, masked
from tests.support.staff import sign_in, staff_post

pytestmark = pytest.mark.app_config(**INBOUND_CONFIG)


def _post(client, raw):
    response = client.post("/inbound/email", data=raw, headers=RAW_MAIL)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def replied(app, client, make_request):
    """An in-review request whose person replied, and an older one due earlier that didn't."""
    earlier = make_request(name="Cleo Ray", email="cleo@elsewhere.example")
    with app_session(app) as session:
        session.get(MembershipRequest, earlier).due_on -= timedelta(days=5)
    request_id = make_request(name="Ben Ode", email=PERSON)
    reply_to, original = first_email_to(app, PERSON, kind="in_review")
    _post(client, sample("gmail_reply", to=reply_to, in_reply_to=original))
    return request_id, original


def test_a_reply_puts_the_request_at_the_top_of_the_queue(client, make_staff, replied):
    sign_in(client, make_staff)
    page = client.get("/staff/").get_data(as_text=True)
    assert page.index("Ben Ode") < page.index("Cleo Ray")
    assert "The person replied" in page


def test_staff_answer_threaded_from_the_request_page(app, client, make_staff, replied, outbox):
    request_id, original = replied
    sign_in(client, make_staff)
    page = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    assert "benshop subdomain every day" in page and "Thank you for asking" not in page

    response = staff_post(
        client, f"/staff/requests/{request_id}/answer",
        {"answer": "Thanks Ben, we found you under benshop."}, page=f"/staff/requests/{request_id}",
    )

    assert response.status_code == 302
    [answer] = outbox(kind="staff_answer")
    [reply] = inbound_rows(app)
    assert answer.to_addr == PERSON and "+" in answer.reply_to
    assert answer.subject.startswith("Re: About your request")
    assert answer.in_reply_to == reply.message_id
    assert answer.thread_references.split() == [original, reply.message_id]
    with app.app_context():
        headers = build_message(answer).extra_headers
    assert headers["In-Reply-To"] == reply.message_id
    assert original in headers["References"]
    with app_session(app) as session:
        assert session.get(MembershipRequest, request_id).replied_at is None
    assert "Ben Ode" in client.get("/staff/").get_data(as_text=True)  # still in review


def test_an_empty_answer_is_refused_with_its_error(client, make_staff, replied):
    request_id, _original = replied
    sign_in(client, make_staff)
    response = staff_post(client, f"/staff/requests/{request_id}/answer", {"answer": ""},
                          page=f"/staff/requests/{request_id}")
    assert response.status_code == 400
    assert "Write your answer." in response.get_data(as_text=True)


def test_unmatched_mail_is_attached_or_discarded(app, client, make_staff, make_request, outbox):
    request_id = make_request(name="Ben Ode", email=PERSON)
    first = _post(client, sample("no_match"))["status"]
    assert _post(client, sample("no_match"))["status"] == first == "unmatched"
    sign_in(client, make_staff)
    page = client.get("/staff/mail/unmatched").get_data(as_text=True)
    assert page.count("Is this the right place") == 2

    with app_session(app) as session:
        reference = session.get(MembershipRequest, request_id).reference
        ids = list(session.scalars(select(InboundMessage.id).order_by(InboundMessage.id)))
    wrong = staff_post(client, f"/staff/mail/{ids[0]}/attach", {"reference": "LB-NOSUCH"},
                       page="/staff/mail/unmatched")
    assert wrong.status_code == 400 and "No request has that reference." in wrong.get_data(as_text=True)
    attached = staff_post(client, f"/staff/mail/{ids[0]}/attach", {"reference": reference},
                          page="/staff/mail/unmatched")
    assert attached.headers["Location"].endswith(f"/staff/requests/{request_id}")
    discarded = staff_post(client, f"/staff/mail/{ids[1]}/discard", page="/staff/mail/unmatched")
    assert discarded.status_code == 302

    rows = inbound_rows(app)
    assert (rows[0].status, rows[0].request_id, rows[0].matched_by) == ("attached", request_id, "staff")
    assert rows[1].status == "discarded" and rows[1].body_text is None
    with app_session(app) as session:
        assert session.get(MembershipRequest, request_id).replied_at is not None
    assert "Is this the right place" not in client.get("/staff/mail/unmatched").get_data(as_text=True)


def _bounced_invitation(app, client, make_account, make_request):
    make_account("benshop", "active", [PERSON])
    request_id = make_request(name="Ben Ode", email=PERSON)
    with app_session(app) as session:
        email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "invitation")).one()
        email.status, email.sent_at = "sent", utcnow()
        email.created_at -= timedelta(days=8)
        session.get(MembershipRequest, request_id).invitations[-1].created_at -= timedelta(days=8)
        reply_to, original = email.reply_to, message_id(email)
    with app_session(app) as session:
        assert due_reminder_ids(session) != []  # until the bounce
    _post(client, sample("dsn_hard_bounce", to=reply_to, original=original))
    return request_id


def test_a_hard_bounce_shows_to_staff_and_on_the_status_page_and_stops_resends(
    app, client, make_staff, make_account, make_request, outbox
):
    request_id = _bounced_invitation(app, client, make_account, make_request)
    before = len(outbox())  # its own session: on SQLite, not inside the writer below
    with app_session(app) as session:
        request = session.get(MembershipRequest, request_id)
        token = status_token(request)
        assert due_reminder_ids(session) == []
        assert resend_for_address(session, PERSON) == NOTHING
    assert len(outbox()) == before

    status_page = client.get(f"/status/{token}").get_data(as_text=True)
    assert "We could not deliver our email" in status_page

    sign_in(client, make_staff)
    page = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    assert "Our email bounced: 550 5.1.1" in page
    outbox_page = client.get("/staff/outbox").get_data(as_text=True)
    assert "Bounced" in outbox_page and "User unknown" in outbox_page
    resend = staff_post(client, f"/staff/requests/{request_id}/resend",
                        page=f"/staff/requests/{request_id}")
    assert resend.status_code == 302
    assert len(outbox()) == before


def test_inbound_mail_goes_with_the_request_under_retention(app, client, replied):
    request_id, _original = replied
    _post(client, sample("no_match"))
    with app_session(app) as session:
        request = decline_request(session, session.get(MembershipRequest, request_id))
        request.updated_at = utcnow() - timedelta(days=400)
    with app_session(app) as session:
        purge(session, 365, now=utcnow() + timedelta(days=400))
    assert inbound_rows(app) == []


def test_the_answer_and_the_staff_notice_match_their_snapshots(client, make_staff, replied, outbox):
    request_id, _original = replied
    sign_in(client, make_staff)
    staff_post(client, f"/staff/requests/{request_id}/answer",
               {"answer": "Thanks Ben.\n\nWe found you under benshop."},
               page=f"/staff/requests/{request_id}")
    for kind in ("staff_answer", "staff_reply_notice"):
        [email] = outbox(kind=kind)
        text = re.sub(r"\+[a-z0-9]{32}@", "+<tag>@", masked(email))
        assert_snapshot(kind, text)
