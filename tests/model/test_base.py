"""The model interface: the registry behind --model, and the predictive distributions every kind returns."""

import numpy as np
import pytest

from gmvplanner.model.base import Predictive, PredictiveTotal, model_kind, model_names
from gmvplanner.model.forest import ForestModel
from gmvplanner.model.mmm import MediaMixModel
from gmvplanner.model.train_config import TrainConfig


def test_registry_maps_names_to_kinds_and_lists_them_on_a_bad_name():
    assert model_kind("forest") is ForestModel and model_kind("mmm") is MediaMixModel
    assert {"forest", "mmm"} <= set(model_names())
    with pytest.raises(ValueError, match=r"unknown model 'gbm'; choose one of \['forest', 'mmm'"):
        model_kind("gbm")
    with pytest.raises(ValueError, match="unknown model 'gbm'"):
        TrainConfig(model="gbm")


def test_kinds_say_whether_they_are_smooth_in_spend():
    assert MediaMixModel.smooth_in_spend and not ForestModel.smooth_in_spend


def test_interval_from_draws_alone_is_their_quantiles():
    draws = np.arange(1.0, 101.0)[:, None] * np.ones((1, 2))
    mean, lo, hi = Predictive(draws, np.zeros(2)).interval(0.8)
    np.testing.assert_allclose(mean, 50.5)
    np.testing.assert_allclose(lo, np.quantile(draws[:, 0], 0.1))
    np.testing.assert_allclose(hi, np.quantile(draws[:, 0], 0.9))


def test_interval_from_noise_alone_is_normal():
    mean, lo, hi = Predictive(np.array([[100.0, 200.0]]), np.array([10.0, 10.0])).interval(0.8)
    np.testing.assert_allclose(hi - mean, 12.8155, rtol=1e-4)
    np.testing.assert_allclose(mean - lo, 12.8155, rtol=1e-4)


def test_totals_weigh_days_and_add_draw_by_draw_and_variance_by_variance():
    a = Predictive(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 2.0])).total(np.array([7.0, 4.0]))
    assert a.draws.tolist() == [15.0, 37.0] and a.variance == pytest.approx(49 + 64)
    b = PredictiveTotal(np.array([1.0, 2.0]), 12.0)
    total = a + b
    assert total.draws.tolist() == [16.0, 39.0] and total.variance == pytest.approx(125.0)
    mean, lo, hi = PredictiveTotal(np.array([10.0]), 0.0).interval()
    assert mean == lo == hi == 10.0


def test_a_total_over_correlated_weeks_carries_their_covariance():
    sd, days = np.array([1.0, 2.0, 3.0]), np.ones(3)
    draws = np.zeros((1, 3))
    independent = Predictive(draws, sd).total(days).variance
    assert independent == pytest.approx(1 + 4 + 9)
    assert Predictive(draws, sd, 0.999999).total(days).variance == pytest.approx(sd.sum() ** 2, rel=1e-5)
    rho = 0.5  # weeks one apart correlate by 0.5, two apart by 0.25
    expected = 14 + 2 * (rho * (1 * 2 + 2 * 3) + rho**2 * (1 * 3))
    assert Predictive(draws, sd, rho).total(days).variance == pytest.approx(expected)
