"""Shared fixtures: a small seeded ElecKart-layout data set written as real files, and artifacts trained on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gmvplanner.model.artifacts import Artifacts, load_artifacts
from gmvplanner.synth import SynthConfig, write_dataset

from .helpers import SMALL_ORDERS, train_cli, weekly_table


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> dict[str, Path]:
    """Two years of orders (about 60k rows) with every fault of the real file, plus media and calendars."""
    return write_dataset(tmp_path_factory.mktemp("small_data"), SynthConfig(n_orders=SMALL_ORDERS, seed=11))


@pytest.fixture(scope="session")
def trained(tmp_path_factory, small_data) -> Path:
    """Forest artifacts (the seed's model, no longer the default) from the real training CLI on the monthly media file."""
    return train_cli(tmp_path_factory.mktemp("trained") / "artifacts", small_data, "media", "--model", "forest", "--trees", "60")


@pytest.fixture
def artifacts_copy(trained, tmp_path) -> Path:
    """A private copy of the trained artifacts that a test may tamper with."""
    dest = tmp_path / "artifacts"
    shutil.copytree(trained, dest)
    return dest


@pytest.fixture(scope="session")
def weekly_csv(tmp_path_factory) -> Path:
    frame, _ = weekly_table()
    path = tmp_path_factory.mktemp("weekly") / "weekly.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def trained_mmm(tmp_path_factory, small_data) -> Path:
    """Media-mix artifacts trained by the real CLI on the small data set's weekly media file."""
    return train_cli(
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


@pytest.fixture(scope="module")
def mmm_art(trained_mmm) -> Artifacts:
    """The media-mix artifacts, loaded once per test module: a module may monkeypatch them or fill their caches
    without reaching another module."""
    return load_artifacts(trained_mmm)


@pytest.fixture(scope="module")
def forest_art(trained) -> Artifacts:
    """The forest artifacts, loaded once per test module."""
    return load_artifacts(trained)
