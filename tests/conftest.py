"""Shared fixtures: a small seeded ElecKart-layout data set written as real files, and artifacts trained on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gmvplanner.synth import SynthConfig, write_dataset

ROOT = Path(__file__).resolve().parent.parent
SMALL_ORDERS = 60_000


def run_cli(script: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run one of the real top-level scripts the way a user would."""
    return subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> dict[str, Path]:
    """Two years of orders (about 60k rows) with every fault of the real file, plus media and calendars."""
    return write_dataset(tmp_path_factory.mktemp("small_data"), SynthConfig(n_orders=SMALL_ORDERS, seed=11))


def _train_cli(out: Path, small_data: dict[str, Path], media: str, *extra: str) -> Path:
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


@pytest.fixture(scope="session")
def trained(tmp_path_factory, small_data) -> Path:
    """Forest artifacts trained by the real training CLI on the small data set's monthly media file."""
    return _train_cli(tmp_path_factory.mktemp("trained") / "artifacts", small_data, "media", "--trees", "60")


@pytest.fixture
def artifacts_copy(trained, tmp_path) -> Path:
    """A private copy of the trained artifacts that a test may tamper with."""
    dest = tmp_path / "artifacts"
    shutil.copytree(trained, dest)
    return dest


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


@pytest.fixture(scope="session")
def weekly_csv(tmp_path_factory) -> Path:
    frame, _ = weekly_table()
    path = tmp_path_factory.mktemp("weekly") / "weekly.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def trained_mmm(tmp_path_factory, small_data) -> Path:
    """Media-mix artifacts trained by the real CLI on the small data set's weekly media file."""
    return _train_cli(
        tmp_path_factory.mktemp("trained_mmm") / "artifacts",
        small_data,
        "media_weekly",
        "--start",
        "2014-07-01",
        "--end",
        "2016-06-30",
        "--model",
        "mmm",
    )
