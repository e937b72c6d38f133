"""Discourse, through its admin API: an invite link per person, groups by id."""

from datetime import timedelta

from clock import utcnow
from services.community.base import CheckReport, HttpConnector, Member, Provisioned, says_exists


class DiscourseConnector(HttpConnector):
    """Look-up by `show_emails`, add by `POST /invites.json` (we send our own email)."""

    name = "Discourse"

    def __init__(self, config, timeout):
        super().__init__(timeout)
        self.url = config.get("DISCOURSE_URL") or ""
        self._key = config.get("DISCOURSE_API_KEY") or ""
        self.username = config.get("DISCOURSE_API_USERNAME") or "system"
        self.group_ids = [
            int(part) for part in str(config.get("DISCOURSE_GROUP_IDS") or "").split(",")
            if part.strip().isdigit()
        ]
        self.invite_days = int(config.get("DISCOURSE_INVITE_DAYS") or 7)

    def _base_url(self):
        return self.url

    def _headers(self):
        return {"Api-Key": self._key, "Api-Username": self.username, "Accept": "application/json"}

    def _platform_message(self, response):
        body = self._json(response)
        if isinstance(body, dict):
            errors = body.get("errors")
            if errors:
                return "; ".join(map(str, errors)) if isinstance(errors, list) else str(errors)
            if body.get("error_type"):
                return str(body["error_type"])
        return response.reason or "no message"

    def _credentials_refused(self, response):
        body = self._json(response)
        if response.status_code == 403 and isinstance(body, dict):
            if body.get("error_type") == "invalid_access":
                return "the API key or username is invalid"
        return None

    def _retry_after(self, response):
        seconds = self.retry_after_header(response)
        if seconds is None:
            body = self._json(response)
            if isinstance(body, dict):
                wait = (body.get("extras") or {}).get("wait_seconds")
                if isinstance(wait, (int, float)):
                    seconds = float(wait)
        return seconds

    def _raise_for(self, response):
        raise self._error_for(response, self._retry_after(response))

    def find_member(self, email):
        response = self._call(
            "GET",
            "/admin/users/list/active.json",
            params={"email": email, "show_emails": "true"},
        )
        if response.status_code != 200:
            self._raise_for(response)
        users = self._json(response)
        wanted = email.strip().casefold()
        # Discourse's filter matches part of an address: keep only the exact one.
        for user in users if isinstance(users, list) else []:
            if str(user.get("email", "")).strip().casefold() == wanted:
                return Member(email=user["email"], member_id=str(user.get("id", "")),
                              name=user.get("username", ""))
        return None

    def add_member(self, email, name):
        payload = {
            "email": email,
            "skip_email": True,
            "expires_at": (utcnow() + timedelta(days=self.invite_days)).isoformat(),
        }
        if self.group_ids:
            payload["group_ids"] = ",".join(map(str, self.group_ids))
        response = self._call("POST", "/invites.json", json=payload)
        if response.status_code == 422 and says_exists(self._platform_message(response)):
            return Provisioned(already_member=True)
        if response.status_code != 200:
            self._raise_for(response)
        body = self._json(response) or {}
        return Provisioned(
            already_member=False, member_id=str(body.get("id", "")), link=body.get("link")
        )

    def check(self):
        # /about.json answers anyone: an admin list proves the key and username work.
        proof = self._call("GET", "/admin/users/list/active.json", params={"page": 1})
        if proof.status_code != 200:
            self._raise_for(proof)
        response = self._call("GET", "/about.json")
        if response.status_code != 200:
            self._raise_for(response)
        about = (self._json(response) or {}).get("about") or {}
        report = CheckReport("discourse", str(about.get("title") or "?"))
        if self.group_ids:
            groups = self._call("GET", "/groups.json")
            if groups.status_code != 200:
                self._raise_for(groups)
            known = {g.get("id") for g in (self._json(groups) or {}).get("groups", [])}
            for group_id in self.group_ids:
                (report.found if group_id in known else report.missing).append(
                    f"group {group_id}"
                )
        return report
