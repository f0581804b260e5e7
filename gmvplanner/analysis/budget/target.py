"""A budget for a target: the largest budget whose next unit still earns a target marginal ROI (or just pays, for
maximum profit), searched on the historical mix's smooth marginal-ROI curve and then split once by `optimise_budget`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...config import AUTO
from ...errors import InputError
from ...model.artifacts import Artifacts
from .scoring import PlanScorer, historical_split
from .search import BudgetResult, optimise_budget, plan_weeks

__all__ = ["marginal_roi", "TargetBudget", "recent_budget", "covered_share", "BudgetCurve", "budget_for_target_roi"]

TARGET_SCAN_POINTS = 9  # budgets (log-spaced, lowest to highest) scanned for the largest meeting a target marginal ROI


def marginal_roi(
    artifacts: Artifacts, result: BudgetResult, step: float = 0.01, margins: dict[str, float] | None = None
) -> float:
    """GMV from the next `step` (1%) of the recommended plan's spend, per unit of that spend (₹ per ₹); with
    `margins`, the contribution to profit per unit (1 is break-even)."""
    column = artifacts.money.column("recommended")
    plan = result.table.set_index("channel").loc[artifacts.channels, column].to_numpy()
    scorer = PlanScorer(artifacts, result.weeks, artifacts.channels, margins)
    base, more = scorer.totals(np.vstack([plan, plan * (1 + step)]))
    return float((more - base) / artifacts.money.to_base(plan.sum() * step))


@dataclass(frozen=True)
class TargetBudget:
    """The answer to a target marginal ROI (or maximise profit): the budget found and its split, or why none.

    Attributes:
        budget: the largest budget tried that meets the target (input money unit); when `met` is False, the budget
            tried closest to it, kept only to say how far off it was.
        result: that budget's optimised split (None when the target cannot be met: there is no split to show).
        note: what was found, in words.
        met: whether any budget between the smallest and largest tried meets the target.
        recent_budget: company spend over the same number of weeks at the end of the training data.
        covered_share: the modelled subcategories' share of company spend (the rest earns nothing in the model).
    """

    budget: float
    result: BudgetResult | None
    note: str
    met: bool
    recent_budget: float
    covered_share: float

    @property
    def cut(self) -> float:
        """How far the budget found lies below the recent budget, as a share of it (negative: above it)."""
        return 1.0 - self.budget / self.recent_budget if self.recent_budget > 0 else 0.0


def recent_budget(artifacts: Artifacts, n_weeks: int) -> float:
    """The one "recent budget" every page and command uses: company spend (input money unit) over the last
    `n_weeks` weeks of the training data (0 for a model without spend)."""
    if "company_spend.csv" not in artifacts.manifest.files or not artifacts.channels:
        return 0.0
    company = artifacts.table("company_spend").sort_values("week_start")
    return float(company[artifacts.channels].iloc[-n_weeks:].to_numpy().sum())


def covered_share(artifacts: Artifacts) -> float:
    """The modelled subcategories' share of company spend: plans spend it all, but only these earn GMV here."""
    return float(min(sum(m.spend_share for m in artifacts.models.values()), 1.0))


class BudgetCurve:
    """The marginal ROI of a budget spent in the historical mix over the horizon: GMV (or contribution, with
    `margins`) from the next MARGINAL_STEP of it per unit. Smooth in the budget, unlike the best split's (which
    jumps where the robust optimiser starts or stops moving money), and one scorer serves every budget tried."""

    def __init__(self, artifacts: Artifacts, n_weeks: int, start: pd.Timestamp | None, margins: dict[str, float] | None):
        self.artifacts = artifacts
        self.share = historical_split(artifacts).reindex(artifacts.channels).to_numpy()
        self.scorer = PlanScorer(artifacts, plan_weeks(artifacts, start, n_weeks), artifacts.channels, margins)

    def marginal_roi(self, budget: float, step: float = 0.01) -> float:
        plan = self.share * budget
        base, more = self.scorer.totals(np.vstack([plan, plan * (1 + step)]))
        return float((more - base) / self.artifacts.money.to_base(budget * step))


def _largest_meeting(curve: BudgetCurve, target: float, low: float, high: float) -> tuple[float | None, float]:
    """The largest budget in [low, high] whose marginal ROI meets `target` (a scan from the top, then bisection
    above the first that meets it: S-shaped curves make the marginal ROI rise before it falls), and its marginal ROI;
    None and the smallest budget's when none does."""
    grid = np.geomspace(low, high, TARGET_SCAN_POINTS)[::-1]
    top = curve.marginal_roi(high)
    if top >= target:
        return high, top
    for above, budget in zip(grid, grid[1:]):
        value = curve.marginal_roi(float(budget))
        if value >= target:
            low, high = float(budget), float(above)
            break
    else:
        return None, value
    for _ in range(30):
        mid = (low * high) ** 0.5
        mid_value = curve.marginal_roi(mid)
        if mid_value >= target:
            low, value = mid, mid_value
        else:
            high = mid
        if high / low < 1.001:
            break
    return low, value


def budget_for_target_roi(
    artifacts: Artifacts,
    target_roi: float,
    n_weeks: int,
    start: pd.Timestamp | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
    max_change: float | str | None = AUTO,
    lowest: float | None = None,
    highest: float | None = None,
    new_customer_weight: float = 1.0,
    margins: dict[str, float] | None = None,
) -> TargetBudget:
    """The largest budget whose next unit, spent in the historical mix, still earns a marginal ROI of at least
    `target_roi` (Robyn's target efficiency, Meridian's flexible budget), between `lowest` and `highest` (default:
    0.05 and 4 times the recent budget), and that budget's optimised split. The budget is searched on the smooth
    `BudgetCurve` (one scorer, no optimisation per budget tried), then split once. When even the smallest budget
    misses the target, the answer says so and carries no split. The marginal ROI is of GMV itself, or of the
    contribution to profit with `margins` (then a target of 1 finds the budget that maximises profit: the last unit
    of spend just pays)."""
    if not (np.isfinite(target_roi) and target_roi > 0):
        raise InputError("--target-roi", f"the target marginal ROI must be a finite number above 0; got {target_roi}")
    recent = recent_budget(artifacts, n_weeks) or 1.0
    low, high = lowest or 0.05 * recent, highest or 4.0 * recent
    covered = covered_share(artifacts)
    found, mroi = _largest_meeting(BudgetCurve(artifacts, n_weeks, start, margins), target_roi, low, high)
    if found is None:
        note = (
            f"no budget from {low:.4g} to {high:.4g} earns a marginal ROI of {target_roi:g}: even {low:.4g}, the "
            f"smallest tried, earns only {mroi:.2f}, so there is no split to recommend for this target"
        )
        return TargetBudget(low, None, note, False, recent, covered)
    result = optimise_budget(
        artifacts, found, n_weeks, start, bounds, max_change=max_change, new_customer_weight=new_customer_weight, margins=margins
    )
    where = "the largest budget tried" if found >= high else f"target {target_roi:g}"
    note = f"marginal ROI {mroi:.2f} at this budget in the historical mix ({where})"
    return TargetBudget(found, result, note, True, recent, covered)
