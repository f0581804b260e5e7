"""Are the channels the candidate models agree on more often right than those they disagree on? And how long does the
candidates step take?

    python bench/bench_candidates.py [--worlds today,s_shaped,mixed] [--seeds 5,6] [--media weekly] [--n-orders 300000]
    python bench/bench_candidates.py --default   # only time the step on the default data's artifacts/ (train first)

For each benchmark world and seed (`gmvplanner/synth/worlds.py`, data generated once under bench/results/worlds/),
trains the default model, makes its candidates (`pipeline.candidates.build_candidates`) and scores every channel
against the generator's truth:
- rank right: the trained model's ROI rank of the channel lies within one place of its true ROI rank (company-wide:
  true media GMV over spend, summed over the subcategories);
- direction right: the trained model's recommended move of the channel (up, down, hold within 5%) is not the opposite
  of the true best split's (the split of the same budget maximising the true GMV, each channel within 0.25x-3x of its
  historical amount); hold is never counted wrong, a move the truth does not make (truth holds) is.
It then compares how often each is right where the candidates that fit about as well agree (on the rank, on the move)
and where they disagree. Results go to bench/results/candidates_<tag>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd
from bench_optimiser import true_best, true_plan_gmv  # the script's own folder is on sys.path
from bench_truth import world_dataset

from gmvplanner.analysis.budget import even_plan, historical_split, plan_weeks, recent_budget
from gmvplanner.analysis.candidates import move_direction
from gmvplanner.config import ARTIFACTS_DIR, PLAN_WEEKS, ROOT, spend_column
from gmvplanner.model.artifacts import MANIFEST, file_sha256, load_artifacts
from gmvplanner.pipeline import TrainingInputs, train
from gmvplanner.pipeline.candidates import build_candidates
from gmvplanner.synth import TrueProcess

BOUNDS_RANGE = (0.25, 3.0)  # as bench_truth.py: the true best split keeps every channel within these multiples
OPPOSITE = {("up", "down"), ("down", "up")}


def true_answers(art, truth: TrueProcess) -> pd.DataFrame:
    """Each channel's true company ROI rank and the true best split's move at the recent budget."""
    history = art.table("history")
    media, spend = 0.0, 0.0
    for sub in art.subcategories:
        rows = history.loc[history["subcategory"] == sub].set_index("week_start")
        effect = truth.media_gmv(truth.weekly_spend_crore, sub).reindex(rows.index)
        media = media + effect.mul(rows["days"] / 7.0, axis=0).sum()
        spend = spend + pd.Series({c: rows[spend_column(c)].sum() for c in art.channels})
    roi = (media / spend.where(spend > 0)).reindex(art.channels)
    budget = recent_budget(art, PLAN_WEEKS)
    historical = historical_split(art).reindex(art.channels).to_numpy() * budget
    weeks = plan_weeks(art, None, PLAN_WEEKS)

    def true_of(x):
        return true_plan_gmv(truth, art.subcategories, even_plan(weeks, art.channels, x))

    bounds = [(BOUNDS_RANGE[0] * h, BOUNDS_RANGE[1] * h) for h in historical]
    best = true_best(true_of, historical, budget, bounds).x
    return pd.DataFrame(
        {
            "channel": art.channels,
            "true_rank": roi.rank(ascending=False, method="min").to_numpy(),
            "true_direction": [move_direction(h, b) for h, b in zip(historical, best)],
        }
    )


def score(art, found, truth: TrueProcess) -> pd.DataFrame:
    """One row per channel: whether the candidates agree and whether the trained model's answer is right."""
    agreement = found.agreement()
    own = found.channels.loc[found.channels["candidate"] == "as trained", ["channel", "rank", "direction"]]
    rows = agreement.merge(own, on="channel").merge(true_answers(art, truth), on="channel")
    rows["rank_right"] = (rows["rank"] - rows["true_rank"]).abs() <= 1
    rows["direction_right"] = [
        (d, t) not in OPPOSITE and not (d != "hold" and t == "hold") for d, t in zip(rows["direction"], rows["true_direction"])
    ]
    rows["n_fitting"] = len(found.fitting)
    return rows


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    """How often the trained model's rank and move are right where the candidates agree on it and where they do not."""
    out = []
    for what, agrees, right in (("rank", "rank_agrees", "rank_right"), ("move", "direction_agrees", "direction_right")):
        for flag, label in ((True, "agree"), (False, "disagree")):
            part = rows.loc[rows[agrees] == flag, right]
            out.append({"answer": what, "candidates": label, "channels": len(part), "right_pct": 100 * part.mean()})
    return pd.DataFrame(out).round(1)


def time_default() -> None:
    """The candidates step on the default data's trained artifacts (artifacts/)."""
    art = load_artifacts(ARTIFACTS_DIR)
    start = time.perf_counter()
    found = build_candidates(art, file_sha256(ARTIFACTS_DIR / MANIFEST), report=lambda m, f: print(f"  {m}"))
    print(f"default data: {len(found.candidates)} candidates in {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worlds", default="today,s_shaped,mixed")
    parser.add_argument("--seeds", default="5,6")
    parser.add_argument("--media", default="weekly", choices=["weekly", "monthly"])
    parser.add_argument("--n-orders", type=int, default=300_000)
    parser.add_argument("--tag", default="")
    parser.add_argument("--default", action="store_true", help="only time the step on artifacts/")
    args = parser.parse_args()
    if args.default:
        return time_default()
    rows, seconds = [], []
    for world in args.worlds.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            paths = world_dataset(world, seed, args.n_orders)
            truth = TrueProcess.from_files(paths["truth"], paths["media_weekly"])
            with tempfile.TemporaryDirectory() as tmp:
                inputs = TrainingInputs.from_dataset(paths, "2014-07-01", "2016-06-30", weekly_media=args.media == "weekly")
                train(inputs, Path(tmp) / "art")
                art = load_artifacts(Path(tmp) / "art")
                start = time.perf_counter()
                found = build_candidates(art, file_sha256(Path(tmp) / "art" / MANIFEST))
                seconds.append(time.perf_counter() - start)
                scored = score(art, found, truth).assign(world=world, seed=seed)
            print(f"=== {world} seed {seed}: {len(found.fitting)} of {len(found.candidates)} fit; {seconds[-1]:.1f} s")
            print(
                scored[
                    ["channel", "rank_low", "rank_high", "rank", "true_rank", "directions", "direction", "true_direction"]
                ].to_string(index=False)
            )
            rows.append(scored)
    everything = pd.concat(rows, ignore_index=True)
    table = summary(everything)
    print(table.to_string(index=False))
    print(f"candidates step: {sum(seconds) / len(seconds):.1f} s per data set (mean of {len(seconds)})")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    name = f"candidates_{args.media}" + (f"_{args.tag}" if args.tag else "")
    payload = {"args": vars(args), "seconds": seconds, "summary": table.to_dict("records"), "rows": everything.to_dict("records")}
    (out / f"{name}.json").write_text(json.dumps(payload, indent=1, default=str))


if __name__ == "__main__":
    main()
