"""Public references such as LB-7KQ2M9: short, and unambiguous when read aloud."""

import secrets

# No 0/O, 1/I/L or U: they are misread or misheard.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "LB-"


def new_reference():
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(6))


def normalize_reference(text):
    """Accept what people type: lower case, spaces, dashes, a missing prefix."""
    cleaned = "".join((text or "").upper().split()).replace("–", "-")
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX):]
    elif cleaned.startswith("LB"):
        cleaned = cleaned[2:]
    return PREFIX + cleaned
