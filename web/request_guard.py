"""Refuse input no form could mean, before any view sees it (400, in the layout).

- NUL characters and unpaired surrogates anywhere (path, query, form, JSON):
  PostgreSQL cannot store a NUL and no encoder can write a lone surrogate, so
  such a value would otherwise end as a 500 deep inside a view.
- JSON posted to a page (not /api/ or /inbound/, whose views read it themselves)
  that is not a flat object of strings:
  Flask-WTF reads a JSON body as form data, and a list, a number or a nested
  object there breaks WTForms' fields with a TypeError (a 500).
"""

from flask import abort, request

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_app(app):
    app.before_request(refuse_unstorable_input)


def is_storable(text):
    """False when the text holds a NUL character or cannot be encoded as UTF-8."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_unstorable_input():
    environ = request.environ  # once: each use of the proxy is a look-up
    method = environ.get("REQUEST_METHOD", "GET").upper()  # as request.method reads it
    if method not in BODY_METHODS and _is_plain_ascii(environ):
        return
    if not all(is_storable(text) for text in _texts_of_request()):
        abort(400, "Some of what you sent contains characters we can't accept.")
    if (
        request.method in BODY_METHODS
        and request.is_json
        and not request.path.startswith(("/api/", "/inbound/"))
        and not _is_flat_form(request.get_json(silent=True))
    ):
        abort(400, "This page takes a form, not that kind of data.")


def _is_plain_ascii(environ):
    """True when the raw path and query string are ASCII with no NUL and no %-escape,
    so every text they decode to is storable: the common case, checked without parsing."""
    path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    return (path.isascii() and "\x00" not in path
            and query.isascii() and "%" not in query and "\x00" not in query)


def _is_flat_form(value):
    """True for {"field": "text", "other": ["text", ...]}: what a form could send."""
    if not isinstance(value, dict):
        return False
    for item in value.values():
        items = item if isinstance(item, list) else [item]
        if not all(isinstance(text, str) for text in items):
            return False
    return True


def _texts_of_request():
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method in BODY_METHODS:
        for key, value in request.form.items(multi=True):
            yield key
            yield value
        for key, upload in request.files.items(multi=True):
            yield key
            yield upload.filename or ""
        if request.is_json:
            yield from _texts_in(request.get_json(silent=True))


def _texts_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts_in(item)
