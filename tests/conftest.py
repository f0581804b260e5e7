"""Shared fixtures: a small seeded ElecKart-layout data set written as real files, and artifacts trained on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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


@pytest.fixture(scope="session")
def trained(tmp_path_factory, small_data) -> Path:
    """Artifacts trained by the real training CLI on the small data set."""
    out = tmp_path_factory.mktemp("trained") / "artifacts"
    result = run_cli(
        "ecommerce_training.py",
        "--orders",
        small_data["orders"],
        "--media",
        small_data["media"],
        "--sale-calendar",
        small_data["sales"],
        "--nps",
        small_data["nps"],
        "--holidays",
        small_data["holidays"],
        "--trees",
        "60",
        "--artifacts",
        out,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def artifacts_copy(trained, tmp_path) -> Path:
    """A private copy of the trained artifacts that a test may tamper with."""
    dest = tmp_path / "artifacts"
    shutil.copytree(trained, dest)
    return dest
