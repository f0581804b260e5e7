"""Seeded synthetic lift tests with a known effect: a tested subcategory's weekly GMV and an untested one's, sharing
season and sales, with a step of known size in the test window (for the readout's coverage check and bench)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SyntheticTest", "synthetic_test"]

WEEKLY_GMV = 1e7  # ₹ a week in the tested subcategory, before season and sales
NOISE = 0.03  # the weeks' own noise, a share of weekly GMV
DRIFT = 0.005  # the tested series' level wanders this much a week (a random walk the control does not share)
LIFT_RANGE = (0.0, 0.08)  # the true weekly lift during the test, a share of weekly GMV, drawn uniformly


@dataclass(frozen=True)
class SyntheticTest:
    """One synthetic test: `weekly` (week_start, tested, control), the test's mask and its true delta_gmv (₹)."""

    weekly: pd.DataFrame
    test: np.ndarray
    true_delta: float


def synthetic_test(seed: int, pre_weeks: int = 60, test_weeks: int = 6, post_weeks: int = 2) -> SyntheticTest:
    """A tested and a control series of `pre_weeks + test_weeks + post_weeks` weeks; the tested one gains a step
    of a drawn size in the test's weeks. Season (yearly) and sale weeks move both; the tested series also drifts."""
    rng = np.random.default_rng(seed)
    n = pre_weeks + test_weeks + post_weeks
    weeks = pd.date_range("2015-01-05", periods=n, freq="7D")
    season = 1.0 + 0.15 * np.sin(2 * np.pi * (np.arange(n) + rng.uniform(0, 52)) / 52.0)
    sales = 1.0 + 0.4 * (rng.random(n) < 0.08)
    common = season * sales
    control = 2.0 * WEEKLY_GMV * common * (1.0 + NOISE * rng.standard_normal(n))
    level = WEEKLY_GMV * (1.0 + np.cumsum(DRIFT * rng.standard_normal(n)))
    tested = level * common + NOISE * WEEKLY_GMV * rng.standard_normal(n)
    test = np.zeros(n, bool)
    test[pre_weeks : pre_weeks + test_weeks] = True
    lift = rng.uniform(*LIFT_RANGE) * WEEKLY_GMV
    tested = tested + lift * test
    frame = pd.DataFrame({"week_start": weeks, "tested": tested, "control": control})
    return SyntheticTest(frame, test, float(lift * test_weeks))
