"""Lift tests (experiments): read and check them, and spread each test's extra spend to subcategories and weeks.

A test says: spending `delta_spend` crore more on `channel` from `start` to `end` (inclusive) brought
`delta_gmv` ₹ more GMV over those days (summed over the modelled subcategories, or in `subcategory` alone), with
standard error `sigma` ₹. The extra spend is on top of what the media file records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..dates import week_start
from ..errors import InputError
from ..units import MoneyUnit
from . import readers

__all__ = ["LIFT_COLUMNS", "LiftTests", "load_lift_tests"]

LIFT_COLUMNS = ("channel", "start", "end", "delta_spend", "delta_gmv", "sigma")


@dataclass(frozen=True)
class LiftTests:
    """The checked tests of one file (`table`: channel, start, end, delta_spend, delta_gmv, sigma, subcategory)."""

    source: str
    table: pd.DataFrame
    spread: tuple = ()  # set by the pipeline: `weekly_extra_spend` for the modelled window and subcategories

    def check_names(self, channels: list[str], subcategories: list[str]) -> None:
        """Raise naming the row when a test names a channel or subcategory the model does not have."""
        readers.check_scope_names(self.source, self.table, channels, subcategories)

    def weekly_extra_spend(self, shares: pd.DataFrame, money: MoneyUnit) -> list[dict]:
        """Per test: channel, delta_gmv, sigma and, per subcategory in its scope, a frame week_start, extra (spend
        in the base unit added that week), test_days. The extra spend is spread evenly over the test's days and
        split across subcategories by each month's GMV share, as the media file's spend is (`shares`: month ->
        subcategory share, as from `allocate.monthly_gmv_shares`)."""
        out = []
        for test in self.table.itertuples():
            days = pd.date_range(test.start, test.end, freq="D")
            per_day = money.to_base(test.delta_spend) / len(days)
            share = shares.reindex(days.to_period("M")).fillna(0.0)
            scope = [test.subcategory] if isinstance(test.subcategory, str) else list(shares.columns)
            groups = {}
            for sub in scope:
                frame = pd.DataFrame({"week_start": week_start(days), "extra": per_day * share[sub].to_numpy(), "test_days": 1})
                groups[sub] = frame.groupby("week_start", as_index=False).sum()
            out.append({"channel": test.channel, "delta_gmv": test.delta_gmv, "sigma": test.sigma, "groups": groups})
        return out

    def to_json(self) -> dict:
        """What the manifest records of the tests: the file, how many, which channels."""
        return {"source": self.source, "tests": len(self.table), "channels": sorted(set(self.table["channel"]))}

    def spread_for(self, shares: pd.DataFrame, money: MoneyUnit) -> LiftTests:
        """A copy carrying `weekly_extra_spend` (what the model needs to compare its own prediction)."""
        return LiftTests(self.source, self.table, tuple(self.weekly_extra_spend(shares, money)))


def _blank_or_infinite(column: str) -> Callable[[int], str]:
    """The message for a blank or infinite cell of `column` (a function of the row, as `fail_at_first` asks)."""
    return lambda i: f"{column} is blank or not finite"


def load_lift_tests(path: Path | str) -> LiftTests:
    """Read `channel,start,end,delta_spend,delta_gmv,sigma[,subcategory]`; every bad cell names its row.

    Every result is evidence: a `delta_gmv` of either sign is kept. Only rows that cannot be right are refused
    (unreadable or impossible dates, an end before the start, a blank or non-finite number, no spend change, a
    `sigma` of 0 or less)."""
    path = Path(path)
    raw = readers.read_frame(path, LIFT_COLUMNS)
    table = pd.DataFrame({"channel": raw["channel"].astype(str).str.strip()})
    readers.fail_at_first(path, table["channel"].isin(["", "nan"]), lambda i: "the channel is blank", "channel")
    for col in ("start", "end"):
        table[col] = readers.dates(path, col, raw[col], ("%Y-%m-%d",))
    readers.fail_at_first(path, table["end"] < table["start"], lambda i: "the test ends before it starts", "end")
    for col in ("delta_spend", "delta_gmv", "sigma"):
        table[col] = readers.numeric(path, col, raw[col])
        readers.fail_at_first(path, ~np.isfinite(table[col]), _blank_or_infinite(col), col)
    readers.fail_at_first(path, table["delta_spend"] == 0, lambda i: "delta_spend is 0: nothing was tested", "delta_spend")
    readers.fail_at_first(path, table["sigma"] <= 0, lambda i: "sigma must be above 0 (the test's standard error, ₹)", "sigma")
    # a delta_gmv against the sign of delta_spend is kept: a noisy test measures that often when the effect is
    # small, and in the fit it pulls the channel towards zero (its coefficient cannot go below it)
    if "subcategory" in raw:
        names = raw["subcategory"].astype(object).where(raw["subcategory"].notna(), "").astype(str).str.strip()
        table["subcategory"] = names.where(~names.isin(readers.MISSING), None)
    else:
        table["subcategory"] = None
    if table.empty:
        raise InputError(path, "has no tests")
    return LiftTests(source=str(path), table=table)
