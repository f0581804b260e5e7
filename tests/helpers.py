"""Helpers shared by the tests: the real CLIs run as a user runs them, and small tables built in code."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SMALL_ORDERS = 60_000


# tests/conftest.py sets this before each test from its `slow` mark: a subprocess takes seconds, so a test that
# runs one belongs outside the fast loop (`pytest -m "not slow"`) and run_cli says so when it is not marked.
SUBPROCESS_ALLOWED = True


def run_cli(script: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run one of the real top-level scripts the way a user would."""
    if not SUBPROCESS_ALLOWED:
        raise AssertionError(f"{script} runs in a subprocess (seconds): mark this test @pytest.mark.slow")
    return subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Each file's SHA-256 by name: equal before and after a run proves the run left the folder byte-identical.
    Hashed here with hashlib, not with the package's own checksum code, so the check does not lean on what it checks."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def optimize_cli(
    artifacts: Path, folder: Path, bounds_csv: str, budget: str, weeks: str
) -> tuple[subprocess.CompletedProcess, Path]:
    """The real optimize CLI with a bounds file written from `bounds_csv`; returns the run and its --out path."""
    bounds, out = folder / "bounds.csv", folder / "split.csv"
    bounds.write_text(bounds_csv)
    result = run_cli(
        "ecommerce_testing.py",
        *("optimize", "--artifacts", artifacts, "--budget", budget, "--weeks", weeks, "--bounds", bounds, "--out", out),
    )
    return result, out


def train_cli(out: Path, small_data: dict[str, Path], media: str, *extra: str) -> Path:
    """Train with the real CLI on the small data set (with every calendar) into `out`."""
    result = run_cli(
        "ecommerce_training.py",
        "--orders",
        small_data["orders"],
        "--media",
        small_data[media],
        "--sale-calendar",
        small_data["sales"],
        "--nps",
        small_data["nps"],
        "--holidays",
        small_data["holidays"],
        "--artifacts",
        out,
        *extra,
    )
    assert result.returncode == 0, result.stderr
    return out


def weekly_table(n_weeks: int = 120, seed: int = 5) -> tuple[pd.DataFrame, dict[str, float]]:
    """A weekly marketing table with a known additive effect per channel (c: strong, d: none at all)."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2019-01-07", periods=n_weeks, freq="7D")
    c = rng.uniform(0, 2, n_weeks)
    d = rng.uniform(0, 2, n_weeks)
    event = (rng.random(n_weeks) < 0.05).astype(float)
    doy = weeks.day_of_year.to_numpy()
    effect_c = 3000 * c / (c + 1.0)
    y = 10000 + 800 * np.sin(2 * np.pi * doy / 365.25) + 2000 * event + effect_c + rng.normal(0, 150, n_weeks)
    frame = pd.DataFrame({"date_week": weeks.strftime("%Y-%m-%d"), "y": y, "c": c, "d": d, "event": event})
    return frame, {"c": float(effect_c.sum()), "d": 0.0}


def valid_orders_oracle(path: Path, start: str, end: str) -> tuple[pd.DataFrame, pd.Series]:
    """The cleaning rules written plainly in pandas from the raw text (an independent check of the DuckDB stage):
    the valid orders, and the rows dropped per reason."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    dropped = {"exact duplicate row": int(raw.duplicated().sum())}
    rows = raw.loc[~raw.duplicated()].copy()
    missing = ("\\N", "", "NA", "NaN", "nan", "null", "NULL")

    def number(col: str) -> pd.Series:
        text = rows[col].str.strip()
        return pd.to_numeric(text.where(~text.isin(missing)), errors="coerce")

    rows["gmv_n"], rows["units_n"], rows["mrp_n"] = number("gmv"), number("units"), number("product_mrp")
    rows["day"] = pd.to_datetime(rows["order_date"].str[:10])
    sub = rows["product_analytic_sub_category"].where(~rows["product_analytic_sub_category"].isin(missing))
    rules = [
        ("missing GMV", rows["gmv_n"].isna()),
        ("implausible", (rows["gmv_n"] > 1e8) | (rows["mrp_n"] > 1e8) | (rows["units_n"] > 1e5)),
        ("outside modelling window", (rows["day"] < pd.Timestamp(start)) | (rows["day"] > pd.Timestamp(end))),
        ("missing subcategory", sub.isna()),
        ("negative GMV", rows["gmv_n"] < 0),
        ("units missing or below 1", ~(rows["units_n"] >= 1)),
        ("GMV above units x MRP", (rows["mrp_n"] > 0) & (rows["gmv_n"] > rows["units_n"] * rows["mrp_n"] + 0.5)),
    ]
    keep = pd.Series(True, index=rows.index)
    for reason, hit in rules:
        dropped[reason] = int((hit & keep).sum())
        keep &= ~hit
    valid = rows.loc[keep].assign(subcategory=sub[keep])
    return valid, pd.Series(dropped)
