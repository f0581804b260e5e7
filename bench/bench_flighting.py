"""Flighting against the generator's truth: the true uplift of the recommended weekly shape over an even spread.

    python bench/bench_truth.py --worlds multiplicative,confounded,delayed,s_shaped,today --seeds 1,5 \
        --media weekly --keep --tag flight --n-orders 300000        # train once, keep the artifacts
    python bench/bench_flighting.py --tag flight --seeds tune      # tune constants here (seeds 1-4)
    python bench/bench_flighting.py --tag flight --seeds report    # report here (seeds 5-8)

For every kept data set (bench/results/worlds_art/<tag>/<world>_seed<N>_weekly): the split of the last 13 weeks'
budget (every channel within 0.25x-3x of its historical amount, as bench_truth.py), then `flight_plan` of that
split over the next 13 weeks. The truth scores both the shape and the even spread over the horizon and the 26 weeks
after it (every channel at its even rate there, as the tool assumes), so the carry-over of late spend counts.

The generated history ends before the plan's weeks, so the truth's sale calendar for them is last year's sale days
a year (52 weeks) on: what the tool itself assumes for a plan's weeks. In the multiplicative and confounded worlds a
sale day's media effect is 1.6x, so a shape that put spend into the sale weeks would truly gain: the model, whose
media effect adds to the baseline, cannot see that (said in every result).

Per data set: the true uplift (₹) of the shape over even, the stated median and 80% interval over the refits,
whether the interval covers the truth, and whether the even spread was kept (then the uplift is 0 by construction).
Targets (issue 35): the true uplift >= 0 on every world and seed; the interval covers it in 70-90% of them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import time

import numpy as np
import pandas as pd
from bench_truth import BOUNDS_RANGE, KEPT, REPORT_SEEDS, TUNE_SEEDS, world_dataset  # the script's own folder is on sys.path

from gmvplanner.analysis.budget import historical_split, optimise_budget
from gmvplanner.analysis.budget.flighting import FLIGHT_MAX_CHANGE, FLIGHT_QUANTILE, FLIGHT_SPREAD_INFLATION, flight_plan
from gmvplanner.config import ROOT
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.synth import TrueProcess

HORIZON = 13
TRUE_TAIL_WEEKS = 26  # the truth's carry-over after the horizon (the longest Weibull kernel keeps < 1% by then)


def plan_sale_calendar(truth: TrueProcess) -> None:
    """Give the truth the plan weeks' sale days: last year's, 52 weeks on (what the tool assumes for a plan)."""
    if not truth.multiplier:
        return
    days = pd.DatetimeIndex(truth.multiplier["sale_days"])
    later = days + pd.Timedelta(weeks=52)
    truth.multiplier["sale_days"] = sorted({str(d.date()) for d in days.append(later)})


def true_gmv(truth: TrueProcess, subs: list[str], weeks: pd.DatetimeIndex, shape: np.ndarray) -> float:
    """True media GMV of the modelled subcategories over the plan's weeks and the tail after them."""
    channels = truth.channels
    tail = np.repeat(shape.mean(axis=0, keepdims=True), TRUE_TAIL_WEEKS, axis=0)
    index = pd.date_range(weeks[0], periods=len(weeks) + TRUE_TAIL_WEEKS, freq="7D")
    plan = pd.DataFrame(np.vstack([shape, tail]), index=index, columns=channels)
    return float(sum(truth.plan_media_gmv(plan, sub).to_numpy().sum() for sub in subs))


def score(art, truth: TrueProcess, quantile: float, inflation: float, max_change: float | None) -> dict:
    """The split, its flighting and the truth's verdict on the shape against the even spread."""
    channels = art.channels
    budget = float(art.table("company_spend")[channels].iloc[-HORIZON:].sum().sum())
    historical = historical_split(art).reindex(channels).to_numpy() * budget
    bounds = {c: (BOUNDS_RANGE[0] * h, BOUNDS_RANGE[1] * h) for c, h in zip(channels, historical)}
    with contextlib.redirect_stdout(io.StringIO()):
        split = optimise_budget(art, budget, HORIZON, bounds=bounds)
    totals = split.table.set_index("channel").loc[channels, art.money.column("recommended")].to_numpy()
    start = time.perf_counter()
    flight = flight_plan(art, totals, split.weeks, quantile=quantile, inflation=inflation, max_change=max_change)
    seconds = time.perf_counter() - start
    order = [truth.channels.index(c) for c in channels]
    shape, even = np.zeros((HORIZON, len(truth.channels))), np.zeros((HORIZON, len(truth.channels)))
    shape[:, order], even[:, order] = flight.shape[channels].to_numpy(), flight.even[channels].to_numpy()
    subs = art.subcategories
    true_uplift = true_gmv(truth, subs, split.weeks, shape) - true_gmv(truth, subs, split.weeks, even)
    low, high = flight.uplift_interval or (0.0, 0.0)
    return {
        "kept_even": flight.kept_even,
        "true_uplift": true_uplift,
        "stated_uplift": flight.uplift,
        "low": low,
        "high": high,
        "covered": bool(low - 1e-6 <= true_uplift <= high + 1e-6),
        "p_beats_even": flight.p_beats_even,
        "share_of_move": flight.share_of_move,
        "true_even_gmv": true_gmv(truth, subs, split.weeks, even),
        "seconds": seconds,
        "moved": [r.split(" (")[0] for r in flight.rests_on if " (" in r],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tag", default="flight", help="the --tag of bench_truth.py --keep")
    parser.add_argument("--seeds", default="report", help="tune (1-4), report (5-8), all, or comma-separated")
    parser.add_argument("--worlds", default="", help="comma-separated worlds (default: every kept one)")
    parser.add_argument("--n-orders", type=int, default=300_000, help="the --n-orders the data sets were made with")
    parser.add_argument("--quantile", type=float, default=FLIGHT_QUANTILE)
    parser.add_argument("--inflation", type=float, default=FLIGHT_SPREAD_INFLATION)
    parser.add_argument(
        "--max-change", type=lambda t: None if t == "none" else float(t), default=FLIGHT_MAX_CHANGE, help="or 'none'"
    )
    args = parser.parse_args()
    seeds = {"tune": TUNE_SEEDS, "report": REPORT_SEEDS, "all": TUNE_SEEDS + REPORT_SEEDS}.get(args.seeds)
    seeds = seeds or tuple(int(s) for s in args.seeds.split(","))
    rows = []
    for folder in sorted((KEPT / args.tag).iterdir()):
        world, seed, media = re.match(r"(\w+?)_seed(\d+)_(\w+)", folder.name).groups()
        if int(seed) not in seeds or media != "weekly" or (args.worlds and world not in args.worlds.split(",")):
            continue
        paths = world_dataset(world, int(seed), args.n_orders)
        truth = TrueProcess.from_files(paths["truth"], paths["media_weekly"])
        plan_sale_calendar(truth)
        row = {
            "world": world,
            "seed": int(seed),
            **score(load_artifacts(folder), truth, args.quantile, args.inflation, args.max_change),
        }
        print({k: (round(v, 1) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
        rows.append(row)
    table = pd.DataFrame(rows)
    shaped = table.loc[~table["kept_even"]]
    print(table[["world", "seed", "kept_even", "true_uplift", "stated_uplift", "low", "high", "covered"]].round(0).to_string())
    print(
        f"{len(table)} data sets; shape kept even in {int(table['kept_even'].sum())}; true uplift >= 0 in "
        f"{int((table['true_uplift'] >= -1e-6).sum())}/{len(table)} (worst {table['true_uplift'].min():.0f} ₹); "
        f"interval covers the truth in {int(shaped['covered'].sum())}/{len(shaped)} shaped data sets "
        f"({int(table['covered'].sum())}/{len(table)} counting the kept even spreads); "
        f"flighting {table['seconds'].mean():.2f} s per data set"
    )
    name = f"flighting_{args.tag}_{args.seeds.replace(',', '-')}_q{args.quantile:g}_x{args.inflation:g}_m{args.max_change}"
    (ROOT / "bench" / "results" / f"{name}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
