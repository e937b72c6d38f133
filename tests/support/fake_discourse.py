"""A fake of the Discourse admin API (users by email, invites, about, groups), over real HTTP."""

import secrets

from tests.support.fake_http import Canned, FakeHttpApi

API_KEY = "discourse-test-key-abcdef0123456789"


class FakeDiscourse(FakeHttpApi):
    def __init__(self, api_key=API_KEY, username="system", groups=(41, 42)):
        super().__init__()
        self.api_key = api_key
        self.username = username
        self.groups = set(groups)
        self.users = []
        self.invites = []  # every invite created, duplicates included
        # site setting hide_email_address_taken: one generic message for a taken address
        self.hide_email_taken = False
        # Discourse before re-invites: an address with a live invite gets {"failed": "FAILED"}
        self.old_version = False
        self.per_page = 100

    def invites_for(self, email):
        return [i for i in self.invites if i["email"].lower() == email.lower()]

    def add_user(self, email, username="existing"):
        self.users.append({"id": 100 + len(self.users), "username": username, "email": email})

    def refuse_credentials(self, headers):
        if headers.get("Api-Key") != self.api_key or headers.get("Api-Username") != self.username:
            return Canned(403, {
                "errors": ["You are not permitted to view the requested resource. "
                           "The API username or key is invalid."],
                "error_type": "invalid_access",
            })
        return None

    def route(self, method, path, query, body):
        if method == "GET" and path == "/admin/users/list/active.json":
            part = query.get("email", "").lower()
            show = query.get("show_emails") == "true"
            page = int(query.get("page", 1))
            found = [u for u in self.users if part in u["email"].lower()]
            return Canned(200, [
                {**u} if show else {k: v for k, v in u.items() if k != "email"}
                for u in found[(page - 1) * self.per_page:page * self.per_page]
            ])
        if method == "GET" and path == f"/u/{self.username}/invited.json":
            search = query.get("search", "").lower()
            return Canned(200, {"invites": [
                i for i in self.invites if search in i["email"].lower()
            ]})
        if method == "POST" and path == "/invites.json":
            email = (body or {}).get("email", "")
            if "@" not in email:
                return Canned(422, {"errors": ["Email is invalid"], "error_type": "invalid_email"})
            if any(u["email"].lower() == email.lower() for u in self.users):
                words = ("There was a problem with your request." if self.hide_email_taken
                         else f"There's already a user with the email {email}.")
                return Canned(422, {"errors": [words], "error_type": "record_invalid"})
            live = self.invites_for(email)
            if live and self.old_version:
                return Canned(422, {"failed": "FAILED"})
            if live:  # current Discourse re-dates the invite and answers with the same link
                return Canned(200, live[0])
            key = secrets.token_hex(8)
            invite = {
                "id": len(self.invites) + 1,
                "email": email,
                "link": f"{self.url}/invites/{key}",
                "group_ids": body.get("group_ids"),
                "skip_email": body.get("skip_email"),
            }
            self.invites.append(invite)
            return Canned(200, invite)
        if method == "GET" and path == "/about.json":
            return Canned(200, {"about": {"title": "Example Fake Forum"}})
        if method == "GET" and path == "/groups.json":
            return Canned(200, {"groups": [{"id": g, "name": f"g{g}"} for g in sorted(self.groups)]})
        return Canned(404, {"errors": ["The requested URL or resource could not be found."]})


def discourse_config(fake, **extra):
    return {
        "COMMUNITY_PLATFORM": "discourse",
        "DISCOURSE_URL": fake.url,
        "DISCOURSE_API_KEY": fake.api_key,
        "DISCOURSE_API_USERNAME": fake.username,
        "COMMUNITY_TIMEOUT": 1,
        "COMMUNITY_WORKER_TIMEOUT": 1,
        "COMMUNITY_REQUESTS_PER_MINUTE": 60000,
        **extra,
    }
