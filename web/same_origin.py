"""Is a POST from one of our own pages? Read from the headers browsers set themselves.

Browsers name the site a request comes from in two headers a page cannot forge:
`Sec-Fetch-Site` (Chrome 76, Firefox 90, Safari 16.4 and later) and `Origin`
(on every POST since 2020). CSRF protection for forms served from a shared cache,
where a per-visitor token cannot live, rests on them.
"""

from urllib.parse import urlsplit


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
