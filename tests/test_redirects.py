"""Redirects never take instructions from the query string, and no argument causes a 500.

Found: `/faq/<old-slug>?_external=1` with a forged Host answered
`Location: http://attacker.example/...` (a cache in front would have stored it),
and `?_method=POST` answered 500, because the query went into url_for.
"""

import re
from pathlib import Path

import pytest

from services.content.index import get_index
from tests.support.builders import build_request
from tests.support.staff import sign_in

ROOT = Path(__file__).resolve().parent.parent
FORGED = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}
# url_for's own arguments, and names of the route's own variables.
INSTRUCTIONS = [
    "_external=1", "_method=POST", "_scheme=javascript", "_anchor=x", "_external=1&_scheme=ftp",
    "slug=elsewhere", "endpoint=main.home", "values=1", "page=-1", "page=abc",
]


@pytest.fixture
def alias(app):
    with app.app_context():
        aliases = get_index().aliases
    return next(iter(aliases.items()))


@pytest.mark.parametrize("query", INSTRUCTIONS)
@pytest.mark.parametrize("prefix", ["/faq", "/api/faq"])
def test_an_old_slug_redirects_to_a_relative_location_with_the_query_verbatim(
    client, alias, prefix, query
):
    old, current = alias
    response = client.get(f"{prefix}/{old}?{query}", headers=FORGED)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{prefix}/{current}?{query}"


@pytest.mark.parametrize(
    "query",
    ["voted=yes", "a=1&a=2&b=", "q=caf%C3%A9+au+lait&x=%2F%3F%23", "=&&=", "x=%00ok"],
)
def test_the_query_string_is_kept_byte_for_byte(client, alias, query):
    old, current = alias
    response = client.get(f"/faq/{old}?{query}")
    if "%00" in query:
        assert response.status_code == 400  # refused before any view (web/request_guard.py)
        return
    assert response.headers["Location"] == f"/faq/{current}?{query}"


def test_without_a_query_the_location_is_just_the_path(client, alias):
    old, current = alias
    assert client.get(f"/faq/{old}", headers=FORGED).headers["Location"] == f"/faq/{current}"


def test_characters_a_header_cannot_carry_are_escaped(client, alias):
    old, current = alias
    # As a server hands it on: the raw bytes, decoded as latin-1 (PEP 3333).
    raw = "q=café x".encode().decode("latin-1")
    response = client.get(f"/faq/{old}", environ_overrides={"QUERY_STRING": raw})
    assert response.status_code == 301
    assert response.headers["Location"] == f"/faq/{current}?q=caf%C3%A9%20x"


def _get_paths(app):
    """Every GET route, with a plausible value for each of its variables."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith("/static"):
            continue
        paths.append(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: "1", rule.rule))
    return sorted(set(paths))


def test_unknown_arguments_never_cause_a_500_anywhere(app, client, make_staff, alias):
    paths = _get_paths(app) + [f"/faq/{alias[0]}"]
    query = "&".join(INSTRUCTIONS)
    for path in paths:
        response = client.get(f"{path}?{query}", headers=FORGED)
        assert response.status_code < 500, f"{path}: {response.status_code}"
        assert "attacker.example" not in response.headers.get("Location", ""), path
    sign_in(client, make_staff)  # the session cookie belongs to the real host
    for path in paths:
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, f"{path} (staff): {response.status_code}"


def test_the_staff_queue_pages_carry_only_their_filters(app, client, make_staff, use_session):
    with use_session() as session:
        for n in range(55):
            build_request(session, quiet=True, name=f"Person{n:03d} X", email=f"p{n}@gmail.example")
    sign_in(client, make_staff)
    html = client.get(
        "/staff/?q=gmail&_external=1&_scheme=javascript&overdue=0&junk=1"
    ).get_data(as_text=True)
    assert 'href="/staff/?q=gmail&amp;page=2" rel="next"' in html
    assert "http://localhost/staff" not in html and "javascript:" not in html


def test_no_request_argument_reaches_url_for():
    """A guard on the source: the query string is never spread into url_for."""
    spread = re.compile(r"\*\*\s*request\.|request\.(args|values|form)\.to_dict")
    found = []
    for folder in ("blueprints", "web", "services", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html") and spread.search(path.read_text()):
                found.append(str(path.relative_to(ROOT)))
    assert found == []
