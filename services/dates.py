"""Dates in words, and due dates counted in business days."""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
import numpy
from flask import current_app

from settings import as_list


def local_today(now=None):
    from services.clock import utcnow

    now = now or utcnow()
    return now.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def long_date(value):
    """'Tuesday 1 December' (with the year when it is not this year's)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
    text = f"{value:%A} {value.day} {value:%B}"
    if value.year != local_today().year:
        text += f" {value.year}"
    return text


def holidays_between(setting, first_year, last_year):
    """The holidays of the HOLIDAYS setting: ISO dates and/or country codes."""
    return _holidays(tuple(as_list(setting)), first_year, last_year)


@lru_cache(maxsize=32)
def _holidays(entries, first_year, last_year):
    days = set()
    for entry in entries:
        if len(entry) == 10 and entry[4] == "-":
            days.add(date.fromisoformat(entry))
        else:
            years = range(first_year, last_year + 1)
            days.update(holiday_calendars.country_holidays(entry.upper(), years=years).keys())
    return tuple(sorted(days))


def add_business_days(start, count, holiday_setting=""):
    """The date `count` business days after `start`, skipping weekends and holidays.

    A start on a weekend or holiday counts from the next business day.
    """
    days = holidays_between(holiday_setting, start.year, start.year + 1)
    result = numpy.busday_offset(
        numpy.datetime64(start), count, roll="forward", holidays=list(days)
    )
    return date.fromisoformat(str(result))


def due_date_for(entered_review_at):
    """The date a review is due: REVIEW_BUSINESS_DAYS after it entered review."""
    config = current_app.config
    start = entered_review_at.astimezone(ZoneInfo(config["TIMEZONE"])).date()
    return add_business_days(start, config["REVIEW_BUSINESS_DAYS"], config["HOLIDAYS"])


def validate_holidays(setting):
    """Raise ValueError when the HOLIDAYS setting has an unknown entry."""
    holidays_between(setting, date.today().year, date.today().year)


def days_ago(value, today=None):
    today = today or local_today()
    if isinstance(value, datetime):
        value = value.date()
    return (today - value) // timedelta(days=1)
