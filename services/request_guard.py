"""Refuse input no form could mean: NUL characters and unpaired surrogates.

PostgreSQL cannot store a NUL in text and no encoder can write a lone surrogate,
so such a value would otherwise end as a 500 deep inside a view. One check before
every view, on the path, the query string, form fields and JSON, answers 400
instead (in the site's layout, through the app-wide error handlers).
"""

from flask import abort, request


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
    if not all(is_storable(text) for text in _texts_of_request()):
        abort(400, "Some of what you sent contains characters we can't accept.")


def _texts_of_request():
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
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
