"""One budget per client across the email forms, and a daily cap per mailbox (issue 22, finding 6).

Measured: after /resend answered 429 the same client still got /status,
/subdomain/email, /join and /facebook through, and a+1@, a+2@, ... each made a
new request that emailed the person and staff.
"""

import secrets

import pytest
from sqlalchemy import select

from extensions import limiter
from models import MembershipRequest
from services.mail.address_limits import allow_email_to, mailbox_of
from services.privacy.addresses import keyed_hash
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.worker import run_worker_pass

JOIN = {"name": "Ana Lima", "subdomain": "", "agree": "y"}
FORMS = [
    ("/join", {**JOIN, "email": "x@nowhere.example"}),
    ("/facebook", {**JOIN, "email": "x@nowhere.example", "facebook_name": "Ana L"}),
    ("/status", {"email": "x@nowhere.example", "reference": ""}),
    ("/subdomain/email", {"email": "x@nowhere.example"}),
    ("/resend", {"email": "x@nowhere.example"}),
]


def _post(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}).status_code


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_EMAIL_FORMS="3 per minute",
                        RATELIMIT_PER_ADDRESS="100 per minute",
                        RATELIMIT_KEY_PREFIX=f"budget-{secrets.token_hex(4)}")
def test_after_a_429_from_resend_every_email_form_answers_429(app, client):
    assert [_post(client, "/resend", {"email": f"r{i}@x.example"}) for i in range(4)] == [
        302, 302, 302, 429]
    assert {url: _post(client, url, data) for url, data in FORMS} == {
        url: 429 for url, _ in FORMS}
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert _post(other, "/join", FORMS[0][1]) == 303  # another client has its own budget


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_EMAIL_FORMS="3 per minute",
                        RATELIMIT_PER_ADDRESS="100 per minute",
                        RATELIMIT_KEY_PREFIX=f"budget-{secrets.token_hex(4)}")
def test_the_forms_spend_one_budget_between_them(client):
    statuses = [_post(client, url, data) for url, data in FORMS[:4]]
    assert statuses[:3] == [303, 303, 302] and statuses[3] == 429


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_EMAIL_FORMS="100 per minute",
                        RATELIMIT_PER_ADDRESS="3 per day",
                        RATELIMIT_KEY_PREFIX=f"budget-{secrets.token_hex(4)}")
def test_plus_tags_share_one_daily_cap_per_mailbox(app, client, outbox):
    for i in range(6):
        other = app.test_client()  # a browser of its own each time: no repeat shortcut
        assert _post(other, "/join", {**JOIN, "email": f"Ana+{i}@Shop.example"}) == 303
    run_worker_pass(app)
    with app_session(app) as session:
        emails = sorted(session.scalars(select(MembershipRequest.email)))
    assert emails == ["Ana+0@shop.example", "Ana+1@shop.example", "Ana+2@shop.example"]
    assert len(outbox(to="Ana+0@shop.example")) == 1  # the request keeps its tag
    assert {e.to_addr for e in outbox(kind="in_review")} == set(emails)
    assert _post(app.test_client(), "/join", {**JOIN, "email": "ben@shop.example"}) == 303


@pytest.mark.parametrize(("address", "mailbox"), [
    ("Ana+news@Shop.example", "ana@shop.example"),
    ("ana@shop.example", "ana@shop.example"),
    ("ana+a+b@shop.example", "ana@shop.example"),
    ("+only@shop.example", "+only@shop.example"),
])
def test_the_mailbox_is_the_canonical_address_without_its_tag(app, address, mailbox):
    with app.app_context():
        assert mailbox_of(address) == mailbox


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_PER_ADDRESS="3 per hour")
def test_the_limiter_keeps_only_a_keyed_hash_of_the_mailbox(app):
    with app.test_request_context():
        assert allow_email_to("ana+x@shop.example")
        keys = " ".join(str(key) for key in limiter.storage.storage)
        assert "ana" not in keys
        assert keyed_hash("ana@shop.example") in keys
