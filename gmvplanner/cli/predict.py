"""`ecommerce_testing.py predict`: weekly GMV per subcategory for a spend scenario, with an 80% interval."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_artifacts_input, check_out, log

__all__ = ["add_predict_parser", "predict"]


def add_predict_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `predict` subcommand and its options; it runs `predict`."""
    p = commands.add_parser(
        "predict",
        help="predict weekly GMV per subcategory for a scenario file",
        description="Predict weekly GMV per subcategory with an 80%% interval. The scenario CSV has "
        "week_start, one spend column per channel in the model's spend unit (crore ₹ for ElecKart; company-wide), and optional "
        "levers; for a model trained from orders alone (no channels), week_start alone is a plan. See docs/predict.md.",
    )
    add_artifacts_input(p)
    p.add_argument("--scenario", type=Path, required=True, help="scenario CSV, e.g. data/example_scenario.csv")
    p.add_argument("--out", type=Path, required=True, help="where to write the predictions CSV")
    p.set_defaults(work=predict)
    return p


def predict(args: argparse.Namespace) -> None:
    """Predict the scenario, write the weekly predictions to --out and print each subcategory's totals."""
    check_out(args.out, args.artifacts)
    from ..analysis.scenarios import (
        date_warnings,
        known_verticals,
        predict_scenario,
        range_warnings,
        subcategory_totals,
        weekly_controls,
    )
    from ..data.scenario_files import load_scenario
    from ..model.artifacts import load_artifacts

    artifacts = load_artifacts(args.artifacts)
    money = artifacts.money
    controls = weekly_controls(artifacts)
    verticals = known_verticals(artifacts)
    high = artifacts.money.max_spend
    starts_on = artifacts.week_starts_on
    scenario = load_scenario(
        args.scenario, artifacts.channels, verticals, starts_on, controls=controls, high_spend=high, money=artifacts.money
    )
    for warning in date_warnings(artifacts, scenario["week_start"]) + range_warnings(artifacts, scenario):
        log.warning("warning: %s: %s", args.scenario, warning)
    result = predict_scenario(artifacts, scenario)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result.to_csv(args.out, index=False)
    totals = subcategory_totals(artifacts, scenario).set_index("subcategory")
    print(
        f"wrote {len(result)} rows to {args.out}; GMV summed over the weeks, {money.name} "
        f"(lower/upper: an 80% interval of each total, the weeks' errors correlated as in the model's backtest):"
    )
    print(money.from_base(totals).round(3).to_string())
