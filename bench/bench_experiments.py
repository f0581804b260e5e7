"""Closed-loop experiments on the benchmark worlds: does running the tests the tool proposes improve the budget split?

    python bench/bench_experiments.py [--worlds today,s_shaped,...] [--seeds 5,6] [--media monthly]

Per world and seed (the worlds of `gmvplanner/synth/worlds.py`, the same data sets as bench_truth.py --worlds):
1. train on the data up to CUT_END and ask `experiments` for three tests in the weeks after it;
2. the generator runs them: the true extra GMV of the modelled subcategories over each test's days (carry-over
   after the test not counted, as a lift test measures) plus noise with a standard error of 3% of their weekly
   GMV times the square root of the test's weeks;
3. retrain on the whole window with those results through --lift-tests, and score the budget split against the
   truth (captured: the true uplift of the recommended split over the historical one as % of the true best, every
   channel within 0.25x-3x of its historical amount, as bench_truth.py does).
The same is done with the naive choice (the three channels with the largest estimated incremental GMV, raised by
the same rule) and with no tests at all. Results go to bench/results/experiments_<tag>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_optimiser import optimiser_vs_truth  # the script's own folder is on sys.path
from bench_truth import BOUNDS_RANGE, world_dataset

from gmvplanner.analysis.experiments import ExperimentRules, experiment_weeks, propose_experiments, run_rates
from gmvplanner.config import ROOT
from gmvplanner.data.lift_tests import load_lift_tests
from gmvplanner.model.artifacts import Artifacts, load_artifacts
from gmvplanner.model.train_config import TrainConfig
from gmvplanner.pipeline import TrainingInputs, train
from gmvplanner.synth import TrueProcess

START, CUT_END, END = "2014-07-01", "2016-04-30", "2016-06-30"  # tests run in the weeks after CUT_END
NOISE_SHARE = 0.03  # a test's standard error: this share of the modelled subcategories' weekly GMV x sqrt(weeks)
N_TESTS, BUDGET_WEEKS = 3, 13


def true_lift(truth: TrueProcess, subs: list[str], channel: str, weeks: pd.DatetimeIndex, delta_crore: float) -> float:
    """The true extra GMV (₹) of `subs` over the test's weeks when `channel` gets `delta_crore` more, spread evenly."""
    spend = truth.weekly_spend_crore
    inside = spend.index.isin(weeks)
    more = spend.copy()
    more.loc[inside, channel] = np.maximum(more.loc[inside, channel] + delta_crore / inside.sum(), 0.0)
    return float(sum((truth.media_gmv(more, s)[channel] - truth.media_gmv(spend, s)[channel]).loc[inside].sum() for s in subs))


def naive_tests(art: Artifacts, rules: ExperimentRules) -> pd.DataFrame:
    """The three channels with the largest estimated incremental GMV, each raised by the tool's own rule."""
    weeks = experiment_weeks(art, rules.max_weeks)
    effect = art.table("contributions").groupby("channel")["incremental_gmv"].sum().sort_values(ascending=False)
    rate = run_rates(art)
    rows = []
    for channel in [c for c in effect.index if rate.get(c, 0.0) > 0][: rules.n]:
        rows.append(
            {
                "channel": channel,
                "start": weeks[0].strftime("%Y-%m-%d"),
                "end": (weeks[-1] + pd.Timedelta(days=6)).strftime("%Y-%m-%d"),
                "delta_spend": rules.max_change * float(rate[channel]) * 7 * len(weeks),
            }
        )
    return pd.DataFrame(rows)


def run_tests(tests: pd.DataFrame, truth: TrueProcess, art: Artifacts, rng: np.random.Generator) -> pd.DataFrame:
    """The generator runs the tests: delta_gmv = true lift + noise, sigma = the noise's standard error."""
    history = art.table("history")
    recent = history.sort_values("week_start").groupby("subcategory").tail(13)
    weekly_gmv = float(recent["gmv"].sum()) / 13
    out = tests[["channel", "start", "end", "delta_spend"]].copy()
    lifts, sigmas = [], []
    for row in out.itertuples():
        weeks = pd.date_range(row.start, row.end, freq="7D")
        sigma = NOISE_SHARE * weekly_gmv * np.sqrt(len(weeks))
        lifts.append(true_lift(truth, art.subcategories, row.channel, weeks, row.delta_spend) + rng.normal(0, sigma))
        sigmas.append(sigma)
    return out.assign(delta_gmv=np.round(lifts, 2), sigma=np.round(sigmas, 2))


def captured(paths: dict[str, Path], media: str, truth: TrueProcess, out: Path, lift: Path | None) -> float:
    """Train on the whole window (with lift tests when given) and score the split against the truth."""
    config = TrainConfig(lift_tests=load_lift_tests(lift) if lift else None)
    train(TrainingInputs.from_dataset(paths, START, END, weekly_media=media == "weekly"), out, config=config)
    result = optimiser_vs_truth(load_artifacts(out), truth, BUDGET_WEEKS, BOUNDS_RANGE)
    return float(result["optimiser_uplift_pct"].iloc[0])


def one_dataset(world: str, seed: int, media: str) -> dict:
    """The closed loop on one data set: captured with no tests, the naive tests and the tool's tests."""
    paths = world_dataset(world, seed)
    truth = TrueProcess.from_files(paths["truth"], paths["media_weekly"])
    rules = ExperimentRules(n=N_TESTS)
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        train(TrainingInputs.from_dataset(paths, START, CUT_END, weekly_media=media == "weekly"), folder / "cut")
        early = load_artifacts(folder / "cut")
        start = time.perf_counter()
        proposed = propose_experiments(early, rules).table
        seconds = time.perf_counter() - start
        row = {"world": world, "seed": seed, "media": media, "propose_seconds": seconds}
        row["tool_channels"] = ",".join(proposed["channel"])
        for name, tests in (("tool", proposed), ("naive", naive_tests(early, rules))):
            run = run_tests(tests, truth, early, rng)
            run.to_csv(folder / f"{name}.csv", index=False)
            row[f"{name}_channels"] = ",".join(run["channel"])
            row[f"{name}_captured"] = captured(paths, media, truth, folder / name, folder / f"{name}.csv")
        row["none_captured"] = captured(paths, media, truth, folder / "none", None)
    print(row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worlds", default="today,s_shaped,heterogeneous,mixed")
    parser.add_argument("--seeds", default="5,6")
    parser.add_argument("--media", default="monthly")
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    rows = [
        one_dataset(world, int(seed), media)
        for world in args.worlds.split(",")
        for seed in args.seeds.split(",")
        for media in args.media.split(",")
    ]
    table = pd.DataFrame(rows)
    summary = table.groupby(["world", "media"])[["none_captured", "naive_captured", "tool_captured"]].agg(["mean", "min"])
    print(summary.round(1).to_string())
    print(table[["none_captured", "naive_captured", "tool_captured"]].agg(["mean", "min"]).round(1).to_string())
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"experiments{'_' + args.tag if args.tag else ''}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
