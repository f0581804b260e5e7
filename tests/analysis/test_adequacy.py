"""The data-adequacy check: monthly spend, channels that move together, data points per effect."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.adequacy import data_adequacy, evidence_is_weak, spend_moves_monthly
from gmvplanner.analysis.budget import optimise_budget
from gmvplanner.config import AUTO_MAX_CHANGE, spend_column


def _weekly(spend_per_day: dict[str, np.ndarray], start: str = "2015-01-05") -> pd.DataFrame:
    """A hand-built weekly table: full weeks, spend per day given per week."""
    n = len(next(iter(spend_per_day.values())))
    frame = pd.DataFrame({"week_start": pd.date_range(start, periods=n, freq="7D"), "days": 7})
    for channel, rate in spend_per_day.items():
        frame[spend_column(channel)] = rate * 7
    return frame


def _monthly_rates(weeks: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Spend per day that is constant within each calendar month, as a month's spend spread over its days."""
    days = pd.date_range(weeks[0], periods=7 * len(weeks), freq="D")
    per_month = pd.Series(rng.uniform(1, 2, days.to_period("M").nunique()), index=days.to_period("M").unique())
    daily = per_month.reindex(days.to_period("M")).to_numpy()
    return daily.reshape(len(weeks), 7).mean(axis=1)


def test_monthly_spend_is_recognised_and_weekly_spend_is_not():
    rng = np.random.default_rng(0)
    weeks = pd.date_range("2015-01-05", periods=60, freq="7D")
    monthly = _weekly({"TV": _monthly_rates(weeks, rng), "SEM": _monthly_rates(weeks, rng)})
    weekly = _weekly({"TV": rng.uniform(1, 2, 60), "SEM": rng.uniform(1, 2, 60)})
    assert spend_moves_monthly(monthly, ["TV", "SEM"])
    assert not spend_moves_monthly(weekly, ["TV", "SEM"])
    table = data_adequacy(monthly, ["TV", "SEM"], n_effects=10)
    assert table["spend_moves_monthly"].all()
    assert table["data_points"].iloc[0] == monthly["week_start"].dt.to_period("M").nunique()
    assert table["parameters"].iloc[0] == 6  # effect, carry-over and saturation per channel
    assert table["data_warning"].str.contains("only once a month").all()
    assert evidence_is_weak(table)


def test_channels_moving_together_are_named_and_enough_weeks_pass():
    rng = np.random.default_rng(1)
    tv = rng.uniform(1, 2, 104)
    table = data_adequacy(
        _weekly({"TV": tv, "Radio": tv * 0.1 + rng.normal(0, 0.001, 104), "SEM": rng.uniform(1, 2, 104)}),
        ["TV", "Radio", "SEM"],
        n_effects=8,
    ).set_index("channel")
    assert table.loc["TV", "correlated_with"] == "Radio" and table.loc["Radio", "correlated_with"] == "TV"
    assert "moves with Radio's" in table.loc["TV", "channel_warning"]
    assert table.loc["SEM", "channel_warning"] == ""
    assert table["points_per_parameter"].iloc[0] == pytest.approx(104 / 8)
    assert (table["data_warning"] == "").all()
    assert not evidence_is_weak(table.reset_index())


def test_few_weeks_per_effect_is_weak_evidence():
    rng = np.random.default_rng(2)
    table = data_adequacy(_weekly({"TV": rng.uniform(1, 2, 30)}), ["TV"], n_effects=20)
    assert "1.5 weeks per estimated effect" in table["data_warning"].iloc[0]
    assert evidence_is_weak(table)


def test_training_writes_the_check_and_the_optimiser_stays_near_history_on_monthly_spend(forest_art):
    # forest_art was trained on monthly media
    from gmvplanner.analysis.adequacy import under_identified

    adequacy = forest_art.table("adequacy")
    assert set(adequacy["subcategory"]) == set(forest_art.subcategories)
    assert adequacy["spend_moves_monthly"].all()
    limited = optimise_budget(forest_art, 0.1, 8)
    table = limited.table.set_index("channel")
    historical, recommended = table["historical_crore"], table["recommended_crore"]
    if under_identified(adequacy):  # fewer monthly levels than effects: no channel moves without a test
        assert limited.channel_limits == {c: 0.0 for c in forest_art.channels}
        assert (abs(recommended - historical) <= 1e-9).all() and "cannot tell the channels apart" in limited.method
    else:
        assert limited.max_change == AUTO_MAX_CHANGE
        assert (abs(recommended - historical) <= AUTO_MAX_CHANGE * historical + 1e-9).all()
    assert optimise_budget(forest_art, 0.1, 8, max_change=None).max_change is None


def test_fewer_monthly_spend_levels_than_effects_is_under_identified():
    """Monthly spend with fewer levels than effects cannot identify the channels; weekly spend, or enough monthly
    levels, can be weak evidence without being under-identified."""
    from gmvplanner.analysis.adequacy import under_identified

    def table(monthly: bool, points: float) -> pd.DataFrame:
        return pd.DataFrame({"spend_moves_monthly": [monthly, monthly], "points_per_parameter": [points, points]})

    assert under_identified(table(True, 0.93))
    assert not under_identified(table(True, 1.6))
    assert not under_identified(table(False, 0.5))
    assert not under_identified(pd.DataFrame())
