"""Date cells: dates read from a file's column (in the formats a file may use, real calendar dates within the
plausible range, the first bad cell named by its row) and dates typed on the command line.

History (orders, media, weekly tables, lift tests) may not lie further in the future than today plus the plan
horizon (`limits.latest_history_date`); plans (scenario weeks, calendars, dates typed as options) may reach
LATEST_DATE. Both start at EARLIEST_DATE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..errors import InputError
from .limits import EARLIEST_DATE, LATEST_DATE, history_range_words, latest_history_date
from .readers import fail_at_first

__all__ = ["DATE_FORMATS", "dates", "history_dates", "option_date", "human_format"]

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")  # dates of scenarios and weekly tables


class _Range(NamedTuple):
    """The last plausible date and how the whole range is named in messages."""

    latest: pd.Timestamp
    words: str


PLAN_RANGE = _Range(pd.Timestamp(LATEST_DATE), f"{EARLIEST_DATE} to {LATEST_DATE}")


def human_format(fmt: str) -> str:
    """A strptime format as a person writes it: %Y-%m-%d -> YYYY-MM-DD."""
    for code, shown in (("%Y", "YYYY"), ("%m", "MM"), ("%d", "DD"), ("%H", "hh"), ("%M", "mm"), ("%S", "ss")):
        fmt = fmt.replace(code, shown)
    return fmt


def history_dates(path: Path | str, name: str, values: pd.Series, formats: tuple[str, ...] = DATE_FORMATS) -> pd.Series:
    """`dates` of history: from EARLIEST_DATE to today plus the plan horizon."""
    latest = latest_history_date()
    return dates(path, name, values, formats, _Range(latest, history_range_words(latest)))


def dates(
    path: Path | str, name: str, values: pd.Series, formats: tuple[str, ...] = DATE_FORMATS, within: _Range = PLAN_RANGE
) -> pd.Series:
    """Parse real calendar dates in any of `formats` (2015-02-30 is refused, not rolled over), from EARLIEST_DATE
    to `within`'s last date (a plan's by default); the first unreadable cell names its row. Time-zone-aware
    timestamps keep their local wall time (the time zone is dropped, not converted to UTC)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        text = parsed.astype(str)
    elif values.dtype.kind in "fiub":
        raise InputError(path, f"holds numbers, not dates; expected {' or '.join(formats)}", column=name)
    else:
        text = values.astype(object).astype(str).str.strip()
        parsed, outside = _parse_dates(text, formats)
        expected = f"expected a real date as {' or '.join(human_format(f) for f in formats)}"
        fail_at_first(path, parsed.isna() & ~outside, lambda i: f"cannot read date '{text.iloc[i]}'; {expected}", name)
        fail_at_first(path, outside | _outside(parsed, within.latest), _outside_dates(text, within), name)
    fail_at_first(path, _outside(parsed, within.latest), _outside_dates(text, within), name)
    return parsed


def _outside(parsed: pd.Series, latest: pd.Timestamp = PLAN_RANGE.latest) -> pd.Series:
    """Which dates lie outside EARLIEST_DATE to `latest`."""
    return (parsed < pd.Timestamp(EARLIEST_DATE)) | (parsed > latest + pd.Timedelta(days=1) - pd.Timedelta(1))


def _outside_dates(text: pd.Series, within: _Range) -> Callable[[int], str]:
    """The message for the row at position i of a date outside the range."""
    return lambda i: f"date {text.iloc[i]} is outside {within.words}"


def _parse_dates(text: pd.Series, formats: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Text cells as dates in the first of `formats` that reads each, and which were real dates outside the range
    (kept out of the result: a year such as 2300 does not fit the nanosecond dates the pipeline uses)."""
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    outside = pd.Series(False, index=text.index)
    for fmt in formats:
        todo = parsed.isna() & ~outside
        if not todo.any():
            break
        found = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        far = _outside(found)
        outside[todo] = far.to_numpy()
        parsed[todo] = found.where(~far).to_numpy(dtype="datetime64[ns]")
    return parsed, outside


def option_date(option: str, text: str) -> pd.Timestamp:
    """A date typed on the command line (`option` such as '--start') as a Timestamp from EARLIEST_DATE to
    LATEST_DATE, else InputError naming the option."""
    try:
        day = pd.Timestamp(str(text).strip())
    except (ValueError, OverflowError):  # pandas' OutOfBoundsDatetime is a ValueError
        raise InputError(option, f"cannot read date {text!r}; use YYYY-MM-DD") from None
    if pd.isna(day):
        raise InputError(option, f"cannot read date {text!r}; use YYYY-MM-DD")
    if day.tz is not None:
        day = day.tz_localize(None)
    if not pd.Timestamp(EARLIEST_DATE) <= day <= pd.Timestamp(LATEST_DATE):
        raise InputError(option, f"date {text} is outside {EARLIEST_DATE} to {LATEST_DATE}")
    return day
