"""Calendar arithmetic: 5 U.S.C. 6103(a) holidays, business days, the validation period (RF-VAL-PERIOD).

Only the dates 6103(a) names are holidays. Saturday/Sunday "observed" Fridays and Mondays are not
(REGF-SCENARIOS.md section 4), so the computed assumed-receipt date is the earliest compliant one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

ASSUMED_RECEIPT_BUSINESS_DAYS = 5  # 1006.34(b)(5)
VALIDATION_PERIOD_DAYS = 30


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@lru_cache(maxsize=256)
def federal_holidays(year: int) -> frozenset[date]:
    """The legal public holidays of 5 U.S.C. 6103(a) in `year` (Juneteenth from 2021)."""
    mon, thu = 0, 3
    days = {
        date(year, 1, 1),
        _nth_weekday(year, 1, mon, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, mon, 3),  # Washington's Birthday
        _last_weekday(year, 5, mon),  # Memorial Day
        date(year, 7, 4),
        _nth_weekday(year, 9, mon, 1),  # Labor Day
        _nth_weekday(year, 10, mon, 2),  # Columbus Day
        date(year, 11, 11),
        _nth_weekday(year, 11, thu, 4),  # Thanksgiving
        date(year, 12, 25),
    }
    if year >= 2021:
        days.add(date(year, 6, 19))
    return frozenset(days)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def add_business_days(start: date, n: int) -> date:
    """The n-th business day after `start` (start itself never counts)."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


def next_business_day_on_or_after(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class ValidationPeriod:
    assumed_receipt: date
    earliest_end: date  # the earliest compliant end date (never rolled)
    end_date: date  # earliest_end, rolled to a business day when asked


def validation_period(provided_on: date, *, roll_forward: bool = False) -> ValidationPeriod:
    """RF-VAL-PERIOD: receipt assumed 5 business days after the provided date; period ends 30 days later."""
    receipt = add_business_days(provided_on, ASSUMED_RECEIPT_BUSINESS_DAYS)
    earliest = receipt + timedelta(days=VALIDATION_PERIOD_DAYS)
    end = next_business_day_on_or_after(earliest) if roll_forward else earliest
    return ValidationPeriod(assumed_receipt=receipt, earliest_end=earliest, end_date=end)
