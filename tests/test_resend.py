"""/resend: the same page for every address; what fits the state goes by email."""

import re
from datetime import timedelta

import pytest

from services.membership.invitations import find_invitation
from services.membership.resending import resend_for_address
from tests.support.builders import STATES, UNKNOWN, build_request, request_by_email
from tests.support.database import app_session
from tests.support.forms import csrf_token_from, normalized, post_and_finish

EXPECTED_EMAIL = {
    "invited": "invitation",
    "expired": "invitation",
    "in_review": "review_status",
    "overdue": "review_status",
    "declined": "declined",
    "joined": "login_help",
    "withdrawn": None,
}


def in_state(app, state, email):
    """A request in `state` whose links went out a while ago (not a moment ago)."""
    with app_session(app) as session:
        request = build_request(session, state, email=email)
        for invitation in request.invitations:
            invitation.created_at -= timedelta(minutes=5)


@pytest.mark.parametrize("state", STATES)
def test_resend_answers_the_same_for_every_state_and_sends_what_fits(app, client, outbox, state):
    email = f"{state}@shop.example"
    in_state(app, state, email)
    before = len(outbox(to=email))

    known = post_and_finish(client, "/resend", {"email": email})
    unknown = post_and_finish(client, "/resend", {"email": UNKNOWN})

    assert normalized(known) == normalized(unknown)
    assert known.status_code == 302 and known.headers["Location"] == "/resend/sent"
    sent = outbox(to=email)[before:]
    expected = EXPECTED_EMAIL[state]
    assert [e.kind for e in sent] == ([expected] if expected else [])
    assert outbox(to=UNKNOWN) == []


def test_the_confirmation_page_is_the_same_page_for_everyone(client):
    first = client.get("/resend/sent")
    second = client.get("/resend/sent")
    assert normalized(first) == normalized(second)
    html = first.get_data(as_text=True)
    assert "If there's an invitation for this address, it's on its way" in html
    assert "spam" in html and "Promotions" in html and "Social" in html
    assert "community@example-app.com" in html  # the sender to allow-list


def test_letter_case_of_the_address_does_not_matter(app, client, outbox):
    in_state(app, "invited", "ana@shop.example")
    before = len(outbox(kind="invitation"))
    post_and_finish(client, "/resend", {"email": "  ANA@Shop.Example "})
    assert len(outbox(kind="invitation")) == before + 1


def test_an_invalid_address_is_shown_in_the_error_summary(client):
    response = post_and_finish(client, "/resend", {"email": "not-an-address"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert "Enter an email address like name@example.com" in html


def test_a_fresh_invitation_sends_expired_back_to_invited(app):
    with app_session(app) as session:
        request = build_request(session, "expired", email="ana@shop.example")
        old_hash = request.invitations[-1].token_hash
    with app_session(app) as session:
        assert resend_for_address(session, "ana@shop.example") == "invitation"
    with app_session(app) as session:
        request = request_by_email(session, "ana@shop.example")
        assert request.state == "invited"
        old, new = request.invitations[-2], request.invitations[-1]
        assert old.token_hash == old_hash and old.revoked_at is None  # it had simply expired
        assert new.revoked_at is None and new.expires_at > new.created_at
        kinds = [e.kind for e in request.events]
        assert kinds[-2:] == ["invited", "email_sent"]


def test_a_strangers_resend_leaves_the_link_in_the_inbox_working_until_one_is_used(
    app, client, outbox
):
    in_state(app, "invited", "ana@shop.example")
    with app_session(app) as session:
        assert resend_for_address(session, "ana@shop.example") == "invitation"
    first, second = (_token_of(e) for e in outbox(kind="invitation"))
    with app_session(app) as session:
        assert find_invitation(session, first).outcome == "ok"
        assert find_invitation(session, second).outcome == "ok"
    page = client.get(f"/invite/{first}").get_data(as_text=True)
    response = client.post(f"/invite/{first}", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    with app_session(app) as session:
        assert find_invitation(session, first).outcome == "accepted"
        assert find_invitation(session, second).outcome == "revoked"
    assert len(outbox(kind="welcome")) == 1


def test_a_second_resend_within_a_minute_sends_nothing(app, outbox):
    in_state(app, "invited", "ana@shop.example")
    with app_session(app) as session:
        assert resend_for_address(session, "ana@shop.example") == "invitation"
    with app_session(app) as session:
        assert resend_for_address(session, "ana@shop.example") == "nothing"
    assert len(outbox(kind="invitation")) == 2


def _token_of(email):
    return re.search(r"/invite/([A-Za-z0-9_-]+)", email.body_text).group(1)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_PER_ADDRESS="3 per hour;5 per day")
def test_the_fourth_resend_in_an_hour_sends_nothing_and_shows_the_usual_page(
    app, client, outbox
):
    in_state(app, "in_review", "ana@shop.example")
    before = len(outbox(kind="review_status"))
    responses = [post_and_finish(client, "/resend", {"email": "ana@shop.example"}) for _ in range(4)]
    assert len(outbox(kind="review_status")) == before + 3
    assert len({normalized(r) for r in responses}) == 1
    assert responses[-1].status_code == 302
    page = client.get(responses[-1].headers["Location"])
    assert page.status_code == 200


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_EMAIL_FORMS="5 per minute")
def test_a_flood_from_one_client_gets_a_429_that_says_when_to_try_again(client):
    statuses = [
        post_and_finish(client, "/resend", {"email": f"n{i}@elsewhere.example"}).status_code
        for i in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    token = csrf_token_from(client.get("/resend").get_data(as_text=True))
    response = client.post("/resend", data={"csrf_token": token, "email": "x@elsewhere.example"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    html = response.get_data(as_text=True)
    assert "Too many tries" in html and "skip-link" in html  # in the site's layout
    assert "You can try again in a minute" in html
    # Looking at the form is not limited, only sending it.
    assert client.get("/resend").status_code == 200


def test_resend_from_the_status_page_sends_a_fresh_invitation(app, client, outbox):
    from services import links

    with app_session(app) as session:
        request = build_request(session, "expired", email="ana@shop.example")
        status_path = links.status_url(request).replace("http://localhost", "")
    html = client.get(status_path).get_data(as_text=True)
    response = client.post(status_path + "/resend", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302 and response.headers["Location"] == "/resend/sent"
    assert len(outbox(kind="invitation", to="ana@shop.example")) == 2
    with app_session(app) as session:
        assert request_by_email(session, "ana@shop.example").state == "invited"
