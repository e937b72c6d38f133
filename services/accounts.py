"""Paying-account records: who counts as a user of a paying account."""

from flask import current_app
from sqlalchemy import func, select

from models import Account, AccountUser
from settings import as_list


def normalize_email(email):
    return (email or "").strip().lower()


def paying_statuses():
    return as_list(current_app.config["PAYING_STATUSES"])


def paying_accounts_for_email(session, email):
    """The paying accounts that have this address among their users."""
    return list(
        session.scalars(
            select(Account)
            .join(AccountUser)
            .where(
                AccountUser.email_normalized == normalize_email(email),
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
            .where(AccountUser.email_normalized == normalize_email(email))
            .order_by(Account.subdomain)
        )
    )


def account_by_subdomain(session, subdomain):
    if not subdomain:
        return None
    return session.scalar(select(Account).where(Account.subdomain == subdomain.lower()))


def review_hints(session, request):
    """What staff should know about a request the automatic check could not match.

    - the typed subdomain matches an account (and whether it is paying);
    - the email's domain matches the domain of users of a paying account.
    """
    hints = []
    paying = set(paying_statuses())
    typed = account_by_subdomain(session, request.subdomain)
    if typed is not None:
        hints.append(
            {
                "kind": "subdomain",
                "account": typed,
                "paying": typed.status in paying,
                "text": f"The subdomain “{typed.subdomain}” belongs to {typed.name} "
                f"({typed.status.replace('_', ' ')}).",
            }
        )
    domain = request.email_normalized.rpartition("@")[2]
    if domain:
        rows = session.execute(
            select(Account, func.count(AccountUser.id))
            .join(AccountUser)
            .where(
                AccountUser.email_normalized.like(f"%@{domain}"),
                Account.status.in_(list(paying)),
            )
            .group_by(Account.id)
            .order_by(Account.subdomain)
            .limit(5)
        ).all()
        for account, users in rows:
            hints.append(
                {
                    "kind": "domain",
                    "account": account,
                    "paying": True,
                    "text": f"{users} user(s) of {account.name} ({account.subdomain}) "
                    f"have addresses at @{domain}.",
                }
            )
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
