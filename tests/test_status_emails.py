"""The emails a re-send can send: what each one tells the person."""

import pytest

from services.mail import emails
from tests.support.builders import DECLINE_REASON, build_request


@pytest.fixture
def rendered(use_session):
    def render(state, send):
        with use_session() as session:
            request = build_request(session, state, email=f"{state}@shop.example")
            email = send(session, request)
            return email.subject, email.body_text, email.body_html, request.reference

    return render


def test_declined_gives_the_reason_and_the_reply_path(rendered):
    subject, text, html, reference = rendered("declined", emails.send_declined)
    assert reference in subject
    assert DECLINE_REASON in text
    assert "reply to this email" in text.lower()
    assert "We couldn&#39;t find a paying account" in html
    assert "http://localhost/status/" in text  # every request email carries its status link


def test_declined_without_a_written_reason_still_says_why(rendered, use_session):
    def send(session, request):
        request.decline_reason = None
        return emails.send_declined(session, request)

    _subject, text, _html, _ref = rendered("declined", send)
    assert "couldn't match your address to a paying" in text


def test_login_help_says_how_to_log_in(rendered):
    subject, text, html, _ref = rendered("joined", emails.send_login_help)
    assert "already a member" in subject
    assert "https://community.example-app.com/sign_in" in text
    assert "https://community.example-app.com/password/new" in text
    assert "http://localhost/help/login" in text
    assert 'href="https://community.example-app.com/sign_in"' in html


def test_review_status_gives_the_due_date(rendered):
    _subject, text, _html, _ref = rendered("in_review", emails.send_review_status)
    assert "You'll hear from us by " in text
    assert "sorry" not in text


def test_review_status_apologises_when_overdue(rendered):
    _subject, text, _html, _ref = rendered("overdue", emails.send_review_status)
    assert "we're sorry we haven't" in text
    assert "Reply to this email" in text
