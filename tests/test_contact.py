"""/contact: the support channels, the note about the community, matching answers."""

import re

import pytest


def test_the_contact_page_gives_the_support_email_and_the_community_note(client):
    html = client.get("/contact").get_data(as_text=True)
    assert 'href="mailto:support@example-app.com"' in html
    assert "The community is not a support channel" in html
    assert "Chat:" not in html
    assert '<label for="q">Your question</label>' in html
    assert 'aria-live="polite" data-contact-status' in html


@pytest.mark.app_config(SUPPORT_CHAT_URL="https://chat.example-app.com/support",
                        SUPPORT_EMAIL="help@example-app.com")
def test_channels_come_from_configuration(client):
    html = client.get("/contact").get_data(as_text=True)
    assert 'href="https://chat.example-app.com/support"' in html
    assert 'href="mailto:help@example-app.com"' in html


def test_a_question_shows_matching_answers_without_javascript(client):
    html = client.get("/contact?q=my+invitation+never+arrived").get_data(as_text=True)
    answers = html[html.index("data-contact-list"):]
    assert re.findall(r'<a href="/faq/([a-z0-9-]+)">', answers)[0] == "invitation-not-arrived"
    assert "may help with “my invitation never arrived”" in html


@pytest.mark.parametrize("query", ["%40%40%40", "x" * 3000, "   "])
def test_a_junk_question_is_answered_kindly(client, query):
    response = client.get(f"/contact?q={query}")
    assert response.status_code == 200


def test_every_answer_the_contact_page_links_to_exists(client):
    html = client.get("/contact").get_data(as_text=True)
    slugs = re.findall(r'href="/faq/([a-z0-9-]+)"', html)
    assert len(slugs) >= 4
    for slug in slugs:
        assert client.get(f"/faq/{slug}").status_code == 200


def test_ping_is_plain_ok_without_the_database(app, client):
    from sqlalchemy import event

    import db as lobby_db

    queries = []
    event.listen(lobby_db.get_engine(app), "before_cursor_execute",
                 lambda *args: queries.append(args))
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.mimetype == "text/plain"
    assert queries == []
