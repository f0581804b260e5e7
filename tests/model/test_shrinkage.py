"""The pooling estimated from the data (empirical Bayes): strong where groups share a channel's effect, weak where
they differ, and a lift test that moves only the channel it measured."""

import numpy as np
import pandas as pd

from gmvplanner.features.transforms import hill
from gmvplanner.model.mmm import LiftRow, MediaMixRegression, Pooling
from gmvplanner.model.mmm.shrinkage import estimate_pooling
from gmvplanner.model.mmm.solver import roi_in_data_units

fit_many = MediaMixRegression.fit_many
CHANNELS = ("a", "b", "c")


def _groups(effects: list[tuple[float, float, float]], n=104, noise=4.0, seed=3):
    """One frame per group: three channels with moving spend and these true coefficients."""
    rng = np.random.default_rng(seed)
    out = []
    for effect in effects:
        spend = rng.uniform(0.5, 3.5, (n, 3))
        y = 300 + sum(e * hill(spend[:, j], 2.0) for j, e in enumerate(effect)) + rng.normal(0, noise, n)
        X = pd.DataFrame({f"adstock_{c}": spend[:, j] for j, c in enumerate(CHANNELS)}).assign(trend=np.arange(n) / 52)
        out.append((X, y))
    return out


def _estimators(k):
    return [MediaMixRegression(channels=CHANNELS, half_saturation=dict.fromkeys(CHANNELS, 2.0)) for _ in range(k)]


def _blocks(groups):
    prepared = [est._block(X, y) for est, (X, y) in zip(_estimators(len(groups)), groups)]
    return roi_in_data_units([b for b, _ in prepared], [s for _, s in prepared])


def test_groups_that_share_a_channels_effect_are_pooled_strongly_and_groups_that_differ_weakly():
    shared = estimate_pooling(_blocks(_groups([(40, 60, 20)] * 3)), 3)
    differ = estimate_pooling(_blocks(_groups([(5, 60, 20), (40, 60, 20), (90, 60, 20)])), 3)
    # channel a: alike in the first world, far apart in the second; b and c alike in both
    assert shared.pooling.groups[0] > 5 * differ.pooling.groups[0]
    assert differ.group_spread[0] > 5 * max(shared.group_spread[0], 1e-6)
    assert differ.pooling.groups[1] > 5 * differ.pooling.groups[0]


def test_auto_pooling_keeps_groups_that_differ_apart_and_pulls_alike_ones_together():
    groups = _groups([(5, 60, 20), (40, 60, 20), (90, 60, 20)], noise=6.0)
    fitted = fit_many(_estimators(3), [X for X, _ in groups], [y for _, y in groups], "auto")
    a = [est.media_coef_[0] for est in fitted]
    assert a[0] < a[1] < a[2] and a[2] - a[0] > 50  # the estimated spread leaves the groups' own effects of a
    assert fitted[0].shrinkage_ is not None


def test_a_lift_test_moves_only_the_channel_it_measured():
    """Even with every channel pulled hard towards one common ROI, a test of channel a moves a, not b and c (the
    common ROI stays where the data put it)."""
    groups = _groups([(40, 60, 20)] * 3, noise=8.0, seed=9)
    Xs, ys = [X for X, _ in groups], [y for _, y in groups]
    for pooling in (Pooling(0.01, 0.01), "auto"):
        free = fit_many(_estimators(3), Xs, ys, pooling)
        z = 10.0
        measured = 1.5 * free[0].media_coef_[0] * z * 3  # a test saying channel a returns 1.5 times what the fit says
        lift = [LiftRow(0, dict.fromkeys(range(3), z), measured, 0.02 * measured)]
        tested = fit_many(_estimators(3), Xs, ys, pooling, lift=lift)
        before = np.sum([est.media_coef_ for est in free], axis=0)  # each channel's effect over the three groups
        moved = np.sum([est.media_coef_ for est in tested], axis=0) / before - 1
        assert moved[0] > 0.3  # the tested channel moved towards the test
        assert np.abs(moved[1:]).max() < moved[0] / 4  # the others hardly (only through the fit of the weeks)
