"""Circle, through its Admin API v2 (https://api.circle.so/apis/admin-api)."""

from datetime import datetime, time, timedelta

from clock import utcnow
from services.community.base import HttpConnector, ids_from, is_member_record, url_setting
from services.community.outcomes import CheckReport, Member, Provisioned, Retryable, WayIn
from services.privacy.addresses import canonical_email

DAILY_LIMIT_WORDS = "daily member limit"
PAGE_SIZE = 100


def seconds_to_next_utc_day(now=None):
    """Seconds until a minute after the next midnight UTC (when a daily limit resets)."""
    now = now or utcnow()
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return (tomorrow - now).total_seconds() + 60


class CircleConnector(HttpConnector):
    """Members by email: `GET /community_members/search`, `POST /community_members`."""

    name, platform = "Circle", "circle"
    requests_per_minute = 400  # Circle allows 2,000 requests per 5 minutes

    def __init__(self, config, timeout):
        super().__init__(config, timeout)
        self.api_url = url_setting(config, "CIRCLE_API_URL", "https://app.circle.so/api/admin/v2")
        self._token = config.get("CIRCLE_API_TOKEN") or ""
        self.scheme = config.get("CIRCLE_AUTH_SCHEME") or "Bearer"
        self.space_ids = ids_from(config.get("CIRCLE_SPACE_IDS"))
        self.space_group_ids = ids_from(config.get("CIRCLE_SPACE_GROUP_IDS"))
        self.skip_invitation = bool(config.get("CIRCLE_SKIP_INVITATION"))

    def _base_url(self):
        return self.api_url

    def way_in(self, already_member=False, link=None):
        """Circle makes the account at once: sign in; its own email sets the password
        unless CIRCLE_SKIP_INVITATION (then our COMMUNITY_RESET_URL does)."""
        return WayIn(
            already_member=already_member,
            new_account=not already_member,
            password_emailed=not already_member and not self.skip_invitation,
        )

    def _secrets(self):
        return (self._token,)

    def _headers(self):
        return {
            "Authorization": f"{self.scheme} {self._token}",
            "Accept": "application/json",
        }

    def _platform_message(self, body):
        if isinstance(body, dict):
            for key in ("message", "errors", "error"):
                if body.get(key):
                    text = body[key]
                    return text if isinstance(text, str) else "; ".join(map(str, text))
        return None

    def _credentials_refused(self, status, body):
        if status == 401:
            return "the API token is invalid"
        return None

    def _error_for(self, answer, path):
        error = super()._error_for(answer, path)
        if answer.status == 403 and DAILY_LIMIT_WORDS in error.message.lower():
            # Circle's daily limit resets at midnight UTC: wait for it, never give up.
            return Retryable(
                error.message, 403, retry_after=seconds_to_next_utc_day(), patient=True
            )
        return error

    def _member_from(self, record, answer, path):
        """A member record as documented: an integer `id` and an `email`."""
        if isinstance(record, dict) and isinstance(record.get("community_member"), dict):
            record = record["community_member"]
        if not is_member_record(record):
            raise self.unexpected(answer, path)
        return Member(
            email=record["email"], member_id=str(record["id"]), name=str(record.get("name") or "")
        )

    def find_member(self, email):
        """The member (invited ones too) with this address, or None."""
        path = "/community_members/search"
        with self.attempt():
            answer = self._call("GET", path, params={"email": email})
        if answer.status == 404 and isinstance(answer.json(), dict):
            return None
        if answer.status != 200:
            self._raise_for(answer, path)
        member = self._member_from(answer.json(), answer, path)
        if canonical_email(member.email) != canonical_email(email):
            raise self.unexpected(answer, path)  # an answer about someone else
        return member

    def add_member(self, email, name):
        payload = {
            "email": email,
            "name": name,
            "skip_invitation": self.skip_invitation,
            "space_ids": self.space_ids,
            "space_group_ids": self.space_group_ids,
        }
        path = "/community_members"
        with self.attempt():
            answer = self._call("POST", path, json_body=payload)
            if answer.status == 422 and isinstance(answer.json(), dict):
                # Decided by looking, not by the words: is the address a member?
                found = self.find_member(email)
                if found is None:
                    self._raise_for(answer, path)
                return Provisioned(already_member=True, member_id=found.member_id)
        if answer.status not in (200, 201):
            self._raise_for(answer, path)
        member = self._member_from(self.json_object(answer, path), answer, path)
        return Provisioned(already_member=False, member_id=member.member_id)

    def member_emails(self):
        """Every member's address, canonical, page by page (`community sync`)."""
        path, emails, page = "/community_members", set(), 1
        while True:
            answer = self._call("GET", path, params={"page": page, "per_page": PAGE_SIZE})
            if answer.status != 200:
                self._raise_for(answer, path)
            body = self.json_object(answer, path)
            records = body.get("records")
            if not isinstance(records, list):
                raise self.unexpected(answer, path)
            for record in records:
                emails.add(canonical_email(self._member_from(record, answer, path).email))
            if not body.get("has_next_page") or not records:
                return emails
            page += 1

    def check(self):
        """Reach the community with the token; list which configured spaces exist."""
        with self.attempt():
            answer = self._call("GET", "/community")
            if answer.status != 200:
                self._raise_for(answer, "/community")
            body = self.json_object(answer, "/community")
            report = CheckReport("circle", str(body.get("name") or body.get("slug") or "?"))
            for kind, path, ids in (
                ("space", "/spaces/{}", self.space_ids),
                ("space group", "/space_groups/{}", self.space_group_ids),
            ):
                for space_id in ids:
                    found = self._call("GET", path.format(space_id))
                    if found.status == 200:
                        report.found.append(f"{kind} {space_id}")
                    elif found.status == 404:
                        report.missing.append(f"{kind} {space_id}")
                    else:
                        self._raise_for(found, path)
        return report

