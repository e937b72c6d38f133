"""Domains made to pass for our customers' domains (ɡreenleaf.example, myṡhop.example).

Two domains look alike when their confusable skeletons (Unicode TS #39) match:
ICU's SpoofChecker computes the skeleton from Unicode's own confusables table
(PyICU; no list of our own). The skeleton keeps combining marks, and a dot above
an s is easy to miss, so marks are dropped from it as well. A domain with any
letter outside ASCII is also caught one letter off a customer's skeleton
(myshop.exampıe: a dotless ı for an l), since ASCII-only typing never produces one.

The known domains are those of the accounts' users, read once a minute per process
(and at once after an import), so a form pays a dictionary look-up, not a query.
"""

import functools
import time
import unicodedata
from dataclasses import dataclass

import icu
from flask import current_app
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import select

from models import AccountUser

LOOK_ALIKE_DOMAIN = (
    "That address's domain looks like the domain of one of our customers but is not it. "
    "Check each letter and type it again"
)
_REFRESH_SECONDS = 60
_CACHE = "lobby.known_domains"  # in app.extensions: [read at, KnownDomains or None]


@dataclass(frozen=True)
class KnownDomains:
    domains: frozenset  # ASCII (punycode) form, lowercase
    by_skeleton: dict  # skeleton -> a known domain that has it


@functools.cache
def _spoof_checker():
    return icu.SpoofChecker()


def domain_skeleton(domain):
    """The TS #39 skeleton of a domain (any case, Unicode or punycode), without marks."""
    text = unicodedata.normalize("NFKC", _unicode_domain(domain)).casefold()
    skeleton = unicodedata.normalize("NFD", _spoof_checker().getSkeleton(0, text))
    return "".join(c for c in skeleton if unicodedata.category(c) != "Mn")


def _unicode_domain(domain):
    labels = []
    for label in domain.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--")
                          else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def _ascii_domain(domain):
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return domain.casefold()


def known_domains(session):
    """The domains of the accounts' users and their skeletons (read at most once a minute)."""
    cache = current_app.extensions.setdefault(_CACHE, [0.0, None])
    if cache[1] is None or time.monotonic() - cache[0] > _REFRESH_SECONDS:
        cache[:] = [time.monotonic(), _read_known(session)]
    return cache[1]


def forget_known_domains():
    """After an accounts import: this process's next check reads the domains again."""
    current_app.extensions[_CACHE] = [0.0, None]


def _read_known(session):
    addresses = session.scalars(select(AccountUser.email_normalized).distinct())
    domains = frozenset(a.rpartition("@")[2] for a in addresses if "@" in a)
    return KnownDomains(domains, {domain_skeleton(d): d for d in sorted(domains)})


def imitated_domain(session, domain):
    """The customer domain that `domain` imitates, or None (for a known domain too)."""
    if not domain:
        return None
    known = known_domains(session)
    if not known.domains or _ascii_domain(domain) in known.domains:
        return None
    skeleton = domain_skeleton(domain)
    if skeleton in known.by_skeleton:
        return known.by_skeleton[skeleton]
    if domain.isascii() and not domain.lower().startswith("xn--") and ".xn--" not in domain:
        return None
    near = process.extractOne(skeleton, list(known.by_skeleton), scorer=Levenshtein.distance,
                              score_cutoff=1)
    return known.by_skeleton[near[0]] if near else None
