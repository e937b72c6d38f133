from flask import abort, current_app, make_response, redirect, render_template, request, url_for

import db
from blueprints.faq import bp
from blueprints.faq.answer_page import FEEDBACK_STATES, answer_response
from blueprints.faq.forms import CommentForm, VoteForm
from extensions import csrf, limiter
from services.content import faq_pages, faq_votes, search
from services.content.index import get_index
from web.http_cache import conditional, etag_for, has_flash_waiting, public_page, shared_page
from web.page_cache import page_cache
from web.redirects import redirect_keeping_query
from web.same_origin import same_site_only


@bp.record_once
def _build_search_index(state):
    # Build the search index at start-up, not on the first search.
    from services.content.index import EXTENSION_KEY

    search.search_index(state.app.extensions[EXTENSION_KEY])


@bp.get("/faq")
def index():
    content = get_index()
    return conditional(etag_for("faq", content.version), lambda: shared_page(
        "faq", content.version, "index",
        lambda: render_template("faq/index.html", categories=content.categories())))


@bp.get("/faq/<slug>")
def answer(slug):
    content = get_index()
    page, was_alias = content.resolve(slug)
    if page is None:
        return _unknown_answer(content, slug)
    if was_alias:
        return redirect_keeping_query(url_for("faq.answer", slug=page.slug), 301)
    feedback = request.args.get("voted")
    return answer_response(content, page, feedback if feedback in FEEDBACK_STATES else None)


def _unknown_answer(content, slug):
    suggestions = faq_pages.suggestions_for_slug(content, slug)
    html = render_template("faq/not_found.html", slug=slug, suggestions=suggestions)
    return html, 404


def _posted_to(slug):
    """(content, page) of the answer a vote or comment is for; else the not-found page, as a 404."""
    content = get_index()
    page, _alias = content.resolve(slug)
    if page is None:
        abort(make_response(_unknown_answer(content, slug)))
    return content, page


def _vote_limit():
    return current_app.config["RATELIMIT_VOTES"]


@bp.post("/faq/<slug>/vote")
@csrf.exempt
@same_site_only
@limiter.limit(_vote_limit)
def vote(slug):
    """Record a vote (CSRF-checked by the browser's own headers: see same_site_only)."""
    _content, page = _posted_to(slug)
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)  # only a hand-made request sends anything but Yes or No
    ballot = _cast_vote(page.slug, form.helpful.data == "yes")
    response = _back_to_feedback(page.slug, ballot.state)
    _remember_voter(response, ballot.new_voter_id)
    return response


def _cast_vote(slug, helpful):
    """This visitor's vote: by its cookie, and by its client (address and browser, hashed)."""
    voter_id = request.cookies.get(faq_votes.VOTER_COOKIE, "")
    client = faq_votes.client_key(request.remote_addr, request.user_agent.string)
    return faq_votes.cast_vote(db.get_session(), slug, voter_id, helpful, client)


def _remember_voter(response, voter_id):
    """Set the voter cookie for a first vote (voter_id is None after that)."""
    if not voter_id:
        return
    response.set_cookie(
        faq_votes.VOTER_COOKIE, voter_id, max_age=faq_votes.VOTER_COOKIE_MAX_AGE,
        httponly=True, samesite="Lax", secure=request.is_secure,
    )


@bp.post("/faq/<slug>/comment")
def comment(slug):
    content, page = _posted_to(slug)
    form = CommentForm()
    if not form.validate_on_submit():
        return answer_response(content, page, "no", comment_form=form, status=400)
    voter_id = request.cookies.get(faq_votes.VOTER_COOKIE, "")
    if faq_votes.is_plausible_voter_id(voter_id):
        faq_votes.add_comment(db.get_session(), page.slug, voter_id, form.comment.data)
    return _back_to_feedback(page.slug, "commented")


def _back_to_feedback(slug, voted):
    """After a vote or a comment: the answer again, at its feedback part, saying what was done."""
    return redirect(url_for("faq.answer", slug=slug, voted=voted, _anchor="feedback"), 303)


@bp.get("/guidelines")
def guidelines():
    content = get_index()
    if content.guidelines is None:
        return render_template("errors/error.html", status=404, title="No guidelines yet"), 404
    return conditional(etag_for("guidelines", content.version),
                       lambda: render_template("faq/guidelines.html", guidelines=content.guidelines))


@bp.get("/search")
def search_page():
    """Results of a search, kept per query (at most SEARCH_CACHE_SIZE) until the content changes."""
    return public_page(lambda: _search_html(get_index(), request.args.get("q", "")))


def _search_html(content, query):
    cache = page_cache(current_app, "search", size=current_app.config["SEARCH_CACHE_SIZE"])
    personal = has_flash_waiting()
    html = None if personal else cache.get(content.version, query)
    if html is None:
        html, keep = _render_search(content, query)
        if keep and not personal:
            cache.put(content.version, query, html)
    return html


def _render_search(content, query):
    """The results page, and whether to keep it: a search with no results shows the
    popular answers (votes), so it is never kept."""
    results = search.search(content, query, limit=10)
    popular = () if results.hits else faq_pages.popular_answers(db.get_session(), content)
    html = render_template(
        "faq/search.html",
        query=query,
        results=results,
        too_long=len(query) > search.MAX_QUERY_CHARS,
        popular=popular,
        categories=content.categories(),
        max_chars=search.MAX_QUERY_CHARS,
    )
    return html, bool(results.hits)
