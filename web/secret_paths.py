"""Paths that carry a secret (a token or a follow-up code) after a fixed prefix.

One list, used by the request log (which masks the secret) and by the security
headers (which keep such pages out of every cache).
"""

import re

# Longest prefix first, so /invite/opt-out/<token> is not read as /invite/<token>.
SECRET_PREFIXES = ("invite/opt-out", "invite", "status", "report")

_SECRET_PATH_RE = re.compile(
    r"^/(" + "|".join(re.escape(p) for p in SECRET_PREFIXES) + r")/[^/].*$", re.DOTALL
)


# The same paths inside any text (a log message, a traceback): the secret runs to
# the next space, quote, bracket or query string. A path already masked is left
# alone (else /invite/opt-out/[secret] would read as /invite/<secret>).
_SECRET_IN_TEXT_RE = re.compile(
    r"/(" + "|".join(re.escape(p) for p in SECRET_PREFIXES) + r")/"
    r"(?!\S*\[secret\])[^\s\[\]\"'?#<>]+"
)


def is_secret_path(path):
    """True for a path such as /status/<token> whose tail is a secret."""
    return _SECRET_PATH_RE.match(path) is not None


def mask_path(path):
    """'/invite/opt-out/abc123' -> '/invite/opt-out/[secret]'; other paths unchanged."""
    return _SECRET_PATH_RE.sub(lambda m: f"/{m.group(1)}/[secret]", path)


def mask_secret_paths_in(text):
    """'Exception on /status/abc123 [GET]' -> 'Exception on /status/[secret] [GET]'."""
    return _SECRET_IN_TEXT_RE.sub(lambda m: f"/{m.group(1)}/[secret]", text)
