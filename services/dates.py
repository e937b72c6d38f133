"""Dates in words, and due dates counted in business days."""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
from flask import current_app

from clock import utcnow
from settings import as_list


def local_today(now=None):
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
    closed = set(holidays_between(holiday_setting, start.year, start.year + 1))

    def next_open_day(day):
        while day.weekday() >= 5 or day in closed:
            day += timedelta(days=1)
        return day

    day = next_open_day(start)
    for _ in range(count):
        day = next_open_day(day + timedelta(days=1))
    return day


def due_date_for(entered_review_at):
    """The date a review is due: REVIEW_BUSINESS_DAYS after it entered review."""
    config = current_app.config
    start = entered_review_at.astimezone(ZoneInfo(config["TIMEZONE"])).date()
    return add_business_days(start, config["REVIEW_BUSINESS_DAYS"], config["HOLIDAYS"])

