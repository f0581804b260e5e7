"""Split a budget across channels to maximise predicted GMV, within per-channel bounds, spending it exactly.

The plan spreads each channel's total evenly over the horizon's weeks. With the media-mix model the
predicted GMV is smooth in spend and is optimised directly (SLSQP). A forest's prediction is a step
function, whose numerical gradient is zero almost everywhere (the classic "optimiser returns the start
split" failure), so for a forest each channel's response over the horizon is sampled and fitted with a
concave Hill curve, the sum of those curves is optimised, and both plans are then scored by the forest.

`optimise_budget` reads as its steps: resolve the bounds (`bounds`), build the `Objective`, solve, pick how
far to go along the solver's move, and tabulate the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ...config import AUTO, ROBUST_QUANTILE, TRUST_STRETCH, UPLIFT_SPREAD_INFLATION, interval_quantiles
from ...data.limits import MAX_AMOUNT
from ...dates import week_start
from ...errors import InputError
from ...model.artifacts import Artifacts
from ..new_customers import first_order_shares
from ..scenarios import scenario_totals
from .bounds import (
    ChannelBounds,
    exact_total,
    feasible_start,
    resolve_bounds,
    seen_range,
)
from .objective import CurveSurrogate, Objective
from .scoring import PlanScorer, even_plan, historical_split

__all__ = [
    "BudgetResult",
    "optimise_budget",
    "plan_weeks",
    "subcategory_margins",
    "channel_weights",
    "INTERVAL_SCOPE",
    "RISK_AVERSION",
    "MAX_NEW_CUSTOMER_WEIGHT",
    "HISTORICAL_NOTE",
]

# --risk-aversion: the optimiser maximises expected uplift less this many spreads of it over the bootstrap refits
# (0.84: about its 20th percentile). Off by default: on generated data with known truth it did not stop the
# loss on monthly spend (-40.8% instead of -41.2% of the best uplift) and cost 1.4 points on weekly spend.
RISK_AVERSION = 0.0

# --new-customer-weight: the largest weight accepted (a rupee of a first order's GMV counted up to this many times)
MAX_NEW_CUSTOMER_WEIGHT = 100.0

# what the plans' intervals do and do not cover, said wherever they are shown
INTERVAL_SCOPE = (
    "The 80% intervals cover week-to-week variation around the model's prediction, not the uncertainty in each "
    "channel's estimated effect, which can be larger: move large amounts in steps and measure the result."
)

SOLVER_STEP = 1e-4  # forward-difference step as a share of the budget
SOLVER_OPTIONS = {"maxiter": 200, "ftol": 1e-10}
LINE_POINTS = 21  # points from the start split to the solver's answer at which the model itself scores the move
HISTORICAL_NOTE = (
    "The evidence does not support moving money: no split within these bounds beats the historical one in at least "
    f"{1 - ROBUST_QUANTILE:.0%} of the bootstrap refits of the channel effects, so the recommendation is the "
    "historical split (moved inside the bounds). A lift test of the channels named as hard to separate is what "
    "would tell them apart."
)


@dataclass
class BudgetResult:
    """The recommended and historical splits (input money unit, over the horizon) and their expected GMV
    (base unit, 80% interval)."""

    table: pd.DataFrame  # channel, then min, max, historical, recommended, change in the input unit (e.g. min_crore)
    weeks: pd.DatetimeIndex
    historical_gmv: tuple[float, float, float]
    recommended_gmv: tuple[float, float, float]
    method: str
    note: str = ""  # said to the user when the recommendation is the historical split itself
    uplift_interval: tuple[float, float] | None = None  # 80% interval of the uplift over the estimation draws
    p_beats_historical: float | None = None  # share of the estimation draws in which the plan beats the historical split
    max_change: float | None = None  # the limit on each channel's move from its historical amount, when one applied
    channel_limits: dict[str, float] | None = None  # each channel's own limit, when set by its uncertainty
    new_customer_weight: float = 1.0  # how many times a rupee of new customers' first-order GMV counted
    new_customer_gain: float | None = None  # expected change in first-order GMV vs the historical split (base unit)
    outside_seen: tuple[str, ...] = ()  # channels the split takes beyond the spend levels the training data showed
    seen_note: str = ""  # why the split could not stay within those levels, when it could not

    @property
    def uplift(self) -> float:
        return self.recommended_gmv[0] - self.historical_gmv[0]


def channel_weights(shares: np.ndarray | None, weight: float) -> np.ndarray | None:
    """The extra weight (W - 1) x s_c on each channel's GMV when new customers' GMV counts W times (s_c: the channel's
    share of first orders, `new_customers.first_order_shares`); None when W is 1. Refuses a W out of range, or any W
    but 1 for a model trained without customer ids (`shares` None)."""
    if not (np.isfinite(weight) and 0.0 <= weight <= MAX_NEW_CUSTOMER_WEIGHT):
        raise InputError("--new-customer-weight", f"give a weight from 0 to {MAX_NEW_CUSTOMER_WEIGHT:g}; got {weight}")
    if weight == 1.0:
        return None
    if shares is None:
        raise InputError(
            "--new-customer-weight",
            "this model knows nothing of new customers: it was trained from a weekly table or from orders without "
            "customer ids; retrain from order data with cust_id to weigh new customers",
        )
    return (weight - 1.0) * shares


def _check_budget(budget: float, money_name: str) -> None:
    if not (np.isfinite(budget) and 0 < budget <= MAX_AMOUNT):
        raise InputError(
            "--budget", f"budget must be a finite amount above 0 and up to {MAX_AMOUNT:g} {money_name}; got {budget}"
        )


def _solve(
    value_and_gradient: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    bounds: ChannelBounds,
    budget: float,
    scale: float,
) -> np.ndarray:
    """SLSQP from `start` on the scaled objective, within the bounds and spending the budget exactly."""
    constraint = {"type": "eq", "fun": lambda x: x.sum() - budget, "jac": lambda x: np.ones_like(x)}

    def negative(x: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = value_and_gradient(x)
        return -value / scale, -grad / scale

    solution = minimize(
        negative,
        start,
        jac=True,
        method="SLSQP",
        bounds=list(zip(bounds.lo, bounds.hi)),
        constraints=[constraint],
        options=SOLVER_OPTIONS,
    )
    return exact_total(np.clip(solution.x, bounds.lo, bounds.hi), bounds.lo, bounds.hi, budget)


def _best_on_line(objective: Objective, start: np.ndarray, x: np.ndarray, bounds: ChannelBounds, budget: float) -> np.ndarray:
    """The model itself picks how far to go from the start split towards the solver's answer: points on that line
    keep the total and the bounds, and a forest often prefers part of a surrogate's move."""
    line = start + np.linspace(0.0, 1.0, LINE_POINTS)[:, None] * (x - start)
    return exact_total(np.clip(line[int(np.argmax(objective.values(line)))], bounds.lo, bounds.hi), bounds.lo, bounds.hi, budget)


def _method(artifacts: Artifacts, objective: Objective, risk_aversion: float, bounds: ChannelBounds, weight: float) -> str:
    """How the split was found, in words."""
    if _smooth(artifacts):
        method = "SLSQP on the model's own predicted GMV (smooth in spend)"
        if objective.n_draws is not None:
            if risk_aversion > 0 or objective.quantile is None:
                method += f", expected over {objective.n_draws} bootstrap refits of the channel effects"
                method += f", less {risk_aversion:g} x its spread over them" if risk_aversion > 0 else ""
            else:
                method += (
                    f", the uplift's {objective.quantile:.0%} quantile over {objective.n_draws} bootstrap refits of the "
                    "channel effects (a split must win in most refits, not on average)"
                )
    else:
        method = "SLSQP on concave curves fitted to the forest's per-channel response, plans scored by the forest"
    if bounds.max_change is not None:
        method += f"; each channel within {bounds.max_change:.0%} of its historical amount ({bounds.reason})"
    elif bounds.channel_limits is not None:
        own = ", ".join(f"{c} ±{v:.0%}" for c, v in zip(artifacts.channels, bounds.channel_limits))
        method += f"; each channel within its own limit of its historical amount: {own} ({bounds.reason})"
    if bounds.seen_lo is not None:
        method += "; every channel within the weekly spend levels the training data have shown"
    if objective.extra is not None:
        method += f"; new customers' GMV counted {weight:g}x"
    return method


def _smooth(artifacts: Artifacts) -> bool:
    return all(m.estimator.smooth_in_spend for m in artifacts.models.values())


def plan_weeks(artifacts: Artifacts, start: pd.Timestamp | None, n_weeks: int) -> pd.DatetimeIndex:
    """The plan's `n_weeks` week starts from `start` (default: the week after the training data)."""
    first = start or artifacts.next_week
    return pd.date_range(week_start([first], artifacts.week_starts_on)[0], periods=n_weeks, freq="7D")


def optimise_budget(
    artifacts: Artifacts,
    budget: float,
    n_weeks: int,
    start: pd.Timestamp | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
    risk_aversion: float = RISK_AVERSION,
    max_change: float | str | None = AUTO,
    new_customer_weight: float = 1.0,
    margins: dict[str, float] | None = None,
    trust_region: bool = True,
    quantile: float | None = ROBUST_QUANTILE,
    inflation: float = UPLIFT_SPREAD_INFLATION,
    trust_stretch: float = TRUST_STRETCH,
) -> BudgetResult:
    """Allocate `budget` (input money unit) over `n_weeks` weeks across channels to maximise the `quantile` (20%)
    of the uplift over the historical split across the models' bootstrap refits (None: the mean, less
    `risk_aversion` spreads of it), so a split is recommended only where the evidence says it wins.

    `trust_region` keeps every channel within the weekly spend levels the training data have shown
    (`bounds.seen_range`), giving way only to the analyst's `bounds` or a budget beyond them (said in the
    result's `seen_note`; `outside_seen` names the channels then outside).

    `max_change` (e.g. 0.3, as Meridian's default) keeps every channel within that fraction of its historical
    amount at this budget, on top of `bounds`; `AUTO` applies `AUTO_MAX_CHANGE` when the evidence is weak
    (`resolve_max_change`), None never limits.

    `new_customer_weight` W counts a rupee of GMV from customers' first orders W times, returning customers' once:
    each channel's gain over the historical split weighs (1 + (W - 1) s_c), s_c its share of first orders. The
    channels' gains are taken one at a time from the historical split (exact for the additive media part of the
    hybrid and mmm models); the bootstrap's spread does not enter that extra term.

    `margins` (subcategory -> contribution margin, 0 to 1) maximises profit instead: each subcategory's GMV counts
    as its margin's share. The reported GMV figures stay GMV.
    """
    channels = artifacts.channels
    shares = first_order_shares(artifacts)
    extra = channel_weights(shares, new_customer_weight)
    _check_budget(budget, artifacts.money.name)
    weeks = plan_weeks(artifacts, start, n_weeks)
    share = historical_split(artifacts).reindex(channels).to_numpy()
    historical = share * budget
    seen = seen_range(artifacts, n_weeks, trust_stretch) if trust_region else None
    limits = resolve_bounds(artifacts, budget, historical, bounds or {}, max_change, seen)
    start_x = feasible_start(share, limits.lo, limits.hi, budget)

    scorer = PlanScorer(artifacts, weeks, channels, margins)
    objective = Objective(scorer, historical, risk_aversion, extra, quantile, inflation)
    scale = max(abs(float(scorer.totals(start_x)[0])), 1.0)
    if _smooth(artifacts):
        step = max(budget, 1.0) * SOLVER_STEP
        # the direction from the smooth expected uplift; how far to go along it from the robust objective below (a
        # quantile is not smooth where every refit agrees, at the start, so a gradient solver wanders there)
        direction = objective if objective.quantile is None or risk_aversion > 0 else objective.expected()
        x = _solve(lambda v: direction.value_and_gradient(v, step), start_x, limits, budget, scale)
    else:
        x = _solve(CurveSurrogate(scorer, start_x, limits.hi, extra).value_and_gradient, start_x, limits, budget, scale)
    x = _best_on_line(objective, start_x, x, limits, budget)
    note = ""
    if objective.value(x) <= objective.value(start_x):
        x, note = start_x, HISTORICAL_NOTE  # never recommend a plan the evidence does not say beats the feasible start
    gmv = objective if margins is None else Objective(PlanScorer(artifacts, weeks, channels), historical, inflation=inflation)
    return _result(artifacts, weeks, limits, historical, x, (objective, gmv), shares, new_customer_weight, note, risk_aversion)


def _result(
    artifacts: Artifacts,
    weeks: pd.DatetimeIndex,
    limits: ChannelBounds,
    historical: np.ndarray,
    x: np.ndarray,
    objectives: tuple[Objective, Objective],
    shares: np.ndarray | None,
    new_customer_weight: float,
    note: str,
    risk_aversion: float,
) -> BudgetResult:
    """The split as a table, both plans' GMV with intervals, and how sure the uplift is over the refits.

    One number (issue 31): with bootstrap refits, the recommended split's expected GMV is the historical split's
    plus the median uplift over the refits, and the uplift's interval and P(beats) come from the same refits of the
    GMV (not the margin-weighted objective), so the headline always lies inside its own interval."""
    money, channels = artifacts.money, artifacts.channels
    objective, gmv = objectives
    uplift_interval = p_beats = new_gain = None
    if shares is not None:
        new_gain = float(gmv.channel_gains(x)[0] @ shares)
    historical_gmv = scenario_totals(artifacts, even_plan(weeks, channels, historical))
    uplift_draws = gmv.uplift_draws(x) if note != HISTORICAL_NOTE else None  # staying put: nothing to be unsure of
    if uplift_draws is not None:
        low, high = np.quantile(uplift_draws, interval_quantiles())
        uplift_interval = (float(low), float(high))
        p_beats = float((uplift_draws > 0).mean())
        middle = float(np.median(uplift_draws))
        recommended_gmv = (historical_gmv[0] + middle, historical_gmv[1] + middle, historical_gmv[2] + middle)
    else:
        recommended_gmv = scenario_totals(artifacts, even_plan(weeks, channels, x))
    table = pd.DataFrame(
        {
            "channel": channels,
            money.column("min"): limits.lo,
            money.column("max"): limits.hi,
            money.column("historical"): historical,
            money.column("recommended"): x,
            money.column("change"): x - historical,
        }
    )
    return BudgetResult(
        table=table,
        weeks=weeks,
        historical_gmv=historical_gmv,
        recommended_gmv=recommended_gmv,
        method=_method(artifacts, objective, risk_aversion, limits, new_customer_weight),
        note=note,
        uplift_interval=uplift_interval,
        p_beats_historical=p_beats,
        max_change=limits.max_change,
        channel_limits=None if limits.channel_limits is None else {c: float(v) for c, v in zip(channels, limits.channel_limits)},
        new_customer_weight=new_customer_weight,
        new_customer_gain=new_gain,
        outside_seen=tuple(limits.outside_seen(x, channels)),
        seen_note=limits.seen_note,
    )


def subcategory_margins(artifacts: Artifacts, margin: float | dict[str, float]) -> dict[str, float]:
    """Contribution margin per modelled subcategory: one share for all, or named shares (others 0); unknown names
    are an InputError listing the subcategories."""
    if not isinstance(margin, dict):
        return {sub: float(margin) for sub in artifacts.subcategories}
    unknown = sorted(set(margin) - set(artifacts.subcategories))
    if unknown:
        known = ", ".join(artifacts.subcategories)
        raise InputError("--margin", f"no subcategory {', '.join(unknown)} in this model; it has {known}")
    return {sub: float(margin.get(sub, 0.0)) for sub in artifacts.subcategories}
