"""Static files under content-hashed URLs, cached for a year.

url_for("static", filename=...) adds ?v=<hash of the file's content>, computed
once at start-up (on each use in development, where files change). A request
whose v matches the current hash is answered with
`Cache-Control: public, max-age=..., immutable`: a changed file gets a new URL,
so browsers never need to ask again. Without a matching v, Flask's default
(revalidate with an ETag) applies.
"""

import hashlib
import os

from flask import current_app, has_request_context, request, url_for

_EXTENSION_KEY = "lobby_static_hashes"


def init_app(app):
    app.extensions[_EXTENSION_KEY] = {} if app.config["IS_DEVELOPMENT"] else _hash_tree(app)
    app.extensions[_URLS_KEY] = {}
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
    app.add_template_global(static_url)


_URLS_KEY = "lobby_static_urls"


def static_url(filename):
    """url_for("static", filename=...), versioned, built once per file and script root.

    Templates call it for every page's stylesheet and scripts; building the URL
    through the URL map each time cost ~12 µs a file.
    """
    app = current_app
    if app.config["IS_DEVELOPMENT"]:
        return url_for("static", filename=filename)
    urls = app.extensions[_URLS_KEY]
    key = (request.script_root if has_request_context() else "", filename)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for("static", filename=filename)
    return url


def content_hash(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def _hash_tree(app):
    hashes = {}
    folder = app.static_folder
    for directory, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            hashes[os.path.relpath(path, folder).replace(os.sep, "/")] = content_hash(path)
    return hashes


def version_of(filename):
    """The content hash of a static file, or None when there is no such file."""
    app = current_app
    if app.config["IS_DEVELOPMENT"]:
        path = os.path.join(app.static_folder, filename)
        return content_hash(path) if os.path.isfile(path) else None
    return app.extensions[_EXTENSION_KEY].get(filename)


def _add_version(endpoint, values):
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = version_of(values["filename"])
        if version:
            values["v"] = version


def _cache_versioned(response):
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    if version and version == version_of(filename):
        max_age = current_app.config["STATIC_MAX_AGE"]
        response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
    return response
