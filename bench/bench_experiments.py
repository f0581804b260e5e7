"""Closed-loop experiments on the benchmark worlds: do the tests the tool proposes make its budget split better?

    python bench/bench_experiments.py [--worlds today,heterogeneous,mixed,confounded] [--seeds 5,6]
                                      [--media weekly,monthly] [--rounds 2] [--draws 2] [--naive] [--tag T]

Per world, seed and media layout (the worlds of `gmvplanner/synth/worlds.py`, the data sets of bench_truth.py):
1. round r (r = 1..--rounds) trains on the data up to its cut (ROUND_CUTS: each round's tests fill the 8 weeks
   after its cut) with every result of the rounds before, and asks `experiments` for three tests;
2. the generator runs them: the true extra GMV of the modelled subcategories over each test's days (carry-over
   after the test not counted, as a lift test measures) plus noise with a standard error of 3% of their weekly
   GMV times the square root of the test's weeks;
3. after each round the tool is trained on the whole window with every result so far (--lift-tests) and its budget
   split is scored against the truth (captured: the true uplift of the recommended split over the historical one as
   % of the true best, every channel within 0.25x-3x of its historical amount, as bench_truth.py does).
Round 0 is the split without tests. --draws repeats the loop with other measurement noise (the expectation over the
noise is the mean over draws). --naive also scores round 1 with the naive choice (the three channels with the
largest estimated incremental GMV, raised by the same rule). Results go to bench/results/experiments_<tag>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
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

START, END = "2014-07-01", "2016-06-30"
ROUND_CUTS = ("2016-02-28", "2016-05-01")  # Sundays; round r trains up to ROUND_CUTS[-rounds + r - 1]; its tests follow
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


def captured(paths: dict[str, Path], media: str, truth: TrueProcess, out: Path, results: list[pd.DataFrame]) -> float:
    """Train on the whole window (with the lift-test results so far) and score the split against the truth."""
    config = TrainConfig(lift_tests=_lift_tests(results, out.with_suffix(".csv")))
    train(TrainingInputs.from_dataset(paths, START, END, weekly_media=media == "weekly"), out, config=config)
    result = optimiser_vs_truth(load_artifacts(out), truth, BUDGET_WEEKS, BOUNDS_RANGE)
    return float(result["optimiser_uplift_pct"].iloc[0])


def _lift_tests(results: list[pd.DataFrame], path: Path):
    """The results so far written as a --lift-tests file and read back by the real loader (None without any)."""
    if not results:
        return None
    pd.concat(results, ignore_index=True).to_csv(path, index=False)
    return load_lift_tests(path)


def _train_to(paths: dict[str, Path], media: str, cut: str, out: Path, results: list[pd.DataFrame]) -> Artifacts:
    config = TrainConfig(lift_tests=_lift_tests(results, out.with_suffix(".csv")))
    train(TrainingInputs.from_dataset(paths, START, cut, weekly_media=media == "weekly"), out, config=config)
    return load_artifacts(out)


def one_loop(paths, media: str, truth: TrueProcess, folder: Path, rounds: int, draw: int, first: Artifacts) -> dict:
    """One run of the loop with its own measurement noise: captured after each round, and the channels tested."""
    rng = np.random.default_rng([draw, 31])
    rules, cuts = ExperimentRules(n=N_TESTS), ROUND_CUTS[-rounds:]
    results: list[pd.DataFrame] = []
    row: dict = {}
    for r, cut in enumerate(cuts, start=1):
        early = first if r == 1 else _train_to(paths, media, cut, folder / f"d{draw}_cut{r}", results)
        proposed = propose_experiments(early, rules).table
        results.append(run_tests(proposed, truth, early, rng))
        row[f"round{r}_channels"] = ",".join(results[-1]["channel"])
        row[f"round{r}_captured"] = captured(paths, media, truth, folder / f"d{draw}_round{r}", results)
    return row


def one_dataset(world: str, seed: int, media: str, rounds: int, draws: int, naive: bool) -> list[dict]:
    """The closed loop on one data set, once per noise draw: captured after rounds 0..rounds (and the naive choice)."""
    paths = world_dataset(world, seed)
    truth = TrueProcess.from_files(paths["truth"], paths["media_weekly"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = _train_to(paths, media, ROUND_CUTS[-rounds], folder / "cut1", [])
        none = captured(paths, media, truth, folder / "none", [])
        rows = []
        for draw in range(draws):
            row = {"world": world, "seed": seed, "media": media, "draw": draw, "round0_captured": none}
            row.update(one_loop(paths, media, truth, folder, rounds, seed * 100 + draw, first))
            if naive:
                tests = run_tests(naive_tests(first, ExperimentRules(n=N_TESTS)), truth, first, np.random.default_rng(draw))
                row["naive_channels"] = ",".join(tests["channel"])
                row["naive_captured"] = captured(paths, media, truth, folder / f"d{draw}_naive", [tests])
            print(row, flush=True)
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worlds", default="today,heterogeneous,mixed,confounded")
    parser.add_argument("--seeds", default="5,6")
    parser.add_argument("--media", default="weekly,monthly")
    parser.add_argument("--rounds", type=int, default=2, choices=range(1, len(ROUND_CUTS) + 1))
    parser.add_argument("--draws", type=int, default=2, help="measurement-noise draws per data set")
    parser.add_argument("--naive", action="store_true", help="also score round 1 with the naive choice of tests")
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    out = ROOT / "bench" / "results" / f"experiments{'_' + args.tag if args.tag else ''}.json"
    out.parent.mkdir(exist_ok=True)
    rows: list[dict] = []
    for world in args.worlds.split(","):
        for seed in args.seeds.split(","):
            for media in args.media.split(","):
                rows += one_dataset(world, int(seed), media, args.rounds, args.draws, args.naive)
                out.write_text(json.dumps(rows, indent=1))  # kept as it goes: a long run can be read before it ends
    table = pd.DataFrame(rows)
    cols = [c for c in table if c.endswith("_captured")]
    per_data = table.groupby(["world", "seed", "media"])[cols].mean()  # the expectation over the noise
    print(per_data.round(1).to_string())
    print(per_data.groupby(["world", "media"]).mean().round(1).to_string())
    print(per_data.groupby("media").agg(["mean", "min"]).round(1).to_string())


if __name__ == "__main__":
    main()
