"""Paying-account records: who counts as a user of a paying account."""

from flask import current_app
from sqlalchemy import String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models import Account, AccountUser
from services.privacy.addresses import canonical_email
from settings import as_list


def paying_statuses():
    return as_list(current_app.config["PAYING_STATUSES"])


def paying_accounts_for_email(session, email):
    """The paying accounts that have this address among their users."""
    return list(
        session.scalars(
            select(Account)
            .join(AccountUser)
            .where(
                AccountUser.email_normalized == canonical_email(email),
                Account.status.in_(paying_statuses()),
            )
            .order_by(Account.subdomain)
        )
    )


def accounts_for_email(session, email):
    """Every account (paying or not) that lists this address."""
    return list(
        session.scalars(
            select(Account)
            .join(AccountUser)
            .where(AccountUser.email_normalized == canonical_email(email))
            .order_by(Account.subdomain)
        )
    )


# A shared mailbox provider says nothing about which account someone works for.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.com", "gmx.de", "web.de", "mail.com", "yandex.com", "zoho.com",
    }
)


def review_hints(session, request):
    """What staff should know about a request the automatic check could not match.

    - the typed subdomain matches an account (and whether it is paying);
    - the email's domain matches the domain of users of a paying account.
    """
    return review_hints_for(session, [request])[request.id]


class email_domain(FunctionElement):
    """The part of an address after the "@", in SQL (so one query serves many domains)."""

    type = String()
    inherit_cache = True


@compiles(email_domain)
def _email_domain_sqlite(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"substr({column}, instr({column}, '@') + 1)"


@compiles(email_domain, "postgresql")
def _email_domain_postgresql(element, compiler, **kw):
    return f"split_part({compiler.process(element.clauses, **kw)}, '@', 2)"


def review_hints_for(session, requests, per_domain=5):
    """review_hints for many requests in two queries: {request.id: [hint, ...]}."""
    paying = paying_statuses()
    subdomains = {r.subdomain.lower() for r in requests if r.subdomain}
    typed = {}
    if subdomains:
        typed = {
            a.subdomain: a
            for a in session.scalars(select(Account).where(Account.subdomain.in_(subdomains)))
        }
    domains = {r.email_normalized.rpartition("@")[2] for r in requests} - {""} - FREE_MAIL_DOMAINS
    by_domain = {}
    if domains:
        domain = email_domain(AccountUser.email_normalized)
        rows = session.execute(
            select(domain, Account, func.count(AccountUser.id))
            .join(AccountUser)
            .where(domain.in_(domains), Account.status.in_(paying))
            .group_by(domain, Account.id)
            .order_by(Account.subdomain)
        ).all()
        for user_domain, account, users in rows:
            by_domain.setdefault(user_domain, []).append((account, users))
    hints = {}
    for request in requests:
        found = []
        account = typed.get((request.subdomain or "").lower())
        if account is not None:
            found.append(
                {
                    "kind": "subdomain",
                    "account": account,
                    "paying": account.status in paying,
                    "text": f"The subdomain “{account.subdomain}” belongs to {account.name} "
                    f"({account.status.replace('_', ' ')}).",
                }
            )
        elif request.subdomain:
            found.append(
                {
                    "kind": "subdomain_unknown",
                    "account": None,
                    "paying": False,
                    "text": f"No account has the subdomain “{request.subdomain}” "
                    "(a typo, or an old or custom address?).",
                }
            )
        user_domain = request.email_normalized.rpartition("@")[2]
        for account, users in by_domain.get(user_domain, [])[:per_domain]:
            found.append(
                {
                    "kind": "domain",
                    "account": account,
                    "paying": True,
                    "text": (
                        f"1 user of {account.name} ({account.subdomain}) has an address"
                        if users == 1
                        else f"{users} users of {account.name} ({account.subdomain}) have addresses"
                    )
                    + f" at @{user_domain}.",
                }
            )
        hints[request.id] = found
    return hints


def search_accounts(session, term, limit=50):
    """Accounts whose subdomain or name contains the term, or with a user of that address."""
    term = (term or "").strip().lower()
    if not term:
        return []
    if "@" in term:
        condition = Account.id.in_(
            select(AccountUser.account_id).where(AccountUser.email_normalized == term)
        )
    else:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        condition = Account.subdomain.like(pattern, escape="\\") | func.lower(Account.name).like(
            pattern, escape="\\"
        )
    return list(
        session.scalars(select(Account).where(condition).order_by(Account.subdomain).limit(limit))
    )
