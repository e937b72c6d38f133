"""/status: email + reference opens the timeline; anything else is the same page for all."""

import time
from types import SimpleNamespace

import pytest

from services import tokens
from tests.support.builders import STATES, UNKNOWN, build_request
from tests.support.database import app_session
from tests.support.forms import normalized, post_and_finish


def in_state(app, state, email):
    with app_session(app) as session:
        return build_request(session, state, email=email).reference


@pytest.mark.parametrize("state", STATES)
def test_email_alone_answers_the_same_and_emails_a_link_only_to_a_known_address(
    app, client, outbox, state
):
    email = f"{state}@shop.example"
    in_state(app, state, email)
    before = len(outbox(to=email))

    known = post_and_finish(client, "/status", {"email": email, "reference": ""})
    unknown = post_and_finish(client, "/status", {"email": UNKNOWN, "reference": ""})

    assert normalized(known) == normalized(unknown)
    assert known.status_code == 302 and known.headers["Location"] == "/status/sent"
    assert [e.kind for e in outbox(to=email)[before:]] == ["status_link"]
    assert outbox(to=UNKNOWN) == []


@pytest.mark.parametrize("state", STATES)
def test_a_wrong_reference_looks_exactly_like_an_unknown_address(app, client, outbox, state):
    email = f"{state}@shop.example"
    in_state(app, state, email)
    other_reference = in_state(app, "in_review", "someone-else@shop.example")

    wrong = post_and_finish(client, "/status", {"email": email, "reference": other_reference})
    unknown = post_and_finish(client, "/status", {"email": UNKNOWN, "reference": other_reference})

    assert normalized(wrong) == normalized(unknown)
    assert wrong.headers["Location"] == "/status/sent"
    # The owner of the address still gets a link by email, nobody else does.
    assert [e.kind for e in outbox(kind="status_link")] == ["status_link"]
    assert outbox(kind="status_link")[0].to_addr == email


def test_the_confirmation_page_says_the_same_to_everyone(client):
    response = client.get("/status/sent")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "If we have a request to join" in html
    assert "emailed it a link" in html


def test_email_and_reference_open_the_status_page_at_once(app, client, outbox):
    reference = in_state(app, "in_review", "ana@shop.example")
    typed = reference.lower().replace("lb-", "lb ")  # what people type
    response = post_and_finish(client, "/status", {"email": " ANA@Shop.example", "reference": typed})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/status/") and location != "/status/sent"
    page = client.get(location)
    assert page.status_code == 200
    assert reference in page.get_data(as_text=True)
    assert outbox(kind="status_link") == []


def test_the_link_from_the_form_lasts_24_hours(app, client, monkeypatch):
    reference = in_state(app, "in_review", "ana@shop.example")
    location = post_and_finish(
        client, "/status", {"email": "ana@shop.example", "reference": reference}
    ).headers["Location"]
    _travel(monkeypatch, hours=23)
    assert client.get(location).status_code == 200
    _travel(monkeypatch, hours=25)
    assert client.get(location).status_code == 410


def test_the_emailed_link_lasts_24_hours(app, client, outbox, monkeypatch):
    in_state(app, "in_review", "ana@shop.example")
    post_and_finish(client, "/status", {"email": "ana@shop.example", "reference": ""})
    body = outbox(kind="status_link")[0].body_text
    path = "/status/" + body.split("http://localhost/status/")[1].split()[0]
    assert client.get(path).status_code == 200
    _travel(monkeypatch, hours=25)
    assert client.get(path).status_code == 410


def test_a_reference_with_someone_elses_address_opens_nothing(app, client):
    reference = in_state(app, "invited", "ana@shop.example")
    response = post_and_finish(client, "/status", {"email": "ben@shop.example", "reference": reference})
    assert response.headers["Location"] == "/status/sent"


def test_a_missing_address_is_shown_in_the_error_summary(client):
    response = post_and_finish(client, "/status", {"email": "", "reference": "LB-7KQ2M9"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert "Enter the email address you asked to join with" in html


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_EMAIL_FORMS="3 per minute")
def test_a_flood_of_status_checks_gets_a_429(client):
    statuses = [
        post_and_finish(client, "/status", {"email": f"n{i}@x.example"}).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_PER_ADDRESS="3 per hour;5 per day")
def test_status_links_to_one_address_are_limited_silently(app, client, outbox):
    in_state(app, "in_review", "ana@shop.example")
    responses = [
        post_and_finish(client, "/status", {"email": "ana@shop.example"}) for _ in range(4)
    ]
    assert len({normalized(r) for r in responses}) == 1
    assert len(outbox(kind="status_link")) == 3


def _travel(monkeypatch, hours):
    """Move the clock that checks status links forward."""
    now = time.time() + hours * 3600
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: now))
