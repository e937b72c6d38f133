"""Search: differently worded questions find the right answer; junk never breaks it."""

import re

import pytest

from services.content import search
from services.content.index import get_index, load_content


@pytest.fixture
def content(app):
    with app.app_context():
        return get_index()


# Questions worded as people type them, not as the answers are written.
QUESTIONS = [
    ("didnt get invitation email", "invitation-not-arrived"),
    ("I haven’t got my invite", "invitation-not-arrived"),
    ("subdomian", "find-my-subdomain"),
    ("cant log in", "cant-log-in"),
    ("Can't sign in", "cant-log-in"),
    ("forgotten pwd", "forgot-password"),
    ("invite link expired", "invitation-expired"),
    ("can my coworkers join", "colleagues-join"),
    ("how much does it cost", "is-the-community-free"),
    ("my request was rejected", "request-declined"),
    ("keeps showing me the join form but I'm a member", "lock-screen-already-member"),
    ("lost my reference number", "lost-reference"),
    ("facebok group", "old-facebook-group"),
    ("someone posted customer data", "keep-customer-details-private"),
    ("how long does the review take", "what-happens-after-request"),
    ("already have an account in another circle community", "member-of-another-community"),
    ("sign up with gmail", "personal-email"),
]


@pytest.mark.parametrize("question, slug", QUESTIONS)
def test_a_differently_worded_question_puts_the_right_answer_first(content, question, slug):
    hits = search.search(content, question).hits
    assert hits, question
    assert hits[0].slug == slug, [h.slug for h in hits[:3]]


def test_a_typo_is_corrected_and_said(content):
    results = search.search(content, "subdomian")
    assert results.corrections == (("subdomian", "subdomain"),)


def test_the_title_counts_more_than_the_body(content):
    # "password" is in the body of several answers but in one title.
    hits = search.search(content, "password").hits
    assert hits[0].slug == "forgot-password"
    assert hits[0].score > hits[1].score


def test_hits_carry_what_a_results_list_needs(content):
    hit = search.search(content, "invitation expired").hits[0]
    assert hit.url == f"/faq/{hit.slug}"
    assert hit.title == content.faq[hit.slug].title
    assert hit.summary == content.faq[hit.slug].summary
    assert hit.score > 0
    assert "<mark>" in hit.snippet


def test_the_snippet_marks_matches_and_escapes_everything_else(tmp_path):
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "risky.md").write_text(
        "---\ntitle: Risky\ncategory: Test\norder: 1\nupdated: 2026-01-01\n"
        "summary: A test.\n---\nNever paste `<script>alert(1)</script>` into an invitation "
        "& keep the <b>invitation</b> text.\n"
    )
    index = load_content(str(tmp_path), {})
    hit = search.search(index, "invitation").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert hit.snippet.count("<mark>invitation</mark>") == 2


@pytest.mark.parametrize(
    "query", ["", "   ", "@@@ !!", "the of and", "x" * 5000, "a" * 300 + " invitation",
              "' OR 1=1 --", "<script>alert(1)</script>", "日本語の質問", "\x00\x01"]
)
def test_junk_queries_never_fail(content, query):
    results = search.search(content, query)
    assert len(results.query) <= search.MAX_QUERY_CHARS
    assert isinstance(results.hits, tuple)


def test_the_search_index_is_built_once_per_content_index(content):
    assert search.search_index(content) is search.search_index(content)


def test_the_last_word_can_be_half_typed_for_live_suggestions(content):
    hits = search.search(content, "find my subdom", complete_last=True).hits
    assert hits[0].slug == "find-my-subdomain"


def test_the_search_page_lists_ranked_results_with_highlights(client):
    response = client.get("/search?q=invitation+never+arrived")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    results = html[html.index('class="search-results"'):]
    assert re.findall(r'<h3><a href="/faq/([a-z0-9-]+)">', results)[0] == "invitation-not-arrived"
    assert "<mark>" in results
    assert 'value="invitation never arrived"' in html


def test_the_search_page_says_what_a_typo_was_read_as(client):
    html = client.get("/search?q=subdomian").get_data(as_text=True)
    assert "Showing results for" in html and "<strong>subdomain</strong>" in html


@pytest.mark.parametrize("query", ["", "%40%40%40", "zzzzqqq", "x" * 3000])
def test_empty_or_junk_searches_get_a_helpful_page(client, query):
    response = client.get(f"/search?q={query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Popular answers" in html and "Browse by topic" in html
    assert 'href="/faq/how-to-join"' in html
    if len(query) > search.MAX_QUERY_CHARS:
        assert "That&#39;s a long question" in html or "That's a long question" in html


def test_popular_answers_follow_helpful_votes(app, client, use_session):
    from models import FaqVote

    with use_session() as session:
        for n in range(3):
            session.add(FaqVote(slug="trial-account", helpful=True, voter_key=f"k{n}"))
    html = client.get("/search").get_data(as_text=True)
    popular = html[html.index("Popular answers"):]
    assert re.findall(r'<a href="/faq/([a-z0-9-]+)">', popular)[0] == "trial-account"
