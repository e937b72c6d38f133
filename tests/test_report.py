"""Anonymous reports: nothing identifying stored or logged; the follow-up code."""

import logging
import re
import secrets

import pytest
from sqlalchemy import inspect, select

from models import Report
from services.reports.intake import close_report, find_report
from services.tokens import hash_secret

POST = "https://community.example-app.com/c/general/posts/42"
DESCRIPTION = (
    "The post lists a customer's phone number. Written by reporter "
    "zoe.private@reporter.example, please don't tell them it was me."
)
CODE_RE = re.compile(r'<p class="report-code reference">([A-Za-z0-9_-]{43})</p>')


def send(post_form, **overrides):
    data = {"post_url": POST, "guideline": "protect-customer-data", "description": DESCRIPTION}
    data.update(overrides)
    return post_form("/report", data)


def send_and_read_code(client, post_form):
    response = send(post_form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/report/thanks")
    html = client.get("/report/thanks").get_data(as_text=True)
    return CODE_RE.search(html).group(1)


def all_reports(use_session):
    with use_session() as session:
        return list(session.scalars(select(Report)))


def test_the_form_says_it_is_anonymous_and_offers_the_guidelines(client):
    html = client.get("/report").get_data(as_text=True)
    assert "Your report is anonymous" in html
    assert "IP address" in html and "name or email address" in html
    assert '<option value="protect-customer-data">Keep customer data private</option>' in html
    assert '<option value="other">Something else</option>' in html
    assert "community.example-app.com" in html  # the suggested host
    assert 'href="/faq/report-guideline-breach"' in html
    assert 'href="/guidelines"' in html


def test_a_report_stores_no_identifying_data(client, post_form, use_session):
    code = send_and_read_code(client, post_form)
    columns = {column.key for column in inspect(Report).columns}
    assert columns == {
        "id", "code_hash", "post_url", "guideline", "description", "status", "outcome_note",
        "created_at", "closed_at",
    }
    (report,) = all_reports(use_session)
    assert report.post_url == POST
    assert report.guideline == "protect-customer-data"
    assert report.description == DESCRIPTION
    assert report.status == "open"
    assert report.code_hash == hash_secret(code)
    values = [str(getattr(report, name)) for name in columns]
    for value in values:
        assert code not in value
        assert "127.0.0.1" not in value
        assert "werkzeug" not in value.lower()


def test_nothing_identifying_reaches_the_logs(app, client, post_form, caplog):
    loggers = [logging.getLogger(name) for name in ("lobby", "services", "werkzeug", "flask")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    try:
        code = send_and_read_code(client, post_form)
        client.get(f"/report/{code}")
        client.get("/report/" + "x" * 43)
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /report 303" in logged  # the request log was captured
    assert code not in logged
    assert "phone number" not in logged
    assert "zoe.private" not in logged and "reporter.example" not in logged
    assert "/report/[secret]" in logged


def test_the_code_is_shown_once(client, post_form, app):
    code = send_and_read_code(client, post_form)
    again = client.get("/report/thanks").get_data(as_text=True)
    assert code not in again
    assert "only once" in again
    # Nor does it linger in the session cookie.
    cookie = client.get_cookie("session")
    if cookie is not None:
        data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        assert code not in str(data)


def test_the_confirmation_links_to_the_follow_up_page(client, post_form):
    send(post_form)
    html = client.get("/report/thanks").get_data(as_text=True)
    code = CODE_RE.search(html).group(1)
    assert f'href="/report/{code}"' in html


def test_the_follow_up_code_shows_an_open_report(client, post_form):
    code = send_and_read_code(client, post_form)
    response = client.get(f"/report/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Open" in html and "Keep customer data private" in html
    assert DESCRIPTION not in html  # what the reporter wrote is not echoed back


def test_a_closed_report_shows_the_outcome(client, post_form, use_session):
    code = send_and_read_code(client, post_form)
    with use_session() as session:
        close_report(session, find_report(session, code), "We removed the post and warned the author.")
    html = client.get(f"/report/{code}").get_data(as_text=True)
    assert "Closed" in html
    assert "We removed the post and warned the author." in html


@pytest.mark.parametrize(
    "code",
    [secrets.token_urlsafe(32), "short", "x" * 44, "a" * 42 + "!"],
)
def test_an_unknown_or_malformed_code_is_a_404(client, post_form, code):
    send_and_read_code(client, post_form)
    response = client.get(f"/report/{code}")
    assert response.status_code == 404
    assert "We can't find that report" in response.get_data(as_text=True)


def test_a_code_with_null_bytes_is_refused_before_any_lookup(client):
    # The request guard answers 400 for NUL bytes anywhere in the request.
    assert client.get("/report/" + "%00" * 10).status_code == 400


def test_the_check_form_leads_to_the_report(client, post_form):
    code = send_and_read_code(client, post_form)
    response = post_form("/report/check", {"code": f"  {code} "}, page="/report")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/report/{code}")


def test_the_check_form_needs_a_code(post_form):
    response = post_form("/report/check", {"code": ""}, page="/report")
    assert response.status_code == 400
    assert "Enter your follow-up code" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"post_url": "javascript:alert(1)"}, "Enter a link that starts with https://"),
        ({"post_url": "ftp://community.example-app.com/x"}, "Enter a link that starts with https://"),
        ({"post_url": "community.example-app.com/x"}, "Enter a link that starts with https://"),
        ({"post_url": ""}, "Paste the link to the post"),
        ({"guideline": ""}, "Choose a guideline"),
        ({"guideline": "made-up"}, "Not a valid choice"),
        ({"description": ""}, "Tell us what happened"),
        ({"description": "x" * 4001}, "4,000 characters or fewer"),
    ],
)
def test_invalid_reports_are_a_400_with_the_error(post_form, use_session, overrides, message):
    response = send(post_form, **overrides)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert message in html
    assert all_reports(use_session) == []


def test_a_link_to_another_site_is_allowed(client, post_form, use_session):
    response = send(post_form, post_url="https://www.linkedin.example/posts/1", guideline="other")
    assert response.status_code == 303
    (report,) = all_reports(use_session)
    assert report.guideline == "other"


@pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    RATELIMIT_REPORTS="2 per minute",
    RATELIMIT_KEY_PREFIX=f"guides-report-{secrets.token_hex(4)}",
)
def test_reports_are_limited_per_client(post_form, use_session):
    statuses = [send(post_form).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert len(all_reports(use_session)) == 2
