"""What a plan buys, for the first screen: the key columns of the scenario summary with a total-spend column the grid
can be checked against, and one sentence that reads its ROAS and marginal ROAS for the analyst."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model.artifacts import Artifacts
from ..units import MoneyUnit
from .tables import BASELINE_PLAN

__all__ = [
    "coverage_words",
    "company_spend",
    "scenario_key_table",
    "plan_sentence",
    "marginal_words",
    "paying_limit",
    "curve_sentence",
]


def company_spend(plan: pd.DataFrame, channels: list[str]) -> float:
    """A plan's company-wide spend over its weeks (input money unit), as the grid shows it."""
    return float(plan.drop_duplicates("week_start")[channels].to_numpy(float).sum())


def scenario_key_table(artifacts: Artifacts, summary: pd.DataFrame, spend: dict[str, float]) -> pd.DataFrame:
    """The summary's key columns, one money unit: scenario, company-wide spend (input unit, `spend` per scenario),
    GMV, ROAS, and the change against the baseline plan (money and %)."""
    money = artifacts.money
    unit = money.name
    return pd.DataFrame(
        {
            "scenario": summary["scenario"],
            f"spend, company-wide ({unit})": summary["scenario"].map(spend).round(3),
            f"GMV ({unit})": money.from_base(summary["gmv"]).round(3),
            "ROAS": summary["roas"].round(2),
            f"change vs {BASELINE_PLAN} ({unit})": money.from_base(summary["change"]).round(3),
            "change (%)": summary["change_pct"].round(1),
        }
    )


def marginal_words(marginal_roas: float, money: MoneyUnit, margin: float | None = None) -> str:
    """Marginal ROAS in words: what one more unit of spend returns, and whether that pays (GMV for its cost, or the
    contribution margin's share of it when `margin` is given)."""
    symbol = money.symbol  # ₹, £, $, € or a code; empty for a weekly table's own units
    one = f"{symbol}1" if symbol else "1 unit"
    returns = f"{symbol}{marginal_roas:.2f}" if symbol else f"{marginal_roas:.2f}"
    sentence = f"each extra {one} of spend on every channel returns {returns} of GMV"
    if margin is not None:
        profit = marginal_roas * margin
        verdict = "more" if profit > 1 else "less"
        return (
            f"{sentence}, {profit:.2f} of it profit at a {margin:.0%} margin: the extra spend earns back {verdict} than it costs"
        )
    verdict = "more GMV than it costs" if marginal_roas > 1 else "less GMV than it costs"
    return f"{sentence}: the extra spend brings {verdict}"


def plan_sentence(artifacts: Artifacts, row: pd.Series, spend: float, weeks: int, margin: float | None = None) -> str:
    """One plan's summary row (`scenario_summary`) in words: spend, GMV and its change, ROAS and marginal ROAS."""
    money = artifacts.money
    change = row["change"]
    direction = "more" if change >= 0 else "less"
    pct = "" if pd.isna(row["change_pct"]) else f" ({row['change_pct']:+.1f}%)"
    return (
        f"The {row['scenario']} spends {spend:,.3f} {money.name} company-wide over {weeks} weeks and is predicted to "
        f"bring {money.format(row['gmv'])} of GMV in the modelled subcategories, {money.format(abs(change))} "
        f"{direction} than {BASELINE_PLAN}{pct}. Its media returns {row['roas']:.2f} of GMV per unit of the spend "
        f"that falls to these subcategories (ROAS); at the margin, {marginal_words(row['marginal_roas'], money, margin)}."
    )


def paying_limit(curve: pd.DataFrame, margin: float | None = None) -> float | None:
    """The budget (base unit, company-wide) above which more spend stops paying: where the curve's slope, GMV (times
    `margin`) per unit of the spend the modelled subcategories receive, first falls below 1. None when every step
    on the curve still pays; 0 when none does."""
    weight = 1.0 if margin is None else margin
    gain = weight * curve["gmv"].diff().to_numpy()[1:]
    cost = curve["allocated"].diff().to_numpy()[1:]
    pays = gain > cost
    if pays.all():
        return None
    first = int(np.argmin(pays))
    return float(curve["budget"].iloc[first])


def curve_sentence(curve: pd.DataFrame, budget: float, money: MoneyUnit, margin: float | None = None) -> str:
    """Where on the budget curve more spend stops paying, said against the budget asked (both base unit)."""
    limit = paying_limit(curve, margin)
    earns = "GMV" if margin is None else f"profit at a {margin:.0%} margin"
    top = float(curve["budget"].max())
    if limit is None:
        return f"Every step up to {money.format(top)} still returns more {earns} than it costs."
    if limit <= 0:
        return f"Even the first spend returns less {earns} than it costs the modelled subcategories."
    if limit <= budget:
        where = f"this budget ({money.format(budget)}) is above it, so its last units return less {earns} than they cost"
    else:
        where = f"this budget ({money.format(budget)}) is below it, so more spend would still pay"
    return f"More spend stops paying above about {money.format(limit)} company-wide: {where}."


def coverage_words(covered: float) -> str:
    """What a goal weighs when the model covers only some subcategories (`covered`: their share of company spend)."""
    return (
        f"the modelled subcategories receive {covered:.0%} of the company's spend; the goal weighs all of the spend "
        "against their GMV only, so what spend earns in the other subcategories is not counted"
    )
