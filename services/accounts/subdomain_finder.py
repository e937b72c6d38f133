"""Pick an account's subdomain out of any address a person pastes.

Pure and self-contained: no Flask, no database. static/js/subdomain.js implements
the same rules for the answer shown as you type; the two are kept in step by
tests/test_subdomain_finder.py (Python) and tests/e2e/test_guides.py (browser).

The rules, in order:

1. Trim spaces (and the <…> or quotes some mail programs wrap links in).
   Nothing left → ``empty``. Longer than 2,000 characters or spaces inside → ``invalid``.
2. A scheme other than http/https (``javascript:``, ``mailto:``, ``ftp://``) →
   ``invalid``. ``myshop.example-app.com:8080`` is a host with a port, not a scheme.
   No scheme and an ``@`` before any ``/`` → ``email`` (that's an email address).
3. The host is what comes before the first ``/``, ``\\``, ``?`` or ``#``; after the
   last ``@`` (user-info, as browsers read it: ``https://myshop.example-app.com@evil.com/``
   goes to evil.com); without ``:port``; lowercased; trailing dots dropped.
4. Non-ASCII or punycode (``xn--``) hosts → ``idn``: we refuse them clearly rather
   than convert, because account subdomains use only a–z, 0–9 and hyphens, so an
   internationalised name can never be one (and browsers disagree on how they show them).
5. IP addresses → ``ip``. A single word without dots → ``incomplete``.
6. The community's own host (COMMUNITY_URL) → ``community``; checked first
   because it usually sits on the account domain too.
7. The account domain itself, or ``www.`` on it → ``main_site``.
8. ``<…>.<label>.ACCOUNT_DOMAIN`` → ``found``: the label just left of the account
   domain (so ``www.myshop.example-app.com`` → ``myshop``).
9. Anything else (a custom domain, ``myshop.example-app.com.evil.com``) → ``other_site``.
"""

import re
from dataclasses import dataclass

MAX_LENGTH = 2000
FOUND = "found"
OUTCOMES = (
    FOUND, "empty", "invalid", "email", "idn", "ip", "incomplete", "community",
    "main_site", "other_site",
)
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_PORT_AFTER_RE = re.compile(r"^\d+(?:[/?#\\]|$)")
_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_HOST_CHARS_RE = re.compile(r"^[a-z0-9.\-]+$")
_WRAPPERS = "<>\"'`“”‘’"

MESSAGES = {
    FOUND: "Your subdomain is {subdomain}.",
    "empty": "Paste an address to see its subdomain.",
    "invalid": "That doesn't look like a web address. Copy the address from your "
    "browser's address bar while you're logged in to your account, and paste it here.",
    "email": "That looks like an email address. Paste a web address instead "
    "(it starts with https://), or ask us to email you your subdomains below.",
    "idn": "{host} has letters outside a–z. Account addresses only use the letters "
    "a–z, digits and hyphens, so this isn't one. Check that you copied the address "
    "exactly, or ask us to email you your subdomains below.",
    "ip": "{host} is a numeric (IP) address, not an account address. Log in to your "
    "account and copy the address from your browser instead.",
    "incomplete": "“{host}” isn't a full address. An account address looks like "
    "yourname.{domain}. If “{host}” is what comes before .{domain}, that is your subdomain.",
    "community": "{host} is the community's own address, not your account's. "
    "Paste an address from your {domain} account instead, or ask us to email you "
    "your subdomains below.",
    "main_site": "{host} is our main website, not your account. Your account's "
    "address has a name before .{domain}, like myshop.{domain}. Log in to your "
    "account and paste the address from there.",
    "other_site": "{host} isn't on {domain}, so it doesn't show a subdomain. If it's "
    "your shop's own (custom) domain, log in to your account at {domain} and paste "
    "that address instead, or ask us to email you your subdomains below.",
}


@dataclass(frozen=True)
class SubdomainResult:
    outcome: str  # one of OUTCOMES
    subdomain: str | None
    host: str | None
    message: str

    @property
    def found(self):
        return self.outcome == FOUND


def host_of(url):
    """The lowercase host of an http(s) URL (for COMMUNITY_URL), or ''."""
    result = _split_host((url or "").strip())
    return result[1] if result[0] is None else ""


def find_subdomain(text, account_domain, community_host=""):
    """Read `text` (anything pasted) and say which subdomain of `account_domain` it names."""
    domain = (account_domain or "").strip().lower().rstrip(".")
    community_host = (community_host or "").strip().lower().rstrip(".")

    def result(outcome, subdomain=None, host=None):
        message = MESSAGES[outcome].format(subdomain=subdomain, host=host, domain=domain)
        return SubdomainResult(outcome, subdomain, host, message)

    value = (text or "").strip().strip(_WRAPPERS).strip()
    if not value:
        return result("empty")
    if len(value) > MAX_LENGTH or re.search(r"\s", value):
        return result("invalid")
    problem, host = _split_host(value)
    if problem:
        return result(problem, host=host)
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        return result("idn", host=host)
    if not _HOST_CHARS_RE.match(host) or "" in host.split("."):
        return result("invalid")
    labels = host.split(".")
    if labels[-1].isdigit():
        return result("ip", host=host)
    if len(labels) == 1:
        return result("incomplete", host=host)
    if community_host and host == community_host:
        return result("community", host=host)
    if host in (domain, "www." + domain):
        return result("main_site", host=host)
    if host.endswith("." + domain):
        label = host[: -len(domain) - 1].split(".")[-1]
        if label == "www":
            return result("main_site", host=host)
        if not _LABEL_RE.match(label):
            return result("invalid")
        return result(FOUND, subdomain=label, host=host)
    return result("other_site", host=host)


def _split_host(value):
    """(problem or None, host) of a pasted address."""
    rest = value
    match = _SCHEME_RE.match(value)
    has_scheme = False
    if match and not _PORT_AFTER_RE.match(value[match.end():]):
        scheme = match.group(1).lower()
        if scheme not in ("http", "https"):
            return "invalid", None
        rest = value[match.end():]
        has_scheme = True
    rest = rest.lstrip("/\\")
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        if not has_scheme:
            return "email", None
        authority = authority.rsplit("@", 1)[1]
    if authority.startswith("["):
        return ("ip", authority.split("]")[0] + "]") if "]" in authority else ("invalid", None)
    host, colon, port = authority.partition(":")
    if colon and not port.isdigit() and port != "":
        return "invalid", None
    host = host.lower().rstrip(".")
    if not host:
        return "invalid", None
    return None, host


def typed_subdomain(text, account_domain, community_host=""):
    """The join form's field: a pasted address, or the subdomain typed on its own.

    The same rules as find_subdomain, except that a single word that could be a
    subdomain ("myshop") is taken as one. Returns (subdomain, None) when found,
    (None, message) when the text cannot be a subdomain, (None, None) when empty.
    """
    result = find_subdomain(text, account_domain, community_host)
    domain = (account_domain or "").strip().lower().rstrip(".")
    if result.found:
        return result.subdomain, None
    if result.outcome == "empty":
        return None, None
    if result.outcome == "incomplete" and _LABEL_RE.match(result.host):
        return result.host, None
    example = f"myshop.{domain}"
    if result.outcome == "main_site":
        return None, (
            f"That's the address of {domain} itself. Type the part in front of "
            f".{domain}: for {example} that's “myshop”."
        )
    if result.outcome in ("other_site", "ip", "community"):
        return None, (
            f"That address isn't on {domain}. Type the part in front of "
            f".{domain}, or leave this empty if you're not sure."
        )
    return None, (
        "A subdomain has only letters, numbers and hyphens, like “myshop” in "
        f"{example}. Check it, or leave this empty if you're not sure."
    )
