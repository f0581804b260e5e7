"""A bring-your-own weekly table (instead of orders + media): read, check and shape it like the table built from orders.

Tables come as teams keep them, so the rules are loose where the meaning is clear and strict where it is not:
- weeks may start on any weekday: the cadence is the weekday most dates fall on, and the table's own dates
  stay the week labels in every output;
- a group's first week may be partial: a date before the cadence (e.g. Wednesday 1 July before Sunday 5 July)
  covers the days up to the next week, and a `days` column may say how many days any first or last week has;
- weeks may be missing: they are added with no spend (or the spend given on a row with a blank target) and
  no GMV. Models fit the weeks with GMV only, carry-over runs on through the gap, and the gap weeks are
  reported and predicted;
- a second row for the same week, a target that is not a number, negative spend, a week off the cadence in
  the middle of the table and a middle week with fewer than 7 days are errors naming the row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..config import spend_column
from ..dates import DAYS_PER_WEEK, WEEK_FREQ, WEEKDAYS
from . import date_cells, readers

__all__ = ["load_weekly_table", "missing_weeks", "ALL_GROUP", "DAYS_COLUMN"]

ALL_GROUP = "all"
DAYS_COLUMN = "days"  # used when the table has it (or the column named by --days-col)


def load_weekly_table(
    path: Path | str,
    date_col: str,
    target: str,
    channels: list[str],
    controls: list[str],
    group_col: str | None,
    days_col: str | None = None,
) -> pd.DataFrame:
    """Rows per (group, week), every week of each group's span: subcategory, week_start (the table's own date),
    days (1-7), gmv (NaN for a missing week), spend_<channel>, the controls.

    Without a group column every row belongs to one group called 'all'. `days_col` names a days-per-week
    column; without it a column called `days` is used when there is one.
    """
    path = Path(path)
    needed = [date_col, target, *channels, *controls] + ([group_col] if group_col else []) + ([days_col] if days_col else [])
    raw = readers.read_frame(path, needed)
    if days_col is None and DAYS_COLUMN in raw and DAYS_COLUMN not in needed:
        days_col = DAYS_COLUMN
    frame = pd.DataFrame({"week_start": pd.DatetimeIndex(date_cells.history_dates(path, date_col, raw[date_col])).normalize()})
    frame.insert(0, "subcategory", raw[group_col].astype(str).to_numpy() if group_col else ALL_GROUP)
    frame["gmv"] = readers.numeric(path, target, raw[target]).to_numpy()  # blank: a week without GMV
    for channel in channels:
        frame[spend_column(channel)] = readers.spend(path, channel, raw[channel]).to_numpy()
    for control in controls:
        frame[control] = readers.numeric(path, control, raw[control]).to_numpy()
    given_days = None
    if days_col:
        given_days = readers.numeric(path, days_col, raw[days_col], low=1, high=DAYS_PER_WEEK)
        readers.fail_at_first(path, given_days.isna(), lambda i: "the number of days is blank", days_col)
        readers.fail_at_first(
            path, given_days % 1 != 0, lambda i: f"{given_days.iloc[i]:g} is not a whole number of days", days_col
        )
    dup = frame.duplicated(["subcategory", "week_start"])
    readers.fail_at_first(path, dup, lambda i: f"a second row for the week of {frame['week_start'].iloc[i].date()}", date_col)
    first_weekday = _cadence(frame)
    frame["days"] = _days(path, frame, first_weekday, given_days, date_col, days_col)
    groups = [_fill_gaps(rows, first_weekday, controls) for _g, rows in frame.groupby("subcategory", sort=False)]
    return pd.concat(groups, ignore_index=True)


def missing_weeks(weekly: pd.DataFrame) -> dict[str, list[str]]:
    """Group -> the weeks (YYYY-MM-DD) without GMV: predicted, but not fitted."""
    gaps = weekly.loc[weekly["gmv"].isna()]
    return {str(g): [str(d.date()) for d in rows["week_start"]] for g, rows in gaps.groupby("subcategory", sort=False)}


def _cadence(frame: pd.DataFrame) -> int:
    """The weekday weeks start on (0 = Monday): the most common one among the dates after each group's first."""
    later = frame.loc[frame.groupby("subcategory")["week_start"].rank(method="first") > 1, "week_start"]
    weekdays = pd.DatetimeIndex(later if len(later) else frame["week_start"]).day_of_week
    return int(pd.Series(weekdays).value_counts().sort_index().idxmax())


def _days(
    path: Path, frame: pd.DataFrame, first_weekday: int, given: pd.Series | None, date_col: str, days_col: str | None
) -> np.ndarray:
    """Days in each row's week: 7, or fewer for a group's first week starting off the cadence (up to the next
    week) and for first or last weeks the days column shortens. Anything else partial names its row."""
    starts = pd.DatetimeIndex(frame["week_start"])
    off = np.asarray(starts.day_of_week != first_weekday)
    order = frame.groupby("subcategory")["week_start"].rank(method="first").to_numpy()
    size = frame.groupby("subcategory")["week_start"].transform("size").to_numpy()
    first, last = order == 1, order == size
    readers.fail_at_first(
        path,
        off & ~first,
        lambda i: (
            f"the week of {starts[i].date()} starts on a {WEEKDAYS[starts[i].day_of_week]}, but the table's weeks "
            f"start on {WEEKDAYS[first_weekday]}s; only a group's first week may start on another day (a partial week)"
        ),
        date_col,
    )
    days = np.full(len(frame), DAYS_PER_WEEK)
    to_cadence = (first_weekday - starts.day_of_week.to_numpy()) % DAYS_PER_WEEK  # days until the next cadence weekday
    days[off] = to_cadence[off]
    if given is not None:
        given = given.to_numpy(int)
        readers.fail_at_first(
            path,
            (given < DAYS_PER_WEEK) & ~first & ~last,
            lambda i: f"{given[i]} days in the week of {starts[i].date()}; only a group's first or last week may be partial",
            days_col,
        )
        readers.fail_at_first(
            path,
            given > days,
            lambda i: f"{given[i]} days in the week of {starts[i].date()}, which has only {days[i]} days before the next week",
            days_col,
        )
        days = given
    return days


def _fill_gaps(rows: pd.DataFrame, first_weekday: int, controls: list[str]) -> pd.DataFrame:
    """One group's rows with every missing week of its span added: no GMV, no spend, the controls of the week
    before (carry-over runs through the gap; the models skip weeks without GMV)."""
    rows = rows.sort_values("week_start", kind="stable").reset_index(drop=True)
    on_cadence = rows.loc[rows["week_start"].dt.day_of_week == first_weekday, "week_start"]
    if on_cadence.empty:
        return rows
    weeks = pd.date_range(on_cadence.iloc[0], on_cadence.iloc[-1], freq=WEEK_FREQ)
    absent = weeks.difference(pd.DatetimeIndex(rows["week_start"]))
    if absent.empty:
        return rows
    added = pd.DataFrame({"subcategory": rows["subcategory"].iloc[0], "week_start": absent, "days": DAYS_PER_WEEK, "gmv": np.nan})
    filled = pd.concat([rows, added], ignore_index=True).sort_values("week_start", kind="stable").reset_index(drop=True)
    spend = [c for c in filled.columns if c.startswith(spend_column(""))]
    filled[spend] = filled[spend].fillna(0.0)
    if controls:
        added_rows = filled["week_start"].isin(absent).to_numpy()
        filled.loc[added_rows, controls] = filled[controls].ffill().loc[added_rows]
    return filled[rows.columns]
