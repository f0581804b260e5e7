import numpy as np
import pandas as pd
import pytest

from gmvplanner.mmm import MediaMixRegression, choose_media_params
from gmvplanner.transforms import geometric_adstock, hill


def _data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 4, n), rng.uniform(0, 4, n)
    season = np.sin(np.arange(n) / 8)
    y = 100 + 50 * hill(a, 2.0) + 0 * b + 10 * season + rng.normal(0, 1, n)
    X = pd.DataFrame({"adstock_a": a, "adstock_b": b, "season": season})
    return X, y


def test_recovers_coefficients_and_keeps_absent_effect_at_zero():
    X, y = _data()
    model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0}).fit(X, y)
    assert model.media_coef_[0] == pytest.approx(50, rel=0.05)
    assert model.media_coef_[1] == pytest.approx(0.0, abs=1.0)
    assert (model.media_coef_ >= 0).all()
    mean, lo, hi = model.predict_interval(X)
    assert (lo < mean).all() and (mean < hi).all()
    assert np.mean((y >= lo) & (y <= hi)) == pytest.approx(0.8, abs=0.1)


def test_cv_search_finds_the_true_carry_over():
    rng = np.random.default_rng(1)
    n = 160
    spend = rng.uniform(0, 2, n)
    stock = geometric_adstock(spend, 0.6, initial=spend[0])
    y = 500 + 200 * hill(stock, 1.0) + rng.normal(0, 2, n)
    rates = pd.DataFrame({"tv": spend})
    controls = pd.DataFrame({"one": np.ones(n)})
    decay, mult, ridge = choose_media_params([(rates, controls, y, np.full(n, 7.0))])
    assert decay["tv"] == 0.6
    assert ridge > 0
