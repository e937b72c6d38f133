"""The answer page, fast: rendered once per answer and day, the CSRF token filled in per request.

Everything on a plain answer page depends only on the content, the day ("Updated
3 days ago") and the site's address, except the CSRF token of the "Was this
helpful?" form. So the page is rendered once with a slot where the token goes,
kept per app, and each request only fills the slot. Pages that differ per
visitor (a flash message, the thank-you states, a comment form with errors)
are rendered in full every time.

The ETag is computed before rendering, from the same inputs plus the visitor's
CSRF secret and the hour (a cached copy never carries a token older than an
hour, well within WTF_CSRF_TIME_LIMIT), so a matching If-None-Match costs no
rendering at all.
"""

import time

from flask import current_app, make_response, render_template, session
from flask_wtf.csrf import generate_csrf

from services import faq_pages
from services.dates import local_today
from services.http_cache import PRIVATE, cacheable, etag_for, not_modified

CSRF_SLOT = "__lobby_csrf_slot__"
FEEDBACK_STATES = ("yes", "no", "already", "commented")
_CACHE_KEY = "lobby_answer_pages"


def answer_response(index, page, feedback=None, comment_form=None, status=200):
    today = local_today()
    token = generate_csrf()
    personal = "_flashes" in session or comment_form is not None or status != 200
    etag = None
    if not personal:
        etag = etag_for(index.version, page.slug, feedback, today, _site_url(), _csrf_secret(),
                        int(time.time() // 3600))
        unchanged = not_modified(etag, PRIVATE)
        if unchanged is not None:
            return unchanged
    if feedback is None and not personal:
        html = _cached_html(index, page, today).replace(CSRF_SLOT, token)
    else:
        html = _render(index, page, today, token, feedback, comment_form)
    response = make_response(html, status)
    if personal:
        response.headers["Cache-Control"] = "no-store"
        return response
    return cacheable(response, etag, PRIVATE)


def _site_url():
    return current_app.config["SITE_URL"]


def _csrf_secret():
    return session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")


def _cached_html(index, page, today):
    key = (id(index), today, _site_url())
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is None or cache[0] != key or cache[1] is not index:
        cache = (key, index, {})
        current_app.extensions[_CACHE_KEY] = cache
    pages = cache[2]
    html = pages.get(page.slug)
    if html is None:
        html = pages[page.slug] = _render(index, page, today, CSRF_SLOT, None, None)
    return html


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
