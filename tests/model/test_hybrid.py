"""The hybrid kind: the media part carries the channels, the lever forest only what the media part leaves."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.features.design import design_matrix
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.model.hybrid import forest_columns
from gmvplanner.model.train_config import TrainConfig
from gmvplanner.pipeline import train_weekly

from ..helpers import weekly_table


def test_the_forest_never_sees_spend_trend_or_season():
    names = ["adstock_TV", "product_mrp", "mix_vertical_Lens", "sale_share", "nps", "month", "woy_sin", "woy_cos", "trend"]
    assert forest_columns(names) == ["product_mrp", "mix_vertical_Lens", "sale_share", "nps"]
    assert forest_columns(["adstock_c", "promo", "season_sin1", "season_cos1", "trend"]) == ["promo"]


def _train(tmp_path, frame, controls):
    path = tmp_path / "weekly.csv"
    frame.to_csv(path, index=False)
    config = TrainConfig(model="hybrid", holdout_weeks=12, n_estimators=100)
    train_weekly(path, "date_week", "y", ["c", "d"], controls, None, tmp_path / "art", config)
    art = load_artifacts(tmp_path / "art")
    return art, art.table("contributions").set_index("channel")


@pytest.mark.slow  # trains a hybrid model in-process
def test_a_nonlinear_lever_goes_to_the_forest_and_the_channels_stay_right(tmp_path):
    frame, truth = weekly_table()
    rng = np.random.default_rng(8)
    promo = rng.uniform(0, 1, len(frame))
    frame["promo"] = promo
    frame["y"] += 2500 * (promo > 0.7)  # a threshold a straight line cannot follow
    art, contributions = _train(tmp_path, frame, ["promo"])
    model = art.models["all"].estimator
    assert model.forest is not None and model.columns == ["promo"]
    assert contributions.loc["c", "incremental_gmv"] == pytest.approx(truth["c"], rel=0.1)
    # on this draw even the media-mix model given the true step as a control puts 0.2 of c's effect on d
    assert contributions.loc["d", "incremental_gmv"] < 0.25 * contributions.loc["c", "incremental_gmv"]
    bundle = art.models["all"]
    X = design_matrix(art.table("history"), bundle.spec)

    def weekly_change(low, high):
        return (model.predict(X.assign(promo=high)) - model.predict(X.assign(promo=low))).mean() * 7

    # the step, per week, from the linear term and the forest together; a straight line alone gives ~1,260 for both
    assert weekly_change(0.6, 0.9) == pytest.approx(2500, rel=0.25)
    assert abs(weekly_change(0.2, 0.6)) < 700


@pytest.mark.slow  # trains a hybrid model in-process
def test_a_forest_that_explains_nothing_is_dropped(tmp_path):
    frame, truth = weekly_table()
    frame["noise"] = np.random.default_rng(9).uniform(0, 1, len(frame))
    art, contributions = _train(tmp_path, frame, ["noise"])
    assert art.models["all"].estimator.forest is None
    assert contributions.loc["c", "incremental_gmv"] == pytest.approx(truth["c"], rel=0.1)


def _next_weeks(art, n=4, **levers):
    from gmvplanner.analysis.scenarios import predict_scenario

    start = art.last_week + pd.Timedelta(weeks=1)
    scenario = pd.DataFrame({"week_start": pd.date_range(start, periods=n, freq="7D"), "c": 1.0, "d": 1.0, **levers})
    return predict_scenario(art, scenario)


@pytest.mark.slow  # trains a hybrid model in-process
def test_a_price_outside_its_training_range_cannot_run_the_forecast_away(tmp_path):
    from gmvplanner.analysis.scenarios import range_warnings

    frame, _truth = weekly_table()
    rng = np.random.default_rng(12)
    frame["price"] = rng.uniform(0.9, 1.1, len(frame))
    frame["y"] -= 20_000 * (frame["price"] - 1.0)  # GMV falls 4,000 across the price range: a straight line runs on
    art, _contributions = _train(tmp_path, frame, ["price"])
    low, high = art.models["all"].spec.control_ranges["price"]
    at_edge, far_below = _next_weeks(art, price=low), _next_weeks(art, price=0.5)
    # 0.5 is two and a half ranges below the lowest price: the forecast stays at the edge's, the interval widens
    assert far_below["predicted_gmv"].to_numpy() == pytest.approx(at_edge["predicted_gmv"].to_numpy(), rel=1e-9)
    widths = [(f["upper"] - f["lower"]).mean() for f in (at_edge, far_below)]
    assert widths[1] > 1.5 * widths[0]
    start = art.last_week + pd.Timedelta(weeks=1)
    warning = range_warnings(art, pd.DataFrame({"week_start": [start], "c": [1.0], "d": [1.0], "price": [0.5]}))
    assert len(warning) == 1 and "price 0.5" in warning[0] and f"holds it at {low:,.4g}" in warning[0]


@pytest.mark.slow  # trains two hybrid models in-process
def test_a_longer_sla_cannot_raise_gmv_unless_switched_off(tmp_path):
    frame, _truth = weekly_table()
    frame["sla"] = np.random.default_rng(13).uniform(2, 6, len(frame))
    frame["y"] += 400 * (frame["sla"] - 4)  # in these data a longer SLA goes with more GMV (a confounder, say)
    path = tmp_path / "weekly.csv"
    frame.to_csv(path, index=False)
    changes = {}
    for name, monotone in (("default", TrainConfig.monotone), ("off", ())):
        config = TrainConfig(model="hybrid", holdout_weeks=12, n_estimators=60, monotone=monotone)
        train_weekly(path, "date_week", "y", ["c", "d"], ["sla"], None, tmp_path / name, config)
        art = load_artifacts(tmp_path / name)
        forecasts = [_next_weeks(art, sla=s)["predicted_gmv"].sum() for s in (2.0, 3.0, 4.0, 5.0, 6.0)]
        changes[name] = np.diff(forecasts)
    assert (changes["default"] <= 1e-6).all()  # never up as the SLA grows
    assert changes["off"].sum() > 0.25 * 400 * 4 * 4  # free, the model follows the data up (truth: +6,400 over 4 weeks)
