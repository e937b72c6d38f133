"""The connector believes only what it has checked (fakes misbehaving over loopback HTTP).

Each test is one way a platform, or a proxy in front of it, answers something
other than the documented happy path; each fails if its guard is removed.
"""

import time

import pytest
from sqlalchemy import select

from models import CommunityProvisioning, MembershipRequest, ProvisioningStatus, RequestState
from services.community import Refused, Retryable, Unexpected, connector_for
from services.community.provisioning import retry_all
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import TOKEN, circle_config
from tests.support.fake_discourse import API_KEY, discourse_config
from tests.support.fake_http import Canned, html_page
from tests.support.forms import csrf_token_from
from tests.support.staff import sign_in

ANA = "ana@myshop.example"
SECRET_HEADERS = ("Authorization", "Api-Key", "Api-Username")


def press_join(client, token):
    form = csrf_token_from(client.get(f"/invite/{token}").get_data(as_text=True))
    return client.post(f"/invite/{token}", data={"csrf_token": form})


def task_of(app, request_id):
    with app_session(app) as session:
        return session.scalar(
            select(CommunityProvisioning).where(CommunityProvisioning.request_id == request_id)
        )


def assert_not_in_yet(app, client, response, request_id, outbox):
    """The person is told we're finishing, not that they are in; no welcome email."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.headers.get("Location")
    assert "within minutes" in html and "You're already a member" not in html
    assert outbox(kind="welcome") == []
    task = task_of(app, request_id)
    assert task.status == ProvisioningStatus.WAITING and task.claimed_at is None
    return task


def redirect_to(elsewhere, path="/anything"):
    return Canned(307, {"moved": True}, {"Location": f"{elsewhere.url}{path}"})


# Redirects are never followed ----------------------------------------------------------


def test_discourse_redirect_to_another_host_keeps_the_key_home(
    app, client, invited, fake_discourse, elsewhere, outbox
):
    set_platform(app, discourse_config(fake_discourse))
    fake_discourse.send_next(redirect_to(elsewhere, "/invites.json"))
    response = press_join(client, invited[1])
    task = assert_not_in_yet(app, client, response, invited[0], outbox)
    assert elsewhere.calls == [], "a redirect was followed"
    port = elsewhere.url.rsplit(":", 1)[1]
    assert task.last_error.startswith("307: Discourse redirected /invites.json to 127.0.0.1:")
    assert port in task.last_error and task.way_in_url is None
    assert API_KEY not in task.last_error


@pytest.mark.parametrize("status", [302, 307])
@pytest.mark.parametrize("call", ["find_member", "provision"])
def test_circle_redirects_are_failures_naming_the_host(fake_circle, elsewhere, status, call):
    fake_circle.send_next(Canned(status, None, {"Location": f"{elsewhere.url}/x"}))
    connector = connector_for(circle_config(fake_circle), 1)
    with pytest.raises(Unexpected, match=f"^{status}: Circle redirected .* to 127.0.0.1:"):
        getattr(connector, call)(ANA, "Ana") if call == "provision" else connector.find_member(ANA)
    assert elsewhere.calls == [] and fake_circle.members == []


def test_no_secret_header_reaches_another_origin_even_via_sync(
    app, runner, fake_circle, elsewhere
):
    # Whatever call is redirected, the other origin is never asked anything.
    set_platform(app, circle_config(fake_circle))
    fake_circle.send_next(redirect_to(elsewhere), times=3)
    result = runner.invoke(args=["community", "check"])
    assert result.exit_code == 1 and "redirected /community to 127.0.0.1:" in result.output
    assert not any(h in call[4] for call in elsewhere.calls for h in SECRET_HEADERS)
    assert elsewhere.calls == []


@pytest.mark.parametrize(
    ("setting", "url", "allowed"),
    [
        ("CIRCLE_API_URL", "http://circle.example.com/api/admin/v2", False),
        ("CIRCLE_API_URL", "https://app.circle.so/api/admin/v2", True),
        ("CIRCLE_API_URL", "http://127.0.0.1:9/api", True),
        ("DISCOURSE_URL", "http://forum.example.com", False),
        ("DISCOURSE_URL", "http://[::1]:9", True),
        ("DISCOURSE_URL", "ftp://forum.example.com", False),
    ],
)
def test_the_base_url_must_be_https_outside_loopback(setting, url, allowed):
    platform = "circle" if setting.startswith("CIRCLE") else "discourse"
    connector = connector_for({"COMMUNITY_PLATFORM": platform, setting: url}, 1)
    assert (connector.name.lower() == platform) and allowed == hasattr(connector, "attempt")
    if not allowed:
        with pytest.raises(Refused, match=f"^configuration: {setting} must start with https://"):
            connector.provision(ANA, "Ana")
    development = {"COMMUNITY_PLATFORM": platform, setting: url, "IS_DEVELOPMENT": True}
    if url.startswith("http:"):
        assert hasattr(connector_for(development, 1), "attempt")


# Only answers of the documented shape count ------------------------------------------

WRONG_SHAPES = {
    "html": html_page(),
    "broken json": Canned(200, raw=b'{"id": 12, "email": '),
    "json without id": Canned(200, {"email": ANA, "name": "Ana"}),
    "a bool for an id": Canned(200, {"id": True, "email": ANA}),
    "someone else": Canned(200, {"id": 7, "email": "ben@myshop.example"}),
}


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_circle_look_up_of_the_wrong_shape_is_unexpected(fake_circle, shape):
    fake_circle.send_next(WRONG_SHAPES[shape])
    with pytest.raises(Unexpected, match="^200: Circle answered something unexpected"):
        connector_for(circle_config(fake_circle), 1).find_member(ANA)


@pytest.mark.parametrize("shape", ["html", "broken json"])
def test_screening_treats_an_unreadable_look_up_as_cannot_tell(
    app, fake_circle, make_account, make_request, outbox, get_row, shape
):
    set_platform(app, circle_config(fake_circle))
    make_account("myshop", "active", [ANA])
    fake_circle.send_next(WRONG_SHAPES[shape])
    request_id = make_request(name="Ana Lima", email=ANA)
    # Screened as before: a paying user is invited, never marked joined.
    assert get_row(MembershipRequest, request_id).state == RequestState.INVITED
    assert outbox(kind="already_member") == [] and len(outbox(kind="invitation")) == 1


@pytest.mark.parametrize("platform", ["circle", "discourse"])
@pytest.mark.parametrize("shape", ["html", "broken json", "json without id"])
def test_an_add_answered_with_the_wrong_shape_is_retried_and_shown_masked(
    app, client, invited, fake_circle, fake_discourse, outbox, make_staff, platform, shape
):
    fake = fake_circle if platform == "circle" else fake_discourse
    set_platform(app, circle_config(fake) if platform == "circle" else discourse_config(fake))
    secret = TOKEN if platform == "circle" else API_KEY  # a page echoing our own credential
    page = f"<html><title>Sign in</title> for {ANA} with {secret} " + "x" * 400
    bodies = {
        "html": html_page(200, page),
        "broken json": Canned(200, raw=b'{"community_member": {"id": '),
        "json without id": Canned(200 if platform == "discourse" else 201, {"ok": True}),
    }
    fake.send_next(bodies[shape])
    task = assert_not_in_yet(app, client, press_join(client, invited[1]), invited[0], outbox)
    status = "201" if shape == "json without id" and platform == "circle" else "200"
    expected = f"{status}: {platform.title()} answered something unexpected from "
    assert task.last_error.startswith(expected), task.last_error
    assert task.next_attempt_at > task.last_attempt_at  # retried with backoff
    if shape == "html":
        shown = task.last_error.split(": ", 3)[-1]
        assert "a***@myshop.example" in shown and ANA not in shown
        assert TOKEN not in shown and API_KEY not in shown and len(shown) <= 202
        sign_in(client, make_staff)
        staff_page = client.get(f"/staff/requests/{invited[0]}").get_data(as_text=True)
        assert "answered something unexpected" in staff_page and "a***@myshop.example" in staff_page
        assert secret not in staff_page


def test_a_discourse_invite_link_off_our_platform_is_refused(
    app, client, invited, fake_discourse, outbox
):
    set_platform(app, discourse_config(fake_discourse))
    fake_discourse.answer_next(200, {"id": 5, "link": "https://evil.example/invites/abc"})
    response = press_join(client, invited[1])
    assert response.status_code == 200  # nobody is sent off our platform
    assert "evil.example" not in response.get_data(as_text=True)
    task = task_of(app, invited[0])
    assert task.status == ProvisioningStatus.FAILED and task.way_in_url is None
    assert "not on DISCOURSE_URL" in task.last_error
    assert outbox(kind="welcome") == []


# One deadline per attempt ---------------------------------------------------------------


def test_a_dripping_answer_cannot_hold_the_accept_page(
    app, client, invited, fake_circle, outbox
):
    set_platform(app, circle_config(fake_circle, COMMUNITY_TIMEOUT=2))
    body = b'{"community_member": {"id": 1, "email": "ana@myshop.example"}}' + b" " * 30
    fake_circle.send_next(Canned(201, raw=body, drip=1.0))
    started = time.monotonic()
    response = press_join(client, invited[1])
    took = time.monotonic() - started
    assert took < 2 + 1, f"the accept answered after {took:.2f} s"
    task = assert_not_in_yet(app, client, response, invited[0], outbox)
    assert task.last_error == "Circle did not answer within 2 s"
    assert task.add_maybe_sent  # the add may have arrived: the next attempt looks first


def test_one_deadline_covers_every_call_of_an_attempt(fake_circle):
    # The add's 422 leads to a look-up; both share one deadline, not one each.
    fake_circle.answer_next(422, {"message": "Email has already been taken"})
    found = b'{"id": 1, "email": "' + ANA.encode() + b'"}' + b" " * 40
    fake_circle.send_next(Canned(200, raw=found, drip=0.05))  # 3 s for the whole body
    started = time.monotonic()
    with pytest.raises(Retryable, match="did not answer within 1 s"):
        connector_for(circle_config(fake_circle), 1).provision(ANA, "Ana")
    assert time.monotonic() - started < 1.6


# "Already there" is decided by looking -------------------------------------------------


def test_discourse_generic_422_for_an_existing_user_is_a_member(fake_discourse):
    fake_discourse.hide_email_taken = True
    fake_discourse.add_user(ANA)
    result = connector_for(discourse_config(fake_discourse), 1).provision(ANA, "Ana")
    assert result.already_member and fake_discourse.invites == []


def test_discourse_existing_invite_old_version_failed_gets_that_invite(fake_discourse):
    connector = connector_for(discourse_config(fake_discourse), 1)
    first = connector.provision(ANA, "Ana")
    fake_discourse.old_version = True
    again = connector_for(discourse_config(fake_discourse), 1).provision(ANA, "Ana")
    assert again.link == first.link and not again.already_member
    assert len(fake_discourse.invites) == 1


def test_discourse_current_reinvite_answers_the_same_link(fake_discourse):
    first = connector_for(discourse_config(fake_discourse), 1).provision(ANA, "Ana")
    again = connector_for(discourse_config(fake_discourse), 1).provision(ANA, "Ana")
    assert again.link == first.link and len(fake_discourse.invites) == 1


def test_discourse_reinvite_limit_is_retryable(fake_discourse):
    fake_discourse.answer_next(429, {"errors": ["too many"], "extras": {"wait_seconds": 30}})
    with pytest.raises(Retryable) as raised:
        connector_for(discourse_config(fake_discourse), 1).provision(ANA, "Ana")
    assert raised.value.retry_after == 30.0


def test_a_member_our_timed_out_add_created_is_welcomed_as_new(
    app, client, invited, fake_circle, outbox
):
    set_platform(app, circle_config(fake_circle))
    fake_circle.stall = 1.5  # the add arrives, but its answer comes too late
    response = press_join(client, invited[1])
    task = assert_not_in_yet(app, client, response, invited[0], outbox)
    assert task.add_maybe_sent
    deadline = time.monotonic() + 10
    while not fake_circle.members and time.monotonic() < deadline:
        time.sleep(0.05)
    fake_circle.stall = 0
    calls_before = len(fake_circle.calls)
    with app_session(app) as session, app.app_context():
        assert retry_all(session)["provisioned"] == 1
    # It looked first (the add may have arrived) and found the one our add made.
    assert [c[0] for c in fake_circle.calls[calls_before:]] == ["GET"]
    assert len(fake_circle.members_with(ANA)) == 1
    task = task_of(app, invited[0])
    assert task.status == ProvisioningStatus.DONE and not task.already_member
    [welcome] = outbox(kind="welcome")
    assert "already had an account" not in welcome.body_text


def test_an_ordinary_retry_adds_straight_away(app, client, invited, fake_circle, outbox):
    set_platform(app, circle_config(fake_circle))
    fake_circle.answer_next(503, {"message": "maintenance"})
    press_join(client, invited[1])
    assert not task_of(app, invited[0]).add_maybe_sent  # a definite answer: nothing arrived
    with app_session(app) as session, app.app_context():
        retry_all(session)
    assert [c[0] for c in fake_circle.calls] == ["POST", "POST"]
    assert len(fake_circle.members_with(ANA)) == 1


def test_calls_keep_to_the_platform_rate(fake_discourse):
    connector = connector_for(discourse_config(fake_discourse, COMMUNITY_REQUESTS_PER_MINUTE=600), 5)
    started = time.monotonic()
    for _ in range(5):
        connector.find_member(ANA)
    assert time.monotonic() - started >= 4 * 0.1  # 600 a minute: 0.1 s apart
    # A wait that would pass the attempt's deadline is a retry, not a late answer.
    slow = connector_for(discourse_config(fake_discourse, COMMUNITY_REQUESTS_PER_MINUTE=1), 1)
    slow.find_member(ANA)
    with pytest.raises(Retryable, match="rate limit"):
        slow.find_member(ANA)


@pytest.mark.parametrize(
    "answer",
    [html_page(), Canned(200, raw=b'[{"id": 1, "email": '), Canned(200, [{"id": 1}]),
     Canned(200, {"users": []}), Canned(200, [{"email": ANA}]), Canned(200, [{"id": "1", "email": ANA}])],
    ids=["html", "broken json", "no email", "not a list", "no id", "a text id"],  # as for Circle
)
def test_discourse_look_up_of_the_wrong_shape_is_unexpected(fake_discourse, answer):
    fake_discourse.send_next(answer)
    with pytest.raises(Unexpected, match="^200: Discourse answered something unexpected"):
        connector_for(discourse_config(fake_discourse), 1).find_member(ANA)
