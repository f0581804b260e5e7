"""GMV Planner on the public PyMC-Marketing example (shared/data/peers/mmm_example.csv), against its known truth.

    python bench/bench_peers.py [--model mmm|forest]

Trains through the weekly-table path with the last 36 weeks held out and reports the holdout MAPE and
the error of the two channels' shares of media-driven GMV. Truth (SOURCES.md): over all 179 weeks
x1 80.66% / x2 19.34%; peers' best: holdout MAPE 4.72%, share error 0.1 points, about a minute; noise floor 4.20%.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gmvplanner.model import ModelKind, TrainConfig  # noqa: E402
from gmvplanner.pipeline import train_weekly  # noqa: E402

PEERS = ROOT.parent / "shared" / "data" / "peers" / "mmm_example.csv"
TRUE_SHARE_X1 = 80.66  # percent of the media effect over all 179 weeks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="mmm", choices=[k.value for k in ModelKind])
    parser.add_argument("--data", type=Path, default=PEERS)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found (the shared folder sits beside the project)")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = train_weekly(
            args.data,
            "date_week",
            "y",
            ["x1", "x2"],
            ["event_1", "event_2"],
            None,
            Path(tmp) / "a",
            TrainConfig(model=ModelKind(args.model), holdout_weeks=36),
        )
        seconds = time.perf_counter() - start
        contributions = pd.read_csv(Path(tmp) / "a" / "contributions.csv").set_index("channel")
    metrics = result.manifest["metrics"]["all"]
    share_x1 = float(contributions.loc["x1", "share"] * 100)
    out = {
        "model": args.model,
        "seconds": round(seconds, 2),
        "holdout_mape_pct": round(metrics["model"]["mape"] * 100, 2),
        "baseline_last_week_mape_pct": round(metrics["last_week"]["mape"] * 100, 2),
        "baseline_mean13_mape_pct": round(metrics["mean_13_weeks"]["mape"] * 100, 2),
        "share_x1_pct": round(share_x1, 2),
        "share_error_pts": round(abs(share_x1 - TRUE_SHARE_X1), 2),
        "media_params": result.manifest["media_params"]["all"],
    }
    print(json.dumps(out, indent=1))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"peers_{args.model}.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
