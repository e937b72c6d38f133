"""Is a POST from one of our own pages? Read from the headers browsers set themselves.

Browsers name the site a request comes from in two headers a page cannot forge:
`Sec-Fetch-Site` (Chrome 76, Firefox 90, Safari 16.4 and later) and `Origin`
(on every POST since 2020). CSRF protection for forms served from a shared cache,
where a per-visitor token cannot live, rests on them (`same_site_only`, the vote button).
"""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, request
from flask_wtf.csrf import CSRFError


def origin_of(url):
    """'https://help.example.com/faq' -> 'https://help.example.com'."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def comes_from_own_site(headers, own_origins):
    """True when the browser says the request was made by a page of ours.

    - `Sec-Fetch-Site` when sent: only `same-origin` passes. `same-site` is a sibling
      host (another subdomain, which may serve other people's content), `cross-site`
      another site, `none` no page at all (a form cannot send that).
    - Otherwise `Origin`: it must be one of own_origins (`null`, sent by sandboxed
      frames and some redirects, is not).
    - Neither header: refused. Every browser of the last six years sends one on a
      POST; a client that sends none is not a browser and cannot be tricked by a
      page, but refusing it keeps the rule one sentence long.
    """
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    origin = headers.get("Origin")
    if origin:
        return origin.lower() in own_origins
    return False


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
    (comes_from_own_site). A POST naming another site, or naming none, gets the
    same 400 page as a missing token elsewhere.
    """

    @wraps(view)
    def checked(*args, **kwargs):
        own = {origin_of(request.host_url), origin_of(current_app.config["SITE_URL"])}
        if not comes_from_own_site(request.headers, own):
            raise CSRFError("The vote did not come from this site's page.")
        return view(*args, **kwargs)

    return checked
