"""The Budget page's flighting: the weekly shape of the recommended split (`analysis.budget.flighting`)."""

from __future__ import annotations

from ..analysis.budget import BudgetResult
from ..analysis.budget.flighting import FlightResult, flight_plan
from ..config import FLIGHT_MAX_CHANGE
from ..model.artifacts import Artifacts

__all__ = ["flight_split"]


def flight_split(
    artifacts: Artifacts,
    result: BudgetResult,
    margins: dict[str, float] | None = None,
    max_change: float | None = FLIGHT_MAX_CHANGE,
) -> FlightResult:
    """Spread the split's recommended totals over its weeks (profit with `margins`), each week within `max_change`
    of its even amount."""
    money = artifacts.money
    totals = result.table.set_index("channel").loc[artifacts.channels, money.column("recommended")].to_numpy()
    return flight_plan(artifacts, totals, result.weeks, margins=margins, max_change=max_change)
