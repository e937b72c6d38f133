"""Inviting the former Facebook group from a list of addresses (CSV: email[,name]).

Only addresses that pass the automatic check are invited. The rest are not
turned into review requests: a list of group members is not a request from
them, so nobody gets an unasked "we're reviewing you" email and the staff queue
is not flooded. They are counted (and can be written out) so staff can follow
up, and each person can still ask on /facebook.
"""

import csv
import io
from dataclasses import dataclass, field

from models import RequestSource, RequestState
from services.accounts.records import paying_accounts_for_email
from services.events import SYSTEM
from services.membership.opt_outs import opted_out_among
from services.membership.screening import create_and_screen_request, latest_request_for
from services.privacy.addresses import AddressProblem, canonical_email, tidy_address
from services.privacy.names import name_problem

# Requests in these states mean: invited already, a member, or someone already decided.
_ALREADY = {
    RequestState.SUBMITTED,
    RequestState.IN_REVIEW,
    RequestState.INVITED,
    RequestState.EXPIRED,
    RequestState.JOINED,
    RequestState.DECLINED,
}


class BadListError(ValueError):
    """The file is not a list we can read (no `email` column)."""


@dataclass
class FacebookInviteReport:
    invited: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    not_matched: list[tuple[str, str]] = field(default_factory=list)  # (email, name)
    opted_out: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)

    def summary(self):
        return (
            f"Invited: {len(self.invited)}. "
            f"Already invited or member (or already asked): {len(self.already)}. "
            f"Not matched: {len(self.not_matched)} (no paying account; no request made). "
            f"Opted out: {len(self.opted_out)}. "
            f"Bad rows: {len(self.bad_rows)}."
        )


def read_list(text):
    """(line, email, name) for every row of the CSV text; BadListError without `email`."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    if "email" not in columns:
        raise BadListError("the file needs a header with an `email` column (and optionally `name`)")
    rows = []
    for row in reader:
        email = (row.get(columns["email"]) or "").strip()
        name = (row.get(columns["name"]) or "").strip() if "name" in columns else ""
        rows.append((reader.line_num, email, name))
    return rows


def invite_from_list(session, text):
    """Invite every listed address that passes the automatic check; report the rest."""
    report = FacebookInviteReport()
    seen = set()
    for line, email, name in read_list(text):
        try:
            email, _canonical = tidy_address(email)
        except AddressProblem as exc:
            report.bad_rows.append((line, f"not an email address ({exc})"))
            continue
        if name_problem(name):
            report.bad_rows.append((line, f"not a name ({name_problem(name)})"))
            continue
        key = canonical_email(email)
        if key in seen:
            report.already.append(email)
            continue
        seen.add(key)
        outcome = _invite_one(session, email, name)
        getattr(report, outcome).append((email, name) if outcome == "not_matched" else email)
    return report


def _invite_one(session, email, name):
    if opted_out_among(session, [canonical_email(email)]):
        return "opted_out"
    latest = latest_request_for(session, email)
    if latest is not None and latest.state == RequestState.WITHDRAWN:
        return "opted_out"
    if latest is not None and latest.state in _ALREADY:
        return "already"
    if not paying_accounts_for_email(session, email):
        return "not_matched"
    result = create_and_screen_request(
        session,
        name=name or name_from_email(email),
        email=email,
        source=RequestSource.FACEBOOK,
        actor=SYSTEM,
    )
    return "invited" if result.created else "already"


def name_from_email(email):
    """'ana.lima@x' -> 'Ana Lima': a friendly stand-in when the list has no name."""
    local = email.partition("@")[0]
    words = local.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(w.capitalize() for w in words if not w.isdigit()) or "there"
