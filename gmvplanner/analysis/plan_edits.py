"""Edits of a spend plan that look like slips: a cell typed ten times larger or smaller than it was (`0.3` landing
as `3.0`), which the planner confirms before using."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["SLIP_FACTOR", "SHOWN_DECIMALS", "LargeChange", "large_changes", "shown_values"]

# a new value this many times the old one (or 1/this) is confirmed first: one lost or extra digit. Not 10: a cell
# shown as 0.3137 (stored 0.313722) retyped as 3.137 is 9.9993x the stored value, and a slip of one digit of a
# rounded number lands anywhere from about 9.5x to 10.5x
SLIP_FACTOR = 9.5
SHOWN_DECIMALS = 4  # decimals the plan editor shows of a spend cell (Streamlit's grid rounds floats to 4)


class LargeChange(NamedTuple):
    """One cell that changed by SLIP_FACTOR or more: its week, channel, the old spend as stored and as the grid
    showed it, and the new spend (input money unit)."""

    week_start: pd.Timestamp
    channel: str
    before: float
    after: float
    shown: float

    @property
    def ratio(self) -> float:
        """How many times the value the analyst saw the new value is."""
        return self.after / self.shown


def shown_values(values: np.ndarray, decimals: int = SHOWN_DECIMALS) -> np.ndarray:
    """Spend as the grid shows it (rounded to `decimals`); a value that rounds to 0 keeps its stored value, so a
    tiny spend is still compared with what it was."""
    rounded = np.round(values, decimals)
    return np.where((rounded == 0) & (values != 0), values, rounded)


def large_changes(
    before: pd.DataFrame, after: pd.DataFrame, channels: list[str], factor: float = SLIP_FACTOR
) -> list[LargeChange]:
    """Cells of `after` at least `factor` times, or at most 1/`factor` of, the same week and channel in `before`
    as the editor showed it (`shown_values`): the analyst types over what is on screen, not the stored digits.

    Both frames have week_start and the channel columns; a cell that was 0 or becomes 0 is a deliberate change
    (starting or stopping a channel) and is not listed.
    """
    old = before.drop_duplicates("week_start").set_index("week_start")[channels]
    new = after.drop_duplicates("week_start").set_index("week_start")[channels].reindex(old.index)
    was, now = old.to_numpy(float), new.to_numpy(float)
    seen = shown_values(was)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = now / seen
    slips = (seen > 0) & (now > 0) & ((ratio >= factor) | (ratio <= 1 / factor))
    rows, cols = np.nonzero(slips)
    return [
        LargeChange(old.index[r], channels[c], float(was[r, c]), float(now[r, c]), float(seen[r, c])) for r, c in zip(rows, cols)
    ]
