"""The README's table across benchmark worlds, from results already written (no training).

    python bench/worlds_table.py --truth report_a,report_b --captured report_a_report_b [--setting auto]

Recovery columns (share MAE, ROI rank correlation, ROI 80% interval coverage, holdout WAPE) come from
bench_truth.py --worlds ... --tag T (bench/results/worlds_hybrid_report_T.json); the captured uplift and the
stated P(beats historical) from bench/tune_optimiser.py on the artifacts those runs kept
(bench/results/tune_optimiser_<captured>.json), for one optimiser setting (default: auto, the CLI's default).
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

from gmvplanner.config import ROOT

RESULTS = ROOT / "bench" / "results"


def recovery(tags: list[str]) -> pd.DataFrame:
    """Per world, media and seed: the recovery figures averaged over subcategories."""
    rows = pd.concat([pd.DataFrame(json.loads((RESULTS / f"worlds_hybrid_report_{t}.json").read_text())["rows"]) for t in tags])
    return rows.groupby(["world", "media", "seed"], sort=False).agg(
        share_mae_pts=("share_mae_pts", "mean"),
        roi_rho=("roi_spearman", "mean"),
        roi_cover_pct=("roi_coverage_pct", "mean"),
        holdout_wape_pct=("holdout_wape_pct", "mean"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", required=True, help="comma-separated bench_truth.py tags")
    parser.add_argument("--captured", required=True, help="the tune_optimiser.py results name")
    parser.add_argument("--setting", default="auto")
    args = parser.parse_args()
    per_seed = recovery(args.truth.split(","))
    captured = pd.DataFrame(json.loads((RESULTS / f"tune_optimiser_{args.captured}.json").read_text()))
    captured = captured.set_index(["world", "media", "seed"])[
        [args.setting, f"{args.setting}_p_beats", f"{args.setting}_truly_beats"]
    ].set_axis(["captured_pct", "p_beats", "truly_beats"], axis=1)
    both = per_seed.join(captured, how="inner")
    grouped = both.groupby(["world", "media"], sort=False)
    table = grouped.mean()
    table.insert(table.columns.get_loc("captured_pct") + 1, "captured_worst_pct", grouped["captured_pct"].min())
    print(table.round(2).to_string())
    print("over every world and seed, by media:")
    print(
        both.groupby("media")[["captured_pct", "share_mae_pts", "roi_rho", "roi_cover_pct"]]
        .agg(["mean", "min"])
        .round(2)
        .to_string()
    )
    bins = pd.cut(both["p_beats"], [0.0, 0.5, 0.7, 0.9, 1.0001], right=False)
    calibration = both.groupby(bins, observed=True).agg(
        stated=("p_beats", "mean"), true=("truly_beats", "mean"), n=("p_beats", "size")
    )
    print("stated probability of beating the historical split against how often it truly did:")
    print(calibration.round(3).to_string())


if __name__ == "__main__":
    main()
