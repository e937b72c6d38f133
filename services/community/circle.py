"""Circle, through its Admin API v2 (https://api.circle.so/apis/admin-api)."""

from services.community.base import (
    CheckReport,
    HttpConnector,
    Member,
    Provisioned,
    ids_from,
    says_exists,
)


class CircleConnector(HttpConnector):
    """Members by email: `GET /community_members/search`, `POST /community_members`."""

    name = "Circle"

    def __init__(self, config, timeout):
        super().__init__(timeout)
        self.api_url = config.get("CIRCLE_API_URL") or "https://app.circle.so/api/admin/v2"
        self._token = config.get("CIRCLE_API_TOKEN") or ""
        self.scheme = config.get("CIRCLE_AUTH_SCHEME") or "Bearer"
        self.space_ids = ids_from(config.get("CIRCLE_SPACE_IDS"))
        self.space_group_ids = ids_from(config.get("CIRCLE_SPACE_GROUP_IDS"))
        self.skip_invitation = bool(config.get("CIRCLE_SKIP_INVITATION"))

    def _base_url(self):
        return self.api_url

    def _headers(self):
        return {
            "Authorization": f"{self.scheme} {self._token}",
            "Accept": "application/json",
        }

    def _platform_message(self, response):
        body = self._json(response)
        if isinstance(body, dict):
            for key in ("message", "errors", "error"):
                if body.get(key):
                    text = body[key]
                    return text if isinstance(text, str) else "; ".join(map(str, text))
        return response.reason or "no message"

    def _credentials_refused(self, response):
        if response.status_code == 401:
            return "the API token is invalid"
        return None

    def _raise_for(self, response):
        raise self._error_for(response, self.retry_after_header(response))

    def find_member(self, email):
        """The member (invited ones too) with this address, or None."""
        response = self._call("GET", "/community_members/search", params={"email": email})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            self._raise_for(response)
        body = self._json(response) or {}
        member = body.get("community_member", body) if isinstance(body, dict) else {}
        return Member(
            email=member.get("email", email),
            member_id=str(member.get("id", "")),
            name=member.get("name", ""),
        )

    def add_member(self, email, name):
        payload = {
            "email": email,
            "name": name,
            "skip_invitation": self.skip_invitation,
            "space_ids": self.space_ids,
            "space_group_ids": self.space_group_ids,
        }
        response = self._call("POST", "/community_members", json=payload)
        # Circle does not document a second add; should it refuse one, that is a member.
        if response.status_code == 422 and says_exists(self._platform_message(response)):
            return Provisioned(already_member=True)
        if response.status_code not in (200, 201):
            self._raise_for(response)
        body = self._json(response) or {}
        member = body.get("community_member", body) if isinstance(body, dict) else {}
        return Provisioned(already_member=False, member_id=str(member.get("id", "")))

    def check(self):
        """Reach the community with the token; list which configured spaces exist."""
        response = self._call("GET", "/community")
        if response.status_code != 200:
            self._raise_for(response)
        body = self._json(response) or {}
        report = CheckReport("circle", str(body.get("name") or body.get("slug") or "?"))
        for kind, path, ids in (
            ("space", "/spaces/{}", self.space_ids),
            ("space group", "/space_groups/{}", self.space_group_ids),
        ):
            for space_id in ids:
                found = self._call("GET", path.format(space_id))
                if found.status_code == 200:
                    report.found.append(f"{kind} {space_id}")
                elif found.status_code == 404:
                    report.missing.append(f"{kind} {space_id}")
                else:
                    self._raise_for(found)
        return report

