"""Proposed experiments: the rules each test keeps, its power from the residual noise, the value of information."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.experiments import (
    PROPOSAL_COLUMNS,
    ExperimentRules,
    propose_experiments,
    run_rates,
    value_of_information,
)
from gmvplanner.data.lift_tests import LIFT_COLUMNS, load_lift_tests
from gmvplanner.errors import InputError

NOISE = np.random.default_rng(0).standard_normal((4, 64))


def test_a_measurement_that_cannot_change_the_choice_is_worth_nothing():
    uplift = np.array([[0.0, 0.0, 0.0, 0.0], [5.0, 6.0, 7.0, 8.0]])  # plan 1 wins under every refit
    theta = np.array([1.0, 2.0, 3.0, 4.0])
    assert value_of_information(theta, 0.01, uplift, NOISE).expected == pytest.approx(0.0)


def test_a_sharp_measurement_is_worth_the_gap_between_knowing_and_guessing():
    uplift = np.array([[0.0, 0.0, 0.0, 0.0], [10.0, 10.0, -8.0, -8.0]])  # plan 1 pays only under refits 0 and 1
    theta = np.array([1.0, 1.1, 5.0, 5.1])  # and the test tells those refits apart
    sharp = value_of_information(theta, 0.01, uplift, NOISE)
    # knowing: 10, 10, 0, 0 -> mean 5; guessing: plan 1's mean 1 -> worth 4
    assert sharp.expected == pytest.approx(4.0) and sharp.p_switch == pytest.approx(0.5)
    vague = value_of_information(theta, 1e3, uplift, NOISE)
    assert vague.expected == pytest.approx(0.0, abs=0.5) and vague.expected < sharp.expected


@pytest.fixture(scope="module")
def proposals(mmm_art):
    return propose_experiments(mmm_art, ExperimentRules(n=4, max_weeks=5, max_change=2.0))


def test_proposals_keep_the_rules(mmm_art, proposals):
    table = proposals.table
    assert list(table.columns) == list(PROPOSAL_COLUMNS) and 1 <= len(table) <= 4
    assert table["channel"].is_unique and set(table["channel"]) <= set(mmm_art.channels)
    start, end = pd.to_datetime(table["start"]), pd.to_datetime(table["end"])
    assert (start > mmm_art.last_week + pd.Timedelta(days=6)).all()  # after the data
    days = (end - start).dt.days + 1
    assert (days <= 5 * 7).all()
    rate = run_rates(mmm_art).reindex(table["channel"]).to_numpy()
    assert (np.abs(table["delta_spend"]) <= 2.0 * rate * days + 1e-6).all()
    assert (table["delta_spend"] >= -rate * days - 1e-6).all()  # a cut never takes spend below zero
    assert (table["delta_spend"] != 0).all() and (table["expected_value"] >= 0).all() and (table["cost"] >= 0).all()
    assert table["expected_value"].is_monotonic_decreasing
    assert table["why"].str.contains("changes the best budget split in").all()


def test_expected_sigma_is_the_residual_weekly_sd_times_root_weeks(mmm_art):
    weekly_sd = np.sqrt(sum((7 * m.estimator.regression.resid_std_) ** 2 for m in mmm_art.models.values()))
    for weeks in (1, 4, 9):
        table = propose_experiments(mmm_art, ExperimentRules(n=1, max_weeks=weeks)).table
        assert table["expected_sigma"].iloc[0] == pytest.approx(weekly_sd * np.sqrt(weeks), rel=1e-6)


def test_one_subcategory_is_measured_alone_and_named(mmm_art):
    sub = mmm_art.subcategories[0]
    table = propose_experiments(mmm_art, ExperimentRules(n=1, subcategories=(sub,))).table
    assert table["subcategory"].tolist() == [sub]
    alone = 7 * mmm_art.models[sub].estimator.regression.resid_std_ * np.sqrt(8)
    assert table["expected_sigma"].iloc[0] == pytest.approx(alone, rel=1e-6)
    with pytest.raises(InputError, match="one subcategory or all"):
        propose_experiments(mmm_art, ExperimentRules(subcategories=tuple(mmm_art.subcategories[:2])))


def test_the_same_inputs_give_the_same_proposals(mmm_art, proposals):
    again = propose_experiments(mmm_art, ExperimentRules(n=4, max_weeks=5, max_change=2.0))
    pd.testing.assert_frame_equal(proposals.table, again.table)


def test_a_proposal_with_its_results_added_is_a_lift_test_file(proposals, tmp_path):
    path = tmp_path / "done.csv"
    proposals.table.assign(delta_gmv=-1.9e5, sigma=5e5).to_csv(path, index=False)
    tests = load_lift_tests(path)
    assert tests.table[list(LIFT_COLUMNS)].notna().all().all() and len(tests.table) == len(proposals.table)


def test_a_model_without_refits_is_refused_in_plain_words(forest_art):
    with pytest.raises(InputError, match="no bootstrap refits .* retrain with --model hybrid"):
        propose_experiments(forest_art)
