"""The second factor: enrolment, codes (wrong, replayed, drifted), recovery codes, resets."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from clock import utcnow
from models import StaffRecoveryCode, StaffUser
from services.staff import two_factor
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.staff import (
    STAFF_EMAIL,
    STAFF_PASSWORD,
    STAFF_TOTP_SECRET,
    enter_code,
    log_in,
    totp_code,
)


def _password_step(client, email=STAFF_EMAIL, password=STAFF_PASSWORD):
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    return client.post("/staff/login", data={"csrf_token": token, "email": email, "password": password})


def _post_code(client, code, url="/staff/login/code"):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "code": code})


def _user(app, email=STAFF_EMAIL):
    with app_session(app) as session:
        return session.scalar(select(StaffUser).where(StaffUser.email == email))


def _enrol(client):
    """Read the secret off the enrolment page and confirm it with a code; returns the page."""
    page = client.get("/staff/enrol").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    return _post_code(client, pyotp.TOTP(secret.replace(" ", "")).now(), "/staff/enrol"), page


def test_first_sign_in_enrols_with_the_shown_secret_and_gives_ten_recovery_codes(app, client, make_staff):
    make_staff(enrolled=False)
    response = _password_step(client)
    assert response.location == "/staff/enrol"
    assert client.get("/staff/").status_code == 302  # not signed in before enrolling
    page = client.get("/staff/enrol").get_data(as_text=True)
    assert "<svg" in page and "QR code of your authenticator secret" in page
    assert _post_code(client, "000000", "/staff/enrol").status_code == 400
    assert _user(app).totp_enrolled_at is None
    done, _ = _enrol(client)
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    with app_session(app) as session:
        stored = session.scalars(select(StaffRecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in stored for code in codes)
    assert two_factor.is_enrolled(_user(app))


def test_sign_in_asks_for_the_code_after_the_password(client, make_staff):
    make_staff()
    assert _password_step(client).location == "/staff/login/code"
    assert client.get("/staff/").status_code == 302
    assert enter_code(client).location == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_wrong_code_is_refused(client, make_staff):
    make_staff()
    _password_step(client)
    response = _post_code(client, "123456" if totp_code(STAFF_TOTP_SECRET) != "123456" else "654321")
    assert response.status_code == 400 and "That code isn" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_a_replayed_code_is_refused(app, make_staff):
    make_staff()
    first, second = app.test_client(), app.test_client()
    _password_step(first)
    code = totp_code(STAFF_TOTP_SECRET)
    assert _post_code(first, code).status_code == 302
    _password_step(second)
    replay = _post_code(second, code)
    assert replay.status_code == 400 and "used already" in replay.get_data(as_text=True)


def test_codes_one_step_either_side_are_accepted_but_not_two(make_staff, app):
    make_staff()
    now = utcnow()
    totp = pyotp.TOTP(STAFF_TOTP_SECRET)
    for offset, expected in [(-60, "wrong"), (-30, "accepted"), (30, "accepted"), (60, "wrong")]:
        user = _user(app)
        user.totp_last_step = None
        code = totp.at(now + timedelta(seconds=offset))
        assert two_factor.check_code(user, code, now) == expected, offset


def test_wrong_codes_count_toward_the_growing_delay(client, make_staff):
    make_staff()
    _password_step(client)
    answers = [_post_code(client, "000001").get_data(as_text=True) for _ in range(5)]
    assert "Too many failed sign-ins" in answers[-1]
    # Even the right code waits now.
    assert "Too many failed sign-ins" in enter_code(client).get_data(as_text=True)


def _recovery_codes(app):
    with app_session(app) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == STAFF_EMAIL))
        return two_factor.new_recovery_codes(session, user)


def test_a_recovery_code_works_once(app, make_staff):
    make_staff()
    codes = _recovery_codes(app)
    first, second = app.test_client(), app.test_client()
    _password_step(first)
    ok = _post_code(first, codes[0].upper())
    assert ok.status_code == 302
    assert first.get("/staff/").status_code == 200
    _password_step(second)
    again = _post_code(second, codes[0])
    assert again.status_code == 400


def test_an_admin_resets_a_second_factor_and_the_user_enrols_again(app, client, make_staff):
    make_staff()
    reviewer_id = make_staff("rev@example-app.com", role="reviewer")
    other = app.test_client()
    log_in(other, "rev@example-app.com")
    assert other.get("/staff/").status_code == 200
    log_in(client)
    token = csrf_token_from(client.get("/staff/people").get_data(as_text=True))
    client.post(f"/staff/people/{reviewer_id}/reset-2fa", data={"csrf_token": token})
    assert not two_factor.is_enrolled(_user(app, "rev@example-app.com"))
    assert other.get("/staff/").status_code == 302  # their sessions ended
    assert _password_step(other, "rev@example-app.com").location == "/staff/enrol"


def test_the_cli_resets_the_last_admins_second_factor(app, runner, make_staff):
    make_staff()
    result = runner.invoke(args=["staff", "reset-2fa", STAFF_EMAIL])
    assert result.exit_code == 0, result.output
    assert not two_factor.is_enrolled(_user(app))
    assert runner.invoke(args=["staff", "reset-2fa", "nobody@example-app.com"]).exit_code == 1


@pytest.mark.app_config(STAFF_REQUIRE_2FA=False)
def test_without_the_requirement_an_unenrolled_user_signs_in_with_the_password(client, make_staff):
    make_staff(enrolled=False)
    assert _password_step(client).location == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_the_requirement_defaults_on_outside_development(app):
    assert app.config["STAFF_REQUIRE_2FA"] is True


def test_an_enrolled_user_cannot_swap_the_secret_by_opening_the_enrolment_page(app, client, make_staff):
    make_staff()
    log_in(client)
    assert client.get("/staff/enrol").status_code == 302
    user = _user(app)
    assert two_factor.is_enrolled(user) and user.totp_secret == STAFF_TOTP_SECRET


def test_the_right_password_does_not_reset_the_count_of_wrong_codes(app, client, make_staff):
    from models import SignInThrottle

    make_staff()
    _password_step(client)
    for _ in range(3):
        _post_code(client, "000001")
    with app_session(app) as session:
        throttle = session.scalar(select(SignInThrottle))
        throttle.last_failed_at -= timedelta(hours=1)  # the wait is over
    assert _password_step(client).location == "/staff/login/code"
    with app_session(app) as session:
        assert session.scalar(select(SignInThrottle)).failures == 3
    assert enter_code(client).location == "/staff/"
    with app_session(app) as session:
        assert session.scalar(select(SignInThrottle)) is None


def test_a_recovery_code_sign_in_says_how_many_are_left(app, client, make_staff):
    make_staff()
    codes = _recovery_codes(app)
    _password_step(client)
    _post_code(client, codes[3])
    assert "9 left" in client.get("/staff/").get_data(as_text=True)
