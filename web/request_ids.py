"""Request ids: unique per process and request, made without a system call.

An id joins a request's log line to the X-Request-Id a visitor may quote; it is
not a secret. `secrets.token_hex` asked the kernel for random bytes on every
request; here each process draws a random prefix once (again after a fork, so
gunicorn's workers never share one) and counts from there.
"""

import itertools
import os
import secrets

_state = {}


def _start():
    _state["prefix"] = secrets.token_hex(4)
    _state["counter"] = itertools.count(int.from_bytes(os.urandom(3), "big"))


def new_request_id():
    """16 hex digits: this process's prefix, then its request count (mod 2**32)."""
    return f"{_state['prefix']}{next(_state['counter']) & 0xFFFFFFFF:08x}"


_start()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_start)
