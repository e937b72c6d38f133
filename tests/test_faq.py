"""The FAQ pages: every answer reachable, aliases, 404 suggestions, votes, ETags."""

import hashlib
import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import event, func, select

import db as lobby_db
from models import FaqVote
from services.content import faq_votes
from services.content.faq_pages import time_ago
from services.content.index import get_index
from tests.support.database import app_session


@pytest.fixture
def content(app):
    with app.app_context():
        return get_index()


def test_every_answer_is_listed_on_the_faq_page_and_opens(client, content):
    html = client.get("/faq").get_data(as_text=True)
    assert len(content.faq) >= 27
    for slug, page in content.faq.items():
        assert f'href="/faq/{slug}"' in html
        response = client.get(f"/faq/{slug}")
        assert response.status_code == 200, slug
        assert str(escape(page.summary)) in html


def test_the_faq_page_groups_answers_by_category(client, content):
    html = client.get("/faq").get_data(as_text=True)
    positions = [html.index(f'<h2 id="{c.lower().replace(" ", "-")}">{c}</h2>')
                 for c, _pages in content.categories()]
    assert positions == sorted(positions)
    assert len(positions) >= 4


def test_every_guideline_has_an_anchor_linked_from_the_contents(client, content):
    html = client.get("/guidelines").get_data(as_text=True)
    assert len(content.guidelines.guidelines) >= 8
    for guideline in content.guidelines.guidelines:
        assert f'href="#{guideline.anchor}"' in html
        assert f'id="{guideline.anchor}"' in html


def test_every_alias_answers_301_to_the_current_slug(client, content):
    assert content.aliases
    for alias, slug in content.aliases.items():
        response = client.get(f"/faq/{alias}")
        assert response.status_code == 301
        assert response.headers["Location"] == f"/faq/{slug}"


def test_an_unknown_slug_is_a_404_that_suggests_the_closest_answers(client):
    response = client.get("/faq/where-is-my-subdomian")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We can't find that answer" in html
    suggestions = re.findall(r'<a href="/faq/([a-z0-9-]+)">', html)
    assert suggestions[0] == "find-my-subdomain"


def test_the_answer_page_has_a_permalink_copy_button_date_and_related(client, content):
    page = content.faq["cant-log-in"]
    html = client.get("/faq/cant-log-in").get_data(as_text=True)
    assert '<label for="permalink">Link to this answer</label>' in html
    assert 'value="http://localhost/faq/cant-log-in" readonly' in html
    assert "data-copy-link hidden>Copy link</button>" in html  # shown by JS only
    assert 'aria-live="polite" data-copy-status' in html
    assert f'<time datetime="{page.updated.isoformat()}" title="' in html
    for slug in page.related:
        assert f'href="/faq/{slug}"' in html
    assert "Was this helpful?" in html


def test_the_answer_page_says_how_long_ago_it_was_updated(client, content, monkeypatch):
    page = content.faq["forgot-password"]
    monkeypatch.setattr(
        "blueprints.faq.answer_page.local_today", lambda: page.updated + timedelta(days=3)
    )
    html = client.get("/faq/forgot-password").get_data(as_text=True)
    exact = f"{page.updated:%A} {page.updated.day} {page.updated:%B %Y}"
    assert (f'<time datetime="{page.updated.isoformat()}" title="{exact}">3 days ago</time>'
            in html)


@pytest.mark.parametrize(
    "days, words",
    [(0, "today"), (1, "yesterday"), (3, "3 days ago"), (13, "13 days ago"),
     (14, "2 weeks ago"), (59, "8 weeks ago"), (60, "2 months ago"), (400, "a year ago"),
     (800, "2 years ago"), (-2, "today")],
)
def test_time_ago(days, words):
    from datetime import date

    today = date(2026, 11, 26)
    assert time_ago(today - timedelta(days=days), today) == words


def _count_queries(app):
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(lobby_db.get_engine(app), "before_cursor_execute", count)
    return counter


def test_reading_an_answer_never_touches_the_database(app, client):
    counter = _count_queries(app)
    client.set_cookie("lobby_voter", "x" * 43)
    assert client.get("/faq/how-to-join").status_code == 200
    assert client.get("/faq/how-to-join").status_code == 200
    assert counter["n"] == 0


def post_vote(client, url, data, base_url="http://localhost", user_agent="Browser/1"):
    """POST a vote as a browser does from the answer page: it names the page's origin."""
    return client.post(url, data=data, base_url=base_url,
                       headers={"Origin": base_url, "Sec-Fetch-Site": "same-origin",
                                "User-Agent": user_agent})


def _votes(app):
    with app_session(app) as session:
        return list(session.scalars(select(FaqVote).order_by(FaqVote.id)))


def test_a_vote_is_stored_once_per_browser(app, client, post_form):
    response = post_vote(client, "/faq/how-to-join/vote", {"helpful": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/faq/how-to-join?voted=yes#feedback"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lobby_voter=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    voter_id = client.get_cookie("lobby_voter").value

    again = post_vote(client, "/faq/how-to-join/vote", {"helpful": "no"})
    assert again.headers["Location"] == "/faq/how-to-join?voted=already#feedback"
    assert "Set-Cookie" not in again.headers or "lobby_voter" not in again.headers["Set-Cookie"]
    thanks = client.get("/faq/how-to-join?voted=already").get_data(as_text=True)
    assert "Thanks, we already have your answer" in thanks

    votes = _votes(app)
    assert [(v.slug, v.helpful) for v in votes] == [("how-to-join", True)]
    assert votes[0].voter_key == hashlib.sha256(voter_id.encode()).hexdigest()
    assert voter_id not in votes[0].voter_key


def test_another_browser_and_another_answer_each_get_their_own_vote(app, client, post_form):
    post_vote(client, "/faq/how-to-join/vote", {"helpful": "yes"})
    post_vote(client, "/faq/forgot-password/vote", {"helpful": "no"})
    # Another browser (one vote per client: its address and browser, issue 22).
    post_vote(app.test_client(), "/faq/how-to-join/vote", {"helpful": "yes"},
              user_agent="Another/2")
    assert sorted((v.slug, v.helpful) for v in _votes(app)) == [
        ("forgot-password", False), ("how-to-join", True), ("how-to-join", True)
    ]


def test_the_voter_cookie_is_secure_over_https(client):
    response = post_vote(client, "/faq/how-to-join/vote", {"helpful": "yes"},
                         base_url="https://localhost")
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_vote_without_a_csrf_token_is_refused_with_400(app, client):
    response = client.post("/faq/how-to-join/vote", data={"helpful": "yes"})
    assert response.status_code == 400
    assert _votes(app) == []


def test_a_vote_with_a_made_up_answer_is_refused(app, client):
    response = post_vote(client, "/faq/how-to-join/vote", {"helpful": "maybe"})
    assert response.status_code == 400
    assert _votes(app) == []


def test_two_votes_racing_from_one_browser_keep_the_first(app, use_session, monkeypatch):
    with use_session() as session:
        assert faq_votes.record_vote(session, "how-to-join", "v" * 43, True).recorded
    # Both requests passed the "already voted?" check before either was saved.
    monkeypatch.setattr(faq_votes, "_vote_of", lambda *_args: None)
    with use_session() as session:
        assert not faq_votes.record_vote(session, "how-to-join", "v" * 43, False).recorded
    with use_session() as session:
        assert session.scalar(select(func.count()).select_from(FaqVote)) == 1


def test_no_shows_the_closest_answers_and_support_then_takes_a_comment(app, client, post_form):
    response = post_vote(client, "/faq/forgot-password/vote", {"helpful": "no"})
    assert response.headers["Location"] == "/faq/forgot-password?voted=no#feedback"
    html = client.get("/faq/forgot-password?voted=no").get_data(as_text=True)
    assert "Sorry this didn't help" in html
    feedback = html[html.index('id="feedback"'):]
    closest = re.findall(r'<a href="/faq/([a-z0-9-]+)">', feedback)
    assert len(closest) == 3 and "forgot-password" not in closest
    assert 'href="/contact"' in feedback
    assert '<label for="comment">What were you looking for?' in feedback

    sent = post_form("/faq/forgot-password/comment", {"comment": "  How do I change it?  "},
                     page="/faq/forgot-password?voted=no")
    assert sent.headers["Location"] == "/faq/forgot-password?voted=commented#feedback"
    post_form("/faq/forgot-password/comment", {"comment": "Second thoughts"},
              page="/faq/forgot-password?voted=no")
    [vote] = _votes(app)
    assert (vote.helpful, vote.comment) == (False, "How do I change it?")


def test_a_too_long_comment_is_shown_again_with_the_error(app, client, post_form):
    post_vote(client, "/faq/forgot-password/vote", {"helpful": "no"})
    response = post_form("/faq/forgot-password/comment", {"comment": "x" * 501},
                         page="/faq/forgot-password?voted=no")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "under 500 characters" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert _votes(app)[0].comment is None


def test_a_comment_without_a_vote_changes_nothing_but_says_thanks(app, post_form):
    response = post_form("/faq/forgot-password/comment", {"comment": "Hello"},
                         page="/faq/forgot-password?voted=no")
    assert response.status_code == 303
    assert _votes(app) == []


@pytest.mark.parametrize("path", ["/faq", "/guidelines", "/faq/how-to-join",
                                  "/faq/how-to-join?voted=yes"])
def test_pages_carry_an_etag_and_answer_304_when_unchanged(client, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    assert "max-age=0" in first.headers["Cache-Control"]  # browsers ask again every time
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_the_answer_page_is_shared_by_every_visitor_and_follows_the_thank_you_state(app, client):
    plain = client.get("/faq/how-to-join")
    assert plain.headers["Cache-Control"] == (
        "public, max-age=0, s-maxage=60, stale-while-revalidate=30")
    assert "Cookie" in plain.headers.get("Vary", "")
    assert "Set-Cookie" not in plain.headers
    assert 'name="csrf_token"' not in plain.get_data(as_text=True)
    thanked = client.get("/faq/how-to-join?voted=yes")
    assert thanked.headers["ETag"] != plain.headers["ETag"]
    assert client.get("/faq/how-to-join?voted=yes",
                      headers={"If-None-Match": plain.headers["ETag"]}).status_code == 200
    # Another browser gets the same bytes, hence the same ETag.
    stranger = app.test_client().get("/faq/how-to-join",
                                     headers={"If-None-Match": plain.headers["ETag"]})
    assert stranger.status_code == 304


def test_a_page_with_a_flash_message_is_rendered_for_its_visitor_alone(app, client):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Signed out.")]
    response = client.get("/faq/how-to-join")
    assert "Signed out." in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Signed out." not in client.get("/faq/how-to-join").get_data(as_text=True)


def test_each_browser_can_vote_from_the_shared_page(app):
    for n in range(2):
        browser = app.test_client()
        assert browser.get("/faq/how-to-join").status_code == 200
        response = post_vote(browser, "/faq/how-to-join/vote", {"helpful": "yes"},
                             user_agent=f"Browser/{n}")
        assert response.status_code == 303
    assert len(_votes(app)) == 2


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://other.localhost"},
    {"Sec-Fetch-Site": "none"},
    {"Origin": "https://elsewhere.example"},  # a browser without Sec-Fetch-Site
    {"Origin": "null"},
    # Sec-Fetch-Site decides when present: it is what the browser knows.
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
])
def test_a_vote_posted_from_another_site_is_refused(app, client, headers):
    response = client.post("/faq/how-to-join/vote", data={"helpful": "yes"}, headers=headers)
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers
    assert _votes(app) == []


@pytest.mark.app_config(SITE_URL="https://help.example-app.com")
def test_a_vote_through_a_tls_proxy_is_accepted_by_the_site_address(app, client):
    # Behind a proxy not trusted for X-Forwarded-Proto, the app sees http://; the
    # browser names the public https:// origin, which SITE_URL gives.
    response = client.post("/faq/how-to-join/vote", data={"helpful": "no"},
                           base_url="http://help.example-app.com",
                           headers={"Origin": "https://help.example-app.com"})
    assert response.status_code == 303


# Paths of areas built in other branches; every other internal link must open.
ELSEWHERE = ("/join", "/status", "/resend", "/subdomain", "/help/login", "/facebook", "/report",
             "/staff")


def test_every_internal_link_on_the_faq_pages_opens(client, content):
    pages = ["/faq", "/guidelines", "/contact", "/search", "/search?q=invitation",
             *(f"/faq/{slug}" for slug in content.faq)]
    seen = set()
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        for link in re.findall(r'href="(/[^"#]*)', html):
            if link in seen or link.startswith(("/static/", *ELSEWHERE)):
                continue
            seen.add(link)
            response = client.get(link)
            assert response.status_code in (200, 301), f"{url} links to {link}"
    assert "/faq/contact-support" in seen and "/guidelines" in seen
