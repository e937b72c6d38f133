"""Paying-account records: import, look-ups by address, subdomains."""
