"""The optimiser against the generator's truth: how much of the true best uplift its split achieves.

Used by bench_truth.py. For one budget (the last 13 weeks' company spend, spent over the next 13 weeks)
it compares, under the true media effect of the three subcategories:
  true(recommended) - true(historical split)  vs  true(true optimum) - true(historical split).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from gmvplanner.analysis.budget import even_plan, historical_split, optimise_budget
from gmvplanner.config import AUTO
from gmvplanner.synth import TrueProcess
from gmvplanner.units import RUPEES_IN_CRORE


def true_plan_gmv(truth: TrueProcess, subs: list[str], plan: pd.DataFrame) -> float:
    """True media GMV of the modelled subcategories over a plan's weeks, after the generated history."""
    spend = plan.set_index("week_start")
    return float(sum(truth.plan_media_gmv(spend, sub).to_numpy().sum() for sub in subs))


def true_best(value, start: np.ndarray, budget: float, bounds: list[tuple[float, float]] | None = None):
    """The split of `budget` that maximises `value` (a true objective of channel totals), from `start` (SLSQP)."""
    scale = value(start)
    return minimize(
        lambda x: -value(x) / scale,
        start,
        method="SLSQP",
        bounds=bounds or [(0, budget)] * len(start),
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - budget}],
        options={"maxiter": 300, "ftol": 1e-12},
    )


def optimiser_vs_truth(
    art,
    truth: TrueProcess,
    n_weeks: int,
    bounds_range: tuple[float, float] | None = None,
    max_change: str | float | None = AUTO,
    **options,
) -> pd.DataFrame:
    """The recommended split's true uplift over the historical split as % of the true best one's, at the last
    `n_weeks`' budget. With `bounds_range` (low, high), every channel is held between those multiples of its
    historical amount, for the optimiser (a bounds argument, as an analyst's file) and the true best alike."""
    channels = art.channels
    company = art.table("company_spend")
    budget = float(company[channels].iloc[-n_weeks:].sum().sum())
    historical = historical_split(art).reindex(channels).to_numpy() * budget
    bounds = None
    if bounds_range is not None:
        bounds = [(bounds_range[0] * h, bounds_range[1] * h) for h in historical]
    result = optimise_budget(
        art, budget, n_weeks, bounds=dict(zip(channels, bounds)) if bounds else None, max_change=max_change, **options
    )
    weeks = result.weeks
    subs = art.subcategories

    def true_of(x: np.ndarray) -> float:
        return true_plan_gmv(truth, subs, even_plan(weeks, channels, x))

    recommended = result.table.set_index("channel").loc[channels, art.money.column("recommended")].to_numpy()
    best = true_best(true_of, historical, budget, bounds)
    base, rec, opt = true_of(historical), true_of(recommended), true_of(best.x)
    crore = RUPEES_IN_CRORE.from_base
    share = (rec - base) / (opt - base) * 100 if opt > base else float("nan")
    print(
        f"optimiser: budget {budget:.3f} crore over {n_weeks} weeks; true uplift of recommended "
        f"{crore(rec - base):.4f} crore vs true optimum {crore(opt - base):.4f} crore ({share:.1f}%); "
        f"model expected uplift {crore(result.uplift):.4f} crore, P(beats historical) {result.p_beats_historical} "
        f"({result.method})"
    )
    print(
        pd.DataFrame({"historical": historical, "recommended": recommended, "true_optimum": best.x}, index=channels)
        .round(3)
        .to_string()
    )
    return pd.DataFrame(
        {
            "subcategory": subs,
            "optimiser_uplift_pct": share,
            "p_beats": result.p_beats_historical or 0.0,
            "truly_beats": float(rec > base),
        }
    )


def new_customer_weight_vs_truth(art, truth: TrueProcess, n_weeks: int, weight: float) -> dict[str, float]:
    """--new-customer-weight against the truth: the split recommended with `weight` and with 1, scored by the true
    GMV and true new-customer GMV of the modelled subcategories. nc_weight_uplift_pct is the true gain of the
    weighted objective (GMV + (weight - 1) x new-customer GMV) over the historical split, as % of the true best
    gain; nc_gmv_gain_pct and gmv_change_pct compare the weighted split with the unweighted one."""
    if "new_customer_effects.csv" not in art.manifest.files:
        return {}
    channels, subs = art.channels, art.subcategories
    budget = float(art.table("company_spend")[channels].iloc[-n_weeks:].sum().sum())
    plain = optimise_budget(art, budget, n_weeks)
    weighted = optimise_budget(art, budget, n_weeks, new_customer_weight=weight)
    weeks = weighted.weeks

    def true_of(x: np.ndarray) -> tuple[float, float]:
        spend = even_plan(weeks, channels, x).set_index("week_start")
        gmv = sum(truth.plan_media_gmv(spend, s).to_numpy().sum() for s in subs)
        new = sum(truth.plan_new_customer_gmv(spend, s).to_numpy().sum() for s in subs)
        return float(gmv), float(new)

    def objective(x: np.ndarray) -> float:
        gmv, new = true_of(x)
        return gmv + (weight - 1.0) * new

    column = art.money.column("recommended")
    historical = historical_split(art).reindex(channels).to_numpy() * budget
    x_plain = plain.table.set_index("channel").loc[channels, column].to_numpy()
    x_weighted = weighted.table.set_index("channel").loc[channels, column].to_numpy()
    best = true_best(objective, historical, budget)
    base, got, top = objective(historical), objective(x_weighted), objective(best.x)
    (gmv_p, new_p), (gmv_w, new_w) = true_of(x_plain), true_of(x_weighted)
    crore = RUPEES_IN_CRORE.from_base
    print(
        f"new-customer weight {weight:g}: true new-customer GMV {crore(new_p):.4f} -> {crore(new_w):.4f} crore "
        f"(model's expected gain over the historical split {crore(plain.new_customer_gain):+.4f} -> "
        f"{crore(weighted.new_customer_gain):+.4f}); "
        f"true GMV {crore(gmv_p):.4f} -> {crore(gmv_w):.4f} crore; weighted objective: "
        f"{(got - base) / (top - base) * 100:.1f}% of the true best gain"
    )
    print(
        pd.DataFrame(
            {"historical": historical, "weight 1": x_plain, f"weight {weight:g}": x_weighted, "true best": best.x},
            index=channels,
        )
        .round(3)
        .to_string()
    )
    return {
        "nc_weight_uplift_pct": (got - base) / (top - base) * 100 if top > base else float("nan"),
        "nc_gmv_gain_pct": (new_w - new_p) / new_p * 100,
        "nc_gmv_change_pct": (gmv_w - gmv_p) / gmv_p * 100,
    }
