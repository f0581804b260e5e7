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
from . import date_cells, readers
from .limits import MAX_AMOUNT

__all__ = ["LIFT_COLUMNS", "LiftTests", "load_lift_tests"]

LIFT_COLUMNS = ("channel", "start", "end", "delta_spend", "delta_gmv", "sigma")
# a standard error below this share of the measured effect is a typing error (no lift test is that precise), and
# it would give the test a weight that swamps every week of data and breaks the solve
MIN_RELATIVE_SIGMA = 1e-6


@dataclass(frozen=True)
class LiftTests:
    """The checked tests of one file (`table`: channel, start, end, delta_spend, delta_gmv, sigma, subcategory)."""

    source: str
    table: pd.DataFrame
    spread: tuple = ()  # set by the pipeline: `weekly_extra_spend` for the modelled window and subcategories

    def check_names(self, channels: list[str], subcategories: list[str]) -> None:
        """Raise naming the row when a test names a channel or subcategory the model does not have."""
        readers.check_scope_names(self.source, self.table, channels, subcategories)

    def check_window(self, start: pd.Timestamp, end: pd.Timestamp) -> None:
        """Raise naming the row when a test runs on days outside the data's window (`start` to `end`): the model
        has no week to compare it with, so it would be left out while the manifest counts it."""
        outside = (self.table["start"] < start) | (self.table["end"] > end)
        readers.fail_at_first(
            self.source,
            outside,
            lambda i: (
                f"the test runs {self.table['start'].iloc[i]:%Y-%m-%d} to {self.table['end'].iloc[i]:%Y-%m-%d}, outside "
                f"the data's {start:%Y-%m-%d} to {end:%Y-%m-%d}; retrain on data that cover it, or remove the row"
            ),
            "start",
        )

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
            when = f"{test.start:%Y-%m-%d} to {test.end:%Y-%m-%d}"
            out.append(
                {"channel": test.channel, "delta_gmv": test.delta_gmv, "sigma": test.sigma, "groups": groups, "when": when}
            )
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
    readers.refuse_misspelt_columns(path, list(raw.columns), (*LIFT_COLUMNS, "subcategory"))
    table = pd.DataFrame({"channel": raw["channel"].astype(str).str.strip()})
    readers.fail_at_first(path, table["channel"].isin(["", "nan"]), lambda i: "the channel is blank", "channel")
    for col in ("start", "end"):
        table[col] = date_cells.history_dates(path, col, raw[col], ("%Y-%m-%d",))
    readers.fail_at_first(path, table["end"] < table["start"], lambda i: "the test ends before it starts", "end")
    for col in ("delta_spend", "delta_gmv", "sigma"):
        table[col] = readers.numeric(path, col, raw[col], low=-MAX_AMOUNT, high=MAX_AMOUNT)
        readers.fail_at_first(path, ~np.isfinite(table[col]), _blank_or_infinite(col), col)
    readers.fail_at_first(path, table["delta_spend"] == 0, lambda i: "delta_spend is 0: nothing was tested", "delta_spend")
    readers.fail_at_first(path, table["sigma"] <= 0, lambda i: "sigma must be above 0 (the test's standard error, ₹)", "sigma")
    readers.fail_at_first(
        path,
        table["sigma"] < MIN_RELATIVE_SIGMA * table["delta_gmv"].abs(),
        lambda i: (
            f"sigma {table['sigma'].iloc[i]:g} is below a millionth of delta_gmv {table['delta_gmv'].iloc[i]:g}: "
            "no test measures that precisely; give both in the same unit"
        ),
        "sigma",
    )
    # a delta_gmv against the sign of delta_spend is kept: a noisy test measures that often when the effect is
    # small, and in the fit it pulls the channel towards zero (its coefficient cannot go below it)
    if "subcategory" in raw:
        names = raw["subcategory"].astype(object).where(raw["subcategory"].notna(), "").astype(str).str.strip()
        table["subcategory"] = names.where(~names.isin(readers.MISSING), None)
    else:
        table["subcategory"] = None
    if table.empty:
        raise InputError(path, "has no tests")
    _refuse_repeated_rows(path, table)
    return LiftTests(source=str(path), table=table)


def _refuse_repeated_rows(path: Path, table: pd.DataFrame) -> None:
    """A test given twice would count twice (twice the weight of one measurement): refuse it naming both rows."""
    keys = table.astype(object).where(table.notna(), "").astype(str).agg("\x1f".join, axis=1).to_numpy()
    repeated = pd.Series(keys).duplicated().to_numpy()
    if repeated.any():
        i = int(np.flatnonzero(repeated)[0])
        first = int(np.flatnonzero(keys == keys[i])[0])
        row, twin = readers.spreadsheet_row(i, path), readers.spreadsheet_row(first, path)
        raise InputError(path, f"repeats row {twin} (the same test would count twice); remove one", row=row)
