"""One vote per visitor per answer (issue 22, finding 7).

Measured: 60 POSTs from one client with `Sec-Fetch-Site: same-origin` (and no
cookies kept) counted 60 votes and moved the answer to the top of "most helpful".
"""

import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from clock import utcnow
from models import FaqVote
from services.content import faq_votes
from services.jobs.retention import purge
from tests.support.database import app_session

STUFFED = "membership-benefits"
LIKED = ["how-to-join", "forgot-password"]


def _vote(app, slug, address="198.51.100.9", helpful="yes"):
    """One POST as a browser that keeps no cookies: a fresh client every time."""
    client = app.test_client()
    return client.post(
        f"/faq/{slug}/vote", data={"helpful": helpful}, base_url="http://localhost",
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin",
                 "User-Agent": "Stuffer/1.0"},
        environ_base={"REMOTE_ADDR": address},
    )


def _count(app, slug):
    with app_session(app) as session:
        return session.scalar(select(func.count()).where(FaqVote.slug == slug))


def _top_answers(client):
    html = client.get("/").get_data(as_text=True)
    listed = html[html.index('class="top-answers"'):]
    return re.findall(r'<a href="[^"]*/faq/([a-z0-9-]+)"', listed[:listed.index("</ul>")])


def test_sixty_posts_from_one_client_count_one_vote(app, client):
    for slug in LIKED:  # two answers liked by five visitors each (home.MIN_VOTES)
        for n in range(5):
            assert _vote(app, slug, address=f"203.0.113.{n}").status_code == 303
    answers = [_vote(app, STUFFED) for _ in range(60)]
    assert {r.status_code for r in answers} == {303}
    assert answers[0].headers["Location"].endswith("voted=yes#feedback")
    assert answers[-1].headers["Location"].endswith("voted=already#feedback")
    assert _count(app, STUFFED) == 1
    top = _top_answers(client)
    assert top[:2] == sorted(LIKED) and STUFFED not in top


def test_other_clients_each_count(app):
    for n in range(3):
        _vote(app, STUFFED, address=f"192.0.2.{n}")
    assert _count(app, STUFFED) == 3


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_VOTES="5 per minute",
                        RATELIMIT_KEY_PREFIX=f"votes-{secrets.token_hex(4)}")
def test_votes_are_rate_limited_per_client(app):
    statuses = [_vote(app, slug).status_code for slug in
                ["how-to-join", "forgot-password", "cant-log-in", "lost-reference",
                 "contact-support", "data-we-keep"]]
    assert statuses == [303] * 5 + [429]
    assert _vote(app, "data-we-keep", address="192.0.2.200").status_code == 303


def test_the_client_is_kept_as_a_keyed_hash_for_a_day(app, use_session):
    assert _vote(app, STUFFED).status_code == 303
    with app.app_context():
        expected = faq_votes.client_key("198.51.100.9", "Stuffer/1.0")
    with use_session() as session:
        vote = session.scalar(select(FaqVote))
        assert vote.client_key == expected and "198.51" not in vote.client_key
        purge(session, 365)  # a fresh vote keeps its client
    with use_session() as session:
        assert session.scalar(select(FaqVote.client_key)) == expected
        session.execute(update(FaqVote).values(created_at=utcnow() - timedelta(hours=25)))
        assert purge(session, 365).counts["vote clients forgotten"] == 1
    with use_session() as session:
        assert session.scalar(select(FaqVote.client_key)) is None
    assert _vote(app, STUFFED).status_code == 303  # a day later the client may vote again
    assert _count(app, STUFFED) == 2


def test_most_helpful_counts_distinct_voters(use_session):
    with use_session() as session:
        for n in range(3):
            session.add(FaqVote(slug="how-to-join", helpful=True, voter_key=f"a{n}"))
        session.add(FaqVote(slug="forgot-password", helpful=True, voter_key="b0"))
        session.add(FaqVote(slug="forgot-password", helpful=True, voter_key="b1"))
    with use_session() as session:
        assert faq_votes.most_helpful(session) == ["how-to-join", "forgot-password"]
