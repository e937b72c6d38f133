"""`flask community check|retry|sync` against the fake platforms."""

from datetime import timedelta

from sqlalchemy import select

from clock import utcnow
from models import CommunityProvisioning, MembershipRequest, ProvisioningStatus, RequestState
from services.community.provisioning import start_provisioning
from tests.support.builders import build_request, join_request
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import circle_config
from tests.support.fake_discourse import discourse_config


def test_check_with_no_platform(runner):
    result = runner.invoke(args=["community", "check"])
    assert result.exit_code == 0 and "Platform: none" in result.output


def test_check_circle_all_well(app, runner, fake_circle):
    set_platform(app, circle_config(fake_circle, CIRCLE_SPACE_IDS="11", CIRCLE_SPACE_GROUP_IDS="21"))
    result = runner.invoke(args=["community", "check"])
    assert result.exit_code == 0, result.output
    assert "Platform: circle" in result.output
    assert "Community: Example Fake Community" in result.output
    assert "space 11: exists" in result.output and "All is well." in result.output


def test_check_circle_bad_token_is_one_line_and_exit_1(app, runner, fake_circle):
    set_platform(app, circle_config(fake_circle, CIRCLE_API_TOKEN="wrong-token-value"))
    result = runner.invoke(args=["community", "check"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Circle: 401: the API token is invalid (Your account could not be authenticated.)"
    ]
    assert "wrong-token-value" not in result.output


def test_check_reports_a_missing_group(app, runner, fake_discourse):
    set_platform(app, discourse_config(fake_discourse, DISCOURSE_GROUP_IDS="41,99"))
    result = runner.invoke(args=["community", "check"])
    assert result.exit_code == 1
    assert "group 41: exists" in result.output and "group 99: NOT FOUND" in result.output


def test_check_misconfigured(app, runner):
    set_platform(app, COMMUNITY_PLATFORM="slack")
    result = runner.invoke(args=["community", "check"])
    assert result.exit_code == 1
    assert "configuration: COMMUNITY_PLATFORM must be one of none, circle, discourse" in result.output


def test_check_unreachable(app, runner, refused_url):
    set_platform(app, COMMUNITY_PLATFORM="discourse", DISCOURSE_URL=refused_url)
    result = runner.invoke(args=["community", "check"])
    assert result.exit_code == 1 and "could not connect to Discourse" in result.output


def joined(app, make_request, make_account, email, name="Ana Lima", task_status=None):
    make_account(email.split("@")[0], "active", [email])
    request_id = make_request(name=name, email=email)
    with app_session(app) as session:
        request = join_request(session, session.get(MembershipRequest, request_id), welcome=False)
        if task_status:
            task = start_provisioning(session, request, "circle")
            task.status = task_status
            task.next_attempt_at = utcnow() + timedelta(hours=1)
    return request_id


def test_retry_attempts_waiting_tasks_regardless_of_backoff(
    app, runner, fake_circle, make_request, make_account, outbox
):
    set_platform(app, circle_config(fake_circle))
    joined(app, make_request, make_account, "ana@a.example", task_status="waiting")
    joined(app, make_request, make_account, "ben@b.example", "Ben", task_status="waiting")
    joined(app, make_request, make_account, "cy@c.example", "Cy", task_status="failed")
    fake_circle.answer_next(500)  # the first add
    result = runner.invoke(args=["community", "retry"])
    assert result.exit_code == 0, result.output
    # Refused tasks are retried too: refused is not forever.
    assert result.output.strip() == (
        "Provisioned 2, still waiting 1, still refused 0, in progress 0."
    )
    assert len(fake_circle.members) == 2
    assert len(outbox(kind="welcome")) == 2


def test_sync_reports_and_repairs_missing_members(
    app, runner, fake_circle, make_request, make_account
):
    set_platform(app, circle_config(fake_circle))
    joined(app, make_request, make_account, "ana@a.example")
    joined(app, make_request, make_account, "ben@b.example", "Ben")
    fake_circle.add_existing("ben@b.example")
    dry = runner.invoke(args=["community", "sync", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 joined, 1 missing on the platform (2 API call(s) to compare)." in dry.output
    assert "Ana Lima: missing" in dry.output and len(fake_circle.members) == 1
    result = runner.invoke(args=["community", "sync"])
    assert "Ana Lima: provisioned" in result.output
    assert len(fake_circle.members_with("ana@a.example")) == 1
    with app_session(app) as session:
        [task] = session.scalars(select(CommunityProvisioning)).all()
        assert task.status == ProvisioningStatus.DONE
    again = runner.invoke(args=["community", "sync"])
    assert "2 joined, 0 missing" in again.output and len(fake_circle.members) == 2


def test_sync_with_no_platform(runner):
    result = runner.invoke(args=["community", "sync"])
    assert result.exit_code == 0 and "nothing to compare" in result.output


def test_sync_when_the_platform_is_down(app, runner, fake_circle, make_request, make_account):
    set_platform(app, circle_config(fake_circle))
    joined(app, make_request, make_account, "ana@a.example")
    fake_circle.answer_next(503, {"message": "maintenance"})
    result = runner.invoke(args=["community", "sync"])
    assert result.exit_code == 1 and "503: maintenance" in result.output
    assert fake_circle.members == []


def test_sync_pages_through_the_member_list_when_many_are_to_check(app, runner, fake_circle):
    set_platform(app, circle_config(fake_circle))
    with app_session(app) as session:
        for number in range(45):
            email = f"p{number}@many.example"
            build_request(session, RequestState.JOINED, quiet=True, name=f"P {number}",
                          email=email, reference=f"LB-S{number:05d}", source="web")
            if number != 7:
                fake_circle.add_existing(email)
    for number in range(150):
        fake_circle.add_existing(f"other{number}@elsewhere.example")
    result = runner.invoke(args=["community", "sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    # 194 members, 100 a page: 2 calls instead of 45 look-ups.
    assert "45 joined, 1 missing on the platform (2 API call(s) to compare)." in result.output
    assert "LB-S00007" in result.output
    assert {c[1] for c in fake_circle.calls} == {"/community_members"}


def test_sync_pages_discourse_users(app, runner, fake_discourse):
    set_platform(app, discourse_config(fake_discourse))
    fake_discourse.per_page = 10
    with app_session(app) as session:
        for number in range(25):
            email = f"d{number}@many.example"
            build_request(session, RequestState.JOINED, quiet=True, name=f"D {number}",
                          email=email, reference=f"LB-D{number:05d}", source="web")
            if number % 10:
                fake_discourse.add_user(email, username=f"d{number}")
    result = runner.invoke(args=["community", "sync", "--dry-run"])
    # 22 users at 10 a page: 3 pages and the empty 4th that ends the list.
    assert "25 joined, 3 missing on the platform (4 API call(s) to compare)." in result.output
