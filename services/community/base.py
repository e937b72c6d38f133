"""The interface every connector offers, its outcomes and its errors.

Errors carry a message safe to show staff and write to logs: the platform's own
words and the HTTP status, never the token or the request headers.
"""

import logging
from dataclasses import dataclass, field

import requests

log = logging.getLogger("services.community")


class CommunityError(Exception):
    """The platform did not do what we asked; `message` is safe to show and log."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        self.status = status


class Retryable(CommunityError):
    """Down, slow, 5xx or rate limited: try again later (not before `retry_after` seconds)."""

    def __init__(self, message, status=None, retry_after=None):
        super().__init__(message, status)
        self.retry_after = retry_after


class Refused(CommunityError):
    """Credentials refused, a plan limit or a validation error: retrying will not help."""


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


@dataclass
class CheckReport:
    """What `community check` found: the community reached, and missing spaces/groups."""

    platform: str
    community: str
    found: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def ids_from(value):
    """A comma-separated setting of integer ids, as ints (bad entries are an error)."""
    out = []
    for part in str(value or "").split(","):
        part = part.strip()
        if part:
            if not part.isdigit():
                raise ValueError(f"not an integer id: {part!r}")
            out.append(int(part))
    return out


# Words of a 422 that means the address already has an account (not a real validation error).
EXISTS_WORDS = ("already", "exists", "taken")


def says_exists(message):
    return any(word in message.lower() for word in EXISTS_WORDS)


class HttpConnector:
    """Shared HTTP plumbing: every call has a timeout, and no error text holds a secret."""

    name = "?"

    def __init__(self, timeout):
        self.timeout = timeout

    def _headers(self):
        raise NotImplementedError

    def _base_url(self):
        raise NotImplementedError

    def _call(self, method, path, **kwargs):
        url = self._base_url().rstrip("/") + path
        try:
            response = requests.request(
                method, url, headers=self._headers(), timeout=self.timeout, **kwargs
            )
        except requests.Timeout:
            raise Retryable(f"{self.name} did not answer within {self.timeout:g} s") from None
        except requests.ConnectionError:
            raise Retryable(f"could not connect to {self.name}") from None
        except requests.RequestException as error:
            raise Retryable(f"{self.name} request failed ({type(error).__name__})") from None
        return response

    def _json(self, response):
        try:
            return response.json()
        except ValueError:
            return None

    def _error_for(self, response, retry_after=None):
        """The typed error of a non-2xx answer, with the platform's own message."""
        status = response.status_code
        said = self._platform_message(response)
        meaning = self._credentials_refused(response)
        message = f"{status}: {meaning} ({said})" if meaning else f"{status}: {said}"
        if status == 429 or status >= 500:
            return Retryable(message, status, retry_after)
        return Refused(message, status)

    def _platform_message(self, response):
        raise NotImplementedError

    def _credentials_refused(self, response):
        """Plain words when the answer means our credentials are wrong, else None."""
        return None

    def retry_after_header(self, response):
        raw = response.headers.get("Retry-After", "")
        try:
            return max(0.0, float(raw))
        except ValueError:
            return None

    def provision(self, email, name):
        """Make `email` a member, looking it up first so nobody is added twice."""
        found = self.find_member(email)
        if found is not None:
            return Provisioned(already_member=True, member_id=found.member_id)
        return self.add_member(email, name)


class NoPlatform:
    """COMMUNITY_PLATFORM=none: nothing is called; accepted people go to COMMUNITY_URL."""

    name = "none"

    def __init__(self, config):
        self.community_url = config.get("COMMUNITY_URL", "")

    def find_member(self, email):
        return None  # we cannot tell: screening goes on as before

    def add_member(self, email, name):
        return Provisioned(already_member=False, link=self.community_url)

    def provision(self, email, name):
        return self.add_member(email, name)

    def check(self):
        return CheckReport("none", "no platform connected (COMMUNITY_PLATFORM=none)")


class Misconfigured:
    """A platform whose settings cannot be read: every call is refused with the reason."""

    def __init__(self, name, reason):
        self.name = name
        self.reason = reason

    def _refuse(self, *_args):
        raise Refused(self.reason)

    find_member = add_member = provision = check = _refuse
