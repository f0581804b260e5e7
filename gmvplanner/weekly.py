"""Bring-your-own weekly table: read and validate it, and shape it like the weekly table built from orders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .allocate import week_start
from .errors import InputError
from .features import spend_column
from .load import _dates, _numeric, _require, read_spend, read_table

__all__ = ["load_weekly_table", "ALL_GROUP"]

ALL_GROUP = "all"


def load_weekly_table(
    path: Path | str, date_col: str, target: str, channels: list[str], controls: list[str], group_col: str | None
) -> pd.DataFrame:
    """Rows per (group, week): subcategory, week_start, days (7), gmv, spend_<channel>, the controls.

    Dates move to their ISO week's Monday; each group's weeks must follow each other without gaps.
    Without a group column every row belongs to one group called 'all'.
    """
    path = Path(path)
    raw = read_table(path).to_pandas()
    raw.columns = [str(c).strip() for c in raw.columns]
    needed = [date_col, target, *channels, *controls] + ([group_col] if group_col else [])
    _require(path, list(raw.columns), needed)
    frame = pd.DataFrame({"week_start": week_start(_dates(path, date_col, raw[date_col], ("%Y-%m-%d", "%m/%d/%Y")))})
    frame.insert(0, "subcategory", raw[group_col].astype(str).to_numpy() if group_col else ALL_GROUP)
    frame["days"] = 7
    frame["gmv"] = _numeric(path, target, raw[target]).to_numpy()
    if frame["gmv"].isna().any():
        i = int(np.flatnonzero(frame["gmv"].isna().to_numpy())[0])
        raise InputError(path, "the target is blank", column=target, row=i + 2)
    for channel in channels:
        frame[spend_column(channel)] = read_spend(path, channel, raw[channel]).to_numpy()
    for control in controls:
        frame[control] = _numeric(path, control, raw[control]).to_numpy()
    dup = frame.duplicated(["subcategory", "week_start"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(path, "a second row for the same week", column=date_col, row=i + 2)
    frame = frame.sort_values(["subcategory", "week_start"], kind="stable").reset_index(drop=True)
    for group, rows in frame.groupby("subcategory"):
        gaps = rows["week_start"].diff().dropna()
        if (gaps != pd.Timedelta(weeks=1)).any():
            at = rows["week_start"].iloc[int(np.flatnonzero((gaps != pd.Timedelta(weeks=1)).to_numpy())[0]) + 1]
            raise InputError(
                path, f"weeks of '{group}' must follow each other; there is a gap before {at.date()}", column=date_col
            )
    return frame
