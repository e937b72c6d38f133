"""Account subdomains: find the "myshop" in whatever a person pastes or types.

People paste a whole address ("https://MyShop.example-app.com/admin?tab=1"),
type the subdomain alone ("myshop"), or paste something that only looks like
ours ("myshop.example-app.com.evil.com"). `subdomain_from_text` reads the host
the way a browser would (scheme, userinfo, port, path, query, fragment, a
backslash taken as a slash, trailing dots, IDN) and accepts it only when it
is one label directly under ACCOUNT_DOMAIN.
"""

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

import idna

LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:/*", re.IGNORECASE)
MAX_INPUT = 2000
# Prefixes people add in front of the subdomain that are never part of it.
IGNORED_PREFIXES = ("www.",)


class SubdomainOutcome(StrEnum):
    FOUND = "found"  # .subdomain holds it
    EMPTY = "empty"  # nothing typed
    NO_SUBDOMAIN = "no_subdomain"  # the account domain itself, e.g. www.example-app.com
    OTHER_DOMAIN = "other_domain"  # a host that is not under the account domain (or an IP)
    INVALID = "invalid"  # cannot be a subdomain at all


@dataclass(frozen=True)
class SubdomainResult:
    outcome: SubdomainOutcome
    subdomain: str | None = None
    host: str | None = None  # the host we read, for messages

    @property
    def found(self):
        return self.outcome is SubdomainOutcome.FOUND


def subdomain_from_text(text, account_domain):
    """Read the account subdomain out of a pasted URL, host name or bare label.

    Returns a SubdomainResult; only outcome FOUND carries a subdomain (lowercase,
    ASCII: an IDN label comes back in its xn-- form).
    """
    raw = (text or "").strip()[:MAX_INPUT]
    if not raw:
        return SubdomainResult(SubdomainOutcome.EMPTY)
    domain = _to_ascii(account_domain.strip().strip(".").lower())
    host = _host_of(raw)
    if host is None:
        return SubdomainResult(SubdomainOutcome.INVALID)
    if _is_ip_address(host):
        return SubdomainResult(SubdomainOutcome.OTHER_DOMAIN, host=host)
    ascii_host = _to_ascii(host)
    if ascii_host is None:
        return SubdomainResult(SubdomainOutcome.INVALID, host=host)
    if "." not in ascii_host:
        return _label_result(ascii_host, host)
    if ascii_host == domain or ascii_host in {p + domain for p in IGNORED_PREFIXES}:
        return SubdomainResult(SubdomainOutcome.NO_SUBDOMAIN, host=ascii_host)
    if not domain or not ascii_host.endswith("." + domain):
        return SubdomainResult(SubdomainOutcome.OTHER_DOMAIN, host=ascii_host)
    prefix = ascii_host[: -len(domain) - 1]
    for ignored in IGNORED_PREFIXES:
        if prefix.startswith(ignored):
            prefix = prefix[len(ignored):]
    if "." in prefix:
        # a.b.example-app.com: not an account address we know how to read.
        return SubdomainResult(SubdomainOutcome.INVALID, host=ascii_host)
    return _label_result(prefix, ascii_host)


def _label_result(label, host):
    if label + "." in IGNORED_PREFIXES:
        return SubdomainResult(SubdomainOutcome.NO_SUBDOMAIN, host=host)
    if LABEL_RE.match(label):
        return SubdomainResult(SubdomainOutcome.FOUND, subdomain=label, host=host)
    return SubdomainResult(SubdomainOutcome.INVALID, host=host)


def _host_of(raw):
    """The host part of a URL-ish string, lowercased, without port or trailing dots."""
    text = raw.replace("\\", "/")  # browsers read a backslash as a slash
    text = SCHEME_RE.sub("", text, count=1) if "://" in text or text.startswith("//") else text
    text = text.lstrip("/")
    authority = re.split(r"[/?#]", text, maxsplit=1)[0]
    # Userinfo ("user:pass@host"): the host is what follows the last "@".
    authority = authority.rpartition("@")[2]
    if _is_ip_address(authority):  # a bare IPv6 address has colons of its own
        return authority
    if authority.startswith("["):  # [IPv6]:port
        end = authority.find("]")
        return authority[1:end] if end > 0 else None
    host, colon, port = authority.rpartition(":")
    if not colon:
        host = authority
    elif port and not port.isdigit():
        return None
    host = unquote(host).strip().rstrip(".").lower()
    if not host or any(c.isspace() for c in host):
        return None
    return host


def _is_ip_address(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(re.fullmatch(r"[0-9.]+", host))  # 10.1, 127.1 and friends
    return True


def _to_ascii(host):
    """The ASCII (punycode) form of a host, with UTS #46 mapping; None when impossible."""
    if host.isascii():
        return host.lower()
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None


def problem_message(result, account_domain):
    """What to tell a person whose text gave no subdomain (None when it did, or was empty)."""
    example = f"myshop.{account_domain}"
    if result.outcome is SubdomainOutcome.NO_SUBDOMAIN:
        return (
            f"That's the address of {account_domain} itself. Type the part in front of "
            f".{account_domain}: for {example} that's “myshop”."
        )
    if result.outcome is SubdomainOutcome.OTHER_DOMAIN:
        return (
            f"That address isn't on {account_domain}. Type the part in front of "
            f".{account_domain}, or leave this empty if you're not sure."
        )
    if result.outcome is SubdomainOutcome.INVALID:
        return (
            "A subdomain has only letters, numbers and hyphens, like “myshop” in "
            f"{example}. Check it, or leave this empty if you're not sure."
        )
    return None
