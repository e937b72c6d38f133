"""POST /inbound/email: real sample messages land on the right request, or are refused."""

import base64

import pytest
from sqlalchemy import select

from models import Event, InvitationOptOut, MembershipRequest, OutboxEmail
from services.mail.outbox import message_id
from tests.support.database import app_session
from tests.support.inbound import (
    BEARER,
    INBOUND_ADDRESS,
    INBOUND_CONFIG,
    INBOUND_TOKEN,
    PERSON,
    STAFF_NOTIFY,
    first_email_to,
    inbound_rows,
    sample,
)

pytestmark = pytest.mark.app_config(**INBOUND_CONFIG)


def post_raw(client, raw, headers=BEARER):
    return client.post(
        "/inbound/email", data=raw, headers={**headers, "Content-Type": "message/rfc822"}
    )


def basic(password, user="lobby"):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def declined(make_request):
    return make_request("declined", name="Ben Ode", email=PERSON)


@pytest.fixture
def in_review(make_request):
    return make_request(name="Ben Ode", email=PERSON)


def _request(app, request_id):
    with app_session(app) as session:
        return session.get(MembershipRequest, request_id)


def _events(app, request_id):
    with app_session(app) as session:
        return list(session.scalars(
            select(Event.kind).where(Event.request_id == request_id).order_by(Event.id)
        ))


def test_every_email_to_the_person_replies_to_its_own_tagged_address(app, in_review, outbox):
    [email] = outbox(kind="in_review")
    local, domain = INBOUND_ADDRESS.split("@")
    assert email.reply_to.startswith(f"{local}+") and email.reply_to.endswith(f"@{domain}")
    with app_session(app) as session:
        request = session.get(MembershipRequest, in_review)
        assert request.reply_tag in email.reply_to and str(request.id) != request.reply_tag
        assert len(request.reply_tag) >= 32
    # Staff notices don't carry it: a staff member's reply is not the person's.
    assert all(e.reply_to == app.config["SUPPORT_EMAIL"] for e in outbox(kind="staff_new_review"))


@pytest.mark.app_config(INBOUND_ADDRESS="")
def test_without_an_inbound_address_emails_reply_to_support_and_there_is_no_webhook(
    app, client, in_review, outbox
):
    assert {e.reply_to for e in outbox()} == {app.config["SUPPORT_EMAIL"]}
    assert post_raw(client, sample("no_match")).status_code == 404


def test_a_gmail_reply_to_a_declined_request_puts_it_back_in_review(
    app, client, declined, outbox
):
    with app_session(app) as session:
        from services.mail import emails

        emails.send_declined(session, session.get(MembershipRequest, declined))
    reply_to, original = first_email_to(app, PERSON, kind="declined")

    response = post_raw(client, sample("gmail_reply", to=reply_to, in_reply_to=original))

    assert response.status_code == 200
    assert response.get_json() == {"result": "reply", "status": "attached"}
    [message] = inbound_rows(app)
    assert message.request_id == declined and message.matched_by == "tag"
    assert message.body_text.startswith("Hi, I use the benshop subdomain every day")
    assert "wrote:" not in message.body_text
    request = _request(app, declined)
    assert request.state == "in_review" and request.replied_at is not None
    assert request.due_on is not None and request.review_started_at is not None
    assert _events(app, declined)[-3:] == ["replied", "in_review", "email_sent"]
    [notice] = outbox(kind="staff_reply_notice")
    assert notice.to_addr == STAFF_NOTIFY and "benshop subdomain" in notice.body_text


def test_the_same_message_twice_is_stored_once(app, client, in_review):
    reply_to, original = first_email_to(app, PERSON)
    raw = sample("gmail_reply", to=reply_to, in_reply_to=original)
    assert post_raw(client, raw).get_json()["result"] == "reply"
    assert post_raw(client, raw).get_json()["result"] == "duplicate"
    assert len(inbound_rows(app)) == 1
    assert _events(app, in_review).count("replied") == 1


def test_an_outlook_reply_loses_the_quoted_text_below_from(app, client, in_review):
    _reply_to, original = first_email_to(app, PERSON)
    # No tag (sent to the bare address): matched through In-Reply-To.
    response = post_raw(client, sample("outlook_reply", in_reply_to=original))
    assert response.get_json()["status"] == "attached"
    [message] = inbound_rows(app)
    assert message.matched_by == "thread"
    assert "billing contact is my colleague Sam" in message.body_text
    assert "Sent:" not in message.body_text and "Thank you for asking" not in message.body_text


def test_an_html_only_reply_is_kept_as_text_without_its_quote(app, client, in_review):
    response = post_raw(client, sample("html_only_reply"))  # no tag, no thread: the sender
    assert response.get_json()["status"] == "attached"
    [message] = inbound_rows(app)
    assert message.matched_by == "sender"
    assert message.body_text.startswith("I'm a user of the benshop account")
    assert "<" not in message.body_text and "we can't invite you" not in message.body_text


def test_an_out_of_office_is_recorded_and_changes_nothing(app, client, in_review, outbox):
    reply_to, original = first_email_to(app, PERSON)
    before = len(outbox())
    response = post_raw(client, sample("out_of_office", to=reply_to, in_reply_to=original))
    assert response.get_json() == {"result": "automatic", "status": "attached"}
    assert _request(app, in_review).replied_at is None
    assert "replied" not in _events(app, in_review)
    assert len(outbox()) == before  # no staff notice, and never an answer to it


def _sent_invitation(app, make_account, make_request):
    make_account("benshop", "active", [PERSON])
    request_id = make_request(name="Ben Ode", email=PERSON)
    with app_session(app) as session:
        email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "invitation")).one()
        email.status = "sent"
        return request_id, email.id, email.reply_to, message_id(email)


def test_a_hard_bounce_marks_the_email_and_the_request(app, client, make_account, make_request):
    request_id, email_id, reply_to, original = _sent_invitation(app, make_account, make_request)

    response = post_raw(client, sample("dsn_hard_bounce", to=reply_to, original=original))

    assert response.get_json() == {"result": "bounce", "status": "attached"}
    with app_session(app) as session:
        email = session.get(OutboxEmail, email_id)
        assert email.status == "bounced"
        assert "5.1.1" in email.delivery_report and "User unknown" in email.delivery_report
        request = session.get(MembershipRequest, request_id)
        assert request.bounced_at is not None and "5.1.1" in request.bounce_diagnostic
    assert "email_bounced" in _events(app, request_id)


def test_a_delay_is_noted_and_nothing_stops(app, client, make_account, make_request):
    request_id, email_id, reply_to, original = _sent_invitation(app, make_account, make_request)

    response = post_raw(client, sample("dsn_delay", to=reply_to, original=original))

    assert response.get_json() == {"result": "delay", "status": "attached"}
    with app_session(app) as session:
        email = session.get(OutboxEmail, email_id)
        assert email.status == "sent" and "4.4.1" in email.delivery_report
        assert session.get(MembershipRequest, request_id).bounced_at is None
    assert "email_delayed" in _events(app, request_id)


def test_a_complaint_opts_the_address_out(app, client, make_account, make_request):
    _request_id, _email_id, _reply_to, original = _sent_invitation(
        app, make_account, make_request
    )
    # Sent to the bare address: matched by the Message-ID of the reported email.
    response = post_raw(client, sample("arf_complaint", original=original))
    assert response.get_json() == {"result": "complaint", "status": "attached"}
    with app_session(app) as session:
        [opt_out] = session.scalars(select(InvitationOptOut)).all()
        assert opt_out.email_normalized == PERSON and opt_out.complained_at is not None


def test_a_message_that_matches_nothing_waits_for_staff(app, client, in_review):
    response = post_raw(client, sample("no_match"))
    assert response.get_json() == {"result": "reply", "status": "unmatched"}
    [message] = inbound_rows(app)
    assert message.request_id is None and message.status == "unmatched"


def test_a_forged_tag_matches_nothing(app, client, in_review):
    forged = INBOUND_ADDRESS.replace("@", "+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@")
    response = post_raw(client, sample("gmail_reply", to=forged, person="mallory@evil.example"))
    assert response.get_json()["status"] == "unmatched"


def test_a_message_id_cannot_be_made_up_from_an_email_number_and_time(app, client, in_review):
    _reply_to, real = first_email_to(app, PERSON)
    guessed = real.split(".")[0] + "." + real.split(".")[1].split("@")[0] + "@" + real.split("@")[1]
    assert guessed != real  # the keyed part is missing
    forged = post_raw(client, sample("gmail_reply", person="mallory@evil.example",
                                     in_reply_to=guessed))
    assert forged.get_json()["status"] == "unmatched"
    threaded = post_raw(client, sample("gmail_reply", person="mallory@evil.example",
                                       in_reply_to=real))
    assert threaded.get_json()["status"] != "unmatched"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {INBOUND_TOKEN}x"},
        basic("wrong-token"),
        {"Authorization": INBOUND_TOKEN},
    ],
    ids=["missing", "wrong bearer", "longer bearer", "wrong basic", "no scheme"],
)
def test_without_the_token_it_is_refused(app, client, headers):
    response = post_raw(client, sample("no_match"), headers=headers)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
    assert inbound_rows(app) == []


@pytest.mark.parametrize(
    "path, field", [("/inbound/email", "email"), ("/inbound/email/mime", "body-mime")]
)
def test_the_form_fields_of_sendgrid_and_mailgun_with_basic_auth(app, client, path, field):
    raw = sample("no_match").decode()
    response = client.post(
        path, data={field: raw, "to": INBOUND_ADDRESS}, headers=basic(INBOUND_TOKEN),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(inbound_rows(app)) == 1


@pytest.mark.app_config(INBOUND_MAX_BYTES=5000)
def test_an_oversized_message_is_refused(app, client):
    raw = sample("no_match") + b"x" * 6000
    assert post_raw(client, raw).status_code == 413
    assert inbound_rows(app) == []


def test_a_message_bigger_than_the_site_limit_but_within_the_inbound_one_is_taken(app, client):
    big = sample("no_match") + b"A" * (app.config["MAX_CONTENT_LENGTH"] + 1000) + b"\r\n"
    assert post_raw(client, big).status_code == 200
    response = client.post("/inbound/email", data={"email": big.decode()}, headers=BEARER)
    assert response.status_code == 200


@pytest.mark.parametrize("body", [b"", b"just some words, no headers", b"Subject: no sender\r\n\r\nhi"])
def test_what_is_not_a_message_is_a_400(app, client, body):
    assert post_raw(client, body).status_code == 400
