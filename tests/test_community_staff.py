"""What staff see of the platform: state per request, Try again, problems, reminders."""

from datetime import timedelta

from sqlalchemy import select

from clock import utcnow
from models import CommunityProvisioning, MembershipRequest, ProvisioningStatus
from services.community.provisioning import start_provisioning
from tests.support.builders import join_request
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import circle_config
from tests.support.health import health_detail
from tests.support.staff import csrf, sign_in


def accepted(app, make_account, make_request, email, status, error=None, failing_for=None):
    make_account(email.split("@")[0], "active", [email])
    request_id = make_request(name=email.split("@")[0].title(), email=email)
    with app_session(app) as session:
        request = join_request(session, session.get(MembershipRequest, request_id), welcome=False)
        task = start_provisioning(session, request, "circle")
        task.status = status
        task.last_error = error
        task.attempts = 3 if error else 0
        if failing_for is not None:
            task.first_failed_at = utcnow() - failing_for
        if status == ProvisioningStatus.DONE:
            task.done_at = utcnow()
    return request_id


def test_a_refused_request_shows_the_message_and_try_again_works(
    app, client, make_staff, make_account, make_request, fake_circle, outbox
):
    set_platform(app, circle_config(fake_circle))
    request_id = accepted(app, make_account, make_request, "ana@a.example", "failed",
                          "403: Member limit reached", timedelta(minutes=5))
    sign_in(client, make_staff)
    page = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    assert "On the community platform" in page
    assert "The platform said: 403: Member limit reached" in page and ">Try again<" in page
    # Without the CSRF token nothing happens.
    assert client.post(f"/staff/requests/{request_id}/community-retry").status_code in (302, 400)
    assert fake_circle.members == []
    response = client.post(f"/staff/requests/{request_id}/community-retry",
                           data={"csrf_token": csrf(client)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Done: the person is a member now" in html
    assert "member</span> since" in html and ">Try again<" not in html
    assert len(fake_circle.members_with("ana@a.example")) == 1
    assert len(outbox(kind="welcome", to="ana@a.example")) == 1


def test_try_again_refused_again(app, client, make_staff, make_account, make_request, fake_circle):
    set_platform(app, circle_config(fake_circle))
    request_id = accepted(app, make_account, make_request, "ana@a.example", "failed", "401: x")
    fake_circle.answer_next(401, {"message": "nope"}, times=2)
    sign_in(client, make_staff)
    response = client.post(f"/staff/requests/{request_id}/community-retry",
                           data={"csrf_token": csrf(client)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The platform refused again" in html
    assert "401: the API token is invalid (nope)" in html


def test_problems_view_lists_failures_and_old_waiting_only(
    app, client, make_staff, make_account, make_request
):
    accepted(app, make_account, make_request, "rita@a.example", "failed", "422: Bad name")
    accepted(app, make_account, make_request, "olga@b.example", "waiting", "500: down",
             timedelta(hours=2))
    accepted(app, make_account, make_request, "nina@c.example", "waiting", "500: down",
             timedelta(minutes=10))
    accepted(app, make_account, make_request, "fred@d.example", "done")
    sign_in(client, make_staff)
    html = client.get("/staff/community").get_data(as_text=True)
    assert "422: Bad name" in html and "Rita" in html and "Olga" in html
    assert "Nina" not in html and "Fred" not in html
    assert 'href="/staff/community" aria-current="page"' in html


def test_review_remind_mentions_failures_older_than_an_hour(
    app, runner, make_account, make_request, outbox
):
    accepted(app, make_account, make_request, "new@c.example", "waiting", "500: down",
             timedelta(minutes=10))
    quiet = runner.invoke(args=["review", "remind"])
    assert "no reminder sent" in quiet.output
    accepted(app, make_account, make_request, "old@b.example", "waiting", "500: down",
             timedelta(hours=2))
    result = runner.invoke(args=["review", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 accepted but not on the community platform" in result.output
    assert "Old: 500: down" in result.output
    [email] = outbox(kind="staff_review_reminder")
    assert "not on the community platform yet" in email.body_text and "500: down" in email.body_text


def test_new_review_notification_mentions_platform_failures(
    app, make_account, make_request, outbox
):
    accepted(app, make_account, make_request, "old@b.example", "failed", "401: bad token")
    make_request(name="Zed", email="zed@nowhere.example")  # goes to review
    [notice] = outbox(kind="staff_new_review")
    assert "1 accepted invitation(s) failing on the community platform" in notice.body_text


def test_healthz_counts_every_refused_task_not_the_latest(
    app, client, make_account, make_request
):
    set_platform(app, COMMUNITY_PLATFORM="circle")
    accepted(app, make_account, make_request, "a@a.example", "failed", "401: bad token")
    accepted(app, make_account, make_request, "b@b.example", "failed", "401: bad token")
    accepted(app, make_account, make_request, "c@c.example", "done")
    with app_session(app) as session:
        newest = session.scalars(select(CommunityProvisioning).order_by(
            CommunityProvisioning.id.desc())).first()
        newest.last_attempt_at = utcnow()  # the latest attempt went well...
    health = client.get("/healthz")
    # ...and two people are still refused: the site is up, the platform part says so.
    assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
    assert health_detail(app, client)["community"]["platform"] == "failing: 2 refused"
    with app_session(app) as session:
        for task in session.scalars(select(CommunityProvisioning)):
            task.status = ProvisioningStatus.DONE
    assert health_detail(app, client)["community"]["platform"] == "ok"
