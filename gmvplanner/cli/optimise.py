"""`ecommerce_testing.py optimize` (or `optimise`): split a budget across channels to maximise predicted GMV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import AUTO, AUTO_MAX_CHANGE, OWN
from ..errors import InputError
from .common import (
    add_artifacts_input,
    calendar_date,
    check_out,
    log,
    margins,
    max_change,
    non_negative,
    positive_amount,
    positive_int,
    positive_number,
)
from .flighting import add_flighting_options, flight_and_print

if TYPE_CHECKING:  # imported when the command runs, so --help and option errors stay fast
    import pandas as pd

    from ..analysis.budget import BudgetResult
    from ..model.artifacts import Artifacts

__all__ = ["add_optimise_parser", "optimise", "locks"]


def add_optimise_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `optimize` subcommand (alias `optimise`) and its options; it runs `optimise`."""
    p = commands.add_parser(
        "optimize",
        aliases=["optimise"],
        help="split a budget across channels to maximise predicted GMV",
        description="Allocate a total budget (in the model's spend unit: crore ₹ for ElecKart) "
        "over the next N weeks across channels, within "
        "optional per-channel bounds, to maximise the predicted GMV of every subcategory.",
    )
    add_artifacts_input(p)
    amount = p.add_mutually_exclusive_group(required=True)
    amount.add_argument(
        "--budget",
        type=positive_amount,
        help="total budget over the horizon, in the model's spend unit (crore ₹ for ElecKart; a weekly table's own "
        "unit for its artifacts)",
    )
    amount.add_argument(
        "--target-roi",
        type=positive_number,
        help="instead of --budget: find the largest budget whose best split still earns this marginal ROI "
        "(GMV per currency unit of the next spend; with --margin, profit contribution per unit), and split it",
    )
    amount.add_argument(
        "--max-profit",
        action="store_true",
        help="instead of --budget (needs --margin): the budget and split that maximise profit, i.e. where one more unit "
        "of spend brings back just 1 unit of contribution (GMV × margin)",
    )
    p.add_argument("--weeks", type=positive_int, required=True, help="horizon in weeks")
    p.add_argument(
        "--margin",
        type=margins,
        help="contribution margin as a share of GMV: one for every subcategory (0.25) or per subcategory "
        "(CameraAccessory=0.2,HomeAudio=0.3; others count 0); the split then maximises profit, not GMV",
    )
    p.add_argument(
        "--start", type=calendar_date, help="first week, YYYY-MM-DD, 1900 to 2100 (default: the week after the training data)"
    )
    p.add_argument(
        "--bounds",
        type=Path,
        help="CSV channel,min_<unit>,max_<unit> over the horizon: min_crore,max_crore for ElecKart, "
        "min_gbp,max_gbp "
        "for --currency GBP, min_units,max_units for a weekly table",
    )
    p.add_argument(
        "--lock",
        type=locks,
        metavar="CHANNEL=AMOUNT,...",
        help="channels whose spend over the horizon is fixed (contracted), in the model's spend unit, e.g. "
        "--lock TV=0.5,Radio=0.1: the split keeps them there exactly and divides the rest of the budget",
    )
    p.add_argument("--out", type=Path, help="write channel, historical_crore, recommended_crore, ... here")
    _add_objective_options(p)
    add_flighting_options(p)
    p.set_defaults(work=optimise)
    return p


def _add_objective_options(p: argparse.ArgumentParser) -> None:
    """What the split maximises beyond expected GMV: caution, limits on change, the worth of new customers."""
    p.add_argument(
        "--risk-aversion",
        type=non_negative,
        default=0.0,
        help="hybrid and mmm: maximise the expected uplift less this many spreads of it over the bootstrap refits of "
        "the channel effects (0.84: about its 20th percentile; default: %(default)s, the expected uplift)",
    )
    p.add_argument(
        "--max-change",
        type=max_change,
        default=AUTO,
        help="keep every channel within this fraction of its historical amount (e.g. 0.3, Meridian's default); "
        f"'none' for no limit; '{OWN}' (hybrid, mmm) for each channel's own limit from its uncertainty; default "
        f"'{AUTO}': {AUTO_MAX_CHANGE} when the training data's adequacy check found the evidence weak (e.g. spend "
        "given per month), else no limit",
    )
    p.add_argument(
        "--new-customer-weight",
        type=non_negative,
        default=1.0,
        metavar="W",
        help="count a rupee of GMV from customers' first orders W times, returning customers' once (e.g. 2 when a "
        "new customer is worth more than the first order shows); needs a model trained from orders with cust_id "
        "(default: %(default)s, GMV as it is)",
    )


def locks(text: str) -> dict[str, float]:
    """--lock: CHANNEL=AMOUNT pairs separated by commas (TV=0.5,Radio=0.1), each amount a number of 0 or more."""
    pairs: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        if not name.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"'{item}' is not CHANNEL=AMOUNT; e.g. TV=0.5")
        if name.strip() in pairs:
            raise argparse.ArgumentTypeError(f"'{name.strip()}' is locked twice; give it once")
        try:
            pairs[name.strip()] = non_negative(value.strip())
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"{exc} (for {name.strip()})") from None
    if not pairs:
        raise argparse.ArgumentTypeError("give at least one CHANNEL=AMOUNT, e.g. TV=0.5")
    return pairs


def optimise(args: argparse.Namespace) -> None:
    """Split the budget (or find the budget for --target-roi), write the split to --out if given, and print it."""
    check_out(args.out, args.artifacts)
    from ..analysis.budget import load_bounds
    from ..model.artifacts import load_artifacts

    artifacts = load_artifacts(args.artifacts)
    artifacts.require_spend("the budget optimiser")
    bounds = load_bounds(args.bounds, artifacts.channels, artifacts.money) if args.bounds else None
    if args.lock:
        from ..analysis.budget.locks import lock_bounds

        bounds = lock_bounds(bounds, args.lock, artifacts.channels, args.budget, artifacts.money)
    budget, result = _split(args, artifacts, _start(args.start), bounds)
    from ..analysis.scenarios import date_warnings

    for warning in date_warnings(artifacts, result.weeks):
        log.warning("warning: --start: %s", warning)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        result.table.to_csv(args.out, index=False)
    if args.margin is not None:
        _print_profit(args, artifacts, result)
    _print_split(args, artifacts, budget, result)
    if args.flighting:
        flight_and_print(args, artifacts, result)


def _print_profit(args: argparse.Namespace, artifacts: Artifacts, result: BudgetResult) -> None:
    """Profit first with --margin: each plan's expected contribution (GMV x margin - media spend) and the gain,
    against the recent budget in the historical split when the budget was found (--max-profit, --target-roi)."""
    from ..analysis.budget import recent_budget, subcategory_margins
    from ..analysis.profit import profit_headline

    baseline = None if args.budget is not None else recent_budget(artifacts, args.weeks)
    profit = profit_headline(artifacts, result, subcategory_margins(artifacts, args.margin), baseline)
    money = artifacts.money
    unit, shown = money.name, money.from_base
    what = "the historical split" if baseline is None else "the recent budget in the historical split"

    def figure(f) -> str:
        interval = "" if f.lower != f.lower else f" (80% interval {shown(f.lower):+,.4g} to {shown(f.upper):+,.4g})"
        return f"{shown(f.value):+,.4g} {unit}{interval}"

    print(f"expected profit (GMV x margin - media spend), {what}: {figure(profit.baseline)}")
    print(f"expected profit, recommended: {figure(profit.recommended)}")
    chance = "" if profit.p_gain is None else f"; the recommended plan earns more in {profit.p_gain:.0%} of the refits"
    print(f"expected profit gain: {figure(profit.gain)}{chance}")
    print(
        f"media spend {shown(profit.recommended_spend):,.4g} against {shown(profit.baseline_spend):,.4g} {unit}; "
        f"GMV change {shown(profit.gmv_gain):+,.4g} {unit}"
    )


def _start(text: str | None) -> pd.Timestamp | None:
    """--start as a date from 1900 to 2100 (as predict's scenario weeks), or None for the week after the training data."""
    from ..data.date_cells import option_date

    return option_date("--start", text) if text else None


def _split(
    args: argparse.Namespace,
    artifacts: Artifacts,
    start: pd.Timestamp | None,
    bounds: dict[str, tuple[float, float]] | None,
) -> tuple[float, BudgetResult]:
    """The budget and its best split: --budget as given, or the largest budget that still earns --target-roi (1 on
    the contribution to profit for --max-profit)."""
    from ..analysis.budget import budget_for_target_roi, optimise_budget, subcategory_margins
    from ..reporting.plan_words import coverage_words

    margin = subcategory_margins(artifacts, args.margin) if args.margin is not None else None
    if args.max_profit and margin is None:
        raise InputError("--max-profit", "needs --margin: the share of GMV that is contribution to profit, e.g. --margin 0.25")
    if args.budget is not None:
        result = optimise_budget(
            artifacts,
            args.budget,
            args.weeks,
            start,
            bounds,
            args.risk_aversion,
            args.max_change,
            args.new_customer_weight,
            margins=margin,
        )
        return args.budget, result
    target = 1.0 if args.max_profit else args.target_roi
    found = budget_for_target_roi(
        artifacts,
        target,
        args.weeks,
        start,
        bounds,
        args.max_change,
        new_customer_weight=args.new_customer_weight,
        margins=margin,
    )
    flag = "--max-profit" if args.max_profit else "--target-roi"
    if not found.met or found.result is None:
        raise InputError(flag, found.note)
    what = "the budget that maximises profit" if args.max_profit else f"largest budget with a marginal ROI of at least {target:g}"
    print(f"{what}: {found.budget:,.4g} ({artifacts.money.name}); {found.note}")
    print(f"the recent budget (company spend over the last {args.weeks} weeks) was {found.recent_budget:,.4g}")
    if found.covered_share < 1.0 - 1e-9:
        print(f"note: {coverage_words(found.covered_share)}")
    return found.budget, found.result


def _print_split(args: argparse.Namespace, artifacts: Artifacts, budget: float, result: BudgetResult) -> None:
    """The split per channel, expected GMV and uplift with their intervals, and any notes and cautions."""
    from ..analysis.budget import INTERVAL_SCOPE
    from ..service.planner import identification_caution

    money = artifacts.money
    unit, shown = money.name, money.from_base
    columns = ["channel", *(money.column(c) for c in ("historical", "recommended", "change"))]
    print(f"budget {budget:g} ({unit}) over {args.weeks} weeks from {result.weeks[0].date()}; {result.method}")
    print(result.table[columns].round(4).to_string(index=False))
    for name, (mean, lo, hi) in (("historical split", result.historical_gmv), ("recommended split", result.recommended_gmv)):
        print(f"expected GMV, {name}: {shown(mean):,.4g} {unit} (80% interval {shown(lo):,.4g} to {shown(hi):,.4g})")
    print(f"expected uplift: {shown(result.uplift):+,.4g} {unit}")
    if result.new_customer_gain is not None:
        print(
            f"expected change in GMV from new customers' first orders: {shown(result.new_customer_gain):+,.4g} {unit}"
            + (f" (their GMV counted {result.new_customer_weight:g}x)" if result.new_customer_weight != 1 else "")
        )
    if result.uplift_interval is not None:
        lo, hi = (shown(v) for v in result.uplift_interval)
        print(
            f"uplift over the bootstrap refits of the channel effects: 80% interval {lo:+,.4g} to {hi:+,.4g} {unit}; "
            f"the recommended split beats the historical one in {result.p_beats_historical:.0%} of them"
        )
    print(INTERVAL_SCOPE)
    if result.note:
        print(f"note: {result.note}")
    if result.seen_note:
        print(f"note: {result.seen_note}")
    if result.outside_seen:
        print(f"note: beyond the spend levels the training data have shown: {', '.join(result.outside_seen)}")
    caution = identification_caution(artifacts)
    if caution:
        print(f"caution: {caution}")
    if args.out:
        print(f"wrote {args.out}")
