"""One way to compare addresses, and what names may hold.

An address is kept twice: as the person typed it (tidied by email-validator, for
sending) and in a canonical form used for every comparison (screening, the
accounts import, one open request per address, the per-address limits, opt-outs,
/resend, /status, staff sign-in). The canonical form is email-validator's
normalisation (IDNA/UTS-46 domain, so full-width letters and the full-width or
ideographic dots fold to the real domain; NFC), the domain in its ASCII (punycode)
form and everything case-folded. Plus-addressing stays distinct: a+b@x is not a@x.

Names have their own rules (services.privacy.names).

Look-alike letters cannot be folded safely (the email would go to whoever owns
the look-alike domain), so a domain label that mixes alphabets, or is written
wholly in letters that pass for Latin ones, is refused with a clear message.
"""

import functools
import hashlib
import hmac
import re
import unicodedata

from confusable_homoglyphs import categories, confusables
from email_validator import EmailNotValidError, validate_email
from flask import current_app

BAD_ADDRESS = "Enter an email address like name@example.com"
LOOK_ALIKE = (
    "That address mixes letters from different alphabets (for example a Cyrillic “о” "
    "in a Latin word). Type it again using one alphabet"
)
# Scripts that are written together in one word (UTS #39 "highly restrictive").
_TOGETHER = (
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "HANGUL"},
    {"LATIN", "HAN", "BOPOMOFO"},
)
_NEUTRAL = {"COMMON", "INHERITED"}
# Characters that reorder or hide text: bidi overrides, isolates and marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SPACES = re.compile(r"\s+")


class AddressProblem(ValueError):
    """An address that cannot be used; str() is the message to show."""


def _scripts(text):
    return {alias for alias in categories.unique_aliases(text) if alias not in _NEUTRAL}


def is_mixed_script(text):
    """True when `text` mixes alphabets that are not written together."""
    scripts = _scripts(text)
    return len(scripts) > 1 and not any(scripts <= together for together in _TOGETHER)


def _passes_for_latin(label):
    """A non-Latin label made only of letters that look like Latin ones (аррӏе)."""
    if not label or label.isascii() or "LATIN" in _scripts(label):
        return False
    letters = [c for c in label if c.isalpha()]
    found = confusables.is_confusable(label, greedy=True, preferred_aliases=["latin"]) or []
    look_alikes = {item["character"] for item in found}
    return bool(letters) and all(c in look_alikes for c in letters)


def tidy_address(raw):
    """(address for sending, canonical address); raises AddressProblem with a message."""
    tidied = _tidied(raw or "")
    if isinstance(tidied, str):  # the message of the problem
        raise AddressProblem(tidied)
    return tidied


@functools.lru_cache(maxsize=1024)
def _tidied(raw):
    """tidy_address's answer, or the message of its problem: a pure function of the
    text, kept for the few addresses in play (one POST /join checks its address
    five times: the form, the repeat check, the request, its look-ups)."""
    text = _SPACES.sub("", raw)
    if not text or len(text) > 254:
        return BAD_ADDRESS
    try:
        found = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return BAD_ADDRESS
    for label in found.domain.split("."):
        # ASCII letters are all Latin: only a label with others can mix or pass for Latin.
        if not label.isascii() and (is_mixed_script(label) or _passes_for_latin(label)):
            return LOOK_ALIKE
    local = unicodedata.normalize("NFC", found.local_part)
    canonical = f"{local.casefold()}@{found.ascii_domain.lower()}"
    return found.normalized, canonical


def canonical_email(raw):
    """The form every comparison uses; a text that is not an address gets a best effort.

    Lookups must never fail on odd input (old rows, a staff search), so an
    address that cannot be validated is only trimmed and case-folded: it then
    simply matches nothing valid.
    """
    try:
        return tidy_address(raw)[1]
    except AddressProblem:
        return unicodedata.normalize("NFC", _SPACES.sub("", raw or "")).casefold()


def punycode_of(address):
    """The ASCII form of an address with a non-ASCII domain, or None."""
    if not address or address.isascii():
        return None
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return None


def text_warnings(text):
    """What staff should notice in a name or address: mixed alphabets, hidden controls."""
    warnings = []
    if any(c in BIDI_CONTROLS for c in text or ""):
        warnings.append("has hidden text-direction characters")
    if any(is_mixed_script(word) for word in re.split(r"[\s@.+_-]+", text or "") if word):
        warnings.append("mixes alphabets")
    return warnings


def keyed_hash(text):
    """An HMAC of `text` (ADDRESS_HASH_KEY, or SECRET_KEY): what is kept of a forgotten address.

    Keyed, so that a leaked table cannot be checked against a list of addresses.
    Opt-outs keep it after the purge, so the opt-out still holds.
    """
    key = current_app.config.get("ADDRESS_HASH_KEY") or current_app.config["SECRET_KEY"]
    message = text.encode("utf-8", "surrogatepass")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()
