"""Lift-test calibration: every result is evidence, including one against the sign of its spend change."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.features.transforms import hill
from gmvplanner.model.mmm import LiftRow, MediaMixRegression


def _data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 4, n), rng.uniform(0, 4, n)
    season = np.sin(np.arange(n) / 8)
    y = 100 + 50 * hill(a, 2.0) + 20 * hill(b, 2.0) + 10 * season + rng.normal(0, 1, n)
    return pd.DataFrame({"adstock_a": a, "adstock_b": b, "season": season}), y


def _fitted(lift=None):
    X, y = _data()
    model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0})
    return MediaMixRegression.fit_many([model], [X], [y], lift=lift)[0]


def test_a_result_against_the_spend_change_pulls_the_channel_towards_zero():
    free = _fitted()
    z = 10.0  # GMV per unit coefficient the test's extra spend adds over its days
    effect = free.media_coef_[0] * z
    sigma = 0.01 * effect  # a sure test against 150 weeks with little noise
    agreeing = _fitted([LiftRow(0, {0: z}, effect, sigma)])
    opposite = _fitted([LiftRow(0, {0: z}, -effect, sigma)])
    surest = _fitted([LiftRow(0, {0: z}, -effect, 0.1 * sigma)])
    assert agreeing.media_coef_[0] == pytest.approx(free.media_coef_[0], rel=0.02)  # it agreed: nothing to move
    assert 0.0 < opposite.media_coef_[0] < 0.2 * agreeing.media_coef_[0]  # towards zero
    assert surest.media_coef_[0] == 0.0  # and at zero, never below it, when the test is surer still


def test_a_vague_result_against_the_spend_change_barely_moves_anything():
    free = _fitted()
    z = 10.0
    effect = free.media_coef_[0] * z
    vague = _fitted([LiftRow(0, {0: z}, -effect, 1e4 * effect)])
    assert vague.media_coef_[0] == pytest.approx(free.media_coef_[0], rel=1e-3)
