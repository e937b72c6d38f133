"""No reaching into another library's private names (issue 26).

A library changes its private names in any release, without a word in its
changelog; code that used them breaks on an upgrade with no change of ours. Where
the public API costs more, pay it, unless a benchmark shows the difference matters
at the goals in the README; then the exception goes in ALLOWED with the figure.
"""

import ast

import pytest

from tests.support.private_names import defined_names, private_accesses, scan_project

# (module, name, attribute) of the private names we may use, each with its reason.
ALLOWED = frozenset({
    # Flask documents current_app._get_current_object() as the way to hand the app
    # itself (not the context-bound proxy) to code that outlives the context: the
    # worker loop, a bulk run (flask.palletsprojects.com, "The Application Context").
    ("flask", "current_app", "_get_current_object"),
})
ROOTS = {"services", "web", "extensions"}


def test_the_project_uses_no_private_name_of_another_library():
    found = scan_project(allowed=ALLOWED)
    assert not found, "private names of other libraries:\n" + "\n".join(map(str, found))


def _accesses(source, ours=frozenset()):
    tree = ast.parse(source)
    return [access.what for access in private_accesses(
        tree, "example.py", set(ours) | defined_names(tree), ROOTS, ALLOWED)]


@pytest.mark.parametrize(("source", "expected"), [
    ("from flask import request\nrequest._get_current_object()",
     ["request._get_current_object"]),
    ("from flask import g\ng._get_current_object().x = 1", ["g._get_current_object"]),
    ("import flask\nflask.request._get_current_object()",
     ["flask.request._get_current_object"]),
    # A library's object reached from a name of ours: the attribute is nobody's here.
    ("from extensions import limiter\nlimiter._Limiter__release_context()",
     ["limiter._Limiter__release_context"]),
    ("def f(response):\n    response.headers._list.extend([])", ["response.headers._list"]),
    ("def f(handler):\n    return handler.formatter._fmt", ["handler.formatter._fmt"]),
    ("getattr(headers, '_list', None)", ["headers._list"]),
    ("def t(monkeypatch, Limiter):\n    monkeypatch.setattr(Limiter, '_check', None)",
     ["Limiter._check"]),
    ("ok = '_is_coroutine_marker' not in func.__dict__", ["func._is_coroutine_marker"]),
    ("from flask_limiter._extension import Limiter", ["from flask_limiter._extension import ..."]),
    ("from flask_limiter import _extension", ["from flask_limiter import _extension"]),
    ("import flask_limiter._extension", ["import flask_limiter._extension"]),
    # Inherited from a library's class: not defined anywhere in the project.
    ("import logging\nclass F(logging.Formatter):\n    def f(self):\n        return self._fmt",
     ["self._fmt"]),
    # A name of ours on a library's object imported by name is still theirs to reach.
    ("from flask import g\ng._pages", ["g._pages"]),
    ("import sys\nsys._getframe()", ["sys._getframe"]),
])
def test_it_finds_private_names_of_other_libraries(source, expected):
    assert _accesses(source, ours={"_pages"}) == expected


@pytest.mark.parametrize("source", [
    # Our own names: set on self, defined in a module, imported from our packages.
    "class A:\n    def __init__(self):\n        self._x = 1\n    def f(self, other):\n"
    "        return other._x",
    "class A:\n    def __init__(self):\n        self.__secret = 1\n"
    "def f(a):\n    return a._A__secret",
    "from services.content.index import _shared_index",
    "from web import _helpers",
    "from . import _local",
    "def f(app):\n    return app.wsgi_app._pages",
    "import services.mail.outbox as outbox\noutbox._deliver()",
    # Dunders are public; the allowed name is let through.
    "x.__name__, type(x).__table__, y.__dict__['__module__']",
    "from flask import current_app\napp = current_app._get_current_object()",
    "from __future__ import annotations",
])
def test_it_lets_our_own_names_and_dunders_through(source):
    assert _accesses(source, ours={"_pages", "_deliver"}) == []
