"""The answer page, fast: the same bytes for every visitor, rendered once per answer and day.

Everything on an answer page depends only on the content, the day ("Updated 3
days ago"), the site's address and the thank-you state. The "Was this helpful?"
form carries no per-visitor CSRF token: the vote is protected by the headers the
browser sets on the POST instead (see blueprints.faq.routes.vote). So the page is
rendered once per answer and state, kept per app, and served with one ETag shared
by every visitor (`public`, for SHARED_CACHE_SECONDS in shared caches): a first
visit opens no session, signs no cookie and touches no database.

Pages that differ per visitor render in full every time: a flash message, a
comment form with errors (`no-store`), and the "Sorry this didn't help" state,
whose comment form does carry a CSRF token (a rarely seen page; its ETag holds the
visitor's CSRF secret and the hour, so a cached copy never holds a stale token).
"""

import time

from flask import current_app, make_response, render_template, session
from flask_wtf.csrf import generate_csrf

from services.content import faq_pages
from services.dates import local_today
from web.http_cache import PRIVATE, conditional, etag_for, no_store

FEEDBACK_STATES = ("yes", "no", "already", "commented")
_CACHE_KEY = "lobby_answer_pages"


def answer_response(index, page, feedback=None, comment_form=None, status=200):
    today = local_today()
    personal = "_flashes" in session or comment_form is not None or status != 200
    if personal:
        html = _render(index, page, today, generate_csrf(), feedback, comment_form)
        return no_store(make_response(html, status))
    if feedback == "no":  # the comment form: a per-visitor token
        etag = etag_for(index.version, page.slug, feedback, today, _site_url(), _csrf_secret(),
                        int(time.time() // 3600))
        return conditional(
            etag, lambda: _render(index, page, today, generate_csrf(), feedback, None), PRIVATE
        )
    html, etag = _cached_page(index, page, feedback, today)
    response = conditional(etag, lambda: html)
    response.headers["Vary"] = "Cookie"  # a pending flash message makes the page personal
    return response


def _site_url():
    return current_app.config["SITE_URL"]


def _csrf_secret():
    return session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")


def _cached_page(index, page, feedback, today):
    """(html, etag) of a page shared by every visitor, rendered on first use.

    The cache is dropped as a whole when the content, the day or the site's
    address changes, so it holds at most one entry per answer and thank-you state.
    """
    key = (id(index), today, _site_url())
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is None or cache[0] != key or cache[1] is not index:
        cache = (key, index, {})
        current_app.extensions[_CACHE_KEY] = cache
    pages = cache[2]
    entry = pages.get((page.slug, feedback))
    if entry is None:
        html = _render(index, page, today, None, feedback, None)
        etag = etag_for(index.version, page.slug, feedback, today, _site_url())
        entry = pages[(page.slug, feedback)] = (html, etag)
    return entry


def _render(index, page, today, csrf_value, feedback, comment_form):
    from blueprints.faq.forms import CommentForm

    closest = faq_pages.closest_answers(index, page) if feedback == "no" else ()
    if feedback == "no" and comment_form is None:
        comment_form = CommentForm(formdata=None)
    return render_template(
        "faq/answer.html",
        page=page,
        related=faq_pages.related_pages(index, page),
        permalink=faq_pages.permalink(page),
        updated_words=faq_pages.time_ago(page.updated, today),
        updated_exact=f"{page.updated:%A} {page.updated.day} {page.updated:%B %Y}",
        feedback=feedback,
        closest=closest,
        comment_form=comment_form,
        csrf_value=csrf_value,
    )
