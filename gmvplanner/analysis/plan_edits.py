"""Edits of a spend plan that look like slips: a cell typed ten times larger or smaller than it was (`0.3` landing
as `3.0`), which the planner confirms before using."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["SLIP_FACTOR", "LargeChange", "large_changes"]

SLIP_FACTOR = 10.0  # a new value this many times the old one (or 1/this) is confirmed first: one lost or extra digit


class LargeChange(NamedTuple):
    """One cell that changed by SLIP_FACTOR or more: its week, channel, and the old and new spend (input unit)."""

    week_start: pd.Timestamp
    channel: str
    before: float
    after: float


def large_changes(
    before: pd.DataFrame, after: pd.DataFrame, channels: list[str], factor: float = SLIP_FACTOR
) -> list[LargeChange]:
    """Cells of `after` at least `factor` times, or at most 1/`factor` of, the same week and channel in `before`.

    Both frames have week_start and the channel columns; a cell that was 0 or becomes 0 is a deliberate change
    (starting or stopping a channel) and is not listed.
    """
    old = before.drop_duplicates("week_start").set_index("week_start")[channels]
    new = after.drop_duplicates("week_start").set_index("week_start")[channels].reindex(old.index)
    was, now = old.to_numpy(float), new.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = now / was
    slips = (was > 0) & (now > 0) & ((ratio >= factor) | (ratio <= 1 / factor))
    rows, cols = np.nonzero(slips)
    return [LargeChange(old.index[r], channels[c], float(was[r, c]), float(now[r, c])) for r, c in zip(rows, cols)]
