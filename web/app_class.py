"""Lobby's Flask class: Flask, without asking on every call a question whose answer is fixed.

Flask calls `ensure_sync` on every hook and view of every request, and its answer
comes from `inspect.iscoroutinefunction`, about 2 µs each time (nine times a
page). For a plain function the answer is in its code flags, read directly here;
anything else (a coroutine, a partial, a bound method) gets Flask's own answer.
"""

from inspect import CO_COROUTINE
from types import FunctionType

from flask import Flask


class LobbyFlask(Flask):
    def ensure_sync(self, func):
        if (type(func) is FunctionType and not func.__code__.co_flags & CO_COROUTINE
                and "_is_coroutine_marker" not in func.__dict__):
            return func
        return super().ensure_sync(func)
