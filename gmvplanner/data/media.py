"""Company media spend per channel: monthly (as ElecKart ships it) or dated rows, in crore ₹."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_WEEK
from ..errors import InputError
from . import date_cells, readers
from .limits import MAX_SPEND_CRORE

__all__ = ["MediaSpend", "Periods", "load_media"]


@dataclass(frozen=True)
class MediaSpend:
    """Company spend per channel in crore per day, over the days the media file covers."""

    daily_crore: pd.DataFrame  # index: every covered day; columns: channels
    source: str
    layout: str  # "monthly" or "dated"

    @property
    def channels(self) -> list[str]:
        """The channels, in the file's order."""
        return list(self.daily_crore.columns)

    @property
    def start(self) -> pd.Timestamp:
        """The first day the file covers."""
        return self.daily_crore.index[0]

    @property
    def end(self) -> pd.Timestamp:
        """The last day the file covers."""
        return self.daily_crore.index[-1]


# a month or year cell outside these is a typing error
YEAR_RANGE = (1900, 2200)
MONTH_RANGE = (1, 12)
DATED_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d-%m-%Y")  # dates of a dated media file


class Periods(NamedTuple):
    """The media file's rows as periods: each row's first day and the day after its last, the file's layout and
    the columns that are not channels."""

    starts: pd.Series
    ends: pd.Series
    layout: str  # "monthly" or "dated"
    not_channels: set[str]


def load_media(path: Path | str, high: float = MAX_SPEND_CRORE) -> MediaSpend:
    """Monthly (`Year, Month[, Total Investment], channels`) or dated (`date, channels`) spend in crore (or the
    spend unit; `high`: the largest plausible spend of a channel in one row, in that unit)."""
    path = Path(path)
    raw = readers.read_frame(path)
    periods = _periods(path, raw)
    readers.fail_at_first(path, pd.Series(periods.starts).duplicated(), lambda i: "this period appears twice")
    channels = [c for c in raw.columns if c not in periods.not_channels and c.lower() != "total investment"]
    if not channels:
        raise InputError(path, "no channel columns found (e.g. TV, Digital, SEM)")
    spend = pd.DataFrame({c: readers.spend(path, c, raw[c], high=high) for c in channels})
    daily = _spread_over_days(path, spend, periods)
    return MediaSpend(daily_crore=daily.sort_index(), source=str(path), layout=periods.layout)


def _periods(path: Path, raw: pd.DataFrame) -> Periods:
    """The periods of a monthly or a dated media file, after checking the file is one of them."""
    lower = {c.lower(): c for c in raw.columns}
    if {"order_date", "gmv"} <= set(lower) or {"fsn_id", "order_id"} <= set(lower):
        raise InputError(path, "looks like an orders file (it has order_date and gmv columns), not media spend; check --media")
    if "year" in lower and "month" in lower:
        return _monthly_periods(path, raw, lower["year"], lower["month"])
    if "date" in lower or "week_start" in lower:
        return _dated_periods(path, raw, lower["date"] if "date" in lower else lower["week_start"])
    raise InputError(path, f"needs 'Year' and 'Month' columns (monthly) or a 'date' column (dated); found {list(raw.columns)}")


def _not_valid(raw: pd.DataFrame, name: str) -> Callable[[int], str]:
    """The message for a cell of `name` that is not a valid year or month (a function of the row)."""
    return lambda i: f"'{raw[name].iloc[i]}' is not a valid {name.lower()}"


def _monthly_periods(path: Path, raw: pd.DataFrame, year_col: str, month_col: str) -> Periods:
    """One period per calendar month named by the Year and Month columns."""
    year = readers.numeric(path, year_col, raw[year_col])
    month = readers.numeric(path, month_col, raw[month_col])
    for name, series, (lo, hi) in ((year_col, year, YEAR_RANGE), (month_col, month, MONTH_RANGE)):
        bad = series.isna() | (series < lo) | (series > hi) | (series != series.round())
        readers.fail_at_first(path, bad, _not_valid(raw, name), name)
    starts = pd.to_datetime({"year": year.astype(int), "month": month.astype(int), "day": 1})
    ends = starts + pd.offsets.MonthBegin(1)
    return Periods(starts, ends, "monthly", {year_col, month_col})


def _dated_periods(path: Path, raw: pd.DataFrame, date_col: str) -> Periods:
    """One period per dated row, up to the next row's date (the last row as long as the median gap)."""
    starts = date_cells.history_dates(path, date_col, raw[date_col], DATED_FORMATS)
    order = np.argsort(starts.to_numpy(), kind="stable")
    readers.fail_at_first(path, order != np.arange(len(order)), lambda i: "dates must be in increasing order", date_col)
    gaps = starts.diff().dropna()
    last_gap = gaps.median() if len(gaps) else pd.Timedelta(days=DAYS_PER_WEEK)
    ends = pd.concat([starts.iloc[1:], pd.Series([starts.iloc[-1] + last_gap])], ignore_index=True)
    return Periods(starts, ends, "dated", {date_col})


def _spread_over_days(path: Path, spend: pd.DataFrame, periods: Periods) -> pd.DataFrame:
    """Each period's spend spread evenly over its days: index every day, columns the channels."""
    starts = pd.Series(pd.to_datetime(periods.starts).to_numpy())
    ends = pd.Series(pd.to_datetime(periods.ends).to_numpy())
    n_days = ((ends - starts).dt.days).to_numpy()
    day_index = pd.DatetimeIndex(
        np.concatenate([pd.date_range(s, periods=n, freq="D").to_numpy() for s, n in zip(starts, n_days)])
    )
    if day_index.has_duplicates:
        raise InputError(path, "periods overlap")
    per_day = np.repeat(spend.to_numpy() / n_days[:, None], n_days, axis=0)
    daily = pd.DataFrame(per_day, index=day_index, columns=list(spend.columns))
    full = pd.date_range(day_index.min(), day_index.max(), freq="D")
    if len(full) != len(day_index):
        missing = full.difference(day_index)
        raise InputError(path, f"no spend row covers {missing[0].date()} (a gap between periods)")
    return daily
