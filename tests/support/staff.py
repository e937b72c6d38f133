"""Signing in to the staff console and posting its forms (plain functions, not fixtures)."""

from tests.support.forms import csrf_token_from

STAFF_EMAIL = "staff@example-app.com"
STAFF_PASSWORD = "correct horse battery"


def log_in(client, email=STAFF_EMAIL, password=STAFF_PASSWORD, next_path=None):
    """POST the sign-in form (with the page's CSRF token); returns the response."""
    url = "/staff/login" + (f"?next={next_path}" if next_path else "")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "email": email, "password": password})


def sign_in(client, make_staff, email=STAFF_EMAIL, password=STAFF_PASSWORD):
    make_staff(email, password)
    response = log_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def csrf(client, path="/staff/"):
    """A CSRF token of the signed-in session, read from a staff page."""
    return csrf_token_from(client.get(path).get_data(as_text=True))


def staff_post(client, url, data=None, page="/staff/"):
    return client.post(url, data={"csrf_token": csrf(client, page), **(data or {})})
