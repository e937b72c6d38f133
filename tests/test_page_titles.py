"""A page whose form has errors says so first, in its <title> (base.html does it for every form)."""

import re

import pytest

TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)

EMPTY_FORMS = ["/join", "/facebook", "/status", "/resend", "/subdomain/email", "/report", "/staff/login"]


def title_of(response):
    return TITLE_RE.search(response.get_data(as_text=True))[1].strip()


@pytest.mark.parametrize("url", EMPTY_FORMS)
def test_an_empty_form_puts_error_first_in_the_title(client, post_form, url):
    assert not title_of(client.get(url)).startswith("Error:")
    response = post_form(url, {})
    assert response.status_code == 400
    title = title_of(response)
    assert title.startswith("Error: ") and not title.startswith("Error: Error:")


def test_a_page_without_a_form_has_no_error_prefix(client):
    assert title_of(client.get("/")) == "Help · Example App Community"
