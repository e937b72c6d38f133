"""Addresses masked wherever they would be kept or shown in full: logs, stored errors, pages."""

import re

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")
# What stands for the hidden part, in logs, stored errors and pages alike.
MASK = "***"


def mask_emails(text):
    """'jane.doe@shop.com' -> 'j***@shop.com', for every address in `text`."""
    return EMAIL_RE.sub(rf"\1{MASK}@\2", str(text))


def mask_address(address):
    """One address as a page shows it: 'ana@myshop.example' -> 'a***@myshop.example',
    enough to recognise, not to read (any address, even one EMAIL_RE would not match)."""
    local, _, domain = (address or "").strip().rpartition("@")
    return f"{local[:1]}{MASK}@{domain}" if local else MASK
