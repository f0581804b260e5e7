"""The budget optimiser: how to split a budget across channels, and which budget meets a target.

The budget's path stays inside this folder:
- `bounds`: the request's limits (the analyst's bounds, the automatic move limit, the spend levels the data have
  seen) checked and resolved into one `ChannelBounds`;
- `scoring`: a plan's predicted GMV under the fitted model and every bootstrap refit (`PlanScorer`);
- `objective`: what the search maximises (a low quantile of the uplift over the refits) and its gradient;
- `search`: `optimise_budget`, the split, returned as one `BudgetResult` every page, command and report reads;
- `target`: `budget_for_target_roi`, the largest budget whose next unit still meets a target marginal ROI.
"""

from .bounds import LIFT_HINT, ChannelBounds, exact_total, feasible_start, load_bounds, resolve_max_change, seen_range
from .objective import Objective
from .scoring import PlanScorer, even_plan, historical_split
from .search import (
    HISTORICAL_NOTE,
    INTERVAL_SCOPE,
    MAX_NEW_CUSTOMER_WEIGHT,
    RISK_AVERSION,
    BudgetResult,
    channel_weights,
    optimise_budget,
    plan_weeks,
    subcategory_margins,
)
from .target import BudgetCurve, TargetBudget, budget_for_target_roi, covered_share, marginal_roi, recent_budget

__all__ = [
    "LIFT_HINT",
    "ChannelBounds",
    "exact_total",
    "feasible_start",
    "load_bounds",
    "resolve_max_change",
    "seen_range",
    "Objective",
    "PlanScorer",
    "even_plan",
    "historical_split",
    "HISTORICAL_NOTE",
    "INTERVAL_SCOPE",
    "MAX_NEW_CUSTOMER_WEIGHT",
    "RISK_AVERSION",
    "BudgetResult",
    "channel_weights",
    "optimise_budget",
    "plan_weeks",
    "subcategory_margins",
    "BudgetCurve",
    "TargetBudget",
    "budget_for_target_roi",
    "covered_share",
    "marginal_roi",
    "recent_budget",
]
