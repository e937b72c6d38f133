"""CSRF protection for the vote button, which has no per-visitor token."""

from functools import wraps

from flask import current_app, request
from flask_wtf.csrf import CSRFError

from web.same_origin import comes_from_own_site, origin_of


def same_site_only(view):
    """Refuse a POST that the browser says came from another site (a 400 CSRF page).

    Why no token: the answer page is the same bytes for every visitor, served from
    a cache with a shared ETag, and a per-visitor token would cost every first
    visit a session, a signed cookie and a private copy of the page. A token would
    also protect little here: anyone may vote without one by fetching the page
    first, and the voter cookie is SameSite=Lax, so a forged cross-site POST never
    carries the victim's voter id and cannot use up or change their vote. What the
    check stops is another site making visitors' browsers vote unseen; browsers
    name that other site in Sec-Fetch-Site and Origin, which pages cannot set
    (web.same_origin). A POST naming another site, or naming none, gets the
    same 400 page as a missing token elsewhere.
    """

    @wraps(view)
    def checked(*args, **kwargs):
        own = {origin_of(request.host_url), origin_of(current_app.config["SITE_URL"])}
        if not comes_from_own_site(request.headers, own):
            raise CSRFError("The vote did not come from this site's page.")
        return view(*args, **kwargs)

    return checked
