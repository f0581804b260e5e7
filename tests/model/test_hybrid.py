"""The hybrid kind: the media part carries the channels, the lever forest only what the media part leaves."""

import numpy as np
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
