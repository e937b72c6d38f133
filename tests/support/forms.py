"""Filling in the app's forms from the test client: CSRF tokens, and pages compared without them."""

import re

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_VALUE_RE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')


def csrf_token_from(html):
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def normalized(response):
    """Status, location and body of a response, with the CSRF token blanked out."""
    body = CSRF_VALUE_RE.sub(r'\1TOKEN"', response.get_data(as_text=True))
    return response.status_code, response.headers.get("Location"), body


def post_and_finish(client, url, data):
    """POST with a fresh CSRF token, then one worker pass (it does the look-up and email)."""
    from tests.support.worker import run_worker_pass

    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, **data})
    response.get_data()
    run_worker_pass(client.application)
    return response
