"""What a spend plan buys: per scenario its spend, GMV, incremental GMV, ROAS, marginal ROAS and change against a
baseline plan, with intervals; and the change split by channel (a waterfall).

Every figure comes from the same predictions as the rest of the app (`scenarios.scenario_designs`). Intervals are
over the bootstrap refits of the channel effects, paired across scenarios (refit i of every plan uses the same
coefficients), so a difference between two plans is as certain as the refits agree on it. A model without refits
(the forest) gives point figures only.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..config import INTERVAL_COVERAGE, interval_quantiles, spend_column
from ..model.artifacts import Artifacts
from .scenarios import ScenarioDesign, scenario_designs

__all__ = [
    "scenario_summary",
    "PlanFigures",
    "plan_figures",
    "summarise",
    "channel_waterfall",
    "budget_response",
    "plan_gmv",
    "MARGINAL_STEP",
]

MARGINAL_STEP = 0.01  # marginal ROAS: the GMV of 1% more on every channel, per unit of that extra spend


def _spend(design: ScenarioDesign) -> float:
    """This design's total spend over its weeks (base unit)."""
    return float(sum(rate @ design.days for rate in _rates(design).values()))


def _rates(design: ScenarioDesign) -> dict[str, np.ndarray]:
    """Each channel's spend per day in this design's weeks (base unit)."""
    w = design.weekly
    return {c: w[spend_column(c)].to_numpy(float) / design.days for c in design.bundle.spec.channels}


def _design_totals(design: ScenarioDesign, variants: list[dict], refits: bool) -> np.ndarray:
    """One subcategory's GMV of each variant, shape (variants, draws): column 0 the point estimate, the others the
    bootstrap refits (none when the model has none or `refits` is False)."""
    model = design.bundle.estimator
    args = (design.X, design.bundle.spec, design.days, variants, design.carry_in)
    point = np.asarray(model.media_response(*args))
    these = model.media_response_draws(*args) if refits else None
    return point[:, None] if these is None else np.column_stack([point, these])


def _by_design(designs: list[ScenarioDesign], variants_of, refits: bool = True) -> list[np.ndarray]:
    """`_design_totals` of every design, all with the refits or (when one lacks them) all without."""
    parts = [_design_totals(d, variants_of(d), refits) for d in designs]
    if any(p.shape[1] == 1 for p in parts):
        parts = [p[:, :1] for p in parts]
    return parts


def _totals(designs: list[ScenarioDesign], variants_of, refits: bool = True) -> np.ndarray:
    """Total GMV over every subcategory of each variant, shape (variants, draws): draw 0 is the point estimate,
    the others the bootstrap refits (absent when a model has none, or not asked for: `refits=False` gives the
    point estimates alone, for the figures that show no interval, at a third of the cost)."""
    return reduce(operator.add, _by_design(designs, variants_of, refits))


def _interval(values: np.ndarray, coverage: float) -> tuple[float, float, float]:
    """(point, lower, upper) from a row whose first entry is the point estimate and the rest refits."""
    if len(values) < 3:
        return float(values[0]), np.nan, np.nan
    low, high = np.quantile(values[1:], interval_quantiles(coverage))
    return float(values[0]), float(low), float(high)


class PlanFigures(NamedTuple):
    """What one plan buys, before it is compared with any other: its spend over its weeks (base unit; `spend` the
    part the modelled subcategories receive, `company_spend` all of it) and its total GMV over every subcategory,
    shape (3, draws): rows as planned, with no media spend, with 1% more on every channel; column 0 the point
    estimate, the others the bootstrap refits (none for a model without them). `by_subcategory` is the GMV as
    planned per subcategory (draws as in `totals`), for margins that differ by subcategory.

    It depends on the model version and the plan alone, so the app computes it once per (version, plan) and every
    session comparing against the same baseline shares it."""

    spend: float
    totals: np.ndarray
    company_spend: float
    by_subcategory: dict[str, np.ndarray]


def plan_figures(artifacts: Artifacts, plan: pd.DataFrame) -> PlanFigures:
    """A plan's spend and GMV as planned, with no media and with 1% more (see `PlanFigures`)."""
    designs = scenario_designs(artifacts, plan)
    parts = _by_design(
        designs,
        lambda d: [
            {},
            {c: np.zeros(len(d.X)) for c in d.bundle.spec.channels},
            {c: r * (1 + MARGINAL_STEP) for c, r in _rates(d).items()},
        ],
    )
    weekly = plan.drop_duplicates("week_start")
    company = artifacts.money.to_base(float(weekly[[c for c in artifacts.channels if c in weekly]].to_numpy(float).sum()))
    by_sub = {d.bundle.subcategory: p[0] for d, p in zip(designs, parts)}
    return PlanFigures(sum(_spend(d) for d in designs), reduce(operator.add, parts), company, by_sub)


def scenario_summary(
    artifacts: Artifacts, scenarios: dict[str, pd.DataFrame], baseline: str, coverage: float = INTERVAL_COVERAGE
) -> pd.DataFrame:
    """One row per scenario: spend, gmv, incremental_gmv (against no media spend at all), roas (incremental GMV per
    unit of spend), marginal_roas (of 1% more on every channel), change and change_pct against `baseline` (a key
    of `scenarios`), each with `_lower`/`_upper` (the central `coverage` interval over the refits; NaN without
    them). Money in the base unit."""
    if baseline not in scenarios:
        raise KeyError(f"baseline '{baseline}' is not among the scenarios {list(scenarios)}")
    return summarise({name: plan_figures(artifacts, plan) for name, plan in scenarios.items()}, baseline, coverage)


def summarise(figures: dict[str, PlanFigures], baseline: str, coverage: float = INTERVAL_COVERAGE) -> pd.DataFrame:
    """`scenario_summary` from each plan's `plan_figures` (no model call: the figures may come from a cache)."""
    if baseline not in figures:
        raise KeyError(f"baseline '{baseline}' is not among the scenarios {list(figures)}")
    base_gmv = figures[baseline].totals[0]
    rows = []
    for name, these in figures.items():
        spend, totals = these.spend, these.totals
        gmv, none, more = totals
        if len(gmv) != len(base_gmv):  # a model without refits: compare point estimates only
            gmv, none, more, base = gmv[:1], none[:1], more[:1], base_gmv[:1]
        else:
            base = base_gmv
        row = {"scenario": name, "spend": spend}
        measures = {
            "gmv": gmv,
            "incremental_gmv": gmv - none,
            "roas": (gmv - none) / spend if spend > 0 else np.full(len(gmv), np.nan),
            "marginal_roas": (more - gmv) / (MARGINAL_STEP * spend) if spend > 0 else np.full(len(gmv), np.nan),
            "change": gmv - base,
            "change_pct": (gmv / base - 1) * 100,
        }
        for measure, values in measures.items():
            row[measure], row[f"{measure}_lower"], row[f"{measure}_upper"] = _interval(values, coverage)
        rows.append(row)
    return pd.DataFrame(rows)


def channel_waterfall(artifacts: Artifacts, plan: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """The change in GMV from `baseline` to `plan`, split into steps (step, change in the base unit) that add up to it.

    Each channel's step is the GMV of the baseline with only that channel's spend moved to the plan's; what is left
    (levers, and channels moving together on a saturating curve) is one last step. Both plans must cover the same
    weeks; otherwise there is one step, the whole change.
    """
    plan_designs, base_designs = scenario_designs(artifacts, plan), scenario_designs(artifacts, baseline)
    plan_gmv = float(_totals(plan_designs, lambda d: [{}], refits=False)[0, 0])
    base_gmv = float(_totals(base_designs, lambda d: [{}], refits=False)[0, 0])
    same_weeks = [list(d.weekly["week_start"]) for d in plan_designs] == [list(d.weekly["week_start"]) for d in base_designs]
    if not same_weeks:
        return pd.DataFrame({"step": ["whole plan"], "change": [plan_gmv - base_gmv]})
    target = {d.bundle.subcategory: _rates(d) for d in plan_designs}
    channels = artifacts.channels
    one_moved = lambda d: [{c: target[d.bundle.subcategory][c]} for c in d.bundle.spec.channels]
    moved = _totals(base_designs, one_moved, refits=False)[:, 0]
    steps = pd.DataFrame({"step": channels, "change": moved - base_gmv})
    rest = plan_gmv - base_gmv - float(steps["change"].sum())
    return pd.concat([steps, pd.DataFrame({"step": ["levers and overlap"], "change": [rest]})], ignore_index=True)


def plan_gmv(artifacts: Artifacts, plan: pd.DataFrame) -> float:
    """A plan's expected GMV over every week and subcategory (base unit), as `scenario_summary` counts it."""
    return float(_totals(scenario_designs(artifacts, plan), lambda d: [{}], refits=False)[0, 0])


def budget_response(
    artifacts: Artifacts, plan: pd.DataFrame, multipliers: np.ndarray, coverage: float = INTERVAL_COVERAGE
) -> pd.DataFrame:
    """GMV against total budget with `plan`'s split and timing, every channel scaled by each multiplier:
    multiplier, budget (the company's spend), allocated (the part the modelled subcategories receive, what their
    ROAS is counted on), gmv with `_lower`/`_upper` (refits; NaN without them), and no_media (GMV with no spend at
    all); money in the base unit."""
    multipliers = np.asarray(multipliers, float)
    designs = scenario_designs(artifacts, plan)
    totals = _totals(designs, lambda d: [{c: r * m for c, r in _rates(d).items()} for m in multipliers])
    budget = float(plan.drop_duplicates("week_start")[artifacts.channels].to_numpy(float).sum())
    rows = [_interval(row, coverage) for row in totals]
    curve = pd.DataFrame(rows, columns=["gmv", "gmv_lower", "gmv_upper"])
    curve.insert(0, "budget", artifacts.money.to_base(budget * multipliers))
    curve.insert(0, "multiplier", multipliers)
    none = _totals(designs, lambda d: [{c: np.zeros(len(d.X)) for c in d.bundle.spec.channels}], refits=False)[0, 0]
    allocated = sum(_spend(d) for d in designs)
    curve.insert(2, "allocated", allocated * multipliers)
    curve["no_media"] = float(none)
    return curve
