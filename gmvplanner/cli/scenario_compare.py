"""`ecommerce_testing.py scenarios compare A B`: what saved plan B adds over saved plan A on the model in
--artifacts: extra spend, incremental GMV, incremental ROAS and (with --margin) incremental profit, each with its
80% interval over the bootstrap refits of the channel effects."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import numpy as np

from .common import add_artifacts_input, library_of, margins

if TYPE_CHECKING:
    from ..analysis.profit import Figure
    from ..units import MoneyUnit

__all__ = ["add_compare_action", "compare_scenarios"]


def add_compare_action(compare: argparse.ArgumentParser) -> None:
    """The options of `scenarios compare` (its parser made by the library's `_action`)."""
    compare.add_argument("plan_a", metavar="A", help="the saved scenario compared against (e.g. the current plan)")
    compare.add_argument("plan_b", metavar="B", help="the saved scenario whose additions are measured")
    compare.add_argument(
        "--margin",
        type=margins,
        help="contribution margin as a share of GMV, one for every subcategory (0.25) or per subcategory "
        "(CameraAccessory=0.2,HomeAudio=0.3; others count 0): adds the incremental profit of B over A",
    )
    add_artifacts_input(compare)
    compare.set_defaults(work=compare_scenarios)


def compare_scenarios(args: argparse.Namespace) -> None:
    """Open both saved plans for the model in --artifacts and print what B adds over A."""
    from ..analysis.budget import subcategory_margins
    from ..analysis.profit import plan_increment
    from ..analysis.scenario_summary import plan_figures
    from ..errors import InputError
    from ..model.artifacts import load_artifacts
    from ..service.saved_plans import model_label, open_plan

    if args.plan_a == args.plan_b:
        raise InputError("B", f"'{args.plan_b}' is plan A as well; name two different saved scenarios")
    artifacts = load_artifacts(args.artifacts)
    artifacts.require_spend("comparing plans")
    library = library_of(args)
    opened = {name: open_plan(artifacts, library.scenario(name)) for name in (args.plan_a, args.plan_b)}
    for plan in opened.values():
        for note in plan.notes:
            print(f"note: {note}")
    margin = subcategory_margins(artifacts, args.margin) if args.margin is not None else None
    figures = {name: plan_figures(artifacts, plan.plan) for name, plan in opened.items()}
    increment = plan_increment(figures[args.plan_a], figures[args.plan_b], margin)
    money = artifacts.money
    print(f"'{args.plan_b}' over '{args.plan_a}' (B - A) on {model_label(artifacts)}:")
    for name, these in figures.items():
        print(f"  {name}: media spend {money.format(these.company_spend)}, expected GMV {money.format(these.totals[0, 0])}")
    for label, figure in increment.items():
        print(f"{label}: {_shown(label, figure, money)}")
    print(
        "80% intervals over the bootstrap refits of the channel effects, paired across the two plans. Profit is GMV x "
        "margin less the media spend; incremental ROAS is the extra GMV per unit of extra spend."
    )


def _shown(label: str, figure: Figure, money: MoneyUnit) -> str:
    """One figure in words: money amounts formatted in the model's unit, ROAS as a ratio."""
    if np.isnan(figure.value):
        return "not defined (both plans spend the same)"
    fmt = (lambda v: f"{v:.2f}") if label == "incremental ROAS" else money.format
    if np.isnan(figure.lower):
        return fmt(figure.value)
    return f"{fmt(figure.value)} (80% interval {fmt(figure.lower)} to {fmt(figure.upper)})"
