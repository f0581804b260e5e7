"""Split a budget across channels to maximise predicted GMV, within per-channel bounds, spending it exactly.

The plan spreads each channel's total evenly over the horizon's weeks. With the media-mix model the
predicted GMV is smooth in spend and is optimised directly (SLSQP). A forest's prediction is a step
function, whose numerical gradient is zero almost everywhere (the classic "optimiser returns the start
split" failure), so for a forest each channel's response over the horizon is sampled and fitted with a
concave Hill curve, the sum of those curves is optimised, and both plans are then scored by the forest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit, minimize

from ..config import AUTO, AUTO_MAX_CHANGE
from ..data import readers
from ..data.limits import MAX_AMOUNT
from ..dates import week_start
from ..errors import InputError
from ..model.artifacts import Artifacts
from ..units import MoneyUnit
from .adequacy import evidence_is_weak
from .new_customers import first_order_shares
from .scenarios import scenario_designs, scenario_totals

__all__ = [
    "PlanScorer",
    "BudgetResult",
    "load_bounds",
    "historical_split",
    "even_plan",
    "feasible_start",
    "exact_total",
    "optimise_budget",
    "marginal_roi",
    "budget_for_target_roi",
    "INTERVAL_SCOPE",
    "RISK_AVERSION",
    "MAX_NEW_CUSTOMER_WEIGHT",
    "channel_weights",
    "resolve_max_change",
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
    new_customer_weight: float = 1.0  # how many times a rupee of new customers' first-order GMV counted
    new_customer_gain: float | None = None  # expected change in first-order GMV vs the historical split (base unit)

    @property
    def uplift(self) -> float:
        return self.recommended_gmv[0] - self.historical_gmv[0]


def bound_columns(money: MoneyUnit) -> tuple[str, str, str]:
    """The columns of a bounds file: channel, min_crore, max_crore (or min_units, max_units for a weekly table)."""
    return "channel", money.column("min"), money.column("max")


def load_bounds(path: Path | str, channels: list[str], money: MoneyUnit) -> dict[str, tuple[float, float]]:
    """Read `channel,min_crore,max_crore`; unknown channels, negatives and min > max name their row."""
    path = Path(path)
    name_col, min_col, max_col = bound_columns(money)
    raw = readers.read_frame(path, [name_col, min_col, max_col])
    lo = readers.numeric(path, min_col, raw[min_col], high=MAX_AMOUNT).fillna(0.0)
    hi = readers.numeric(path, max_col, raw[max_col], high=MAX_AMOUNT).fillna(np.inf)
    names = raw[name_col].astype(str).str.strip()
    readers.fail_at_first(
        path, ~names.isin(channels), lambda i: f"unknown channel '{names.iloc[i]}'; the model knows {channels}", name_col
    )
    readers.fail_at_first(
        path, names.duplicated(), lambda i: f"a second row for '{names.iloc[i]}'; give each channel one row", name_col
    )
    readers.fail_at_first(
        path, (lo < 0) | (hi < lo), lambda i: f"bounds {lo.iloc[i]} to {hi.iloc[i]} {money.name} are not a valid range"
    )
    return {name: (float(a), float(b)) for name, a, b in zip(names, lo, hi)}


def historical_split(artifacts: Artifacts, weeks: int = 52) -> pd.Series:
    """Each channel's share of company spend over the last `weeks` weeks of the training data."""
    company = artifacts.table("company_spend").sort_values("week_start").iloc[-weeks:]
    totals = company[artifacts.channels].sum()
    if totals.sum() <= 0:
        return pd.Series(1.0 / len(totals), index=totals.index)
    return totals / totals.sum()


def even_plan(weeks: pd.DatetimeIndex, channels: list[str], totals: np.ndarray) -> pd.DataFrame:
    """A scenario spreading each channel's total (input unit) evenly over `weeks`."""
    frame = pd.DataFrame({"week_start": weeks})
    for channel, total in zip(channels, totals):
        frame[channel] = max(float(total), 0.0) / len(weeks)
    return frame


class PlanScorer:
    """Predicted total GMV (₹, mean) of many plans at once, each spreading channel totals evenly over `weeks`.

    Each subcategory's scenario features are built once; a plan changes only the carry-over columns,
    and all plans go through the model in one call. Equal to `scenario_totals(...)[0]` for every plan
    (tested), and about ten times faster inside the optimiser's loops.
    """

    def __init__(self, artifacts: Artifacts, weeks: pd.DatetimeIndex, channels: list[str]):
        self.channels, self.n_weeks, self.money = channels, len(weeks), artifacts.money
        self.designs = scenario_designs(artifacts, even_plan(weeks, channels, np.zeros(len(channels))))

    def totals(self, plans: np.ndarray) -> np.ndarray:
        """Mean GMV of each row of `plans` (channel totals over the horizon, in the input money unit)."""
        plans = np.atleast_2d(np.asarray(plans, float))
        out = np.zeros(len(plans))
        for design in self.designs:
            bundle = design.bundle
            variants = self._variants(design, plans)
            out += bundle.estimator.media_response(design.X, bundle.spec, design.days, variants, design.carry_in)
        return out

    def _variants(self, design, plans: np.ndarray) -> list[dict[str, np.ndarray]]:
        per_day = self.money.to_base(np.clip(plans, 0.0, None) / self.n_weeks) * design.bundle.spend_share / 7.0
        return [{c: np.full(self.n_weeks, p[j]) for j, c in enumerate(self.channels)} for p in per_day]

    def draws(self, plans: np.ndarray) -> np.ndarray | None:
        """GMV of each plan under every draw of the estimated effects, shape (plans, draws); None when a
        model has no such draws."""
        plans = np.atleast_2d(np.asarray(plans, float))
        out = None
        for design in self.designs:
            bundle = design.bundle
            part = bundle.estimator.media_response_draws(
                design.X, bundle.spec, design.days, self._variants(design, plans), design.carry_in
            )
            if part is None:
                return None
            out = part if out is None else out + part
        return out


def feasible_start(share: np.ndarray, lo: np.ndarray, hi: np.ndarray, budget: float) -> np.ndarray:
    """The historical split moved into the bounds while keeping the total (bisection on a common shift)."""

    def total(shift: float) -> float:
        return float(np.clip(share * budget + shift, lo, hi).sum())

    a, b = -budget - hi[np.isfinite(hi)].sum() - 1.0, budget + 1.0
    for _ in range(200):
        mid = (a + b) / 2
        a, b = (mid, b) if total(mid) < budget else (a, mid)
    return np.clip(share * budget + (a + b) / 2, lo, hi)


def _hill(x, a, k):
    return a * x / (x + k)


def _surrogate(scorer: PlanScorer, start: np.ndarray, hi: np.ndarray) -> list[tuple[float, float]]:
    """Per-channel concave curves fitted to the model's response, others held at the start split."""
    n = len(start)
    grids = [np.linspace(0.0, max(hi[j], 1e-9), 9) for j in range(n)]
    plans = np.repeat(start[None, :], 9 * n, axis=0)
    for j in range(n):
        plans[9 * j : 9 * (j + 1), j] = grids[j]
    values = scorer.totals(plans).reshape(n, 9)
    curves = []
    for j in range(n):
        top = grids[j][-1]
        gain = values[j] - values[j][0]
        try:
            (a, k), _ = curve_fit(
                _hill,
                grids[j],
                gain,
                p0=(max(gain.max(), 1.0) * 2, top / 2),
                bounds=([0.0, top * 1e-3], [np.inf, top * 100]),
                maxfev=5000,
            )
        except (RuntimeError, ValueError):
            a, k = 0.0, top
        curves.append((a, k))
    return curves


def resolve_max_change(artifacts: Artifacts, max_change: float | str | None) -> tuple[float | None, str]:
    """The limit on each channel's move (a fraction, or None) and why: `AUTO` means `AUTO_MAX_CHANGE` when the
    training data's adequacy check found the evidence weak, else no limit."""
    if max_change != AUTO:
        return max_change, "" if max_change is None else "as asked"
    if not evidence_is_weak(artifacts.table("adequacy")):
        return None, ""
    return AUTO_MAX_CHANGE, "the data adequacy check found the evidence too weak for larger moves; --max-change none lifts this"


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


def optimise_budget(
    artifacts: Artifacts,
    budget: float,
    n_weeks: int,
    start: pd.Timestamp | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
    risk_aversion: float = RISK_AVERSION,
    max_change: float | str | None = AUTO,
    new_customer_weight: float = 1.0,
) -> BudgetResult:
    """Allocate `budget` (input money unit) over `n_weeks` weeks across channels to maximise the predicted
    GMV of every subcategory (less `risk_aversion` spreads of the uplift over the models' bootstrap refits).

    `max_change` (e.g. 0.3, as Meridian's default) keeps every channel within that fraction of its historical
    amount at this budget, on top of `bounds`; `AUTO` applies `AUTO_MAX_CHANGE` when the evidence is weak
    (`resolve_max_change`), None never limits.

    `new_customer_weight` W counts a rupee of GMV from customers' first orders W times, returning customers' once:
    each channel's gain over the historical split weighs (1 + (W - 1) s_c), s_c its share of first orders. The
    channels' gains are taken one at a time from the historical split (exact for the additive media part of the
    hybrid and mmm models); the bootstrap's spread does not enter that extra term.
    """
    channels, money = artifacts.channels, artifacts.money
    shares = first_order_shares(artifacts)
    extra = channel_weights(shares, new_customer_weight)
    if not (np.isfinite(budget) and 0 < budget <= MAX_AMOUNT):
        raise InputError(
            "--budget", f"budget must be a finite amount above 0 and up to {MAX_AMOUNT:g} {money.name}; got {budget}"
        )
    first = start or artifacts.next_week
    weeks = pd.date_range(week_start([first], artifacts.week_starts_on)[0], periods=n_weeks, freq="7D")
    bounds = bounds or {}
    lo = np.array([bounds.get(c, (0.0, budget))[0] for c in channels])
    hi = np.array([min(bounds.get(c, (0.0, budget))[1], budget) for c in channels])
    share = historical_split(artifacts).reindex(channels).to_numpy()
    historical = share * budget
    asked = max_change
    max_change, limit_reason = resolve_max_change(artifacts, max_change)
    if max_change is not None:
        near_lo, near_hi = np.maximum(lo, historical * (1 - max_change)), np.minimum(hi, historical * (1 + max_change))
        clash = np.flatnonzero(near_lo > near_hi + 1e-12)
        if asked == AUTO:  # the automatic limit gives way to the analyst's own bounds, and to the budget
            near_lo, near_hi = np.where(near_lo > near_hi + 1e-12, lo, near_lo), np.where(near_lo > near_hi + 1e-12, hi, near_hi)
            if near_lo.sum() > budget + 1e-9 or near_hi.sum() < budget - 1e-9:
                near_lo, near_hi, max_change = lo, hi, None
        elif len(clash):
            c = channels[clash[0]]
            raise InputError(
                "--max-change",
                f"'{c}' cannot stay within {max_change:.0%} of its historical {historical[clash[0]]:.4g} {money.name} "
                f"and inside its bounds {bounds.get(c)}; widen one of them",
            )
        lo, hi = near_lo, near_hi
    if lo.sum() > budget + 1e-9:
        raise InputError("--bounds", f"the minimums add up to {lo.sum():.4g} {money.name}, more than the budget {budget:g}")
    if hi.sum() < budget - 1e-9:
        raise InputError("--bounds", f"the maximums add up to {hi.sum():.4g} {money.name}, less than the budget {budget:g}")
    start_x = feasible_start(share, lo, hi, budget)

    scorer = PlanScorer(artifacts, weeks, channels)
    historical_draws = scorer.draws(historical)
    historical_gmv = float(scorer.totals(historical)[0])

    def score(plans: np.ndarray) -> np.ndarray:
        """What the optimiser maximises: the uplift over the historical split expected over the bootstrap refits of
        the channel effects (the point estimate for a model without them), less `risk_aversion` times its spread
        over those refits (so a move the data cannot support is not made)."""
        if historical_draws is None:
            return scorer.totals(plans) - historical_gmv
        uplift = scorer.draws(plans) - historical_draws
        return uplift.mean(axis=1) - risk_aversion * uplift.std(axis=1)

    def channel_gains(plans: np.ndarray) -> np.ndarray:
        """Each channel's expected GMV gain over the historical split when only it moves to its amount in each
        plan, shape (plans, channels)."""
        plans = np.atleast_2d(plans)
        n = len(channels)
        variants = np.repeat(historical[None, :], len(plans) * n, axis=0)
        rows = np.arange(len(plans) * n)
        variants[rows, np.tile(np.arange(n), len(plans))] = plans.ravel()
        draws = scorer.draws(variants)
        moved = draws.mean(axis=1) if draws is not None else scorer.totals(variants)
        return moved.reshape(len(plans), n) - historical_mean

    historical_mean = float(historical_draws.mean()) if historical_draws is not None else historical_gmv

    def objective_of(plans: np.ndarray) -> np.ndarray:
        """`score`, plus the extra weight on new customers' GMV when one is asked for."""
        value = score(plans)
        return value if extra is None else value + channel_gains(plans) @ extra

    def objective_value(x: np.ndarray) -> float:
        return float(objective_of(x)[0])

    scale = max(abs(float(scorer.totals(start_x)[0])), 1.0)
    step = max(budget, 1.0) * 1e-4
    constraint = {"type": "eq", "fun": lambda x: x.sum() - budget, "jac": lambda x: np.ones_like(x)}
    if all(m.estimator.smooth_in_spend for m in artifacts.models.values()):
        method = "SLSQP on the model's own predicted GMV (smooth in spend)"
        if historical_draws is not None:
            method += f", expected over {historical_draws.shape[1]} bootstrap refits of the channel effects"
        if historical_draws is not None and risk_aversion > 0:
            method += f", less {risk_aversion:g} x its spread over them"

        def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
            values = score(np.vstack([x, x + step * np.eye(len(x))]))  # value and forward differences
            value, grad = values[0], (values[1:] - values[0]) / step
            if extra is not None:  # a channel's own gain moves only with its own amount
                gains = channel_gains(np.vstack([x, x + step]))
                value, grad = value + gains[0] @ extra, grad + extra * (gains[1] - gains[0]) / step
            return -value / scale, -grad / scale
    else:
        method = "SLSQP on concave curves fitted to the forest's per-channel response, plans scored by the forest"
        curves = _surrogate(scorer, start_x, hi)
        if extra is not None:
            curves = [(a * (1.0 + extra[j]), k) for j, (a, k) in enumerate(curves)]

        def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
            value = sum(_hill(x[j], a, k) for j, (a, k) in enumerate(curves))
            grad = np.array([a * k / (x[j] + k) ** 2 for j, (a, k) in enumerate(curves)])
            return -value / scale, -grad / scale

    solution = minimize(
        objective,
        start_x,
        jac=True,
        method="SLSQP",
        bounds=list(zip(lo, hi)),
        constraints=[constraint],
        options={"maxiter": 200, "ftol": 1e-10},
    )
    x = exact_total(np.clip(solution.x, lo, hi), lo, hi, budget)
    # the model itself picks how far to go from the start split towards the solver's answer: points on
    # that line keep the total and the bounds, and a forest often prefers part of a surrogate's move
    line = start_x + np.linspace(0.0, 1.0, 11)[:, None] * (x - start_x)
    x = exact_total(np.clip(line[int(np.argmax(objective_of(line)))], lo, hi), lo, hi, budget)
    note = ""
    if objective_value(x) < objective_value(start_x):
        x = start_x  # never recommend a plan the model itself scores below the feasible historical split
        note = (
            "The model found no split it scores above the historical one within these bounds (counting the "
            "uncertainty of the channel estimates), so the recommendation is the historical split (moved inside "
            "the bounds)."
        )
    uplift_interval = p_beats = new_gain = None
    if shares is not None:
        new_gain = float(channel_gains(x)[0] @ shares)
    if historical_draws is not None:
        uplift_draws = (scorer.draws(x) - historical_draws)[0]
        uplift_interval = tuple(float(v) for v in np.quantile(uplift_draws, [0.1, 0.9]))
        p_beats = float((uplift_draws > 0).mean())
    table = pd.DataFrame(
        {
            "channel": channels,
            money.column("min"): lo,
            money.column("max"): hi,
            money.column("historical"): historical,
            money.column("recommended"): x,
            money.column("change"): x - historical,
        }
    )
    return BudgetResult(
        table=table,
        weeks=weeks,
        historical_gmv=scenario_totals(artifacts, even_plan(weeks, channels, historical)),
        recommended_gmv=scenario_totals(artifacts, even_plan(weeks, channels, x)),
        method=method
        + (f"; each channel within {max_change:.0%} of its historical amount ({limit_reason})" if max_change is not None else "")
        + (f"; new customers' GMV counted {new_customer_weight:g}x" if extra is not None else ""),
        note=note,
        uplift_interval=uplift_interval,
        p_beats_historical=p_beats,
        max_change=max_change,
        new_customer_weight=new_customer_weight,
        new_customer_gain=new_gain,
    )


def marginal_roi(artifacts: Artifacts, result: BudgetResult, step: float = 0.01) -> float:
    """GMV from the next `step` (1%) of the recommended plan's spend, per unit of that spend (₹ per ₹)."""
    column = artifacts.money.column("recommended")
    plan = result.table.set_index("channel").loc[artifacts.channels, column].to_numpy()
    scorer = PlanScorer(artifacts, result.weeks, artifacts.channels)
    base, more = scorer.totals(np.vstack([plan, plan * (1 + step)]))
    return float((more - base) / artifacts.money.to_base(plan.sum() * step))


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
) -> tuple[float, BudgetResult, str]:
    """The largest budget whose best split still earns a marginal ROI of at least `target_roi` (Robyn's target
    efficiency, Meridian's flexible budget), by bisection between `lowest` and `highest` (default: 0.05 and 4
    times the spend of the last n_weeks). Returns (budget, its optimised split, a note). The split weighs new
    customers' GMV by `new_customer_weight`; the marginal ROI is of GMV itself."""
    if not (np.isfinite(target_roi) and target_roi > 0):
        raise InputError("--target-roi", f"the target marginal ROI must be a finite number above 0; got {target_roi}")
    company = artifacts.table("company_spend").sort_values("week_start")
    recent = float(company[artifacts.channels].iloc[-n_weeks:].to_numpy().sum()) or 1.0
    low, high = lowest or 0.05 * recent, highest or 4.0 * recent

    def solve(budget: float) -> tuple[BudgetResult, float]:
        result = optimise_budget(
            artifacts, budget, n_weeks, start, bounds, max_change=max_change, new_customer_weight=new_customer_weight
        )
        return result, marginal_roi(artifacts, result)

    high_result, high_mroi = solve(high)
    if high_mroi >= target_roi:
        return high, high_result, f"the marginal ROI is still {high_mroi:.2f} at {high:.4g}, the largest budget tried"
    low_result, low_mroi = solve(low)
    if low_mroi < target_roi:
        return low, low_result, f"even {low:.4g}, the smallest budget tried, earns a marginal ROI of only {low_mroi:.2f}"
    for _ in range(12):
        mid = (low * high) ** 0.5
        mid_result, mid_mroi = solve(mid)
        if mid_mroi >= target_roi:
            low, low_result, low_mroi = mid, mid_result, mid_mroi
        else:
            high = mid
        if high / low < 1.01:
            break
    return low, low_result, f"marginal ROI {low_mroi:.2f} at this budget (target {target_roi:g})"


def exact_total(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, budget: float) -> np.ndarray:
    """Remove the solver's rounding so the plan spends the budget exactly, staying within bounds."""
    x = x.copy()
    for _ in range(len(x) + 1):
        gap = budget - x.sum()
        if abs(gap) <= 1e-12 * max(budget, 1.0):
            break
        room = (hi - x) if gap > 0 else (x - lo)
        free = room > 0
        if not free.any():
            break
        step = np.minimum(room[free], abs(gap) * room[free] / room[free].sum())
        x[free] += np.sign(gap) * step
    return x
