"""Accepting an invitation makes a member on the platform (fakes over loopback HTTP)."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from clock import utcnow
from models import CommunityProvisioning, MembershipRequest, ProvisioningStatus, RequestState
from services.community.provisioning import provision_due, retry_delay
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import TOKEN, circle_config
from tests.support.fake_discourse import API_KEY, discourse_config
from tests.support.forms import csrf_token_from
from tests.support.health import health_detail

ANA = "ana@myshop.example"



@pytest.fixture
def circle_app(app, fake_circle):
    set_platform(app, circle_config(fake_circle))
    return app


@pytest.fixture
def discourse_app(app, fake_discourse):
    set_platform(app, discourse_config(fake_discourse))
    return app


def press_join(client, token):
    """Open the invitation and press the button; a second press re-sends the same form."""
    if token not in _forms:
        _forms[token] = csrf_token_from(client.get(f"/invite/{token}").get_data(as_text=True))
    return client.post(f"/invite/{token}", data={"csrf_token": _forms[token]})


_forms = {}


def task_of(app, request_id):
    with app_session(app) as session:
        return session.scalar(
            select(CommunityProvisioning).where(CommunityProvisioning.request_id == request_id)
        )


def test_circle_member_made_at_once(circle_app, client, invited, fake_circle, outbox, get_row):
    request_id, token = invited
    response = press_join(client, token)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You're in, Ana Lima!" in html and ANA in html
    assert "has sent you an email to set your password" in html
    [member] = fake_circle.members_with(ANA)
    assert member["name"] == "Ana Lima"
    assert get_row(MembershipRequest, request_id).state == RequestState.JOINED
    task = task_of(circle_app, request_id)
    assert task.status == ProvisioningStatus.DONE and task.member_id == str(member["id"])
    [welcome] = outbox(kind="welcome")
    assert "separate email to set your password" in welcome.body_text
    # Pressing again (or a mail scanner first): same page, nobody added twice.
    again = press_join(client, token)
    assert again.status_code == 200 and "You're in" in again.get_data(as_text=True)
    assert len(fake_circle.members) == 1 and len(outbox(kind="welcome")) == 1


def test_circle_skip_invitation_says_to_set_a_password(circle_app, client, invited, fake_circle):
    set_platform(circle_app, CIRCLE_SKIP_INVITATION=True)
    html = press_join(client, invited[1]).get_data(as_text=True)
    assert "set your password</a>" in html
    assert fake_circle.members_with(ANA)[0]["skip_invitation"] is True


def test_circle_already_a_member(circle_app, client, invited, fake_circle, outbox):
    fake_circle.add_existing(ANA)
    html = press_join(client, invited[1]).get_data(as_text=True)
    assert "You're already a member" in html
    assert len(fake_circle.members) == 1
    assert task_of(circle_app, invited[0]).already_member
    assert "already had an account" in outbox(kind="welcome")[0].body_text


def test_discourse_sends_the_person_to_its_invite_link(discourse_app, client, invited,
                                                      fake_discourse, outbox):
    response = press_join(client, invited[1])
    [invite] = fake_discourse.invites_for(ANA)
    assert response.status_code == 303 and response.headers["Location"] == invite["link"]
    # The browser may follow the redirect: form-action allows the Discourse origin.
    assert fake_discourse.url in response.headers["Content-Security-Policy"]
    assert invite["link"] in outbox(kind="welcome")[0].body_text
    assert press_join(client, invited[1]).headers["Location"] == invite["link"]
    assert len(fake_discourse.invites) == 1
    # Opened again later: "Continue" goes to the invite link, not the forum's front page.
    page = client.get(f"/invite/{invited[1]}").get_data(as_text=True)
    assert f'href="{invite["link"]}"' in page


def test_discourse_existing_account(discourse_app, client, invited, fake_discourse):
    fake_discourse.add_user(ANA)
    html = press_join(client, invited[1]).get_data(as_text=True)
    assert "You're already a member" in html and fake_discourse.invites == []


@pytest.mark.parametrize(
    ("status", "headers", "at_least"),
    [(500, {}, 30), (503, {}, 30), (429, {"Retry-After": "600"}, 600)],
)
def test_platform_trouble_shows_finishing_and_retries_later(
    circle_app, client, invited, fake_circle, outbox, status, headers, at_least
):
    request_id, token = invited
    fake_circle.answer_next(status, {"message": "trouble"}, headers)
    before = utcnow()
    response = press_join(client, token)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "we're finishing your account" in html.lower() and "within minutes" in html
    task = task_of(circle_app, request_id)
    assert task.status == ProvisioningStatus.WAITING and task.attempts == 1
    assert task.next_attempt_at >= before + timedelta(seconds=at_least)
    assert task.last_error == f"{status}: trouble" and task.claimed_at is None
    assert outbox(kind="welcome") == [] and fake_circle.members == []
    # Not due yet: the background pass leaves it alone.
    with app_session(circle_app) as session:
        assert provision_due(session) == {}
    # Due: it is added, and the welcome email goes out with the way in.
    with app_session(circle_app) as session:
        counts = provision_due(session, now=utcnow() + timedelta(seconds=at_least * 2 + 1))
    assert counts == {"provisioned": 1}
    assert len(fake_circle.members_with(ANA)) == 1
    assert task_of(circle_app, request_id).status == ProvisioningStatus.DONE
    assert len(outbox(kind="welcome")) == 1


def test_a_stalling_platform_is_given_a_short_time(circle_app, client, invited, fake_circle):
    fake_circle.stall = 5
    started = utcnow()
    response = press_join(client, invited[1])
    assert (utcnow() - started).total_seconds() < 4
    assert "within minutes" in response.get_data(as_text=True)
    assert "did not answer" in task_of(circle_app, invited[0]).last_error


def test_connection_refused_shows_finishing(app, client, invited, refused_url):
    set_platform(app, COMMUNITY_PLATFORM="circle", CIRCLE_API_URL=refused_url,
                      CIRCLE_API_TOKEN=TOKEN)
    response = press_join(client, invited[1])
    assert response.status_code == 200 and "within minutes" in response.get_data(as_text=True)
    assert task_of(app, invited[0]).last_error == (
        "could not connect to Circle (ConnectionRefusedError)"
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "the API token is invalid (Your account could not be authenticated.)"),
     (403, "Member limit reached"), (422, "Name is invalid")],
)
def test_refusals_are_not_retried_and_reach_staff_and_healthz(
    circle_app, client, invited, fake_circle, caplog, status, message
):
    caplog.set_level(logging.INFO)
    fake_circle.answer_next(status, {"message": message.split("(")[-1].rstrip(")")})
    response = press_join(client, invited[1])
    assert response.status_code == 200 and "within minutes" in response.get_data(as_text=True)
    task = task_of(circle_app, invited[0])
    assert task.status == ProvisioningStatus.FAILED and task.last_error == f"{status}: {message}"
    with app_session(circle_app) as session:
        assert provision_due(session, now=utcnow() + timedelta(days=2)) == {}
    health = client.get("/healthz")  # a failing platform is an alert, not a reason to stop serving
    assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
    body = health_detail(circle_app, client)
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["community"]["platform"] == "failing: 1 refused"
    assert f"{status}: {message}" in caplog.text and TOKEN not in caplog.text


def test_gives_up_after_a_day(circle_app, client, invited, fake_circle):
    fake_circle.answer_next(500, times=2)
    press_join(client, invited[1])
    with app_session(circle_app) as session:
        provision_due(session, now=utcnow() + timedelta(hours=25))
    task = task_of(circle_app, invited[0])
    assert task.status == ProvisioningStatus.FAILED
    assert task.last_error.startswith("gave up after 2 tries: 500")


def test_retry_delay_grows_with_jitter_is_capped_and_follows_retry_after():
    assert retry_delay(1, rand=lambda: 0) == 30 and retry_delay(1, rand=lambda: 1) == 60
    assert retry_delay(3, rand=lambda: 1) == 240
    assert retry_delay(20, rand=lambda: 1) == 600  # capped: a recovered platform drains soon
    # The platform's own pace, however many tries came before (plus up to a second).
    assert retry_delay(20, retry_after=5, rand=lambda: 0) == 5
    assert retry_delay(1, retry_after=900, rand=lambda: 1) == 901


def test_with_no_platform_nothing_is_called(app, client, invited, outbox):
    response = press_join(client, invited[1])
    assert response.status_code == 303
    assert response.headers["Location"] == app.config["COMMUNITY_URL"]
    assert task_of(app, invited[0]) is None and len(outbox(kind="welcome")) == 1
    assert health_detail(app, client)["community"]["platform"] == "none"


def test_secrets_never_on_pages(discourse_app, client, invited, fake_discourse):
    fake_discourse.answer_next(200, [])
    fake_discourse.answer_next(403, {"errors": ["bad key"], "error_type": "invalid_access"})
    html = press_join(client, invited[1]).get_data(as_text=True)
    assert API_KEY not in html and API_KEY not in client.get("/healthz").get_data(as_text=True)
    assert API_KEY not in str(health_detail(discourse_app, client))


def test_a_misconfigured_platform_never_breaks_the_page(app, client, invited):
    set_platform(app, COMMUNITY_PLATFORM="circle", CIRCLE_SPACE_IDS="12,general")
    response = press_join(client, invited[1])
    assert response.status_code == 200 and "within minutes" in response.get_data(as_text=True)
    task = task_of(app, invited[0])
    assert task.status == ProvisioningStatus.FAILED
    assert task.last_error == "configuration: not an integer id: 'general'"
