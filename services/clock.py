"""The clock lives beside the models (`clock.py`); services keep importing it from here."""

from clock import as_utc, utcnow

__all__ = ["as_utc", "utcnow"]
