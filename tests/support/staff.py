"""Signing in to the staff console and posting its forms (plain functions, not fixtures).

Sign-in goes the real way: the password, then a TOTP code computed from the
user's secret, as an authenticator app would.
"""

from urllib.parse import urlsplit

import pyotp
from sqlalchemy import select

from clock import utcnow
from models import StaffUser
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

STAFF_EMAIL = "staff@example-app.com"
STAFF_PASSWORD = "correct horse battery"
# The authenticator secret make_staff enrols users with.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret, last_step=None, now=None):
    """A code an app would show that the server has not taken yet (this step or the next)."""
    step = int((now or utcnow()).timestamp()) // 30
    if last_step is not None and step <= last_step:
        step = last_step + 1
    return pyotp.TOTP(secret).at(step * 30)


def enter_code(client, email=STAFF_EMAIL):
    """POST the second step of sign-in with a fresh code of the user's secret."""
    with app_session(client.application) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email.lower()))
        code = totp_code(user.totp_secret, user.totp_last_step)
    token = csrf_token_from(client.get("/staff/login/code").get_data(as_text=True))
    return client.post("/staff/login/code", data={"csrf_token": token, "code": code})


def log_in(client, email=STAFF_EMAIL, password=STAFF_PASSWORD, next_path=None):
    """POST the sign-in form (with the page's CSRF token), then the code; returns the response."""
    url = "/staff/login" + (f"?next={next_path}" if next_path else "")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "email": email, "password": password})
    if response.status_code == 302 and urlsplit(response.location).path == "/staff/login/code":
        response = enter_code(client, email)
    return response


def sign_in(client, make_staff, email=STAFF_EMAIL, password=STAFF_PASSWORD, role="admin"):
    make_staff(email, password, role=role)
    response = log_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def csrf(client, path="/staff/"):
    """A CSRF token of the signed-in session, read from a staff page."""
    return csrf_token_from(client.get(path).get_data(as_text=True))


def staff_post(client, url, data=None, page="/staff/"):
    return client.post(url, data={"csrf_token": csrf(client, page), **(data or {})})


def sign_in_in_browser(page, email=STAFF_EMAIL, password=STAFF_PASSWORD, secret=STAFF_TOTP_SECRET,
                       last_step=None):
    """On the sign-in page: the password, then the app's code, as a person would type them."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    code_box = page.get_by_label("Code from your authenticator app, or a recovery code")
    code_box.fill(totp_code(secret, last_step))
    page.get_by_role("button", name="Continue").click()
