"""The FAQ API for support tools: fields, absolute URLs, aliases, ETags, search."""

import pytest

from services.content.index import get_index

FULL_FIELDS = {"slug", "title", "url", "api_url", "summary", "category", "updated", "aliases",
               "related", "html", "text"}


@pytest.fixture
def content(app):
    with app.app_context():
        return get_index()


def test_the_list_has_every_answer_without_html_or_text(client, content):
    response = client.get("/api/faq")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    answers = response.get_json()["answers"]
    assert {a["slug"] for a in answers} == set(content.faq)
    for answer in answers:
        assert set(answer) == FULL_FIELDS - {"html", "text"}
        assert answer["url"] == f"http://localhost/faq/{answer['slug']}"


def test_one_answer_has_every_field_and_an_absolute_url(client, content):
    page = content.faq["invitation-expired"]
    data = client.get("/api/faq/invitation-expired").get_json()
    assert set(data) == FULL_FIELDS
    assert data["slug"] == "invitation-expired"
    assert data["title"] == page.title
    assert data["summary"] == page.summary
    assert data["category"] == page.category
    assert data["updated"] == page.updated.isoformat()
    assert data["url"] == "http://localhost/faq/invitation-expired"
    assert data["api_url"] == "http://localhost/api/faq/invitation-expired"
    assert data["html"] == page.html and "<p>" in data["html"]
    assert data["text"] == page.text and "<" not in data["text"]


@pytest.mark.app_config(SITE_URL="https://help.example.org/")
def test_urls_use_the_public_site_address(client):
    data = client.get("/api/faq/invitation-expired").get_json()
    assert data["url"] == "https://help.example.org/faq/invitation-expired"


def test_an_alias_redirects_to_the_canonical_api_url(client):
    response = client.get("/api/faq/expired-link")
    assert response.status_code == 301
    assert response.headers["Location"] == "/api/faq/invitation-expired"
    assert client.get("/api/faq/expired-link", follow_redirects=True).get_json()["slug"] == (
        "invitation-expired"
    )


def test_an_unknown_slug_is_a_json_404(client):
    response = client.get("/api/faq/no-such-answer")
    assert response.status_code == 404
    assert response.get_json() == {"error": "We can't find that page", "status": 404}


@pytest.mark.parametrize("path", ["/api/faq", "/api/faq/how-to-join", "/api/faq?q=invite"])
def test_api_responses_carry_an_etag_and_answer_304(client, path):
    first = client.get(path)
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_q_searches_and_returns_ranked_hits(client):
    data = client.get("/api/faq?q=didnt+get+invitation+email&limit=3").get_json()
    assert data["query"] == "didnt get invitation email"
    assert len(data["results"]) == 3
    first = data["results"][0]
    assert first["slug"] == "invitation-not-arrived"
    assert first["url"] == "http://localhost/faq/invitation-not-arrived"
    assert set(first) == {"slug", "title", "url", "summary", "category", "score", "snippet"}


@pytest.mark.parametrize("query", ["", "%25%25%25", "x" * 2000])
def test_q_with_junk_is_an_empty_list_not_an_error(client, query):
    response = client.get(f"/api/faq?q={query}&limit=abc")
    assert response.status_code == 200
    assert isinstance(response.get_json()["results"], list)
