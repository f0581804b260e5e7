"""The forecaster choice: time-ordered CV picks what the data favour, and its folds calibrate the 80% interval."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.features.design import FeatureSpec
from gmvplanner.model.base import Predictive
from gmvplanner.model.forecast_choice import FOREST, MODEL, SEASONAL, ForecastChoice, choose_forecast, fit_blend
from gmvplanner.model.hybrid import HybridModel
from gmvplanner.model.train_config import TrainConfig

CONFIG = TrainConfig(model="hybrid", n_estimators=60, cv_estimators=60, bootstrap_draws=0, holdout_weeks=8)


def _groups(y: np.ndarray, spend: np.ndarray, lever: np.ndarray) -> tuple[dict, dict]:
    weeks = pd.date_range("2018-01-01", periods=len(y), freq="7D")
    frame = pd.DataFrame(
        {"subcategory": "all", "week_start": weeks, "days": 7, "gmv": y * 7, "spend_c": spend * 7, "lever": lever}
    )
    template = FeatureSpec(channels=["c"], decay={}, controls=["lever"], calendar=False, fourier=2, trend=True)
    return {"all": frame}, {"all": template}


def _choose(y, spend, lever) -> ForecastChoice:
    groups, templates = _groups(y, spend, lever)
    like = HybridModel.fit_groups(groups, templates, CONFIG, True)
    return choose_forecast(HybridModel, groups, templates, CONFIG, like)


@pytest.mark.slow  # fits the hybrid on three folds
def test_a_table_only_a_forest_can_follow_gets_the_forest():
    rng = np.random.default_rng(3)
    n = 110
    lever = rng.uniform(0, 1, n)
    spend = rng.uniform(50, 150, n)
    # spend pays only when the lever is high and costs GMV when it is low: an interaction the hybrid's additive
    # parts cannot express (its forest never sees spend), and a forest on the same features can
    y = 1000 + 900 * ((lever > 0.5) & (spend > 100)) - 600 * ((lever < 0.5) & (spend > 100)) + rng.normal(0, 10, n)
    choice = _choose(y, spend, lever)
    assert choice.weights[FOREST] >= 0.5
    assert choice.cv_wape[FOREST] < choice.cv_wape[MODEL]
    assert choice.cv_wape["blend"] <= choice.cv_wape[MODEL]


@pytest.mark.slow  # fits the hybrid on three folds
def test_a_table_the_model_explains_keeps_the_model():
    rng = np.random.default_rng(4)
    n = 110
    spend = rng.uniform(20, 300, n)
    lever = rng.uniform(0, 1, n)
    # a steady trend a forest cannot carry past its last weeks, and spend the hybrid's media part reads
    y = 500 + 6.0 * np.arange(n) + 400 * spend / (spend + 100) + rng.normal(0, 8, n)
    choice = _choose(y, spend, lever)
    assert choice.weights[MODEL] == 1.0
    assert choice.cv_wape[MODEL] < min(choice.cv_wape[FOREST], choice.cv_wape[SEASONAL])


def test_the_interval_covers_a_seeded_series_as_stated():
    """Split conformal on known errors: the half-width is the 80% quantile of |relative error|, and fresh errors
    from the same process fall inside it about 80% of the time."""
    rng = np.random.default_rng(0)
    errors = {"g": rng.normal(0, 0.05, 300)}
    choice = ForecastChoice({MODEL: 1.0}, {MODEL: 0.04}, errors, 0.0)
    half = choice.half_width("g")
    assert half == pytest.approx(1.2816 * 0.05, rel=0.12)
    fresh = rng.normal(0, 0.05, 20_000)
    mean = np.full(len(fresh), 100.0)
    actual = mean * (1 + fresh)
    weekly = _groups(np.full(50, 100.0), np.ones(50), np.ones(50))[0]["all"]
    blend = fit_blend(choice, "g", weekly, None, CONFIG)  # the model alone: no alternative to fit
    band = blend.predictive(Predictive(mean[None, :], np.zeros(len(mean))), pd.DataFrame(index=range(len(mean))), None)
    _m, low, high = band.interval()
    assert 0.77 <= float(((actual >= low) & (actual <= high)).mean()) <= 0.83


def test_a_group_with_few_errors_borrows_every_groups():
    choice = ForecastChoice({MODEL: 1.0}, {}, {"a": np.full(30, 0.1), "b": np.array([0.5])})
    assert choice.half_width("b") == pytest.approx(choice.half_width("a"), rel=0.05)
    assert ForecastChoice({MODEL: 1.0}).half_width("a") is None
