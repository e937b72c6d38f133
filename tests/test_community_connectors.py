"""Each connector against a fake of its documented API, over real HTTP on loopback."""

import logging
import time

import pytest

from services.community import NoPlatform, Refused, Retryable, connector_for
from services.community.circle import CircleConnector
from services.community.discourse import DiscourseConnector
from tests.support.fake_circle import TOKEN, circle_config
from tests.support.fake_discourse import API_KEY, discourse_config


def circle(fake, **extra):
    return connector_for(circle_config(fake, **extra), timeout=1)


def discourse(fake, **extra):
    return connector_for(discourse_config(fake, **extra), timeout=1)


def test_connector_for_picks_the_platform(fake_circle, fake_discourse):
    assert isinstance(connector_for({}), NoPlatform)
    assert isinstance(circle(fake_circle), CircleConnector)
    assert isinstance(discourse(fake_discourse), DiscourseConnector)
    # Settings it cannot read refuse every call with the reason (nothing crashes).
    with pytest.raises(Refused, match="^configuration: COMMUNITY_PLATFORM must be one of"):
        connector_for({"COMMUNITY_PLATFORM": "slack"}).provision("a@b.example", "A")
    bad_ids = {"COMMUNITY_PLATFORM": "circle", "CIRCLE_SPACE_IDS": "12,general"}
    with pytest.raises(Refused, match="not an integer id: 'general'"):
        connector_for(bad_ids).check()


@pytest.mark.parametrize("platform, setting", [
    ("circle", "CIRCLE_SPACE_GROUP_IDS"),
    ("discourse", "DISCOURSE_GROUP_IDS"),
])
def test_both_platforms_refuse_a_group_id_that_is_not_a_number(fake_discourse, platform, setting):
    config = {"COMMUNITY_PLATFORM": platform, setting: "4,staff",
              "DISCOURSE_URL": fake_discourse.url, "DISCOURSE_API_KEY": "k"}
    with pytest.raises(Refused, match="not an integer id: 'staff'"):
        connector_for(config).check()


# Circle ---------------------------------------------------------------------


def test_circle_adds_a_new_member_with_spaces(fake_circle):
    connector = circle(fake_circle, CIRCLE_SPACE_IDS="11, 12", CIRCLE_SPACE_GROUP_IDS="21")
    result = connector.provision("ana@myshop.example", "Ana Lima")
    assert not result.already_member and result.link is None
    [member] = fake_circle.members_with("ana@myshop.example")
    assert member["name"] == "Ana Lima"
    assert member["space_ids"] == [11, 12] and member["space_group_ids"] == [21]
    assert member["skip_invitation"] is False
    assert result.member_id == str(member["id"])
    # Added straight away: no look-up first (it would double the calls on Circle's quota).
    [(method, path, _query, _body, headers)] = fake_circle.calls
    assert (method, path) == ("POST", "/community_members")
    assert headers["Authorization"] == f"Bearer {TOKEN}"


def test_circle_auth_scheme_can_be_token(fake_circle):
    fake_circle.token = TOKEN
    connector = circle(fake_circle, CIRCLE_AUTH_SCHEME="Token")
    with pytest.raises(Refused):  # the fake expects Bearer: the header really changed
        connector.find_member("ana@myshop.example")
    assert fake_circle.calls[-1][4]["Authorization"] == f"Token {TOKEN}"


def test_circle_existing_member_is_not_added_again(fake_circle):
    fake_circle.add_existing("Ana@MyShop.example")
    result = circle(fake_circle).provision("ana@myshop.example", "Ana Lima")
    assert result.already_member and result.member_id == str(fake_circle.members[0]["id"])
    assert len(fake_circle.members) == 1
    # The add's 422 led to a look-up: "already there" is decided by looking.
    assert [c[0] for c in fake_circle.calls] == ["POST", "GET"]


def test_circle_422_saying_already_is_not_a_member_unless_found(fake_circle):
    fake_circle.answer_next(422, {"message": "Email has already been taken"})
    with pytest.raises(Refused, match="^422: Email has already been taken$"):
        circle(fake_circle).provision("ana@myshop.example", "Ana")
    assert [c[0] for c in fake_circle.calls] == ["POST", "GET"]


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "words", "retry_after"),
    [
        (401, {"message": "Your account could not be authenticated."}, {}, Refused,
         "401: the API token is invalid (Your account could not be authenticated.)", None),
        (403, {"message": "You have reached the member limit of your plan."}, {}, Refused,
         "403: You have reached the member limit of your plan.", None),
        (422, {"message": "Name is too long"}, {}, Refused, "422: Name is too long", None),
        (429, {"message": "Rate limit exceeded"}, {"Retry-After": "120"}, Retryable,
         "429: Rate limit exceeded", 120.0),
        (500, None, {}, Retryable, "500: no message", None),
    ],
)
def test_circle_errors_on_add(fake_circle, status, body, headers, error, words, retry_after):
    fake_circle.answer_next(status, body, headers)
    with pytest.raises(error) as raised:
        circle(fake_circle).provision("ana@myshop.example", "Ana Lima")
    assert raised.value.message == words and raised.value.status == status
    if error is Retryable:
        assert raised.value.retry_after == retry_after
    assert fake_circle.members == []
    assert TOKEN not in str(raised.value)


def test_circle_stalling_times_out_as_retryable(fake_circle):
    fake_circle.stall = 5
    started = time.monotonic()
    with pytest.raises(Retryable, match="did not answer within 0.3 s"):
        connector_for(circle_config(fake_circle), timeout=0.3).provision("a@b.example", "A")
    assert time.monotonic() - started < 2


def test_circle_connection_refused_is_retryable(refused_url):
    config = {"COMMUNITY_PLATFORM": "circle", "CIRCLE_API_URL": refused_url,
              "CIRCLE_API_TOKEN": TOKEN}
    with pytest.raises(Retryable, match="could not connect to Circle") as raised:
        connector_for(config, timeout=1).find_member("a@b.example")
    assert TOKEN not in repr(raised.value) and raised.value.__cause__ is None


def test_circle_check_reports_the_community_and_missing_spaces(fake_circle):
    report = circle(fake_circle, CIRCLE_SPACE_IDS="11,99", CIRCLE_SPACE_GROUP_IDS="21").check()
    assert report.community == "Example Fake Community"
    assert report.found == ["space 11", "space group 21"] and report.missing == ["space 99"]


def test_circle_check_with_a_bad_token(fake_circle):
    with pytest.raises(Refused, match="^401: "):
        circle(fake_circle, CIRCLE_API_TOKEN="wrong").check()


# Discourse ------------------------------------------------------------------


def test_discourse_invites_a_new_member_and_returns_the_link(fake_discourse):
    connector = discourse(fake_discourse, DISCOURSE_GROUP_IDS="41,42")
    result = connector.provision("ana@myshop.example", "Ana Lima")
    [invite] = fake_discourse.invites_for("ana@myshop.example")
    assert result.link == invite["link"] and not result.already_member
    assert invite["skip_email"] is True and invite["group_ids"] == "41,42"
    [(method, path, _query, _body, headers)] = fake_discourse.calls
    assert (method, path) == ("POST", "/invites.json")
    assert headers["Api-Key"] == API_KEY and headers["Api-Username"] == "system"


def test_discourse_look_up_keeps_only_the_exact_address(fake_discourse):
    fake_discourse.add_user("joana@myshop.example")
    connector = discourse(fake_discourse)
    assert connector.find_member("ana@myshop.example") is None
    assert connector.find_member("JOANA@myshop.example").email == "joana@myshop.example"


def test_discourse_existing_account_is_already_a_member(fake_discourse):
    fake_discourse.add_user("ana@myshop.example")
    assert discourse(fake_discourse).provision("ana@myshop.example", "Ana").already_member
    assert fake_discourse.invites == []
    # A 422 whose words say "already" but nobody is found: refused, never "a member".
    fake_discourse.answer_next(422, {"errors": ["already exists"], "error_type": "x"})
    with pytest.raises(Refused, match="already exists"):
        discourse(fake_discourse).provision("ben@myshop.example", "Ben")


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "words", "retry_after"),
    [
        (403, {"errors": ["The API username or key is invalid."], "error_type": "invalid_access"},
         {}, Refused,
         "403: the API key or username is invalid (The API username or key is invalid.)", None),
        (422, {"errors": ["Email is invalid"], "error_type": "invalid_email"}, {}, Refused,
         "422: Email is invalid", None),
        (429, {"errors": ["You've performed this action too many times."],
               "error_type": "rate_limit", "extras": {"wait_seconds": 42}}, {}, Retryable,
         "429: You've performed this action too many times.", 42.0),
        (429, {"errors": ["Slow down."], "extras": {"wait_seconds": 42}},
         {"Retry-After": "7"}, Retryable, "429: Slow down.", 7.0),
        (502, None, {}, Retryable, "502: no message", None),
    ],
)
def test_discourse_errors_on_add(fake_discourse, status, body, headers, error, words, retry_after):
    fake_discourse.answer_next(status, body, headers)
    with pytest.raises(error) as raised:
        discourse(fake_discourse).provision("ana@myshop.example", "Ana Lima")
    assert raised.value.message == words
    if error is Retryable:
        assert raised.value.retry_after == retry_after
    assert fake_discourse.invites == []
    assert API_KEY not in str(raised.value)


def test_discourse_bad_key_is_refused(fake_discourse):
    with pytest.raises(Refused, match="^403: .*invalid"):
        discourse(fake_discourse, DISCOURSE_API_KEY="wrong").find_member("a@b.example")


def test_discourse_timeout_and_refused_connection(fake_discourse, refused_url):
    fake_discourse.stall = 5
    with pytest.raises(Retryable, match="did not answer"):
        connector_for(discourse_config(fake_discourse), timeout=0.3).find_member("a@b.example")
    config = discourse_config(fake_discourse, DISCOURSE_URL=refused_url)
    with pytest.raises(Retryable, match="could not connect to Discourse"):
        connector_for(config, timeout=1).provision("a@b.example", "A")


def test_discourse_check(fake_discourse):
    report = discourse(fake_discourse, DISCOURSE_GROUP_IDS="41,77").check()
    assert report.community == "Example Fake Forum"
    assert report.found == ["group 41"] and report.missing == ["group 77"]
    with pytest.raises(Refused, match="^403"):
        discourse(fake_discourse, DISCOURSE_API_KEY="nope").check()


def test_no_call_logs_a_secret(fake_circle, fake_discourse, caplog):
    caplog.set_level(logging.DEBUG)
    fake_circle.answer_next(500)
    with pytest.raises(Retryable):
        circle(fake_circle).find_member("a@b.example")
    discourse(fake_discourse).find_member("a@b.example")
    assert TOKEN not in caplog.text and API_KEY not in caplog.text
