"""The home page: search, one tile per task, top answers by votes or the curated order."""

import re

import pytest
from sqlalchemy import event

import db as lobby_db
from models import FaqVote
from services.content.home import CURATED, TILES, top_answers, voted_slugs
from services.content.index import get_index

TASK_URLS = [
    "/join", "/status", "/resend", "/help/login", "/subdomain", "/facebook", "/report", "/contact",
]


def home_html(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def top_answer_links(html):
    block = re.search(r'<ul class="top-answers">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'href="/faq/([a-z0-9-]+)"', block)


def test_one_tile_per_task(client):
    html = home_html(client)
    tiles = re.findall(r'<a class="tile" href="([^"]+)">', html)
    assert tiles == TASK_URLS == [tile.url for tile in TILES]


def test_the_search_box_is_labelled_and_searches_the_faq(client):
    html = home_html(client)
    assert '<form class="home-search" action="/search" method="get" role="search"' in html
    assert '<label for="home-search">What do you need help with?</label>' in html
    assert '<input id="home-search" type="search" name="q"' in html


def test_curated_answers_without_votes(client, app):
    with app.app_context():
        assert all(get_index().resolve(slug)[0] for slug in CURATED)
    assert top_answer_links(home_html(client)) == list(CURATED)


@pytest.fixture
def vote(use_session):
    def add(slug, helpful, unhelpful):
        with use_session() as session:
            for i in range(helpful + unhelpful):
                session.add(FaqVote(slug=slug, helpful=i < helpful, voter_key=f"{slug}-{i}"))

    return add


def test_answers_ranked_by_helpful_share_come_first(client, vote):
    vote("data-we-keep", 5, 0)  # 100 % of 5
    vote("trial-account", 8, 2)  # 80 % of 10
    vote("colleagues-join", 8, 2)  # 80 % of 10: ties go to the alphabet
    vote("is-the-community-free", 4, 0)  # too few votes
    vote("personal-email", 1, 5)  # mostly unhelpful
    vote("deleted-answer", 9, 0)  # no longer in content
    links = top_answer_links(home_html(client))
    assert links == [
        "data-we-keep", "colleagues-join", "trial-account", *CURATED[:3],
    ]


def test_a_voted_answer_is_not_listed_twice(client, vote):
    vote(CURATED[2], 6, 0)
    links = top_answer_links(home_html(client))
    assert links[0] == CURATED[2]
    assert len(links) == len(set(links)) == 6


def test_votes_are_read_in_one_grouped_query(app, vote):
    vote("data-we-keep", 5, 1)
    vote("trial-account", 5, 0)
    statements = []
    engine = lobby_db.get_engine(app)

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with app.app_context():
            with lobby_db.new_session(app) as session:
                assert voted_slugs(session) == ["trial-account", "data-we-keep"]
                statements.clear()
                top_answers(session, get_index())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
