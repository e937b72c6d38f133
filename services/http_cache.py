"""ETags and conditional GETs for pages built from content.

The ETag is computed from what the page is made of (the content version and
whatever else varies the page), before rendering, so a matching
If-None-Match answers 304 without rendering anything.
"""

import hashlib

from flask import request
from werkzeug.wrappers import Response

PUBLIC = "public, no-cache"  # anyone may store it, but must ask again each time
PRIVATE = "private, no-cache"  # personal to this browser (a CSRF token in the page)


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
    response.headers["Cache-Control"] = cache_control
    return response
