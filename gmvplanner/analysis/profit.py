"""Profit first: a split's or a plan's expected contribution (GMV x contribution margin - media spend) with its
interval over the bootstrap refits of the channel effects, and what plan B adds over plan A: incremental GMV,
incremental ROAS (GMV per unit of extra spend) and incremental profit, each with its interval.

The spend charged is the company's media spend, as the profit goal charges it (`budget.BudgetCurve`): the plan's
money is all spent, while only the modelled subcategories earn in the model. Intervals pair the refits (refit i of
both plans uses the same coefficients), so a difference is as certain as the refits agree on it; a model without
refits gives point figures only (NaN bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import INTERVAL_COVERAGE, interval_quantiles
from ..model.artifacts import Artifacts
from .budget import BudgetResult, Objective, PlanScorer
from .scenario_summary import PlanFigures

__all__ = ["Figure", "ProfitHeadline", "profit_headline", "plan_increment", "increment_table"]


@dataclass(frozen=True)
class Figure:
    """A figure and its central interval (NaN bounds when the model has no refits)."""

    value: float
    lower: float
    upper: float

    @classmethod
    def of(cls, point: float, draws: np.ndarray | None, coverage: float = INTERVAL_COVERAGE) -> Figure:
        if draws is None or len(draws) < 3:
            return cls(float(point), np.nan, np.nan)
        low, high = np.quantile(draws, interval_quantiles(coverage))
        return cls(float(point), float(low), float(high))


@dataclass(frozen=True)
class ProfitHeadline:
    """Expected contribution of the baseline split and of the recommended one, and the gain, all over the split's
    horizon in the base money unit (₹ for ElecKart).

    Attributes:
        baseline: contribution of the historical split at `baseline_spend` (the same budget for a split; the recent
            budget when a goal chose the budget).
        recommended: contribution of the recommended split at `recommended_spend`.
        gain: recommended - baseline, its interval paired over the refits.
        p_gain: share of the refits in which the recommended split earns more (None without refits).
        baseline_spend, recommended_spend: company media spend of each (base unit).
        gmv_gain: the GMV change behind the gain (GMV, not margin-weighted).
    """

    baseline: Figure
    recommended: Figure
    gain: Figure
    p_gain: float | None
    baseline_spend: float
    recommended_spend: float
    gmv_gain: float


def profit_headline(
    artifacts: Artifacts, result: BudgetResult, margins: dict[str, float], baseline_budget: float | None = None
) -> ProfitHeadline:
    """The profit headline of `result` with contribution `margins` (subcategory -> share of GMV): against the
    historical split at the same budget, or at `baseline_budget` (input money unit; e.g. the recent budget when the
    profit goal chose the budget). The gain's point is the median over the refits, widened as the optimiser widens
    them (`Objective.uplift_draws`), so the headline lies inside its own interval."""
    money, channels = artifacts.money, artifacts.channels
    table = result.table.set_index("channel").reindex(channels)
    recommended = table[money.column("recommended")].to_numpy(float)
    historical = table[money.column("historical")].to_numpy(float)
    if baseline_budget is not None and historical.sum() > 0:
        historical = historical / historical.sum() * baseline_budget
    spend_base, spend_rec = money.to_base(float(historical.sum())), money.to_base(float(recommended.sum()))
    gmv_scorer = PlanScorer(artifacts, result.weeks, channels)
    profit_scorer = gmv_scorer.weighted(margins)
    earned = profit_scorer.totals(np.vstack([historical, recommended]))
    level_draws = profit_scorer.draws(np.vstack([historical, recommended]))
    gain_draws = Objective(profit_scorer, historical).uplift_draws(recommended)
    spend_change = spend_rec - spend_base
    if np.allclose(recommended, historical, rtol=0.0, atol=1e-12):
        gain_draws = None  # the historical split itself: no gain to be unsure of
    if gain_draws is None or level_draws is None:
        gain = Figure(float(earned[1] - earned[0]) - spend_change, np.nan, np.nan)
        base_figure = Figure.of(float(earned[0]) - spend_base, None if level_draws is None else level_draws[0] - spend_base)
        rec_figure = Figure.of(float(earned[1]) - spend_rec, None if level_draws is None else level_draws[1] - spend_rec)
        p_gain = None
    else:
        gain_draws = gain_draws - spend_change
        gain = Figure.of(float(np.median(gain_draws)), gain_draws)
        base_figure = Figure.of(float(earned[0]) - spend_base, level_draws[0] - spend_base)
        rec_point = base_figure.value + gain.value
        rec_figure = Figure.of(rec_point, level_draws[1] - spend_rec)
        p_gain = float((gain_draws > 0).mean())
    gmv_draws = Objective(gmv_scorer, historical).uplift_draws(recommended)
    if gmv_draws is None:
        gmv = gmv_scorer.totals(np.vstack([historical, recommended]))
        gmv_gain = float(gmv[1] - gmv[0])
    else:
        gmv_gain = float(np.median(gmv_draws))  # as BudgetResult.uplift counts it
    return ProfitHeadline(base_figure, rec_figure, gain, p_gain, spend_base, spend_rec, gmv_gain)


def plan_increment(figures_a: PlanFigures, figures_b: PlanFigures, margins: dict[str, float] | None = None) -> dict[str, Figure]:
    """What plan B adds over plan A (both from `scenario_summary.plan_figures`, company spend in the base unit):
    extra spend, incremental GMV, incremental ROAS (incremental GMV per unit of extra spend; NaN when the spend is
    the same) and, with `margins`, incremental profit (the margin-weighted GMV change less the extra spend)."""
    extra = figures_b.company_spend - figures_a.company_spend
    gmv = _paired(figures_a.totals[0], figures_b.totals[0])
    out = {"extra spend": Figure(extra, np.nan, np.nan), "incremental GMV": _figure(gmv)}
    if abs(extra) > 1e-9:
        out["incremental ROAS"] = _figure(gmv / extra)
    else:
        out["incremental ROAS"] = Figure(np.nan, np.nan, np.nan)
    if margins is not None:
        earned_a = sum(margins.get(sub, 0.0) * draws for sub, draws in figures_a.by_subcategory.items())
        earned_b = sum(margins.get(sub, 0.0) * draws for sub, draws in figures_b.by_subcategory.items())
        out["incremental profit"] = _figure(_paired(np.asarray(earned_a), np.asarray(earned_b)) - extra)
    return out


def _paired(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """B - A per draw (column 0 the point estimate); point estimates alone when the two differ in draws."""
    if len(a) != len(b):
        return np.asarray(b[:1] - a[:1])
    return np.asarray(b - a)


def _figure(values: np.ndarray) -> Figure:
    """A figure from a row whose first entry is the point estimate and the rest the refits."""
    return Figure.of(float(values[0]), values[1:] if len(values) > 3 else None)


def increment_table(increments: dict[str, dict[str, Figure]]) -> pd.DataFrame:
    """One row per (plan B over plan A) comparison and figure: comparison, figure, value, lower, upper."""
    rows = [
        {"comparison": name, "figure": label, "value": f.value, "lower": f.lower, "upper": f.upper}
        for name, figures in increments.items()
        for label, f in figures.items()
    ]
    return pd.DataFrame(rows, columns=["comparison", "figure", "value", "lower", "upper"])
