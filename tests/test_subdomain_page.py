"""The /subdomain page: the answer from the server, and “email me my subdomains”."""

import re
import secrets

import pytest

from tests.support.forms import CSRF_RE
from tests.support.worker import run_worker_pass


def body_of(response):
    return response.get_data(as_text=True)


def result_region(html):
    match = re.search(r'<div id="finder-result".*?</div>', html, re.S)
    assert match, "the page has no result region"
    return match.group(0)


def test_page_explains_where_the_subdomain_appears(client):
    html = body_of(client.get("/subdomain"))
    assert "<svg" in html and 'role="img"' in html and "address-bar-desc" in html
    assert "Paste any address from your account" in html
    assert 'aria-live="polite"' in html
    assert "Email me my subdomains" in html
    # The guide links to the answers it relies on.
    assert 'href="/faq/find-my-subdomain"' in html
    assert " style=" not in html


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("HTTPS://MyShop.Example-App.com:8443/orders?x=1", "Your subdomain is <strong>myshop</strong>."),
        ("www.myshop.example-app.com.", "Your subdomain is <strong>myshop</strong>."),
        ("evil.com/?x=myshop.example-app.com", "evil.com isn&#39;t on example-app.com"),
        ("https://myshop.example-app.com@evil.com/", "evil.com isn&#39;t on example-app.com"),
        ("https://community.example-app.com/c/1", "the community&#39;s own address"),
        ("javascript:alert(1)", "doesn&#39;t look like a web address"),
    ],
)
def test_the_server_answers_without_javascript(client, address, expected):
    response = client.get("/subdomain", query_string={"address": address})
    assert response.status_code == 200
    assert expected in result_region(body_of(response))


def test_an_empty_page_shows_no_answer(client):
    region = result_region(body_of(client.get("/subdomain")))
    assert "<p>" not in region


def test_what_was_typed_is_escaped(client):
    html = body_of(client.get("/subdomain", query_string={"address": "https://<b>x</b>.com"}))
    assert "<b>x</b>" not in html


# ---- “Email me my subdomains” ------------------------------------------------


@pytest.fixture
def accounts(make_account):
    make_account("myshop", "active", ["ana@shop.example", "ben@shop.example"])
    make_account("oldshop", "past_due", ["ana@shop.example"])
    make_account("tryshop", "trial", ["ana@shop.example", "tia@trial.example"])
    make_account("goneshop", "cancelled", ["ana@shop.example", "carl@gone.example"])


def without_csrf(html):
    return CSRF_RE.sub("", html)


@pytest.fixture
def ask(app, post_form):
    """Post the form, then one worker pass (it does the look-up and the email)."""

    def post(email):
        response = post_form("/subdomain/email", {"email": email}, page="/subdomain")
        response.get_data()
        run_worker_pass(app)
        return response

    return post


def test_the_answer_is_the_same_for_every_address(ask, accounts, outbox):
    answers = [
        ask(email)
        for email in (
            "ana@shop.example", "nobody@nowhere.example", "tia@trial.example", "carl@gone.example"
        )
    ]
    assert {r.status_code for r in answers} == {200}
    bodies = {without_csrf(body_of(r)) for r in answers}
    assert len(bodies) == 1
    assert "Check your email" in bodies.pop()
    # Only the user of paying accounts gets an email.
    assert [e.to_addr for e in outbox(kind="subdomains")] == ["ana@shop.example"]


def test_the_email_lists_only_paying_accounts(ask, accounts, outbox):
    ask("  Ana@Shop.Example ")
    (email,) = outbox(kind="subdomains")
    assert email.to_addr == "Ana@shop.example"  # the domain tidied
    for subdomain in ("myshop", "oldshop"):
        assert f"subdomain {subdomain} (https://{subdomain}.example-app.com)" in email.body_text
        assert f"https://{subdomain}.example-app.com" in email.body_html
    for subdomain in ("tryshop", "goneshop"):
        assert subdomain not in email.body_text + email.body_html
    assert email.subject == "Your Example App subdomains"
    assert "It belongs to 2 accounts:" in email.body_text


def test_the_worker_delivers_the_email(ask, accounts, outbox):
    ask("ben@shop.example")
    (email,) = outbox(kind="subdomains")
    assert email.status == "sent"


def test_a_bad_address_is_a_400_with_the_error_summary(ask, outbox):
    response = ask("not-an-address")
    assert response.status_code == 400
    html = body_of(response)
    assert "There is a problem" in html
    assert 'href="#email"' in html
    assert outbox() == []


def test_a_missing_csrf_token_is_refused(client, accounts, outbox):
    response = client.post("/subdomain/email", data={"email": "ana@shop.example"})
    assert response.status_code == 400
    assert outbox() == []


@pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    RATELIMIT_EMAIL_FORMS="100 per minute",
    RATELIMIT_PER_ADDRESS="2 per hour",
    RATELIMIT_KEY_PREFIX=f"guides-{secrets.token_hex(4)}",
)
def test_the_per_address_limit_is_silent(ask, accounts, outbox):
    answers = [ask("ana@shop.example") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert len({without_csrf(body_of(r)) for r in answers}) == 1
    assert len(outbox(kind="subdomains")) == 2


@pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    RATELIMIT_EMAIL_FORMS="2 per minute",
    RATELIMIT_KEY_PREFIX=f"guides-{secrets.token_hex(4)}",
)
def test_the_form_is_limited_per_client(ask, accounts):
    statuses = [ask(f"x{i}@nowhere.example").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
