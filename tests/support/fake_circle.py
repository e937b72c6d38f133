"""A fake of Circle's Admin API v2 (the parts Lobby uses), over real HTTP.

It keeps every add it is asked for, duplicates included, so a test can tell
when the same person was added twice.
"""

import re

from tests.support.fake_http import Canned, FakeHttpApi

TOKEN = "circle-test-token-0123456789"


class FakeCircle(FakeHttpApi):
    prefix = "/api/admin/v2"

    def __init__(self, token=TOKEN, spaces=(11, 12), space_groups=(21,)):
        super().__init__()
        self.token = token
        self.spaces = set(spaces)
        self.space_groups = set(space_groups)
        self.members = []  # every member record created, in order

    def members_with(self, email):
        return [m for m in self.members if m["email"].lower() == email.lower()]

    def add_existing(self, email, name="Existing Member"):
        self.members.append({"id": 1000 + len(self.members), "email": email, "name": name})

    def refuse_credentials(self, headers):
        if headers.get("Authorization") != f"Bearer {self.token}":
            return Canned(401, {"message": "Your account could not be authenticated."})
        return None

    def route(self, method, path, query, body):
        if method == "GET" and path == "/community_members/search":
            found = self.members_with(query.get("email", ""))
            if not found:
                return Canned(404, {"message": "Community member not found."})
            return Canned(200, found[0])
        if method == "POST" and path == "/community_members":
            if not body or not body.get("email") or "@" not in body["email"]:
                return Canned(422, {"message": "Email is invalid", "errors": "Email is invalid"})
            if self.members_with(body["email"]):
                return Canned(422, {"message": "Email has already been taken"})
            member = {
                "id": 1000 + len(self.members),
                "email": body["email"],
                "name": body.get("name", ""),
                "space_ids": body.get("space_ids", []),
                "space_group_ids": body.get("space_group_ids", []),
                "skip_invitation": body.get("skip_invitation"),
            }
            self.members.append(member)
            return Canned(201, {"message": "Member added.", "community_member": member})
        if method == "GET" and path == "/community_members":
            page, per_page = int(query.get("page", 1)), int(query.get("per_page", 10))
            records = self.members[(page - 1) * per_page:page * per_page]
            return Canned(200, {
                "page": page, "per_page": per_page, "count": len(self.members),
                "has_next_page": page * per_page < len(self.members), "records": records,
            })
        if method == "GET" and path == "/community":
            return Canned(200, {"id": 1, "name": "Example Fake Community", "slug": "example"})
        match = re.fullmatch(r"/(spaces|space_groups)/(\d+)", path)
        if method == "GET" and match:
            known = self.spaces if match.group(1) == "spaces" else self.space_groups
            if int(match.group(2)) in known:
                return Canned(200, {"id": int(match.group(2))})
            return Canned(404, {"message": "Not found."})
        return Canned(404, {"message": "Not found."})


def circle_config(fake, **extra):
    """App settings that point Lobby at this fake."""
    return {
        "COMMUNITY_PLATFORM": "circle",
        "CIRCLE_API_URL": fake.url,
        "CIRCLE_API_TOKEN": fake.token,
        "COMMUNITY_TIMEOUT": 1,
        "COMMUNITY_WORKER_TIMEOUT": 1,
        "COMMUNITY_REQUESTS_PER_MINUTE": 60000,
        **extra,
    }
