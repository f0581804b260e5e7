"""Sale, holiday and NPS calendars (the ElecKart `SpecialSale`, `HolidayList` and `MonthlyNPS` files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import date_cells, readers
from .limits import NPS_RANGE

__all__ = ["load_sale_calendar", "load_holidays", "load_nps"]

CALENDAR_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")


def _calendar(path: Path | str, value_col: str) -> pd.DataFrame:
    raw = readers.read_frame(path, ["Date", value_col])
    days = date_cells.dates(path, "Date", raw["Date"], CALENDAR_DATE_FORMATS)
    return pd.DataFrame({"date": days.to_numpy(), value_col: raw[value_col].to_numpy()})


def load_sale_calendar(path: Path | str) -> pd.DataFrame:
    """Special-sale days: `Date` (m/d/Y), `Sales Name` -> columns date, Sales Name."""
    return _calendar(path, "Sales Name")


def load_holidays(path: Path | str) -> pd.DataFrame:
    """Public holidays: `Date` (m/d/Y), `Holiday` -> columns date, Holiday."""
    return _calendar(path, "Holiday")


def load_nps(path: Path | str) -> pd.DataFrame:
    """Monthly NPS: `Date` (m/d/Y, first of month), `NPS` -> columns date, NPS (a number)."""
    frame = _calendar(path, "NPS")
    frame["NPS"] = readers.numeric(path, "NPS", pd.Series(frame["NPS"]), low=NPS_RANGE[0], high=NPS_RANGE[1])
    month = frame["date"].dt.to_period("M")
    readers.fail_at_first(
        path, month.duplicated(), lambda i: f"a second NPS for {month.iloc[i]}; give one value per month", "Date"
    )
    return frame
