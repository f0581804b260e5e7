"""The tool on pysimmmulator worlds (`bench/simmm_worlds.py`): captured uplift, ROI ranking, holdout WAPE, P(beats).

    python bench/bench_simmm.py [--configs example,strong_saturation,long_carryover] [--seeds 21,22,23,24]
                                [--media weekly,monthly] [--tag base] [--keep]
    python bench/bench_simmm.py --rescore base      # only the optimiser and the scoring, on artifacts kept by --keep

For every configuration x seed x media layout it generates the world once (cached under bench/results/simmm/),
trains the tool in-process with its default options (`TrainConfig()`, as bench_truth.run does) on 2014-07-01 to
2016-06-30, and scores, as issue 31 asks:
- captured_pct: the recommended split's true uplift over the historical split as % of the true best split's, at the
  last 13 weeks' company budget spent evenly over the next 13 weeks, every channel within 0.25x-3x of its historical
  amount (for the optimiser, as an analyst's bounds, and for the true best alike), the optimiser's default max_change;
- roi_rho: Spearman rank correlation of the tool's ROI (artifacts' contributions) with the world's true ROI (media GMV
  per rupee over the training window), per subcategory, averaged;
- holdout_wape_pct: the manifest's holdout WAPE, averaged over subcategories;
- p_beats (stated) and truly_beats (the true GMV of the recommended split > the historical split's).
The true best split maximises a sum of per-channel S-curves (not concave): a dynamic programme over a grid of each
channel's amount, refined by SLSQP, and never below the recommended or historical split.

--rescore TAG re-runs only `optimise_budget` (imported when the scoring starts, so the code on disk now) and the
scoring on bench/results/simmm_art/TAG/, and writes bench/results/simmm_TAG_rescored.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import spearmanr
from simmm_worlds import DATA_END, DATA_START, DEFAULT_CONFIGS, N_ORDERS, SimmmWorld, config_names, world_dataset

from gmvplanner.config import ROOT

RESULTS = ROOT / "bench" / "results"
KEPT = RESULTS / "simmm_art"  # --keep: artifacts per tag, world, seed and media
DEFAULT_SEEDS = (21, 22, 23, 24)
BUDGET_WEEKS = 13
BOUNDS_RANGE = (0.25, 3.0)  # every channel within these multiples of its historical amount (optimiser and truth)
GRID = 241  # points per channel in the true best's dynamic programme


def true_best(response, channels: list[str], budget: float, bounds: list[tuple[float, float]], starts: list[np.ndarray]):
    """The split of `budget` within `bounds` with the highest true GMV: a dynamic programme over a grid of each
    channel's amount (the response is a sum of per-channel curves, not concave), then SLSQP from it and from `starts`;
    the best of all, `starts` included."""
    step = budget / (GRID - 1)
    levels = np.arange(GRID) * step
    value = np.zeros(GRID)  # best GMV of the channels so far, spending levels[j]
    value[1:] = -np.inf
    choice = []
    for c, (lo, hi) in zip(channels, bounds):
        amounts = levels[(levels >= lo - 1e-12) & (levels <= hi + 1e-12)]
        if len(amounts) == 0:
            amounts = np.array([lo])
        curve = response.curve(c, amounts)
        shift = np.rint(amounts / step).astype(int)
        best, pick = np.full(GRID, -np.inf), np.zeros(GRID, dtype=int)
        for k, (s, g) in enumerate(zip(shift, curve)):
            cand = np.full(GRID, -np.inf)
            cand[s:] = value[: GRID - s] + g
            better = cand > best
            best[better], pick[better] = cand[better], k
        choice.append((amounts, pick))
        value = best
    j = GRID - 1
    x = np.zeros(len(channels))
    for i in range(len(channels) - 1, -1, -1):
        amounts, pick = choice[i]
        x[i] = amounts[pick[j]]
        j -= int(np.rint(x[i] / step))
    x = x * budget / x.sum() if x.sum() > 0 else x
    candidates = [np.clip(x, [b[0] for b in bounds], [b[1] for b in bounds])] + list(starts)

    def value_of(v: np.ndarray) -> float:
        return response.gmv(channels, v)

    scale = abs(value_of(candidates[0])) or 1.0
    refined = []
    for start in candidates[:2]:
        fit = minimize(
            lambda v: -value_of(v) / scale,
            start,
            method="SLSQP",
            bounds=bounds,
            constraints=[{"type": "eq", "fun": lambda v: v.sum() - budget}],
            options={"maxiter": 200, "ftol": 1e-12},
        )
        if abs(fit.x.sum() - budget) < 1e-6 * budget and all(lo - 1e-9 <= v <= hi + 1e-9 for v, (lo, hi) in zip(fit.x, bounds)):
            refined.append(fit.x)
    lows, highs = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])

    def feasible(v: np.ndarray) -> bool:
        return abs(v.sum() - budget) <= 1e-6 * budget and bool(np.all(v >= lows - 1e-9) and np.all(v <= highs + 1e-9))

    every = [v for v in candidates + refined if feasible(v)]
    values = [value_of(v) for v in every]
    return every[int(np.argmax(values))], max(values)


OPTIMISER_OPTIONS: dict = {}  # --optimiser: more optimise_budget settings (quantile, inflation, trust_region)


def optimiser_options(text: str) -> dict:
    """`quantile=0.2,inflation=3,trust_region=0` as optimise_budget keyword arguments ('none' is None)."""
    out: dict = {}
    for item in filter(None, text.split(",")):
        key, value = item.split("=")
        out[key.strip()] = None if value.strip() == "none" else (bool(int(value)) if key == "trust_region" else float(value))
    return out


def optimiser_vs_world(art, world: SimmmWorld, n_weeks: int = BUDGET_WEEKS, bounds_range=BOUNDS_RANGE) -> dict:
    """The recommended split against the world's truth (mirrors bench_optimiser.optimiser_vs_truth)."""
    optimise = importlib.import_module("gmvplanner.analysis.budget")  # the optimiser on disk when scoring starts
    channels = list(art.channels)
    company = art.table("company_spend")
    budget = float(company[channels].iloc[-n_weeks:].sum().sum())
    historical = optimise.historical_split(art).reindex(channels).to_numpy() * budget
    bounds = [(bounds_range[0] * h, bounds_range[1] * h) for h in historical]
    result = optimise.optimise_budget(art, budget, n_weeks, bounds=dict(zip(channels, bounds)), **OPTIMISER_OPTIONS)
    recommended = result.table.set_index("channel").loc[channels, art.money.column("recommended")].to_numpy()
    response = world.plan_response(result.weeks[0], n_weeks, list(art.subcategories))
    base, rec = response.gmv(channels, historical), response.gmv(channels, recommended)
    best_x, opt = true_best(response, channels, budget, bounds, [historical, recommended])
    share = (rec - base) / (opt - base) * 100 if opt > base else float("nan")
    print(
        f"optimiser: budget {budget:.4f} crore over {n_weeks} weeks from {result.weeks[0].date()}; true uplift of the "
        f"recommended split {rec - base:,.0f} rupees vs the true best {opt - base:,.0f} ({share:.1f}%); model's expected "
        f"uplift {result.uplift:,.0f}, P(beats historical) {result.p_beats_historical} ({result.method})"
    )
    print(
        pd.DataFrame({"historical": historical, "recommended": recommended, "true_best": best_x}, index=channels)
        .div(historical.clip(min=1e-12), axis=0)
        .round(2)
        .rename(columns=lambda c: c + "_x")
        .to_string()
    )
    return {
        "captured_pct": share,
        "p_beats": result.p_beats_historical or 0.0,
        "truly_beats": float(rec > base),
        "true_uplift_pct_of_base": (rec - base) / base * 100,
        "best_uplift_pct_of_base": (opt - base) / base * 100,
        "stated_uplift": float(result.uplift),
        "true_uplift": rec - base,
        "method": result.method,
        "max_change": result.max_change,
        "recommended_x": dict(zip(channels, (recommended / historical.clip(min=1e-12)).round(3).tolist())),
        "best_x": dict(zip(channels, (best_x / historical.clip(min=1e-12)).round(3).tolist())),
    }


def roi_recovery(art, world: SimmmWorld) -> dict:
    """Rank correlation of the tool's ROI with the true one, per subcategory (channels the world spends on)."""
    contributions = art.table("contributions")
    true = world.true_roi()
    rhos = {}
    for sub in art.subcategories:
        est = contributions.loc[contributions["subcategory"] == sub].set_index("channel")["roi"]
        common = [c for c in world.channels if c in est.index]
        rhos[sub] = float(spearmanr(est.reindex(common), true.loc[sub, common]).statistic)
        print(pd.DataFrame({"true_roi": true.loc[sub, common], "est_roi": est.reindex(common)}).round(3).T.to_string())
    return {"roi_rho": float(np.nanmean(list(rhos.values()))), "roi_rho_by_sub": rhos}


def score(art, world: SimmmWorld) -> dict:
    row = roi_recovery(art, world)
    row["holdout_wape_pct"] = float(np.mean([100 * art.manifest.metrics[s]["model"]["wape"] for s in art.subcategories]))
    row.update(optimiser_vs_world(art, world))
    return row


def train_one(paths: dict[str, Path], media: str, out: Path) -> float:
    """Train with the default options in-process, as bench_truth.run does; returns the seconds it took."""
    from gmvplanner.model.train_config import TrainConfig  # noqa: PLC0415
    from gmvplanner.pipeline import TrainingInputs, train  # noqa: PLC0415

    start = time.perf_counter()
    train(TrainingInputs.from_dataset(paths, DATA_START, DATA_END, weekly_media=media == "weekly"), out, config=TrainConfig())
    return time.perf_counter() - start


def world_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per world and media layout: captured mean and worst, rho, WAPE, stated and observed P(beats)."""
    grouped = rows.groupby(["world", "media"], sort=False)
    table = grouped.agg(
        seeds=("seed", "size"),
        captured_mean_pct=("captured_pct", "mean"),
        captured_worst_pct=("captured_pct", "min"),
        roi_rho=("roi_rho", "mean"),
        holdout_wape_pct=("holdout_wape_pct", "mean"),
        p_beats_stated=("p_beats", "mean"),
        truly_beats=("truly_beats", "mean"),
        best_uplift_pct=("best_uplift_pct_of_base", "mean"),
    )
    return table.round(3)


def calibration(rows: pd.DataFrame) -> pd.DataFrame:
    """How often a split truly beat the historical one, against the probability the tool stated, in bins."""
    stated = rows[["p_beats", "truly_beats"]].dropna()
    bins = pd.cut(stated["p_beats"], [0.0, 0.5, 0.7, 0.9, 1.0001], right=False)
    table = stated.groupby(bins, observed=True).agg(
        stated=("p_beats", "mean"), observed=("truly_beats", "mean"), n=("p_beats", "size")
    )
    all_row = pd.DataFrame(
        {"stated": [stated["p_beats"].mean()], "observed": [stated["truly_beats"].mean()], "n": [len(stated)]}, index=["all"]
    )
    return pd.concat([table.set_axis(table.index.astype(str)), all_row])


def report(rows: pd.DataFrame, seconds: list[float], path: Path) -> None:
    print(world_table(rows).to_string())
    print("stated probability of beating the historical split against how often it truly did:")
    print(calibration(rows).round(3).to_string())
    if seconds:
        print(f"training {np.mean(seconds):.1f} s per data set (min {np.min(seconds):.1f}, max {np.max(seconds):.1f})")
    path.write_text(json.dumps({"train_seconds": seconds, "rows": rows.to_dict("records")}, indent=1, default=str))
    print(f"wrote {path}")


def run_all(args: argparse.Namespace) -> None:
    from gmvplanner.model.artifacts import load_artifacts  # noqa: PLC0415

    rows, seconds = [], []
    out = RESULTS / f"simmm_{args.tag}.json"
    runs = [(seed, name) for seed in [int(s) for s in args.seeds.split(",")] for name in args.configs.split(",")]
    for seed, name in runs:  # seed by seed, so a run cut short still covers every world
        paths, world = world_dataset(name, seed, args.n_orders)
        for media in args.media.split(","):
            print(f"=== world {name}, seed {seed}, {media} spend", flush=True)
            with tempfile.TemporaryDirectory() as tmp:
                took = train_one(paths, media, Path(tmp) / "art")
                if args.keep:
                    keep = KEPT / args.tag / f"{name}_seed{seed}_{media}"
                    shutil.rmtree(keep, ignore_errors=True)
                    shutil.copytree(Path(tmp) / "art", keep)
                row = score(load_artifacts(Path(tmp) / "art"), world)
            rows.append({"world": name, "seed": seed, "media": media, "train_seconds": took, **row})
            seconds.append(took)
            print(
                f"captured {row['captured_pct']:.1f}%, rho {row['roi_rho']:.2f}, WAPE {row['holdout_wape_pct']:.1f}%, "
                f"P(beats) {row['p_beats']} truly {row['truly_beats']:.0f}; trained in {took:.1f} s",
                flush=True,
            )
            RESULTS.mkdir(exist_ok=True)
            pd.DataFrame(rows).to_json(out.with_suffix(".partial.json"), orient="records", indent=1, default_handler=str)
    report(pd.DataFrame(rows), seconds, out)
    out.with_suffix(".partial.json").unlink(missing_ok=True)


def rescore(args: argparse.Namespace) -> None:
    from gmvplanner.model.artifacts import load_artifacts  # noqa: PLC0415

    folder = KEPT / args.rescore
    if not folder.is_dir():
        sys.exit(f"no kept artifacts under {folder}; run with --keep --tag {args.rescore} first")
    rows = []
    seeds = {int(s) for s in args.seeds.split(",")}
    for art_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        name, rest = art_dir.name.split("_seed")
        seed, media = rest.split("_")
        if (name not in args.configs.split(",") and args.configs != "all") or int(seed) not in seeds:
            continue
        _, world = world_dataset(name, int(seed), args.n_orders)
        print(f"=== rescore {art_dir.name}", flush=True)
        rows.append({"world": name, "seed": int(seed), "media": media, **score(load_artifacts(art_dir), world)})
    suffix = f"_{args.out_tag}" if args.out_tag else ""
    report(pd.DataFrame(rows), [], RESULTS / f"simmm_{args.rescore}_rescored{suffix}.json")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", default=",".join(DEFAULT_CONFIGS), help="comma-separated: " + ", ".join(config_names()))
    parser.add_argument("--seeds", default=",".join(map(str, DEFAULT_SEEDS)))
    parser.add_argument("--media", default="weekly,monthly")
    parser.add_argument("--n-orders", type=int, default=N_ORDERS)
    parser.add_argument("--tag", default="base")
    parser.add_argument("--keep", action="store_true", help="keep each run's artifacts under bench/results/simmm_art/<tag>/")
    parser.add_argument("--rescore", metavar="TAG", help="re-run only the optimiser and the scoring on kept artifacts")
    parser.add_argument(
        "--optimiser", default="", help="optimise_budget settings, e.g. quantile=0.2,inflation=3,trust_region=1 (none: None)"
    )
    parser.add_argument("--out-tag", default="", help="--rescore: suffix of the results file, to keep settings apart")
    args = parser.parse_args(argv)
    OPTIMISER_OPTIONS.update(optimiser_options(args.optimiser))
    if args.rescore:
        if "--configs" not in (argv or sys.argv):
            args.configs = "all"
        return rescore(args)
    return run_all(args)


if __name__ == "__main__":
    main()
