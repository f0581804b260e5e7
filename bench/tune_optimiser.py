"""Re-score the optimiser's move-limit settings on artifacts kept by bench_truth.py --worlds --keep, without training.

    python bench/tune_optimiser.py --tag tune [--media monthly]

For every kept data set (bench/results/worlds_art/<tag>/<world>_seed<N>_<media>) and every setting below, the split
at the last 13 weeks' budget within 0.25x-3x bounds is scored against the generator's truth (captured uplift, as
bench_truth.py). Settings: `--max-change auto` (0.3 on weak evidence, no limit otherwise) and `--max-change own`
with several MOVE_SCALE (strong evidence) and MOVE_SCALE_WEAK (weak evidence). Tune on the tune seeds (1-4) only.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re

import pandas as pd
from bench_optimiser import optimiser_vs_truth  # the script's own folder is on sys.path
from bench_truth import BOUNDS_RANGE, KEPT, world_dataset

from gmvplanner.analysis.adequacy import evidence_is_weak
from gmvplanner.analysis.budget import bounds as budget_bounds
from gmvplanner.config import AUTO, OWN, ROOT
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.synth import TrueProcess

SETTINGS = {  # None: --max-change auto; (MOVE_SCALE, MOVE_SCALE_WEAK): --max-change own with those scales; blanket:
    # the 0.2.0 auto (0.3 on weak evidence, no limit otherwise)
    "blanket": (None, None),
    "auto": None,
    "own_s0.5_w0.25": (0.5, 0.25),
    "own_s1_w0.5": (1.0, 0.5),
    "own_s1_w0.125": (1.0, 0.125),
    "own_s2_w0.25": (2.0, 0.25),
}
# the objective and trust region under --max-change auto (issue 31): the uplift's quantile over the refits (None: the
# mean, as before 0.6.0) and whether each channel stays within the weekly spend levels the training data showed
OBJECTIVES = {
    "mean_free": {"quantile": None, "trust_region": False},
    "mean_trust": {"quantile": None, "trust_region": True},
    "q0.3_trust": {"quantile": 0.3, "trust_region": True},
    "q0.2_trust": {"quantile": 0.2, "trust_region": True},
    "q0.1_trust": {"quantile": 0.1, "trust_region": True},
    "q0.05_trust": {"quantile": 0.05, "trust_region": True},
    "q0.2_free": {"quantile": 0.2, "trust_region": False},
    "q0.2_x2": {"quantile": 0.2, "trust_region": True, "inflation": 2.0},
    "q0.2_x3": {"quantile": 0.2, "trust_region": True, "inflation": 3.0},
    "q0.2_x1": {"quantile": 0.2, "trust_region": True, "inflation": 1.0},
    "q0.2_x3_free": {"quantile": 0.2, "trust_region": False, "inflation": 3.0},
    "q0.2_s1.5": {"quantile": 0.2, "trust_region": True, "inflation": 1.0, "trust_stretch": 1.5},
    "q0.2_s2": {"quantile": 0.2, "trust_region": True, "inflation": 1.0, "trust_stretch": 2.0},
    "q0.2_free1": {"quantile": 0.2, "trust_region": False, "inflation": 1.0},
    # the same without each channel's own move limit on strong evidence (the 0.2.0 blanket rule: 0.3 on weak
    # evidence, no limit otherwise): do the quantile and the trust region make the per-channel limits redundant?
    "q0.2_s1.5_blanket": {"quantile": 0.2, "trust_region": True, "inflation": 1.0, "trust_stretch": 1.5, "max_change": "blanket"},
    "ra0.84_trust": {"risk_aversion": 0.84, "trust_region": True},
    "ra1.28_trust": {"risk_aversion": 1.28, "trust_region": True},
    "ra2_trust": {"risk_aversion": 2.0, "trust_region": True},
}


def score(art, truth, setting) -> tuple[float, float, float]:
    """Captured uplift (%) of the split under one setting, the stated P(beats historical) and whether it truly did."""
    if isinstance(setting, dict):  # an objective setting, with the default move limits unless it names its own
        options = {"max_change": AUTO, **setting}
        if options["max_change"] == "blanket":
            options["max_change"] = 0.3 if evidence_is_weak(art.table("adequacy")) else None
        with contextlib.redirect_stdout(io.StringIO()):
            result = optimiser_vs_truth(art, truth, 13, BOUNDS_RANGE, **options)
        first = result.iloc[0]
        return float(first["optimiser_uplift_pct"]), float(first["p_beats"]), float(first["truly_beats"])
    saved = (budget_bounds.MOVE_SCALE, budget_bounds.MOVE_SCALE_WEAK)
    try:
        if setting is not None and setting[0] is not None:
            budget_bounds.MOVE_SCALE, budget_bounds.MOVE_SCALE_WEAK = setting
        blanket = setting == (None, None)  # the 0.2.0 rule: 0.3 on weak evidence, no limit otherwise
        change = (0.3 if evidence_is_weak(art.table("adequacy")) else None) if blanket else AUTO if setting is None else OWN
        with contextlib.redirect_stdout(io.StringIO()):
            result = optimiser_vs_truth(art, truth, 13, BOUNDS_RANGE, max_change=change)
    finally:
        budget_bounds.MOVE_SCALE, budget_bounds.MOVE_SCALE_WEAK = saved
    first = result.iloc[0]
    return float(first["optimiser_uplift_pct"]), float(first["p_beats"]), float(first["truly_beats"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tag", required=True, help="the --tag of bench_truth.py --keep (comma-separated: several)")
    parser.add_argument("--media", default="weekly,monthly")
    every = {**SETTINGS, **OBJECTIVES}
    parser.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated: " + ", ".join(every))
    args = parser.parse_args()
    settings = {name: every[name] for name in args.settings.split(",")}
    rows = []
    folders = sorted(f for tag in args.tag.split(",") for f in (KEPT / tag).iterdir())
    for folder in folders:
        world, seed, media = re.match(r"(\w+?)_seed(\d+)_(\w+)", folder.name).groups()
        if media not in args.media.split(","):
            continue
        paths = world_dataset(world, int(seed))
        truth = TrueProcess.from_files(paths["truth"], paths["media_weekly"])
        art = load_artifacts(folder)
        row = {"world": world, "seed": int(seed), "media": media}
        for name, setting in settings.items():
            row[name], row[f"{name}_p_beats"], row[f"{name}_truly_beats"] = score(art, truth, setting)
        print(row, flush=True)
        rows.append(row)
    table = pd.DataFrame(rows)
    names = list(settings)
    print(table.groupby(["media", "world"])[names].mean().round(1).to_string())
    print("mean / worst over data sets:")
    print(table.groupby("media")[names].agg(["mean", "min"]).round(1).T.to_string())
    name = args.tag.replace(",", "_")
    (ROOT / "bench" / "results" / f"tune_optimiser_{name}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
