"""The interface every connector offers: HTTP plumbing, no platform, a misconfigured one.

An answer counts only when it has the documented shape; anything else is
`Unexpected` (services.community.outcomes).
"""

import copy
import logging
import re
import time
from contextlib import contextmanager

from services.community import http_calls
from services.community.http_calls import CallFailed, Deadline, TooLarge, url_problem
from services.community.outcomes import (
    CheckReport,
    Provisioned,
    Refused,
    Retryable,
    Unexpected,
    WayIn,
)
from services.privacy.masking import mask_emails

log = logging.getLogger("services.community")

SHOWN_CHARACTERS = 200  # of an unexpected answer, masked, for staff


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


def is_id(value):
    """A platform id as the APIs document it: an integer (not a bool, not a string)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_member_record(record):
    """A member (user) record as both platforms document it: an integer `id` and an `email`."""
    return isinstance(record, dict) and is_id(record.get("id")) and isinstance(
        record.get("email"), str)


def url_setting(config, setting, default=""):
    """A platform's base URL setting; ValueError when it is not one we may call."""
    url = config.get(setting) or default
    problem = url_problem(url, setting, config.get("IS_DEVELOPMENT"))
    if problem:
        raise ValueError(problem)
    return url


class HttpConnector:
    """Shared HTTP plumbing: one deadline per attempt, no redirects, only checked answers.

    Built once at start-up (services.community.init_app); each use takes a
    `with_timeout` view, so a deadline, the pace and the call count are never
    shared between two requests or a request and the worker.
    """

    name = "?"
    platform = "?"  # the COMMUNITY_PLATFORM value that picks this connector
    connected = True  # accepted people are made members here, by a provisioning task
    # Requests a minute the platform documents for its API (kept per process).
    requests_per_minute = 60
    # True when an add makes a member at once (Circle); False when it makes an invite.
    add_creates_member = True

    def __init__(self, config, timeout):
        self.timeout = float(timeout)
        self._deadline = None
        self._last_call = None
        self.calls = 0  # how many HTTP calls this connector made (`community sync` says)
        per_minute = config.get("COMMUNITY_REQUESTS_PER_MINUTE") or self.requests_per_minute
        self.min_interval = 60.0 / float(per_minute)
        self.community_url = config.get("COMMUNITY_URL", "")

    def with_timeout(self, seconds):
        """This connector for one use: each attempt ends within `seconds`; its own deadline,
        pace and call count (a shallow copy: the settings read at start-up are shared)."""
        view = copy.copy(self)
        view.timeout = float(seconds)
        view._deadline = None
        view._last_call = None
        view.calls = 0
        return view

    @property
    def redirect_target(self):
        """Where accepting may send the browser (the invite page's form-action)."""
        return self.community_url

    def way_in(self, already_member=False, link=None):
        """The WayIn of someone this platform made a member (or found one)."""
        raise NotImplementedError

    def _headers(self):
        raise NotImplementedError

    def _base_url(self):
        raise NotImplementedError

    def _secrets(self):
        """Our own credentials, never to be shown even if the platform echoes them."""
        return ()

    @contextmanager
    def attempt(self):
        """One deadline (`timeout` seconds) over every call made inside; nested: the outer one."""
        if self._deadline is not None:
            yield self._deadline
            return
        self._deadline = Deadline(self.timeout)
        try:
            yield self._deadline
        finally:
            self._deadline = None

    def _pace(self, deadline):
        """Keep under the platform's documented rate; a wait past the deadline is a retry."""
        if self._last_call is None:
            return
        wait = self._last_call + self.min_interval - time.monotonic()
        if wait > 0:
            if wait >= deadline.left():
                raise Retryable(f"{self.name}: no time left within our rate limit")
            time.sleep(wait)

    def _call(self, method, path, params=None, json_body=None):
        """One call within the attempt's deadline; the Answer (never a 3xx)."""
        url = self._base_url().rstrip("/") + path
        with self.attempt() as deadline:
            self._pace(deadline)
            self._last_call = time.monotonic()
            self.calls += 1
            try:
                answer = http_calls.send(method, url, deadline, self._headers(), params, json_body)
            except CallFailed as failed:
                raise self._failed(failed, deadline) from None
            except TooLarge:
                raise Unexpected(f"{self.name} answered more than we ever expect from {path}") from None
        if 300 <= answer.status < 400:
            host = http_calls.urlsplit(answer.location).netloc or "an unnamed place"
            raise Unexpected(
                f"{answer.status}: {self.name} redirected {path} to {host}; not followed",
                answer.status,
            )
        return answer

    def _failed(self, failed, deadline):
        if failed.timed_out:
            message = f"{self.name} did not answer within {deadline.seconds:g} s"
        elif not failed.sent:
            message = f"could not connect to {self.name} ({failed.reason})"
        else:
            message = f"{self.name} broke off the call ({failed.reason})"
        return Retryable(message, maybe_done=failed.sent)

    def unexpected(self, answer, path):
        """The error for an answer of the wrong shape, with the start of it, masked."""
        shown = re.sub(r"\s+", " ", answer.text()).strip()
        for secret in self._secrets():
            if secret:
                shown = shown.replace(secret, "***")
        shown = mask_emails(shown)[:SHOWN_CHARACTERS]
        kind = (answer.content_type or "no type").split(";")[0]
        return Unexpected(
            f"{answer.status}: {self.name} answered something unexpected from {path} "
            f"({kind}): {shown!r}",
            answer.status,
        )

    def json_object(self, answer, path):
        body = answer.json()
        if not isinstance(body, dict):
            raise self.unexpected(answer, path)
        return body

    def _error_for(self, answer, path):
        """The typed error of a non-2xx answer, with the platform's own message."""
        status = answer.status
        body = answer.json()
        if body is None and status < 500:
            # A 4xx that is not the platform's JSON came from something in between.
            return self.unexpected(answer, path)
        said = self._platform_message(body) or "no message"
        meaning = self._credentials_refused(answer.status, body)
        message = f"{status}: {meaning} ({said})" if meaning else f"{status}: {said}"
        if status == 429 or status >= 500:
            return Retryable(message, status, self._retry_after(answer, body))
        return Refused(message, status, credentials=bool(meaning))

    def _raise_for(self, answer, path):
        raise self._error_for(answer, path)

    def _platform_message(self, body):
        raise NotImplementedError

    def _credentials_refused(self, status, body):
        """Plain words when the answer means our credentials are wrong, else None."""
        return None

    def _retry_after(self, answer, body):
        try:
            return max(0.0, float(answer.retry_after))
        except ValueError:
            return None

    def provision(self, email, name, look_first=False, before_add=None):
        """Make `email` a member within one deadline.

        `look_first` when an earlier add may have reached the platform: a member
        found then is the one our own add made (welcomed as new). Otherwise the
        add goes straight out and only a refusal (422) leads to a look-up.
        `before_add` runs just before the add is sent (the caller notes it).
        """
        with self.attempt():
            if look_first:
                found = self.find_member(email)
                if found is not None:
                    return Provisioned(
                        already_member=not self.add_creates_member, member_id=found.member_id
                    )
            if before_add is not None:
                before_add()
            return self.add_member(email, name)


class NoPlatform:
    """COMMUNITY_PLATFORM=none: nothing is called; accepted people go to COMMUNITY_URL."""

    name = platform = "none"
    connected = False  # accepting is all there is: no task, the welcome goes out at once
    calls = 0

    def __init__(self, config):
        self.community_url = config.get("COMMUNITY_URL", "")
        self.redirect_target = self.community_url

    def with_timeout(self, seconds):
        return self  # nothing is called: nothing to time

    def way_in(self, already_member=False, link=None):
        return WayIn()

    def find_member(self, email):
        return None  # we cannot tell: screening goes on as before

    def add_member(self, email, name):
        return Provisioned(already_member=False, link=self.community_url)

    def provision(self, email, name, look_first=False, before_add=None):
        return self.add_member(email, name)

    def check(self):
        return CheckReport("none", "no platform connected (COMMUNITY_PLATFORM=none)")


class Misconfigured:
    """A platform whose settings cannot be read: every call is refused with the reason."""

    connected = True  # accepted people wait in refused tasks until the settings are fixed
    calls = 0

    def __init__(self, name, reason, community_url=""):
        self.name = self.platform = name
        self.reason = reason
        self.redirect_target = community_url

    def with_timeout(self, seconds):
        return self

    def way_in(self, already_member=False, link=None):
        return WayIn(link=None if already_member else link, already_member=already_member)

    def _refuse(self, *_args, **_kwargs):
        raise Refused(self.reason)

    find_member = add_member = provision = check = member_emails = _refuse
