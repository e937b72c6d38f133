"""Importing paying-account records from CSV: validate every row, then upsert.

Header: subdomain,account_name,status,email — one row per user; an account repeats.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from models import Account, AccountStatus, AccountUser
from services.accounts.look_alike_domains import forget_known_domains
from services.privacy.addresses import AddressProblem, canonical_email, tidy_address
from services.tokens import sign, unsign

HEADER = ["subdomain", "account_name", "status", "email"]
SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
STATUSES = {s.value for s in AccountStatus}


@dataclass
class ImportRow:
    line: int
    subdomain: str
    account_name: str
    status: str
    email: str


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    accounts_created: int = 0
    accounts_updated: int = 0
    users_added: int = 0
    added_emails: list[str] = field(default_factory=list)
    imported: bool = False

    def error_lines(self):
        return [f"line {line}: {reason}" for line, reason in self.errors]


def parse_csv(text):
    """Validate every row of a CSV text; returns a report with rows and errors."""
    report = ImportReport()
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        report.errors.append((1, "the file is empty; expected the header " + ",".join(HEADER)))
        return report
    if [h.strip().lower() for h in header] != HEADER:
        report.errors.append((1, "the header must be exactly " + ",".join(HEADER)))
        return report
    names = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        error = _row_error(row)
        if error:
            report.errors.append((line, error))
            continue
        subdomain, account_name, status, email = (cell.strip() for cell in row)
        subdomain = subdomain.lower()
        if names.setdefault(subdomain, account_name) != account_name:
            report.errors.append(
                (line, f"account “{subdomain}” has two names: “{names[subdomain]}” and “{account_name}”")
            )
            continue
        report.rows.append(ImportRow(line, subdomain, account_name, status.lower(), email))
    return report


def _row_error(row):
    if len(row) != len(HEADER):
        return f"expected {len(HEADER)} columns, found {len(row)}"
    subdomain, account_name, status, email = (cell.strip() for cell in row)
    if not SUBDOMAIN_RE.match(subdomain.lower()):
        return f"“{subdomain}” is not a valid subdomain (letters, digits and hyphens)"
    if not account_name:
        return "the account name is empty"
    if len(account_name) > 200:
        return "the account name is longer than 200 characters"
    if status.lower() not in STATUSES:
        return f"“{status}” is not a status; use one of " + ", ".join(sorted(STATUSES))
    try:
        tidy_address(email)
    except AddressProblem as exc:
        return f"“{email}” is not a valid email address ({exc})"
    return None


def import_accounts(session, text, skip_bad_rows=False):
    """Upsert accounts and users from CSV text; nothing at all if a row is bad.

    Running the same file twice changes nothing. Returns the report; the caller
    commits.
    """
    report = parse_csv(text)
    if report.errors and not skip_bad_rows:
        return report
    accounts = {}
    for row in report.rows:
        account = accounts.get(row.subdomain) or session.scalar(
            select(Account).where(Account.subdomain == row.subdomain)
        )
        if account is None:
            account = Account(subdomain=row.subdomain, name=row.account_name, status=row.status)
            session.add(account)
            report.accounts_created += 1
        elif row.subdomain not in accounts and (
            account.name != row.account_name or account.status != row.status
        ):
            account.name, account.status = row.account_name, row.status
            report.accounts_updated += 1
        accounts[row.subdomain] = account
        session.flush()
        known = session.scalar(
            select(AccountUser).where(
                AccountUser.account_id == account.id,
                AccountUser.email_normalized == canonical_email(row.email),
            )
        )
        if known is None:
            session.add(
                AccountUser(
                    account=account, email=row.email, email_normalized=canonical_email(row.email)
                )
            )
            session.flush()
            report.users_added += 1
            report.added_emails.append(canonical_email(row.email))
    report.imported = True
    forget_known_domains()
    return report


_UPLOAD_PURPOSE = "accounts-import"  # lasts ACCOUNTS_UPLOAD_MAX_AGE


def sign_upload(text):
    """Carry an uploaded CSV from the preview to the confirm step, signed (and compressed)."""
    return sign(_UPLOAD_PURPOSE, text)


def read_upload(token):
    """The CSV text of a signed upload; raises InvalidLink or ExpiredLink."""
    return unsign(_UPLOAD_PURPOSE, token)
