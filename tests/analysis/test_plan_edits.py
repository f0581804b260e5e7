"""The tenfold guard on plan edits: it compares with the value the grid showed and catches one slipped digit."""

import pandas as pd
import pytest

from gmvplanner.analysis.plan_edits import SLIP_FACTOR, large_changes, shown_values

WEEKS = pd.date_range("2024-01-01", periods=2, freq="W-MON")


def _plan(tv: list[float], sem: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"week_start": WEEKS, "TV": tv, "SEM": sem})


def test_a_shown_value_retyped_with_a_slipped_digit_is_caught():
    before = _plan([0.313722, 1.0], [2.0, 2.0])
    after = _plan([3.137, 1.0], [2.0, 2.0])  # 9.9993x the stored value, exactly 10x the shown 0.3137
    (slip,) = large_changes(before, after, ["TV", "SEM"])
    assert (slip.channel, slip.week_start) == ("TV", WEEKS[0])
    assert slip.before == pytest.approx(0.313722) and slip.shown == pytest.approx(0.3137)
    assert slip.ratio == pytest.approx(10.0)


@pytest.mark.parametrize("after, caught", [(9.5, True), (9.49, False), (1 / 9.5, True), (0.2, False), (0.0, False)])
def test_the_guard_starts_at_nine_and_a_half_times(after, caught):
    slips = large_changes(_plan([1.0, 1.0], [1.0, 1.0]), _plan([after, 1.0], [1.0, 1.0]), ["TV", "SEM"])
    assert bool(slips) is caught
    assert SLIP_FACTOR == 9.5


def test_a_tiny_spend_that_shows_as_zero_is_compared_with_what_it_was():
    assert shown_values(pd.Series([0.00002, 0.0, 15.86781]).to_numpy()).tolist() == [0.00002, 0.0, 15.8678]
    (slip,) = large_changes(_plan([0.00002, 1.0], [1.0, 1.0]), _plan([0.0002, 1.0], [1.0, 1.0]), ["TV", "SEM"])
    assert slip.ratio == pytest.approx(10.0)


def test_starting_or_stopping_a_channel_is_not_a_slip():
    assert large_changes(_plan([0.0, 1.0], [1.0, 1.0]), _plan([5.0, 0.0], [1.0, 1.0]), ["TV", "SEM"]) == []
