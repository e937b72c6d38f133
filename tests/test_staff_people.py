"""The Staff page: invitations, roles, the last-admin rule, deactivation and reactivation."""

import re

from sqlalchemy import select

from models import StaffInvite, StaffUser
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.staff import log_in, sign_in, totp_code

INVITE_LINK = re.compile(r"http://localhost/staff/join/([A-Za-z0-9_-]+)")


def _post(client, url, data=None):
    token = csrf_token_from(client.get("/staff/people").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _user(app, email):
    with app_session(app) as session:
        return session.scalar(select(StaffUser).where(StaffUser.email == email))


def test_an_invited_reviewer_sets_a_password_enrols_and_signs_in(app, client, make_staff, outbox):
    sign_in(client, make_staff)
    response = _post(client, "/staff/people/invite", {"email": "New@Example-App.com", "role": "reviewer"})
    assert response.status_code == 302
    [email] = outbox(kind="staff_invite")
    assert email.to_addr == "new@example-app.com" and "48" not in email.subject
    token = INVITE_LINK.search(email.body_text).group(1)
    newcomer = app.test_client()
    page = newcomer.get(f"/staff/join/{token}")
    assert page.status_code == 200 and "reviewer" in page.get_data(as_text=True)
    short = newcomer.post(f"/staff/join/{token}", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "password": "short"})
    assert short.status_code == 400
    done = newcomer.post(f"/staff/join/{token}", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "password": "a long new password"})
    assert done.location == "/staff/enrol"
    enrol_page = newcomer.get("/staff/enrol").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', enrol_page).group(1).replace(" ", "")
    confirmed = newcomer.post("/staff/enrol", data={
        "csrf_token": csrf_token_from(enrol_page), "code": totp_code(secret)})
    assert confirmed.status_code == 200
    assert newcomer.get("/staff/").status_code == 200
    assert newcomer.get("/staff/accounts").status_code == 403
    assert _user(app, "new@example-app.com").role == "reviewer"
    # The link works once.
    assert app.test_client().get(f"/staff/join/{token}").status_code == 404


def test_an_invitation_expires_after_48_hours(app, client, make_staff, outbox):
    sign_in(client, make_staff)
    _post(client, "/staff/people/invite", {"email": "late@example-app.com", "role": "admin"})
    token = INVITE_LINK.search(outbox(kind="staff_invite")[0].body_text).group(1)
    with app_session(app) as session:
        invite = session.scalar(select(StaffInvite))
        invite.expires_at = invite.created_at
    assert app.test_client().get(f"/staff/join/{token}").status_code == 404


def test_an_existing_staff_user_cannot_be_invited(client, make_staff):
    sign_in(client, make_staff)
    make_staff("rev@example-app.com", role="reviewer")
    response = _post(client, "/staff/people/invite", {"email": "rev@example-app.com", "role": "admin"})
    assert response.status_code == 400 and "already a staff user" in response.get_data(as_text=True)


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(app, client, make_staff):
    sign_in(client, make_staff)
    admin = _user(app, "staff@example-app.com")
    _post(client, f"/staff/people/{admin.id}/role", {f"user-{admin.id}-role": "reviewer"})
    _post(client, f"/staff/people/{admin.id}/deactivate")
    admin = _user(app, "staff@example-app.com")
    assert admin.role == "admin" and admin.active
    page = client.get("/staff/people").get_data(as_text=True)
    assert "last active admin" in page
    # With a second admin, the first may step down.
    other = make_staff("boss@example-app.com")
    _post(client, f"/staff/people/{admin.id}/role", {f"user-{admin.id}-role": "reviewer"})
    assert _user(app, "staff@example-app.com").role == "reviewer"
    assert other


def test_deactivation_ends_sessions_at_once_and_reactivation_lets_them_back(app, client, make_staff):
    sign_in(client, make_staff)
    reviewer_id = make_staff("rev@example-app.com", role="reviewer")
    theirs = app.test_client()
    log_in(theirs, "rev@example-app.com")
    assert theirs.get("/staff/").status_code == 200
    _post(client, f"/staff/people/{reviewer_id}/deactivate")
    assert theirs.get("/staff/").status_code == 302
    assert log_in(theirs, "rev@example-app.com").status_code == 400
    _post(client, f"/staff/people/{reviewer_id}/reactivate")
    assert log_in(theirs, "rev@example-app.com").status_code == 302


def test_cli_create_takes_a_role(app, runner):
    result = runner.invoke(args=["staff", "create", "rev@example-app.com", "--role", "reviewer",
                                 "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    assert _user(app, "rev@example-app.com").role == "reviewer"
    runner.invoke(args=["staff", "create", "boss@example-app.com", "--password", "a long enough password"])
    assert _user(app, "boss@example-app.com").role == "admin"


def test_without_password_sign_in_an_invitation_sets_no_password(app, client, make_staff, outbox):
    sign_in(client, make_staff)
    _post(client, "/staff/people/invite", {"email": "new@example-app.com", "role": "reviewer"})
    token = INVITE_LINK.search(outbox(kind="staff_invite")[0].body_text).group(1)
    app.config["STAFF_PASSWORD_SIGNIN"] = False
    newcomer = app.test_client()
    page = newcomer.get(f"/staff/join/{token}").get_data(as_text=True)
    assert 'name="password"' not in page
    response = newcomer.post(f"/staff/join/{token}", data={
        "csrf_token": csrf_token_from(newcomer.get("/join").get_data(as_text=True)),
        "password": "a long new password"})
    assert response.status_code == 400 and _user(app, "new@example-app.com") is None
    app.config["STAFF_PASSWORD_SIGNIN"] = True  # the same post goes through with it on
    response = newcomer.post(f"/staff/join/{token}", data={
        "csrf_token": csrf_token_from(newcomer.get("/join").get_data(as_text=True)),
        "password": "a long new password"})
    assert response.status_code == 302 and _user(app, "new@example-app.com") is not None


def test_the_invitation_email_reads_as_before(client, make_staff, outbox):
    from tests.support.snapshots import assert_snapshot, masked

    sign_in(client, make_staff)
    _post(client, "/staff/people/invite", {"email": "new@example-app.com", "role": "reviewer"})
    text = re.sub(r"/staff/join/[A-Za-z0-9_-]+", "/staff/join/<token>", masked(outbox(kind="staff_invite")[0]))
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "<time>", text)
    assert_snapshot("staff_invite", text)
