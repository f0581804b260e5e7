"""The Budget page's request and answer (`BudgetRequest`, `answer_budget`), the recent budget every page uses, and
the budget-response curve drawn beside a split."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..analysis import budget as budget_optimiser
from ..analysis.budget import BudgetResult, optimise_budget
from ..analysis.new_customers import first_order_shares
from ..analysis.profit import ProfitHeadline, profit_headline
from ..analysis.scenario_summary import budget_response, plan_gmv
from ..config import RECENT_WEEKS
from ..errors import InputError
from ..model.artifacts import Artifacts
from ..units import MoneyUnit
from .plans import plan_from_split

__all__ = [
    "recommended_amounts",
    "BudgetCurve",
    "budget_curve",
    "BudgetGoal",
    "BudgetRequest",
    "BudgetAnswer",
    "answer_budget",
    "answer_profit",
    "ProfitHeadline",
    "knows_new_customers",
    "recent_budget",
    "uplift_percent",
]


def recommended_amounts(result: BudgetResult, money: MoneyUnit) -> pd.Series:
    """The optimiser's recommended amount per channel over its horizon (input money unit)."""
    return result.table.set_index("channel")[money.column("recommended")]


class BudgetCurve(NamedTuple):
    """GMV against total budget (`scenario_summary.budget_response`) and the points to mark on it (label, budget,
    gmv)."""

    curve: pd.DataFrame
    points: pd.DataFrame


def budget_curve(artifacts: Artifacts, result: BudgetResult, top: float = 2.0) -> BudgetCurve:
    """GMV against total budget from 0 to `top` times the optimiser's budget at the historical split (see
    `scenario_summary.budget_response`), and the two points to mark: the historical and the recommended split."""
    money = artifacts.money
    historical = plan_from_split(result.weeks, result.table.set_index("channel")[money.column("historical")])
    recommended = plan_from_split(result.weeks, recommended_amounts(result, money))
    curve = budget_response(artifacts, historical, np.linspace(0.0, top, 21))
    budget = money.to_base(float(result.table[money.column("historical")].sum()))
    at_one = curve.loc[np.isclose(curve["multiplier"], 1.0), "gmv"].iloc[0]
    points = pd.DataFrame(
        {
            "label": ["historical split", "recommended split"],
            "budget": [budget, budget],
            "gmv": [at_one, plan_gmv(artifacts, recommended)],
        }
    )
    return BudgetCurve(curve, points)


class BudgetGoal(StrEnum):
    """What the Budget optimiser is asked: split a given budget, find the budget for a target marginal ROAS, or
    the budget that maximises profit (a target of 1 on the contribution)."""

    SPLIT = "split"
    TARGET = "target"
    PROFIT = "profit"


@dataclass(frozen=True)
class BudgetRequest:
    """One request to the Budget optimiser, all of it, checked when made (an InputError names the bad field).

    Attributes:
        goal: split a given budget, find the budget for a target marginal ROAS, or maximise profit.
        budget: the budget to split, input money unit (SPLIT; above 0).
        weeks: the horizon in weeks (1 or more).
        bounds: per-channel (min, max) amounts, input money unit.
        max_change: the largest move per channel from its historical amount: a share, AUTO, OWN or None.
        new_customer_weight: how many times GMV from new customers' first orders counts (0 to
            MAX_NEW_CUSTOMER_WEIGHT).
        target: the target marginal ROAS (TARGET; above 0).
        margins: subcategory -> contribution margin as a share of GMV (0 to 1); None: GMV itself; subcategories
            left out count 0.

    Frozen, so an answer can be cached per model version and request.
    """

    goal: BudgetGoal
    budget: float
    weeks: int
    bounds: dict[str, tuple[float, float]]
    max_change: float | str | None
    new_customer_weight: float
    target: float
    margins: dict[str, float] | None

    def __post_init__(self) -> None:
        if self.goal == BudgetGoal.SPLIT and not (np.isfinite(self.budget) and self.budget > 0):
            raise InputError("budget", f"give a budget above 0 to split; got {self.budget}")
        if self.weeks < 1:
            raise InputError("weeks", f"the horizon is 1 week or more; got {self.weeks}")
        if not 0.0 <= self.new_customer_weight <= budget_optimiser.MAX_NEW_CUSTOMER_WEIGHT:
            raise InputError(
                "new customer weight",
                f"give 0 to {budget_optimiser.MAX_NEW_CUSTOMER_WEIGHT:g}; got {self.new_customer_weight}",
            )
        if self.goal == BudgetGoal.TARGET and not (np.isfinite(self.target) and self.target > 0):
            raise InputError("target", f"the target marginal ROAS must be above 0; got {self.target}")
        bad = {sub: m for sub, m in (self.margins or {}).items() if not 0.0 <= m <= 1.0}
        if bad:
            raise InputError("margins", f"a contribution margin is a share of GMV from 0 to 1; got {bad}")


class BudgetAnswer(NamedTuple):
    """The optimiser's answer to a `BudgetRequest`: the split (None when a goal cannot be met), the goal's answer
    (None for SPLIT), what the goal found in words ("" for SPLIT) and the margins used for every subcategory."""

    result: BudgetResult | None
    target: budget_optimiser.TargetBudget | None
    found: str
    margins: dict[str, float] | None


def answer_budget(artifacts: Artifacts, request: BudgetRequest) -> BudgetAnswer:
    """Optimise as `request` asks: `optimise_budget` for a budget, `budget_for_target_roi` (the budget searched
    on the historical-mix `BudgetCurve`, then split once) for a target marginal ROAS or for profit."""
    margins = None if request.margins is None else {s: request.margins.get(s, 0.0) for s in artifacts.subcategories}
    bounds, max_change, weight = request.bounds, request.max_change, request.new_customer_weight
    if request.goal == BudgetGoal.SPLIT:
        result = optimise_budget(
            artifacts,
            request.budget,
            request.weeks,
            None,
            bounds,
            max_change=max_change,
            new_customer_weight=weight,
            margins=margins,
        )
        return BudgetAnswer(result, None, "", margins)
    goal = 1.0 if request.goal == BudgetGoal.PROFIT else request.target
    target = budget_optimiser.budget_for_target_roi(
        artifacts, goal, request.weeks, None, bounds, max_change=max_change, new_customer_weight=weight, margins=margins
    )
    return BudgetAnswer(target.result, target, target.note, margins)


def answer_profit(artifacts: Artifacts, request: BudgetRequest, answer: BudgetAnswer) -> ProfitHeadline | None:
    """Profit first (issue 35): the expected contribution of the answer's split and its gain, when the request gave
    margins and the answer has a split; None otherwise. A goal that chose the budget is measured against the recent
    budget in the historical split (what the company spends now); a split against the historical split at the same
    budget."""
    if answer.margins is None or answer.result is None:
        return None
    baseline = answer.target.recent_budget if answer.target is not None else None
    return profit_headline(artifacts, answer.result, answer.margins, baseline)


def knows_new_customers(artifacts: Artifacts) -> bool:
    """Whether the model was trained with customer ids, so the optimiser can weigh new customers' GMV."""
    return first_order_shares(artifacts) is not None


def recent_budget(artifacts: Artifacts) -> float:
    """Company spend over the last RECENT_WEEKS weeks, in the input money unit (the Budget page's default total):
    `budget_optimiser.recent_budget`, the one definition the planner, the optimiser and the experiments share."""
    return budget_optimiser.recent_budget(artifacts, RECENT_WEEKS)


def uplift_percent(result: BudgetResult) -> float | None:
    """The recommended split's expected GMV over the historical split's, as a % change (None if that is 0)."""
    historical = result.historical_gmv[0]
    return None if historical == 0 else result.uplift / historical * 100
