"""Discourse, through its admin API: an invite link per person, groups by id."""

from datetime import timedelta
from urllib.parse import quote

from clock import utcnow
from services.community.base import HttpConnector, ids_from, is_member_record, url_setting
from services.community.http_calls import origin_of
from services.community.outcomes import CheckReport, Member, Provisioned, Refused, WayIn
from services.privacy.addresses import canonical_email

USERS_PATH = "/admin/users/list/active.json"


class DiscourseConnector(HttpConnector):
    """Look-up by `show_emails`, add by `POST /invites.json` (we send our own email)."""

    name, platform = "Discourse", "discourse"
    requests_per_minute = 60  # the admin API's documented default
    add_creates_member = False  # an invite: the person signs up through its link

    def __init__(self, config, timeout):
        super().__init__(config, timeout)
        self.url = url_setting(config, "DISCOURSE_URL")
        self._key = config.get("DISCOURSE_API_KEY") or ""
        self.username = config.get("DISCOURSE_API_USERNAME") or "system"
        self.group_ids = ids_from(config.get("DISCOURSE_GROUP_IDS"))
        self.invite_days = int(config.get("DISCOURSE_INVITE_DAYS") or 7)

    def _base_url(self):
        return self.url

    @property
    def redirect_target(self):
        return self.url  # accepting sends people on to their invite link here

    def way_in(self, already_member=False, link=None):
        """A new person finishes signing up through their invite link; a member signs in."""
        return WayIn(link=None if already_member else link, already_member=already_member)

    def _secrets(self):
        return (self._key,)

    def _headers(self):
        return {"Api-Key": self._key, "Api-Username": self.username, "Accept": "application/json"}

    def _platform_message(self, body):
        if isinstance(body, dict):
            errors = body.get("errors")
            if errors:
                return "; ".join(map(str, errors)) if isinstance(errors, list) else str(errors)
            for key in ("error_type", "failed"):
                if body.get(key):
                    return str(body[key])
        return None

    def _credentials_refused(self, status, body):
        if status == 403 and isinstance(body, dict):
            if body.get("error_type") == "invalid_access":
                return "the API key or username is invalid"
        return None

    def _retry_after(self, answer, body):
        seconds = super()._retry_after(answer, body)
        if seconds is None and isinstance(body, dict):
            wait = (body.get("extras") or {}).get("wait_seconds")
            if isinstance(wait, (int, float)) and not isinstance(wait, bool):
                seconds = max(0.0, float(wait))
        return seconds

    def _users_page(self, params):
        """A page of users, each with an integer `id` and an `email` (else Unexpected)."""
        answer = self._call("GET", USERS_PATH, params={**params, "show_emails": "true"})
        if answer.status != 200:
            self._raise_for(answer, USERS_PATH)
        users = answer.json()
        if not isinstance(users, list) or not all(map(is_member_record, users)):
            raise self.unexpected(answer, USERS_PATH)
        return users

    def find_member(self, email):
        wanted = canonical_email(email)
        with self.attempt():
            users = self._users_page({"email": email})
        # Discourse's filter matches part of an address: keep only the exact one.
        for user in users:
            if canonical_email(user["email"]) == wanted:
                return Member(email=user["email"], member_id=str(user["id"]),
                              name=str(user.get("username", "")))
        return None

    def _pending_invite_link(self, email):
        """The link of an invite this address already has from us, or None."""
        path = f"/u/{quote(self.username)}/invited.json"
        answer = self._call("GET", path, params={"filter": "pending", "search": email})
        if answer.status != 200:
            self._raise_for(answer, path)
        invites = self.json_object(answer, path).get("invites")
        if not isinstance(invites, list):
            raise self.unexpected(answer, path)
        for invite in invites:
            if isinstance(invite, dict) and canonical_email(str(invite.get("email"))) == (
                canonical_email(email)
            ):
                return self._checked_link(invite.get("link"), answer, path)
        return None

    def _checked_link(self, link, answer, path):
        """The invite link, only when it points at DISCOURSE_URL's own origin."""
        if not isinstance(link, str):
            raise self.unexpected(answer, path)
        if origin_of(link) != origin_of(self.url):
            raise Refused(
                "Discourse gave an invite link that is not on DISCOURSE_URL; "
                "nobody is sent there"
            )
        return link

    def add_member(self, email, name):
        payload = {
            "email": email,
            "skip_email": True,
            "expires_at": (utcnow() + timedelta(days=self.invite_days)).isoformat(),
        }
        if self.group_ids:
            payload["group_ids"] = ",".join(map(str, self.group_ids))
        path = "/invites.json"
        with self.attempt():
            answer = self._call("POST", path, json_body=payload)
            if answer.status == 422 and isinstance(answer.json(), dict):
                # The words may be generic (hide_email_address_taken) or an older
                # Discourse's "FAILED": decide by looking at users, then our invites.
                found = self.find_member(email)
                if found is not None:
                    return Provisioned(already_member=True, member_id=found.member_id)
                link = self._pending_invite_link(email)
                if link is None:
                    self._raise_for(answer, path)
                return Provisioned(already_member=False, link=link)
        if answer.status != 200:
            self._raise_for(answer, path)
        body = self.json_object(answer, path)
        # A re-invite of an address with a live invite answers 200 with that same link.
        return Provisioned(
            already_member=False, member_id=str(body.get("id", "")),
            link=self._checked_link(body.get("link"), answer, path),
        )

    def member_emails(self):
        """Every active user's address, canonical, page by page (`community sync`)."""
        emails, page = set(), 1
        while True:
            users = self._users_page({"page": page})
            emails.update(canonical_email(user["email"]) for user in users)
            if not users:
                return emails
            page += 1

    def check(self):
        with self.attempt():
            # /about.json answers anyone: an admin list proves the key and username work.
            self._users_page({"page": 1})
            answer = self._call("GET", "/about.json")
            if answer.status != 200:
                self._raise_for(answer, "/about.json")
            about = self.json_object(answer, "/about.json").get("about") or {}
            report = CheckReport("discourse", str(about.get("title") or "?"))
            if self.group_ids:
                groups = self._call("GET", "/groups.json")
                if groups.status != 200:
                    self._raise_for(groups, "/groups.json")
                listed = self.json_object(groups, "/groups.json").get("groups") or []
                known = {g.get("id") for g in listed if isinstance(g, dict)}
                for group_id in self.group_ids:
                    (report.found if group_id in known else report.missing).append(
                        f"group {group_id}"
                    )
        return report
