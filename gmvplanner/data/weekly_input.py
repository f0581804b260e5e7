"""A bring-your-own weekly table (instead of orders + media): read, check and shape it like the table built from orders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..config import spend_column
from ..dates import week_start
from ..errors import InputError
from . import readers

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
    needed = [date_col, target, *channels, *controls] + ([group_col] if group_col else [])
    raw = readers.read_frame(path, needed)
    frame = pd.DataFrame({"week_start": week_start(readers.dates(path, date_col, raw[date_col]))})
    frame.insert(0, "subcategory", raw[group_col].astype(str).to_numpy() if group_col else ALL_GROUP)
    frame["days"] = 7
    frame["gmv"] = readers.numeric(path, target, raw[target]).to_numpy()
    readers.fail_at_first(path, frame["gmv"].isna(), lambda i: "the target is blank", target)
    for channel in channels:
        frame[spend_column(channel)] = readers.spend(path, channel, raw[channel]).to_numpy()
    for control in controls:
        frame[control] = readers.numeric(path, control, raw[control]).to_numpy()
    dup = frame.duplicated(["subcategory", "week_start"])
    readers.fail_at_first(path, dup, lambda i: "a second row for the same week", date_col)
    frame = frame.sort_values(["subcategory", "week_start"], kind="stable").reset_index(drop=True)
    for group, rows in frame.groupby("subcategory"):
        gaps = rows["week_start"].diff().dropna()
        if (gaps != pd.Timedelta(weeks=1)).any():
            at = rows["week_start"].iloc[int(np.flatnonzero((gaps != pd.Timedelta(weeks=1)).to_numpy())[0]) + 1]
            raise InputError(
                path, f"weeks of '{group}' must follow each other; there is a gap before {at.date()}", column=date_col
            )
    return frame
