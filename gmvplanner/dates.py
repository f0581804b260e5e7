"""Weeks and days shared by every stage: ISO week starts and paydays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import PAYDAYS

__all__ = ["week_start", "paydays_in_weeks", "next_week"]


def week_start(dates: pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The Monday of each date's ISO week."""
    idx = pd.DatetimeIndex(dates).normalize()
    return idx - pd.to_timedelta(idx.day_of_week, unit="D")


def paydays_in_weeks(weeks: pd.DatetimeIndex) -> np.ndarray:
    """How many paydays (the 1st and 15th) fall in each 7-day week starting at `weeks`."""
    days = (weeks.to_numpy()[:, None] + np.arange(7).astype("timedelta64[D]")).astype("datetime64[D]")
    day_of_month = pd.DatetimeIndex(days.ravel()).day.to_numpy().reshape(len(weeks), 7)
    return np.isin(day_of_month, PAYDAYS).sum(axis=1)


def next_week(last_week: pd.Timestamp) -> pd.Timestamp:
    """The week after `last_week` (a Monday)."""
    return pd.Timestamp(last_week) + pd.Timedelta(weeks=1)
