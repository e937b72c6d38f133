"""How long a shared cache in front (deploy/nginx's micro-cache, a CDN) may keep a page."""

import pytest

from web import shared_pages

PUBLIC_PATHS = ["/", "/faq", "/faq/how-to-join", "/guidelines", "/search?q=invitation",
                "/api/faq", "/api/faq/how-to-join"]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_give_shared_caches_a_lifetime(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == (
        "public, max-age=0, s-maxage=60, stale-while-revalidate=30")
    assert "Set-Cookie" not in response.headers


@pytest.mark.app_config(SHARED_CACHE_SECONDS=5, SHARED_CACHE_STALE_SECONDS=0)
def test_the_lifetime_is_a_setting(client):
    assert client.get("/faq/how-to-join").headers["Cache-Control"] == "public, max-age=0, s-maxage=5"


@pytest.mark.app_config(SHARED_CACHE_SECONDS=0)
def test_zero_keeps_every_shared_cache_out_and_the_apps_own_too(app, client):
    assert client.get("/faq/how-to-join").headers["Cache-Control"] == "public, no-cache"
    assert not isinstance(app.wsgi_app, shared_pages.SharedPages)


@pytest.mark.app_config(SHARED_PAGE_SECONDS=30, SHARED_CACHE_SECONDS=2)
def test_the_apps_own_copy_lives_no_longer_than_a_shared_cache_may_keep_it(app):
    assert isinstance(app.wsgi_app, shared_pages.SharedPages)
    assert app.wsgi_app.seconds == 2


@pytest.mark.parametrize("path", ["/join", "/status", "/resend", "/staff/login", "/healthz"])
def test_personal_pages_stay_out_of_shared_caches(client, path):
    cache_control = client.get(path).headers.get("Cache-Control", "")
    assert "s-maxage" not in cache_control and "public" not in cache_control


def test_a_page_with_a_message_waiting_is_no_store(client):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Thanks")]
    assert client.get("/faq/how-to-join").headers["Cache-Control"] == "no-store"
