"""Cache policy of responses: ETags and conditional GETs, and no-store.

The ETag is computed from what the page is made of (the content version and
whatever else varies the page), before rendering, so a matching
If-None-Match answers 304 without rendering anything.
"""

import hashlib

from flask import current_app, make_response, request, session
from werkzeug.wrappers import Response

from web.page_cache import page_cache

# The same for every visitor without a cookie: browsers ask again each time (ETag),
# shared caches (nginx's micro-cache, a CDN) may keep it SHARED_CACHE_SECONDS. The
# header itself is the app's PUBLIC_CACHE_CONTROL (public_cache_control below).
PUBLIC = "public"
PRIVATE = "private, no-cache"  # personal to this browser (a CSRF token in the page)
NO_STORE = "no-store"  # personal or secret: kept by no cache at all
# Set in the WSGI environ of a request answered with a PUBLIC page: web.shared_pages
# then looks at the response's headers to see if it may keep it (it checks them all).
PUBLIC_MARK = "lobby.public_page"


def public_cache_control(shared_seconds, stale_seconds):
    """The Cache-Control of public pages: `s-maxage` for shared caches, 0 for browsers.

    A shared cache serves a page at most shared_seconds after the app made it, so
    a change of content shows within that time; for stale_seconds after that it may
    still answer the old page while it fetches the new one. 0 keeps them out.
    """
    if shared_seconds <= 0:
        return "public, no-cache"
    swr = f", stale-while-revalidate={stale_seconds}" if stale_seconds > 0 else ""
    return f"public, max-age=0, s-maxage={shared_seconds}{swr}"


def _header_value(cache_control):
    if cache_control == PUBLIC:
        return current_app.config["PUBLIC_CACHE_CONTROL"]
    return cache_control


def etag_for(*parts):
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def not_modified(etag, cache_control=PUBLIC):
    """A 304 response when the client already holds this version, else None."""
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        return cacheable(response, etag, cache_control)
    return None


def cacheable(response, etag, cache_control=PUBLIC):
    """Mark a response with its ETag and cache policy."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = _header_value(cache_control)
    if cache_control == PUBLIC:
        request.environ[PUBLIC_MARK] = True
    return response


def conditional(etag, build, cache_control=PUBLIC):
    """A 304 when the client holds this version; else build()'s body, with its ETag.

    build is called only when needed, so a matching If-None-Match renders nothing.
    A public page shown with a flash message waiting is that visitor's own: no-store.
    """
    if cache_control == PUBLIC and has_flash_waiting():
        return no_store(make_response(build()))
    unchanged = not_modified(etag, cache_control)
    if unchanged is not None:
        return unchanged
    return cacheable(make_response(build()), etag, cache_control)


def no_store(response):
    """Keep a response out of every cache (personal pages, secrets in the URL)."""
    response.headers["Cache-Control"] = NO_STORE
    return response


def shared_page(name, generation, key, render, **options):
    """The HTML render() makes, kept in the app's page cache `name` (web.page_cache).

    Only for pages that are the same for every visitor: a visitor with a flash
    message waiting gets a page of their own, rendered and not kept.
    """
    if has_flash_waiting():
        return render()
    cache = page_cache(current_app, name, **options)
    html = cache.get(generation, key)
    if html is None:
        html = cache.put(generation, key, render())
    return html


def public_page(build):
    """build()'s page, which every visitor without a cookie gets alike: `public`, so
    that web.shared_pages may answer it again. A flash message waiting (looked for
    before build() shows and so removes it) makes it personal."""
    personal = has_flash_waiting()
    response = make_response(build())
    if not personal:
        response.headers["Cache-Control"] = current_app.config["PUBLIC_CACHE_CONTROL"]
        request.environ[PUBLIC_MARK] = True
    return response


def has_flash_waiting():
    return "_flashes" in session
