"""The readout of a finished test: on 50 seeded synthetic tests with a known step its 80% interval covers the true
delta_gmv in 70-90% of them and sigma matches the spread of its errors; placebo windows say when an effect is
within chance; the lift-test row is what --lift-tests reads."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.lift_readout import FinishedTest, parse_test, weekly_series
from gmvplanner.analysis.readout import counterfactual, placebos
from gmvplanner.errors import InputError
from gmvplanner.synth.readout_tests import synthetic_test

N_TESTS = 50


def _read(seed: int, **kwargs):
    made = synthetic_test(seed, **kwargs)
    weekly = made.weekly.set_index("week_start")
    return made, counterfactual(weekly["tested"], weekly[["control"]], made.test, seed=seed)


@pytest.fixture(scope="module")
def readouts():
    return [_read(seed) for seed in range(N_TESTS)]


def test_the_80_percent_interval_covers_the_true_delta_in_70_to_90_percent(readouts):
    covered = [found.interval[0] <= made.true_delta <= found.interval[1] for made, found in readouts]
    assert 0.7 <= np.mean(covered) <= 0.9, np.mean(covered)


def test_sigma_is_within_30_percent_of_the_observed_spread(readouts):
    errors = np.array([found.delta - made.true_delta for made, found in readouts])
    sigmas = np.array([found.sigma for _, found in readouts])
    ratio = np.sqrt(np.mean(sigmas**2)) / errors.std(ddof=1)
    assert 0.7 <= ratio <= 1.3, ratio


def test_placebos_hold_zero_and_say_when_an_effect_is_within_chance():
    made = synthetic_test(3, pre_weeks=80, test_weeks=4)
    weekly = made.weekly.set_index("week_start")
    checks = placebos(weekly["tested"], weekly[["control"]], made.test, windows=5)
    assert len(checks.deltas) == 5 and checks.spread > 0
    assert checks.share_as_large(10 * checks.spread) == 0.0
    assert checks.share_as_large(0.0) == 1.0


def test_too_few_weeks_before_the_test_is_refused_by_name():
    made = synthetic_test(1, pre_weeks=10)
    weekly = made.weekly.set_index("week_start")
    with pytest.raises(InputError, match="only 10 weeks before the test"):
        counterfactual(weekly["tested"], weekly[["control"]], made.test)


def test_weekly_series_sums_the_scope_and_keeps_full_weeks_of_donors():
    days = pd.date_range("2015-01-05", periods=7 * 40 + 3, freq="D")  # 40 full weeks and 3 days of a 41st
    daily = pd.concat(
        [pd.DataFrame({"day": days, "subcategory": s, "gmv": g}) for s, g in (("A", 1.0), ("B", 2.0), ("C", 5.0))]
        + [pd.DataFrame({"day": days[:100], "subcategory": "D", "gmv": 9.0})]  # D stops selling: not a donor
    )
    test = FinishedTest("SEM", pd.Timestamp("2015-09-01"), pd.Timestamp("2015-09-20"), 0.5)
    series = weekly_series(daily, ["A", "B"], test)
    assert (series.tested == 21.0).all() and list(series.donors.columns) == ["C"]
    assert series.test.sum() == 3  # the weeks of 31 Aug, 7 Sep and 14 Sep overlap the test's days
    assert series.tested.index[-1] == pd.Timestamp("2015-09-14")  # nothing after the test is read


def test_a_bad_test_names_the_part():
    with pytest.raises(InputError, match="4 parts"):
        parse_test("SEM,2015-01-01,0.5")
    with pytest.raises(InputError, match="before it starts"):
        parse_test("SEM,2015-02-01,2015-01-01,0.5")
