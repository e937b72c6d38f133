"""What names may hold: letters, spaces and punctuation, never a control or a link.

A name appears in the greeting of our emails and in the subject of the staff
notification, so a name that reads as a web address is a way to put a link in
an email we send. The text is NFKC-normalised first (full-width ＥＶＩＬ．ＣＯＭ and
`http：//` become plain ASCII), and the dots that IDNA treats as dots (`。`) count
as dots. Then anything that looks like an address or a host is refused: a
scheme (`xyz:` followed by `//`), `@`, `www.`, or a dot-separated word that ends
in a real public suffix (`evil.shop`, `refund-portal.support`). Public suffixes come
from tldextract's bundled copy of the Public Suffix List, never fetched.
"""

import functools
import re
import unicodedata

import tldextract

from services.privacy.addresses import BIDI_CONTROLS

NOT_LETTERS = "Your name can only contain letters, spaces and punctuation"
HAS_LINK = "Your name can't contain a web or email address"
# Zero-width (non-)joiners are part of spelling in Persian, Indic scripts and emoji.
_JOINERS = frozenset("\u200c\u200d")
# The dots UTS #46 maps to "." in a domain that NFKC leaves alone (ideographic full stop).
_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff61": ".", "\uff0e": "."})
_SCHEME_OR_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*:\s*//|@|\bwww\.", re.IGNORECASE)
# Words joined by dots with no space after any dot ("St. John" is two words).
_DOTTED = re.compile(r"[\w-]+(?:\.[\w-]+)+")


class NameProblem(ValueError):
    """A name that cannot be used; str() is the message to show."""


@functools.cache
def _public_suffixes():
    # suffix_list_urls=(): the bundled snapshot only, no fetch; cache_dir=None: no files.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def ends_in_public_suffix(host):
    """True when `host` (a.b.c) ends in a real public suffix after a name (evil.shop)."""
    found = _public_suffixes()(host)
    return bool(found.suffix and found.domain)


def looks_like_link(text):
    """True when a text holds something that reads as a web or email address."""
    text = unicodedata.normalize("NFKC", text or "").translate(_IDNA_DOTS)
    if _SCHEME_OR_ADDRESS.search(text):
        return True
    return any(ends_in_public_suffix(word.strip(".-")) for word in _DOTTED.findall(text))


def name_problem(name):
    """Why a name cannot be used (a message), or None: names hold no controls or links."""
    name = name or ""
    for char in name:
        if char in BIDI_CONTROLS or (
            unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char not in _JOINERS
        ):
            return NOT_LETTERS
    if looks_like_link(name):
        return HAS_LINK
    return None
