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


FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.com", "gmx.de", "web.de", "mail.com", "yandex.com", "zoho.com",
    }
)


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def review_hints(session, request):
    """What staff should know about a request the automatic check could not match.

    - the typed subdomain matches an account (and whether it is paying), or none;
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
    elif request.subdomain:
        hints.append(
            {
                "kind": "subdomain_unknown",
                "account": None,
                "paying": False,
                "text": f"No account has the subdomain “{request.subdomain}” "
                "(a typo, or an old or custom address?).",
            }
        )
    domain = request.email_normalized.rpartition("@")[2]
    # A shared mailbox provider says nothing about which account someone works for.
    if domain and domain not in FREE_MAIL_DOMAINS:
        rows = session.execute(
            select(Account, func.count(AccountUser.id))
            .join(AccountUser)
            .where(
                AccountUser.email_normalized.like(f"%@{_escape_like(domain)}", escape="\\"),
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
