"""Reading the links out of invitation emails in the outbox (shared by the invitation tests)."""

import re
from urllib.parse import urlsplit

_INVITE_RE = re.compile(r"https?://\S+?/invite/(?!opt-out/)([A-Za-z0-9_-]+)")
_OPT_OUT_RE = re.compile(r"(https?://\S+?/invite/opt-out/[A-Za-z0-9_.-]+)")


def invitation_token(email):
    """The invitation token in an invitation (or reminder) email."""
    return _INVITE_RE.search(email.body_text).group(1)


def opt_out_path(email):
    """The path of the "don't invite me again" link in an invitation email."""
    return urlsplit(_OPT_OUT_RE.search(email.body_text).group(1)).path
