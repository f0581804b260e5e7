import numpy as np
import pytest

from gmvplanner.features.transforms import adstock_state, geometric_adstock, hill


def test_adstock_settles_at_constant_spend_and_carries_over():
    stock = geometric_adstock(np.array([10.0, 0.0, 0.0]), 0.5)
    np.testing.assert_allclose(stock, [5.0, 2.5, 1.25])
    steady = geometric_adstock(np.full(200, 3.0), 0.7)
    assert steady[-1] == pytest.approx(3.0)


def test_adstock_initial_stock_and_state():
    np.testing.assert_allclose(geometric_adstock(np.zeros(2), 0.5, initial=8.0), [4.0, 2.0])
    assert adstock_state(np.array([4.0, 4.0]), 0.0) == 4.0


def test_adstock_rejects_bad_decay():
    with pytest.raises(ValueError, match="decay"):
        geometric_adstock(np.ones(3), 1.0)


def test_hill_zero_half_and_saturation():
    np.testing.assert_allclose(hill(np.array([0.0, 2.0, 1e9]), 2.0), [0.0, 0.5, 1.0], atol=1e-8)
    with pytest.raises(ValueError):
        hill(np.ones(2), 0.0)


def test_hill_slope_against_its_closed_form():
    x = np.array([0.0, 0.5, 1.0, 2.0, 4.0])
    for slope in (1.0, 2.0, 3.0, 0.7):
        expected = x**slope / (x**slope + 2.0**slope)
        np.testing.assert_allclose(hill(x, 2.0, slope), expected, rtol=1e-12)
    assert hill(np.array([1e300]), 1.0, 3.0)[0] == 1.0  # no overflow far past saturation
    np.testing.assert_allclose(  # per-channel curves on a weeks x channels array
        hill(np.array([[1.0, 1.0]]), np.array([1.0, 2.0]), np.array([1.0, 3.0])), [[0.5, 1 / 9]]
    )
    with pytest.raises(ValueError, match="slope"):
        hill(np.ones(2), 1.0, 0.0)
