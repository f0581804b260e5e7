"""Weeks and days shared by every stage: week starts, paydays and the calendar's counts (weeks per year, ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import PAYDAYS

__all__ = [
    "week_start",
    "paydays_in_weeks",
    "next_week",
    "WEEKDAYS",
    "DAYS_PER_WEEK",
    "WEEK_FREQ",
    "WEEKS_PER_YEAR",
    "MONTHS_PER_YEAR",
    "DAYS_PER_YEAR",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAYS_PER_WEEK = len(WEEKDAYS)  # 7: a full week; a partial first or last week has fewer days
WEEK_FREQ = f"{DAYS_PER_WEEK}D"  # pd.date_range's step between week starts ("W" would pin them to Sundays)
WEEKS_PER_YEAR = 52  # whole weeks in a year: a year of weekly history or plans; a week holds 12/52 of a month's spend
MONTHS_PER_YEAR = 12
DAYS_PER_YEAR = 365.25  # the mean calendar year (leap years included), for a day rate per month or year


def week_start(dates: pd.Series | pd.DatetimeIndex, first_weekday: int = 0) -> pd.DatetimeIndex:
    """The first day of each date's week, for weeks starting on `first_weekday` (0 = Monday, ISO weeks;
    a weekly table's weeks may start on any day)."""
    idx = pd.DatetimeIndex(dates).normalize()
    return idx - pd.to_timedelta((idx.day_of_week - first_weekday) % DAYS_PER_WEEK, unit="D")


def paydays_in_weeks(weeks: pd.DatetimeIndex) -> np.ndarray:
    """How many paydays (the 1st and 15th) fall in each 7-day week starting at `weeks`."""
    days = (weeks.to_numpy()[:, None] + np.arange(DAYS_PER_WEEK).astype("timedelta64[D]")).astype("datetime64[D]")
    day_of_month = pd.DatetimeIndex(days.ravel()).day.to_numpy().reshape(len(weeks), DAYS_PER_WEEK)
    return np.isin(day_of_month, PAYDAYS).sum(axis=1)


def next_week(last_week: pd.Timestamp) -> pd.Timestamp:
    """The week after `last_week` (a Monday)."""
    return pd.Timestamp(last_week) + pd.Timedelta(weeks=1)
