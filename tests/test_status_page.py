"""/status/<token>: the timeline, the state in words and what to do next."""

import re

import pytest

from services import links, tokens
from tests.support.builders import DECLINE_REASON, build_request
from tests.support.database import app_session


def status_page(app, client, state, email="ana.lima@shop.example"):
    with app_session(app) as session:
        request = build_request(session, state, email=email)
        path = links.status_url(request).replace("http://localhost", "")
        reference = request.reference
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), reference


def steps_of(html):
    """(label, status words) of each step of the timeline, in order."""
    return re.findall(
        r'<span class="step-label">([^<]+)</span>\s*<span class="visually-hidden">\(([^)]+)\)',
        html,
    )


@pytest.mark.parametrize(
    "state, steps, headline",
    [
        ("in_review", [("Submitted", "done"), ("Checked", "done"),
                       ("In review", "where your request is now"), ("Invited", "not yet"),
                       ("Joined", "not yet")], "A member of our team is reviewing your request"),
        ("invited", [("Submitted", "done"), ("Checked", "done"),
                     ("Invited", "where your request is now"), ("Joined", "not yet")],
         "You&#39;re invited"),
        ("expired", [("Submitted", "done"), ("Checked", "done"), ("Invited", "done"),
                     ("Invitation expired", "where your request is now"), ("Joined", "not yet")],
         "Your invitation has expired"),
        ("joined", [("Submitted", "done"), ("Checked", "done"), ("Invited", "done"),
                    ("Joined", "where your request is now")], "You&#39;re a member"),
        ("declined", [("Submitted", "done"), ("Checked", "done"), ("In review", "done"),
                      ("Declined", "where your request is now")],
         "We couldn&#39;t approve your request"),
        ("withdrawn", [("Submitted", "done"), ("Checked", "done"), ("Invited", "done"),
                       ("Withdrawn", "where your request is now")],
         "You told us you don&#39;t want to join"),
    ],
)
def test_the_timeline_reads_at_a_glance_for_each_state(app, client, state, steps, headline):
    html, reference = status_page(app, client, state)
    assert steps_of(html) == steps
    assert f"<h1>{headline}</h1>" in html
    assert reference in html
    assert html.count('aria-current="step"') == 1


def test_each_step_that_happened_has_its_date_in_words(app, client):
    html, _ = status_page(app, client, "invited")
    dates = re.findall(r'<span class="step-date">([^<]+)</span>', html)
    assert len(dates) == 3  # submitted, checked, invited; joined has not happened
    assert all(re.fullmatch(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+( \d{4})?", d) for d in dates)


def test_the_page_never_shows_the_full_address(app, client):
    html, _ = status_page(app, client, "invited", email="ana.lima@shop.example")
    assert "ana.lima@shop.example" not in html
    assert "a***@shop.example" in html


def test_in_review_says_the_due_date_in_words(app, client):
    html, _ = status_page(app, client, "in_review")
    assert re.search(r"You.ll hear from us <strong>by [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+", html)
    assert "Overdue" not in html


def test_an_overdue_review_says_so_and_what_to_do(app, client):
    html, reference = status_page(app, client, "overdue")
    assert "Overdue" in html
    assert "reply to the email we sent you" in html
    assert "mailto:support@example-app.com" in html
    assert reference in html


def test_invited_and_expired_offer_a_fresh_invitation(app, client):
    for state, email in (("invited", "a@shop.example"), ("expired", "b@shop.example")):
        html, _ = status_page(app, client, state, email)
        assert "Send my invitation again" in html
        # The button posts to the status link itself: no address in any URL.
        assert re.search(r'action="/status/[^"]+/resend"', html)
        assert "@shop.example/" not in html and "email=" not in html


def test_invited_says_until_when_the_invitation_works(app, client):
    html, _ = status_page(app, client, "invited")
    assert re.search(r"It works until <strong>[A-Z][a-z]+day", html)


def test_joined_offers_log_in_help(app, client):
    html, _ = status_page(app, client, "joined")
    assert 'href="https://community.example-app.com/sign_in"' in html
    assert 'href="/help/login"' in html
    assert "Send my invitation again" not in html


def test_declined_gives_the_reason_and_the_reply_path(app, client):
    html, reference = status_page(app, client, "declined")
    assert DECLINE_REASON.replace("'", "&#39;") in html
    assert "Reply to the email we sent you" in html
    assert "Send my invitation again" not in html


def test_withdrawn_offers_to_join_again(app, client):
    html, _ = status_page(app, client, "withdrawn")
    assert 'href="/join"' in html
    assert "Send my invitation again" not in html


def test_a_tampered_link_offers_a_fresh_one(app, client):
    with app_session(app) as session:
        request = build_request(session, "invited", email="ana@shop.example")
        token = links.status_token(request)
    response = client.get(f"/status/{token[:-2]}xx")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This link doesn't work" in html
    assert 'action="/status"' in html and 'name="email"' in html


def test_a_link_to_nothing_at_all_offers_a_fresh_one(client):
    assert client.get("/status/not-a-token").status_code == 400


def test_an_expired_link_offers_a_fresh_one(app, client, monkeypatch):
    import time
    from types import SimpleNamespace

    with app_session(app) as session:
        request = build_request(session, "invited", email="ana@shop.example")
        token = links.status_token(request, max_age=60)
    later = time.time() + 120
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: later))
    response = client.get(f"/status/{token}")
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "This link has expired" in html
    assert 'action="/status"' in html


def test_a_link_signed_for_another_purpose_does_not_open_a_status_page(app, client):
    with app_session(app) as session:
        request = build_request(session, "invited", email="ana@shop.example")
        opt_out = links.opt_out_token(request)
    assert client.get(f"/status/{opt_out}").status_code == 400
