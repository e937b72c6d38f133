"""What every connector answers: its outcomes (Provisioned, WayIn, ...) and its errors.

Errors carry a message safe to show staff and write to logs: the platform's own
words and the HTTP status, never the token or the request headers.
"""

from dataclasses import dataclass, field


class CommunityError(Exception):
    """The platform did not do what we asked; `message` is safe to show and log."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        self.status = status


class Retryable(CommunityError):
    """Down, slow, 5xx or rate limited: try again later (not before `retry_after` seconds).

    `maybe_done`: an add may have reached the platform (a timeout or a reset
    after sending), so the next attempt looks the person up first. `patient`:
    a wait the platform set (a daily limit), which never counts towards giving up.
    """

    def __init__(self, message, status=None, retry_after=None, maybe_done=False, patient=False):
        super().__init__(message, status)
        self.retry_after = retry_after
        self.maybe_done = maybe_done
        self.patient = patient


class Unexpected(Retryable):
    """The platform (or something in front of it) answered something not documented."""


class Refused(CommunityError):
    """Credentials refused, a plan limit or a validation error: retrying will not help.

    `credentials` is True when our key or token was refused: such tasks go back
    to waiting once `community check` succeeds with the fixed credentials.
    """

    def __init__(self, message, status=None, credentials=False):
        super().__init__(message, status)
        self.credentials = credentials


@dataclass
class Member:
    """A person the platform knows (active or invited)."""

    email: str
    member_id: str = ""
    name: str = ""


@dataclass
class Provisioned:
    """The person is a member: `link` is where to send them (None: our own page)."""

    already_member: bool
    member_id: str = ""
    link: str | None = None


@dataclass(frozen=True)
class WayIn:
    """How someone who accepted gets in, as our pages and the welcome email word it.

    `link`: the platform's own link to finish signing up (a Discourse invite);
    `already_member`: they had an account and sign in with it; `new_account`: an
    account was made for their address; `password_emailed`: the platform sent its
    own email to set a password (otherwise they set it at COMMUNITY_RESET_URL).
    Nothing set (no platform): the welcome only says where to log in.
    """

    link: str | None = None
    already_member: bool = False
    new_account: bool = False
    password_emailed: bool = False


@dataclass
class CheckReport:
    """What `community check` found: the community reached, and missing spaces/groups."""

    platform: str
    community: str
    found: list = field(default_factory=list)
    missing: list = field(default_factory=list)
