"""The weekly design matrix: per-day rates, carry-over with and without a carried-in stock, column order, gaps."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.features.design import FeatureSpec, design_matrix, fitted_spec, spend_rates, with_spend_rates


def _weeks(n=4):
    return pd.DataFrame(
        {
            "subcategory": "A",
            "week_start": pd.date_range("2016-01-04", periods=n, freq="7D"),
            "days": [4, 7, 7, 7][:n],
            "gmv": [400.0, 700.0, 700.0, 700.0][:n],
            "spend_TV": [40.0, 70.0, 0.0, 140.0][:n],
            "spend_SEM": [0.0, 7.0, 7.0, 7.0][:n],
            "price": [10.0, np.nan, 12.0, 14.0][:n],
        }
    )


def _spec(**kw):
    base = dict(channels=["TV", "SEM"], decay={"TV": 0.5, "SEM": 0.0}, controls=["price"], calendar=False)
    return FeatureSpec(**{**base, **kw})


def test_spend_enters_per_day_with_carry_over():
    X = design_matrix(_weeks(), _spec())
    # TV per day: 10, 10, 0, 20; stock starts at the first rate: 10, 10, 5, 12.5
    assert X["adstock_TV"].tolist() == [10.0, 10.0, 5.0, 12.5]
    assert X["adstock_SEM"].tolist() == [0.0, 1.0, 1.0, 1.0]
    assert list(X.columns) == _spec().feature_names() == ["adstock_TV", "adstock_SEM", "price"]


def test_carry_in_continues_an_earlier_stock():
    X = design_matrix(_weeks(), _spec(), carry_in={"TV": 30.0, "SEM": 0.0})
    assert X["adstock_TV"].iloc[0] == pytest.approx(0.5 * 10 + 0.5 * 30)


def test_missing_controls_are_filled_from_the_spec():
    weekly = _weeks()
    spec = fitted_spec(weekly, _spec(), {"TV": 0.5, "SEM": 0.0})
    assert spec.fill_values["price"] == 12.0  # the median of the weeks that have it
    assert design_matrix(weekly, spec)["price"].tolist() == [10.0, 12.0, 12.0, 14.0]


def test_with_spend_rates_recomputes_only_the_named_channel():
    weekly, spec = _weeks(), _spec()
    X = design_matrix(weekly, spec)
    doubled = with_spend_rates(X, spec, {"TV": spend_rates(weekly, ["TV"])["TV"].to_numpy() * 2})
    np.testing.assert_allclose(doubled["adstock_TV"], X["adstock_TV"] * 2)
    pd.testing.assert_series_equal(doubled["adstock_SEM"], X["adstock_SEM"])
    assert X["adstock_TV"].iloc[0] == 10.0  # the input is not changed


def test_fourier_and_trend_for_weekly_tables():
    spec = _spec(fourier=2, trend=True)
    X = design_matrix(_weeks(), spec)
    assert list(X.columns)[-5:] == ["season_sin1", "season_cos1", "season_sin2", "season_cos2", "trend"]
    assert np.allclose(X["season_sin1"] ** 2 + X["season_cos1"] ** 2, 1.0)
    assert np.diff(X["trend"]).round(6).tolist() == [round(7 / 365.25, 6)] * 3


def test_a_control_outside_its_training_range_is_held_at_the_edge_and_measured():
    from gmvplanner.features.design import range_excess

    spec = fitted_spec(_weeks(), _spec(), {"TV": 0.5, "SEM": 0.0})
    assert spec.control_ranges == {"price": (10.0, 14.0)}  # the weeks with GMV, blanks ignored
    future = _weeks().assign(price=[5.0, 12.0, 30.0, np.nan])
    X = design_matrix(future, spec)
    assert X["price"].tolist() == [10.0, 12.0, 14.0, 12.0]  # the edge, inside, the edge, the median for a blank
    excess = range_excess(future, spec)["price"].tolist()
    assert excess == pytest.approx([-5 / 4, 0.0, 16 / 4, 0.0])  # in widths of the range, signed
