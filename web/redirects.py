"""Redirects that take no instructions from the query string.

The query string of the request is carried over verbatim, as text after the
path; it never reaches url_for, whose underscore arguments (_external, _scheme,
_method, _anchor) would otherwise let a visitor choose the host, scheme or
method of our own Location header.
"""

from urllib.parse import quote

from flask import redirect, request

# Everything a browser sends unescaped in a query stays as it was; anything else
# (spaces, controls, non-ASCII) is %-escaped so the header stays valid.
_KEPT = "".join(chr(code) for code in range(0x21, 0x7F))


def redirect_keeping_query(path, code=301):
    """Redirect to one of our own paths (a relative Location) with the request's query string."""
    query = request.query_string.decode("latin-1")
    location = f"{path}?{quote(query, safe=_KEPT, encoding='latin-1')}" if query else path
    return redirect(location, code)
