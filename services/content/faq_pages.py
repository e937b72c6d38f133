"""What the FAQ pages and the API say about answers, apart from rendering."""

from services.content import faq_votes, search
from services.links import site_url

# Shown when there is nothing better (no query, no votes yet): the questions
# people arrive with most often.
CURATED_POPULAR = (
    "how-to-join", "invitation-not-arrived", "cant-log-in", "find-my-subdomain",
    "check-request-status", "contact-support",
)


def time_ago(value, today):
    """'today', 'yesterday', '3 days ago', '2 weeks ago', '5 months ago', '2 years ago'."""
    days = (today - value).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"{days // 30} months ago"
    years = days // 365
    return "a year ago" if years == 1 else f"{years} years ago"


def closest_answers(index, page, limit=3):
    """Other answers nearest to this one (its title and summary as the query)."""
    results = search.search(index, f"{page.title} {page.summary}", limit=limit,
                            exclude={page.slug})
    return results.hits


def suggestions_for_slug(index, slug, limit=5):
    """Answers close to a mistyped or retired slug: its words, searched."""
    words = " ".join(part for part in slug.replace("_", "-").split("-") if part)[:200]
    return search.search(index, words, limit=limit).hits


def popular_answers(session, index, limit=6):
    """The most helpful answers by votes, topped up from the curated list."""
    slugs = [s for s in faq_votes.most_helpful(session, limit) if s in index.faq]
    for slug in CURATED_POPULAR:
        if len(slugs) >= limit:
            break
        if slug in index.faq and slug not in slugs:
            slugs.append(slug)
    for slug in index.faq:
        if len(slugs) >= limit:
            break
        if slug not in slugs:
            slugs.append(slug)
    return [index.faq[slug] for slug in slugs]


def related_pages(index, page):
    return [index.faq[slug] for slug in page.related if slug in index.faq]


def permalink(page):
    """The answer's stable, absolute address, for support agents to paste."""
    return site_url(f"/faq/{page.slug}")


def api_record(page, full=True):
    """The JSON shape of an answer (see README, "The FAQ API")."""
    record = {
        "slug": page.slug,
        "title": page.title,
        "url": permalink(page),
        "api_url": site_url(f"/api/faq/{page.slug}"),
        "summary": page.summary,
        "category": page.category,
        "updated": page.updated.isoformat(),
        "aliases": list(page.aliases),
        "related": list(page.related),
    }
    if full:
        record["html"] = page.html
        record["text"] = page.text
    return record


def api_hit(hit):
    return {
        "slug": hit.slug,
        "title": hit.title,
        "url": site_url(hit.url),
        "summary": hit.summary,
        "category": hit.category,
        "score": hit.score,
        "snippet": str(hit.snippet),
    }


def api_listing(index, query=None, limit=10):
    """The body of GET /api/faq: every answer (without html/text), or a query's results."""
    if query is None:
        pages = [page for _category, pages in index.categories() for page in pages]
        return {"answers": [api_record(page, full=False) for page in pages]}
    # The last word may be half typed (live suggestions): it also matches words it begins.
    results = search.search(index, query, limit=limit, complete_last=True)
    return {
        "query": results.query,
        "corrections": [{"typed": t, "understood": u} for t, u in results.corrections],
        "results": [api_hit(hit) for hit in results.hits],
    }
