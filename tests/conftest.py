"""Shared fixtures: a small seeded ElecKart-layout data set written as real files, artifacts trained on it, and
the rule that marks the tests needing them `slow` (so `pytest -m "not slow"` is the fast unit-test loop)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from gmvplanner.model.artifacts import Artifacts, load_artifacts
from gmvplanner.synth import SynthConfig, write_dataset

from . import helpers, shop_exports
from .helpers import SMALL_ORDERS, train_cli, weekly_table

# Fixtures that write the small data set or train on it with the real CLI (seconds to minutes each); a test that
# uses one of them, directly or through another fixture, is marked slow.
SLOW_FIXTURES = frozenset({"small_data", "trained", "trained_mmm", "trained_no_spend"})
E2E_DIR = Path(__file__).parent / "e2e"
# a browser test that fails is run again up to this many times (pytest-rerunfailures; the report says so): typing
# into the data grid in chromium is occasionally swallowed on a loaded 2-core machine (CI on 2026-12-07: one of
# three runs), which is the browser's timing, not the app's behaviour
BROWSER_RERUNS = 2
RERUNS_INSTALLED = importlib.util.find_spec("pytest_rerunfailures") is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what needs training, a CLI subprocess or a browser: `slow` for all of it, `e2e` for tests/e2e,
    `browser` for every file that launches chromium (named `test_browser*.py`, e.g. the sign-in test too). A test
    that trains in-process or runs a CLI in a subprocess without these fixtures says `@pytest.mark.slow` itself."""
    for item in items:
        path = Path(item.path)
        if E2E_DIR in path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
        if path.name.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)
            if RERUNS_INSTALLED:  # a loaded machine can swallow a double-click in chromium: try twice more
                item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, reruns_delay=5))
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())) or _names_a_slow_fixture(item):
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test runs: only a test marked slow may start a CLI subprocess (helpers.run_cli)."""
    helpers.SUBPROCESS_ALLOWED = item.get_closest_marker("slow") is not None


def _names_a_slow_fixture(item: pytest.Item) -> bool:
    """A test parametrized by fixture name (`request.getfixturevalue(which)`) needs that fixture too."""
    callspec = getattr(item, "callspec", None)
    return callspec is not None and any(isinstance(v, str) and v in SLOW_FIXTURES for v in callspec.params.values())


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


@pytest.fixture(scope="session")
def trained_no_spend(tmp_path_factory) -> Path:
    """Artifacts from a shop's export of orders alone (Online Retail layout, GBP, no media: no channels), trained by
    the real training CLI (`shop_exports.train_without_spend`)."""
    return shop_exports.train_without_spend(tmp_path_factory.mktemp("no_spend"))


@pytest.fixture(scope="module")
def mmm_art(trained_mmm) -> Artifacts:
    """The media-mix artifacts, loaded once per test module: a module may monkeypatch them or fill their caches
    without reaching another module."""
    return load_artifacts(trained_mmm)


@pytest.fixture(scope="module")
def forest_art(trained) -> Artifacts:
    """The forest artifacts, loaded once per test module."""
    return load_artifacts(trained)
