from datetime import UTC, date, datetime

import pytest

from services.dates import add_business_days, due_date_for, long_date


@pytest.mark.parametrize(
    "start, holidays, expected",
    [
        (date(2026, 11, 23), "", date(2026, 11, 25)),  # Monday -> Wednesday
        (date(2026, 11, 26), "", date(2026, 11, 30)),  # Thursday -> Monday
        (date(2026, 11, 27), "", date(2026, 12, 1)),  # Friday -> Tuesday, over the weekend
        (date(2026, 11, 28), "", date(2026, 12, 2)),  # Saturday counts from Monday
        (date(2026, 11, 27), "2026-11-30", date(2026, 12, 2)),  # a Monday holiday
        (date(2026, 12, 24), "2026-12-25", date(2026, 12, 29)),  # Christmas Day off
        (date(2026, 12, 24), "GB", date(2026, 12, 30)),  # GB: 25th and 28th (Boxing Day moved)
    ],
)
def test_add_business_days(app, start, holidays, expected):
    with app.app_context():
        assert add_business_days(start, 2, holidays) == expected


@pytest.mark.app_config(HOLIDAYS="2026-11-30")
def test_due_date_for_uses_the_configured_holidays(app):
    with app.app_context():
        friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
        assert due_date_for(friday) == date(2026, 12, 2)


def test_long_date_reads_like_a_person_wrote_it(app):
    with app.app_context():
        this_year = date.today().year
        day = date(this_year, 12, 1)
        assert long_date(day) == f"{day:%A} 1 December"
        later = date(this_year + 1, 1, 5)
        assert long_date(later) == f"{later:%A} 5 January {this_year + 1}"
