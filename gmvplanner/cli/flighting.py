"""`optimise --flighting`: the weekly shape of the split (per-week spend within per-week bounds) and its uplift over
an even spread, printed after the split."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import FLIGHT_MAX_CHANGE
from .common import non_negative

if TYPE_CHECKING:
    from ..analysis.budget import BudgetResult
    from ..model.artifacts import Artifacts

__all__ = ["add_flighting_options", "flight_and_print"]


def add_flighting_options(p: argparse.ArgumentParser) -> None:
    """--flighting, --week-bounds, --flight-max-change and --flight-out."""
    p.add_argument(
        "--flighting",
        action="store_true",
        help="hybrid and mmm: also choose each channel's spend week by week (its total stays the split's), using the "
        "model's carry-over and curves; the even spread is kept unless a shape beats it in 80%% of the bootstrap refits",
    )
    p.add_argument(
        "--week-bounds",
        type=Path,
        help="with --flighting: CSV week_start,channel,min_<unit>,max_<unit> (min_crore,max_crore for ElecKart) of one "
        "channel's spend in one week; a blank week_start applies to every week",
    )
    p.add_argument(
        "--flight-max-change",
        type=lambda text: None if text.strip().lower() == "none" else non_negative(text),
        default=FLIGHT_MAX_CHANGE,
        help="with --flighting: keep every week within this fraction of its even amount; 'none' for no limit "
        "(default: %(default)s)",
    )
    p.add_argument("--flight-out", type=Path, help="with --flighting: write the weekly spend (week_start, channels) here")


def flight_and_print(args: argparse.Namespace, artifacts: Artifacts, result: BudgetResult) -> None:
    """Flight the split's totals over its weeks and print the shape, its uplift over even and what it rests on."""
    from ..analysis.budget import subcategory_margins
    from ..analysis.budget.flighting import flight_plan, load_week_bounds

    money = artifacts.money
    weeks = result.weeks
    bounds = None
    if args.week_bounds:
        bounds = load_week_bounds(args.week_bounds, artifacts.channels, weeks, money, artifacts.week_starts_on)
    totals = result.table.set_index("channel").loc[artifacts.channels, money.column("recommended")].to_numpy()
    margins = subcategory_margins(artifacts, args.margin) if args.margin is not None else None
    flight = flight_plan(artifacts, totals, weeks, bounds, margins, max_change=args.flight_max_change)
    unit, shown = money.name, money.from_base
    print(f"flighting: weekly spend ({unit}), each channel's total as in the split")
    table = flight.shape.assign(week_start=flight.shape["week_start"].dt.date)
    print(table.round(4).to_string(index=False))
    counted = f"over the {len(weeks)} weeks and the {flight.tail_weeks} after them (carry-over)"
    if flight.kept_even:
        print(f"flighting kept the even spread: {flight.note}")
    else:
        lo, hi = flight.uplift_interval or (flight.uplift, flight.uplift)
        print(
            f"uplift of this shape over an even spread {counted}: {shown(flight.uplift):+,.4g} {unit} "
            f"(80% interval {shown(lo):+,.4g} to {shown(hi):+,.4g}); it beats the even spread in "
            f"{(flight.p_beats_even or 0):.0%} of the bootstrap refits; it goes {flight.share_of_move:.0%} of the way "
            "to the model's best shape"
        )
        print("the shape rests on:")
        for reason in flight.rests_on:
            print(f"  - {reason}")
    if args.flight_out:
        args.flight_out.parent.mkdir(parents=True, exist_ok=True)
        flight.shape.to_csv(args.flight_out, index=False)
        print(f"wrote {args.flight_out}")
