"""ROI priors: an analyst's 80% range for a channel's ROI (from industry benchmarks or earlier studies), read and checked.

A row says: the ROI that `contributions.csv` reports for `channel` (incremental GMV over the spend allocated to the
subcategory, in the fitted weeks) lies between `roi_low` and `roi_high` with 80% probability, in `subcategory` or,
when that cell is blank or the column absent, in every modelled subcategory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from . import readers
from .limits import MAX_AMOUNT

__all__ = ["PRIOR_COLUMNS", "RoiPriors", "load_roi_priors"]

PRIOR_COLUMNS = ("channel", "roi_low", "roi_high")


@dataclass(frozen=True)
class RoiPriors:
    """The checked priors of one file (`table`: channel, roi_low, roi_high, subcategory or None)."""

    source: str
    table: pd.DataFrame

    def check_names(self, channels: list[str], subcategories: list[str]) -> None:
        """Raise naming the row when a prior names a channel or subcategory the model does not have."""
        readers.check_scope_names(self.source, self.table, channels, subcategories)

    def for_group(self, channel: str, subcategory: str) -> tuple[float, float] | None:
        """The (roi_low, roi_high) that applies to this channel in this subcategory: its own row, else the row for
        every subcategory, else None."""
        rows = self.table.loc[self.table["channel"] == channel]
        own = rows.loc[rows["subcategory"] == subcategory]
        everywhere = rows.loc[rows["subcategory"].isna()]
        pick = own if len(own) else everywhere
        return None if pick.empty else (float(pick["roi_low"].iloc[0]), float(pick["roi_high"].iloc[0]))

    def to_json(self) -> dict:
        """What the manifest records: the file and the ranges."""
        return {"source": self.source, "priors": self.table.astype(object).where(self.table.notna(), None).to_dict("records")}


def _blank(column: str) -> Callable[[int], str]:
    """The message for a blank cell of `column` (a function of the row, as `fail_at_first` asks)."""
    return lambda i: f"{column} is blank: give the 80% range's both ends"


def load_roi_priors(path: Path | str) -> RoiPriors:
    """Read `channel,roi_low,roi_high[,subcategory]`; every bad cell names its row."""
    path = Path(path)
    raw = readers.read_frame(path, PRIOR_COLUMNS)
    readers.refuse_misspelt_columns(path, list(raw.columns), (*PRIOR_COLUMNS, "subcategory"))
    table = pd.DataFrame({"channel": raw["channel"].astype(str).str.strip()})
    readers.fail_at_first(path, table["channel"].isin(["", "nan"]), lambda i: "the channel is blank", "channel")
    for col in ("roi_low", "roi_high"):
        table[col] = readers.numeric(path, col, raw[col], low=0.0, high=MAX_AMOUNT)
        readers.fail_at_first(path, ~np.isfinite(table[col]), _blank(col), col)
    readers.fail_at_first(
        path,
        table["roi_high"] <= table["roi_low"],
        lambda i: f"roi_high {table['roi_high'].iloc[i]:g} is not above roi_low {table['roi_low'].iloc[i]:g}",
        "roi_high",
    )
    if "subcategory" in raw:
        names = raw["subcategory"].astype(object).where(raw["subcategory"].notna(), "").astype(str).str.strip()
        table["subcategory"] = names.where(~names.isin(readers.MISSING + ("nan",)), None)
    else:
        table["subcategory"] = None
    key = table["channel"] + "\x00" + table["subcategory"].fillna("")
    readers.fail_at_first(
        path, key.duplicated(), lambda i: f"a second range for '{table['channel'].iloc[i]}' in the same scope", "channel"
    )
    if table.empty:
        raise InputError(path, "has no priors")
    return RoiPriors(source=str(path), table=table)
