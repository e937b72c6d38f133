"""Addresses masked wherever they would be kept or shown in full: logs, stored errors, pages."""

import re

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")


def mask_emails(text):
    """'jane.doe@shop.com' -> 'j***@shop.com'."""
    return EMAIL_RE.sub(r"\1***@\2", str(text))
