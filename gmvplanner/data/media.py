"""Company media spend per channel: monthly (as ElecKart ships it) or dated rows, in crore ₹."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from . import readers
from .limits import MAX_SPEND_CRORE

__all__ = ["MediaSpend", "load_media"]


@dataclass(frozen=True)
class MediaSpend:
    """Company spend per channel in crore per day, over the days the media file covers."""

    daily_crore: pd.DataFrame  # index: every covered day; columns: channels
    source: str
    layout: str  # "monthly" or "dated"

    @property
    def channels(self) -> list[str]:
        return list(self.daily_crore.columns)

    @property
    def start(self) -> pd.Timestamp:
        return self.daily_crore.index[0]

    @property
    def end(self) -> pd.Timestamp:
        return self.daily_crore.index[-1]


def load_media(path: Path | str) -> MediaSpend:
    """Monthly (`Year, Month[, Total Investment], channels`) or dated (`date, channels`) spend in crore."""
    path = Path(path)
    raw = readers.read_frame(path)
    lower = {c.lower(): c for c in raw.columns}
    if {"order_date", "gmv"} <= set(lower) or {"fsn_id", "order_id"} <= set(lower):
        raise InputError(path, "looks like an orders file (it has order_date and gmv columns), not media spend; check --media")
    if "year" in lower and "month" in lower:
        layout = "monthly"
        year = readers.numeric(path, lower["year"], raw[lower["year"]])
        month = readers.numeric(path, lower["month"], raw[lower["month"]])
        for name, series, lo, hi in ((lower["year"], year, 1900, 2200), (lower["month"], month, 1, 12)):
            bad = series.isna() | (series < lo) | (series > hi) | (series != series.round())
            readers.fail_at_first(path, bad, lambda i, name=name: f"'{raw[name].iloc[i]}' is not a valid {name.lower()}", name)
        starts = pd.to_datetime({"year": year.astype(int), "month": month.astype(int), "day": 1})
        ends = starts + pd.offsets.MonthBegin(1)
        skip = {lower["year"], lower["month"]}
    elif "date" in lower or "week_start" in lower:
        layout = "dated"
        date_col = lower.get("date", lower.get("week_start"))
        starts = readers.dates(path, date_col, raw[date_col], ("%Y-%m-%d", "%m/%d/%Y", "%d-%m-%Y"))
        order = np.argsort(starts.to_numpy(), kind="stable")
        readers.fail_at_first(path, order != np.arange(len(order)), lambda i: "dates must be in increasing order", date_col)
        gaps = starts.diff().dropna()
        last_gap = gaps.median() if len(gaps) else pd.Timedelta(days=7)
        ends = pd.concat([starts.iloc[1:], pd.Series([starts.iloc[-1] + last_gap])], ignore_index=True)
        skip = {date_col}
    else:
        raise InputError(
            path, f"needs 'Year' and 'Month' columns (monthly) or a 'date' column (dated); found {list(raw.columns)}"
        )
    readers.fail_at_first(path, pd.Series(starts).duplicated(), lambda i: "this period appears twice")
    channels = [c for c in raw.columns if c not in skip and c.lower() != "total investment"]
    if not channels:
        raise InputError(path, "no channel columns found (e.g. TV, Digital, SEM)")
    spend = pd.DataFrame({c: readers.spend(path, c, raw[c], high=MAX_SPEND_CRORE) for c in channels})
    starts = pd.Series(pd.to_datetime(starts).to_numpy())
    ends = pd.Series(pd.to_datetime(ends).to_numpy())
    n_days = ((ends - starts).dt.days).to_numpy()
    day_index = pd.DatetimeIndex(
        np.concatenate([pd.date_range(s, periods=n, freq="D").to_numpy() for s, n in zip(starts, n_days)])
    )
    if day_index.has_duplicates:
        raise InputError(path, "periods overlap")
    per_day = np.repeat(spend.to_numpy() / n_days[:, None], n_days, axis=0)
    daily = pd.DataFrame(per_day, index=day_index, columns=channels)
    full = pd.date_range(day_index.min(), day_index.max(), freq="D")
    if len(full) != len(day_index):
        missing = full.difference(day_index)
        raise InputError(path, f"no spend row covers {missing[0].date()} (a gap between periods)")
    return MediaSpend(daily_crore=daily.sort_index(), source=str(path), layout=layout)
