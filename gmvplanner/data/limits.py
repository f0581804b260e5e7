"""Plausible ranges of the numbers a user gives, in one place (docs/training.md's bad-input section lists them).

A value outside its range is refused with file, column and row (or, for order lines, dropped and reported by the
cleaning stage): such values are typing or export errors, and one of them can swamp a month of real data.
"""

from __future__ import annotations

import pandas as pd

from ..config import PLAN_WEEKS

__all__ = [
    "MAX_ORDER_LINE_RUPEES",
    "MAX_UNITS",
    "MAX_SPEND_CRORE",
    "MAX_AMOUNT",
    "NPS_RANGE",
    "EARLIEST_DATE",
    "LATEST_DATE",
    "FUTURE_WEEKS",
    "latest_history_date",
    "history_range_words",
]

MAX_ORDER_LINE_RUPEES = 1e8  # GMV or MRP of one order line: ₹10 crore
MAX_UNITS = 1e5  # units on one order line
MAX_SPEND_CRORE = 1e5  # one channel's spend in one row (month, week or day) of a media file or scenario: ₹1 lakh crore
MAX_AMOUNT = 1e15  # any amount in a weekly table's own unit, a budget or a bound: beyond it sums lose precision
NPS_RANGE = (-100.0, 100.0)  # net promoter score
# real weekly series reach back before 1990 (Dominick's scanner weeks start in September 1989); a date before 1900
# is a typing error (and pandas' range ends near 1677 and 2262)
EARLIEST_DATE = "1900-01-01"
LATEST_DATE = "2100-12-31"  # the last date of a plan (scenario weeks, calendars, --start and --end)
FUTURE_WEEKS = PLAN_WEEKS  # history (orders, media, weekly tables, lift tests) may reach this far past today


def latest_history_date(today: pd.Timestamp | None = None) -> pd.Timestamp:
    """The last plausible date of history: today plus FUTURE_WEEKS weeks (an order or spend dated later is a typing
    error, such as 2061 for 2016)."""
    day = pd.Timestamp.today() if today is None else pd.Timestamp(today)
    return day.normalize() + pd.Timedelta(weeks=FUTURE_WEEKS)


def history_range_words(latest: pd.Timestamp) -> str:
    """How a history date's range is named in messages."""
    return f"{EARLIEST_DATE} to {latest:%Y-%m-%d} (today plus the {FUTURE_WEEKS}-week plan horizon)"
