"""GMV Planner on the public PyMC-Marketing example (shared/data/peers/mmm_example.csv), against its known truth.

    python bench/bench_peers.py [--model hybrid|mmm|forest]   (default: the default model)

Trains through the weekly-table path with the last 36 weeks held out and reports the holdout MAPE and
the error of the two channels' shares of media-driven GMV. Truth (SOURCES.md): over all 179 weeks
x1 80.66% / x2 19.34%; peers' best: holdout MAPE 4.72%, share error 0.1 points, about a minute; noise floor 4.20%.

It also reports a reference: ordinary least squares on the data-generating process's own terms (the true
adstock, saturation, trend and seasonality from SOURCES.md, only the coefficients fitted). That is the best any
model can expect on this one noise draw, so it says which gaps are still method and which are noise.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gmvplanner.config import DEFAULT_MODEL, ROOT
from gmvplanner.model.base import model_names
from gmvplanner.model.train_config import TrainConfig
from gmvplanner.pipeline import train_weekly

PEERS = ROOT.parent / "shared" / "data" / "peers" / "mmm_example.csv"
TRUE_SHARE_X1 = 80.66  # percent of the media effect over all 179 weeks
HOLDOUT_WEEKS = 36


def true_structure_reference(frame: pd.DataFrame) -> dict[str, float]:
    """Least squares on the documented generating terms (SOURCES.md): normalised geometric adstock (8 weeks,
    alpha 0.4 / 0.2) and logistic saturation (lam 4 / 3) of max-scaled spend, the quartic-root trend, the two
    seasonal terms and the events. Returns the x1 share of media GMV fitted on all weeks and the holdout MAPE
    of the fit on the training weeks."""
    n = len(frame)

    def media(x: np.ndarray, alpha: float, lam: float) -> np.ndarray:
        weights = alpha ** np.arange(8) / (alpha ** np.arange(8)).sum()
        stock = np.convolve(x / x.max(), weights)[:n]
        return (1 - np.exp(-lam * stock)) / (1 + np.exp(-lam * stock))

    doy = frame["dayofyear"].to_numpy(float)
    columns = [
        np.ones(n),
        (np.linspace(0, 50, n) + 10) ** 0.25,
        np.sin(4 * np.pi * doy / 365.5),
        np.cos(2 * np.pi * doy / 365.5),
        frame["event_1"].to_numpy(float),
        frame["event_2"].to_numpy(float),
        media(frame["x1"].to_numpy(float), 0.4, 4.0),
        media(frame["x2"].to_numpy(float), 0.2, 3.0),
    ]
    X, y = np.column_stack(columns), frame["y"].to_numpy(float)
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    x1, x2 = coef[6] * X[:, 6].sum(), coef[7] * X[:, 7].sum()
    train = n - HOLDOUT_WEEKS
    coef_train = np.linalg.lstsq(X[:train], y[:train], rcond=None)[0]
    mape = np.mean(np.abs(X[train:] @ coef_train - y[train:]) / y[train:])
    return {
        "holdout_mape_pct": round(float(mape) * 100, 2),
        "share_error_pts": round(abs(100 * x1 / (x1 + x2) - TRUE_SHARE_X1), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=model_names())
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
            TrainConfig(model=args.model, holdout_weeks=HOLDOUT_WEEKS),
        )
        seconds = time.perf_counter() - start
        contributions = pd.read_csv(Path(tmp) / "a" / "contributions.csv").set_index("channel")
    metrics = result.manifest.metrics["all"]
    share_x1 = float(contributions.loc["x1", "share"] * 100)
    out = {
        "model": args.model,
        "seconds": round(seconds, 2),
        "holdout_mape_pct": round(metrics["model"]["mape"] * 100, 2),
        "baseline_last_week_mape_pct": round(metrics["last_week"]["mape"] * 100, 2),
        "baseline_mean13_mape_pct": round(metrics["mean_13_weeks"]["mape"] * 100, 2),
        "share_x1_pct": round(share_x1, 2),
        "share_error_pts": round(abs(share_x1 - TRUE_SHARE_X1), 2),
        "media_params": result.manifest.media_params["all"],
        "true_structure_reference": true_structure_reference(pd.read_csv(args.data)),
    }
    print(json.dumps(out, indent=1))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"peers_{args.model}.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
