from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

import db
from blueprints.faq import bp
from blueprints.faq.answer_page import FEEDBACK_STATES, answer_response
from blueprints.faq.forms import CommentForm, VoteForm
from extensions import csrf
from services import faq_pages, faq_votes, search
from services.content import get_index
from services.http_cache import (
    cacheable,
    etag_for,
    has_flash_waiting,
    not_modified,
    shared_page,
)
from services.page_cache import page_cache
from services.same_origin import comes_from_own_site, origin_of


@bp.record_once
def _build_search_index(state):
    # Build the search index at start-up, not on the first search.
    from services.content import EXTENSION_KEY

    search.search_index(state.app.extensions[EXTENSION_KEY])


@bp.get("/faq")
def index():
    content = get_index()
    etag = etag_for("faq", content.version)
    unchanged = not_modified(etag)
    if unchanged is not None:
        return unchanged
    html = shared_page("faq", content.version, "index",
                       lambda: render_template("faq/index.html", categories=content.categories()))
    return cacheable(make_response(html), etag)


@bp.get("/faq/<slug>")
def answer(slug):
    content = get_index()
    page, was_alias = content.resolve(slug)
    if page is None:
        return _unknown_answer(content, slug)
    if was_alias:
        return redirect(url_for("faq.answer", slug=page.slug, **request.args), 301)
    feedback = request.args.get("voted")
    return answer_response(content, page, feedback if feedback in FEEDBACK_STATES else None)


def _unknown_answer(content, slug):
    suggestions = faq_pages.suggestions_for_slug(content, slug)
    html = render_template("faq/not_found.html", slug=slug, suggestions=suggestions)
    return html, 404


@bp.post("/faq/<slug>/vote")
@csrf.exempt
def vote(slug):
    """Record a vote; CSRF-checked by the browser's Sec-Fetch-Site/Origin, not a token.

    Why no token: the answer page is the same bytes for every visitor, served from
    a cache with a shared ETag, and a per-visitor token would cost every first
    visit a session, a signed cookie and a private copy of the page. A token would
    also protect little here: anyone may vote without one by fetching the page
    first, and the voter cookie is SameSite=Lax, so a forged cross-site POST never
    carries the victim's voter id and cannot use up or change their vote. What the
    check stops is another site making visitors' browsers vote unseen; browsers
    name that other site in Sec-Fetch-Site and Origin, which pages cannot set
    (services.same_origin). A POST naming another site, or naming none, gets the
    same 400 page as a missing token elsewhere.
    """
    own = {origin_of(request.host_url), origin_of(current_app.config["SITE_URL"])}
    if not comes_from_own_site(request.headers, own):
        raise CSRFError("The vote did not come from this site's page.")
    content = get_index()
    page, _alias = content.resolve(slug)
    if page is None:
        return _unknown_answer(content, slug)
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)  # only a hand-made request sends anything but Yes or No
    voter_id = request.cookies.get(faq_votes.VOTER_COOKIE, "")
    new_voter = not faq_votes.is_plausible_voter_id(voter_id)
    if new_voter:
        voter_id = faq_votes.new_voter_id()
    helpful = form.helpful.data == "yes"
    result = faq_votes.record_vote(db.get_session(), page.slug, voter_id, helpful)
    state = ("yes" if helpful else "no") if result.recorded else "already"
    response = redirect(
        url_for("faq.answer", slug=page.slug, voted=state, _anchor="feedback"), 303
    )
    if new_voter:
        response.set_cookie(
            faq_votes.VOTER_COOKIE, voter_id, max_age=faq_votes.VOTER_COOKIE_MAX_AGE,
            httponly=True, samesite="Lax", secure=request.is_secure,
        )
    return response


@bp.post("/faq/<slug>/comment")
def comment(slug):
    content = get_index()
    page, _alias = content.resolve(slug)
    if page is None:
        return _unknown_answer(content, slug)
    form = CommentForm()
    if not form.validate_on_submit():
        return answer_response(content, page, "no", comment_form=form, status=400)
    voter_id = request.cookies.get(faq_votes.VOTER_COOKIE, "")
    if faq_votes.is_plausible_voter_id(voter_id):
        faq_votes.add_comment(db.get_session(), page.slug, voter_id, form.comment.data)
    return redirect(
        url_for("faq.answer", slug=page.slug, voted="commented", _anchor="feedback"), 303
    )


@bp.get("/guidelines")
def guidelines():
    content = get_index()
    if content.guidelines is None:
        return render_template("errors/error.html", status=404, title="No guidelines yet"), 404
    etag = etag_for("guidelines", content.version)
    unchanged = not_modified(etag)
    if unchanged is not None:
        return unchanged
    html = render_template("faq/guidelines.html", guidelines=content.guidelines)
    return cacheable(make_response(html), etag)


@bp.get("/search")
def search_page():
    """Results of a search, kept per query (at most SEARCH_CACHE_SIZE) until the content
    changes; a search with no results shows popular answers (votes), never kept."""
    content = get_index()
    query = request.args.get("q", "")
    cache = page_cache(current_app, "search", size=current_app.config["SEARCH_CACHE_SIZE"])
    personal = has_flash_waiting()
    html = None if personal else cache.get(content.version, query)
    if html is not None:
        return html
    results = search.search(content, query, limit=10)
    popular = ()
    if not results.hits:
        popular = faq_pages.popular_answers(db.get_session(), content)
    html = render_template(
        "faq/search.html",
        query=query,
        results=results,
        too_long=len(query) > search.MAX_QUERY_CHARS,
        popular=popular,
        categories=content.categories(),
        max_chars=search.MAX_QUERY_CHARS,
    )
    if results.hits and not personal:
        cache.put(content.version, query, html)
    return html
