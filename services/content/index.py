"""The content of content/: FAQ answers, guidelines and the login help tree.

Markdown is rendered once, at start-up, into an in-memory index; requests only
read the index. In development, an edited file is picked up on the next request
(a cheap check of file modification times), without a restart. Reading the
files is services/content/files.py; what they become, services/content/model.py.
"""

import os

from flask import current_app

from services.content.files import (
    PLACEHOLDERS,
    SLUG_RE,
    _digest,
    load_faq,
    load_guidelines,
    load_tree,
)
from services.content.model import ContentIndex, Problem

EXTENSION_KEY = "lobby_content"


def init_app(app):
    app.extensions[EXTENSION_KEY] = _shared_index(app.config["CONTENT_DIR"],
                                                  substitutions(app.config))
    if app.config["IS_DEVELOPMENT"]:
        app.before_request(_reload_if_changed)


_loaded = {}  # (content dir, substitutions) -> the index, while its files are unchanged


def _shared_index(content_dir, subs):
    """The index of content_dir, shared by apps of this process with the same settings.

    An index is never changed once built, so apps (the test suite makes one per
    test) can share it; a changed file gives a new signature and a new index.
    """
    key = (os.path.abspath(content_dir), tuple(sorted(subs.items())))
    index = _loaded.get(key)
    if index is None or index.signature != _signature(content_dir):
        index = _loaded[key] = load_content(content_dir, subs)
    return index


def get_index():
    return current_app.extensions[EXTENSION_KEY]


def _reload_if_changed():
    app = current_app
    index = app.extensions[EXTENSION_KEY]
    if _signature(app.config["CONTENT_DIR"]) != index.signature:
        app.extensions[EXTENSION_KEY] = load_content(
            app.config["CONTENT_DIR"], substitutions(app.config)
        )


def substitutions(config):
    return {name: str(config.get(name, "")) for name in PLACEHOLDERS}


def _content_files(content_dir):
    for folder, _dirs, files in os.walk(content_dir):
        for name in sorted(files):
            if name.endswith((".md", ".yaml", ".yml")):
                yield os.path.join(folder, name)


def _signature(content_dir):
    return tuple(
        (path, os.stat(path).st_mtime_ns) for path in sorted(_content_files(content_dir))
    )


def load_content(content_dir, substitutions):
    """Read and render everything under content_dir; problems are collected, not raised."""
    index = ContentIndex(signature=_signature(content_dir))
    faq_dir = os.path.join(content_dir, "faq")
    if os.path.isdir(faq_dir):
        for name in sorted(os.listdir(faq_dir)):
            if name.endswith(".md"):
                page = load_faq(os.path.join(faq_dir, name), substitutions, index.problems)
                if page is not None:
                    index.faq[page.slug] = page
    for page in index.faq.values():
        line = page.line_of("aliases")
        for alias in page.aliases:
            if not SLUG_RE.fullmatch(alias):
                index.problems.append(Problem(page.path, line, f"alias “{alias}” is not a valid slug"))
            if alias in index.faq:
                index.problems.append(
                    Problem(page.path, line, f"alias “{alias}” is also the slug of an answer")
                )
            elif alias in index.aliases:
                index.problems.append(
                    Problem(page.path, line, f"alias “{alias}” is also an alias of "
                            f"“{index.aliases[alias]}”")
                )
            else:
                index.aliases[alias] = page.slug
    guidelines_path = os.path.join(content_dir, "guidelines.md")
    if os.path.exists(guidelines_path):
        index.guidelines = load_guidelines(guidelines_path, substitutions, index.problems)
    tree_path = os.path.join(content_dir, "help", "login.yaml")
    if os.path.exists(tree_path):
        index.login_tree = load_tree(tree_path, substitutions, index.problems)
    index.version = _digest(
        [page.etag for page in index.faq.values()]
        + [index.guidelines.html if index.guidelines else ""]
    )
    return index
