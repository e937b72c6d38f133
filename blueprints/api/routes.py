"""JSON for support tools: the FAQ answers, by slug, with absolute URLs (README: "The FAQ API")."""

from flask import abort, current_app, jsonify, request, url_for

from blueprints.api import bp
from services.content import faq_pages
from services.content.index import get_index
from web.http_cache import conditional, etag_for
from web.redirects import redirect_keeping_query

MAX_RESULTS = 20


@bp.get("/faq")
def faq_list():
    """Every answer (without html/text), or with ?q= the ranked search results."""
    content = get_index()
    query = request.args.get("q")
    limit = max(1, min(request.args.get("limit", 10, type=int), MAX_RESULTS))
    etag = etag_for("api-faq", content.version, current_app.config["SITE_URL"], query, limit)
    return conditional(etag, lambda: jsonify(faq_pages.api_listing(content, query, limit)))


@bp.get("/faq/<slug>")
def faq_answer(slug):
    """One answer in full; an old slug redirects (301) to the answer's current API URL."""
    content = get_index()
    page, was_alias = content.resolve(slug)
    if page is None:
        abort(404)
    if was_alias:
        return redirect_keeping_query(url_for("api.faq_answer", slug=page.slug), 301)
    etag = etag_for("api-answer", page.etag, current_app.config["SITE_URL"])
    return conditional(etag, lambda: jsonify(faq_pages.api_record(page)))
