"""Flighting (`analysis.budget.flighting`): per-week bounds held exactly, totals kept, the even spread where timing
cannot matter, the week-bounds file's errors, and the real `optimise --flighting` command through `main(argv)`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.budget import optimise_budget, plan_weeks
from gmvplanner.analysis.budget.flighting import (
    KEPT_EVEN_NOTE,
    WeekBounds,
    flight_plan,
    load_week_bounds,
    project,
    spread_within,
)
from gmvplanner.cli import testing_main as run_testing_cli
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import load_artifacts

WEEKS = 13
BUDGET = 5.0  # crore over the horizon: far above the small data's spend, so the stock coming in is below the even rate


@pytest.fixture(scope="module")
def split(mmm_art):
    result = optimise_budget(mmm_art, BUDGET, WEEKS)
    totals = result.table.set_index("channel").loc[mmm_art.channels, mmm_art.money.column("recommended")].to_numpy()
    return result, totals


def test_flighting_holds_every_week_bound_exactly_and_keeps_each_total(mmm_art, split):
    result, totals = split
    n_channels = len(mmm_art.channels)
    rng = np.random.default_rng(3)
    even = totals / WEEKS
    lo = even * rng.uniform(0.3, 0.9, (WEEKS, n_channels))
    hi = even * rng.uniform(1.05, 1.6, (WEEKS, n_channels))
    lo[0, 1], hi[0, 1] = 0.0, 0.0  # Digital off in the first week
    hi[5:8, 3] = lo[5:8, 3]  # Content Marketing pinned for three weeks
    flight = flight_plan(mmm_art, totals, result.weeks, WeekBounds(lo, hi), inflation=1.0, max_change=None)  # so it moves
    shape = flight.shape[mmm_art.channels].to_numpy()
    assert (shape >= lo).all() and (shape <= hi).all()
    assert shape[0, 1] == 0.0 and np.array_equal(shape[5:8, 3], lo[5:8, 3])
    assert np.abs(shape.sum(axis=0) - totals).max() < 1e-7  # a rupee is 1e-7 crore
    assert not flight.kept_even and flight.uplift_interval is not None and flight.p_beats_even >= 0.8


def test_a_shape_moves_spend_where_the_stock_coming_in_is_short(mmm_art, split):
    result, totals = split
    flight = flight_plan(mmm_art, totals, result.weeks, inflation=1.0)
    shape, even = (f[mmm_art.channels].to_numpy() for f in (flight.shape, flight.even))
    decay = next(iter(mmm_art.models.values())).spec.decay
    carrying = [j for j, c in enumerate(mmm_art.channels) if decay[c] > 0 and totals[j] > 0]
    assert (shape[0, carrying] > even[0, carrying]).any()  # the first week fills the stock
    assert np.abs(shape - even).max() <= 0.5 * even.max() + 1e-12  # within the default band around even
    assert flight.uplift_interval[0] <= flight.uplift <= flight.uplift_interval[1]
    assert any("carry-over keeps" in r for r in flight.rests_on)


def test_the_even_spread_comes_back_without_carry_over_or_a_curve_that_pays_bursts(trained_mmm, split):
    art = load_artifacts(trained_mmm)  # a private copy to change
    for bundle in art.models.values():
        bundle.spec.decay = {c: 0.0 for c in bundle.spec.decay}
        regression = bundle.estimator.regression
        regression.slope = {c: 1.0 for c in regression.channels}
        regression.curve_draws_, regression.curve_choices_ = None, None
    result, totals = split
    flight = flight_plan(art, totals, result.weeks, max_change=None)
    assert flight.kept_even and flight.note == KEPT_EVEN_NOTE and flight.tail_weeks == 0
    assert np.allclose(flight.shape[art.channels].to_numpy(), np.tile(totals / WEEKS, (WEEKS, 1)), rtol=1e-12)


def test_spread_within_and_project_keep_totals_inside_bounds():
    lo, hi = np.array([0.0, 2.0, 0.0, 0.0]), np.array([1.0, 5.0, 5.0, 0.5])
    even = spread_within(8.0, lo, hi, "TV")
    assert np.isclose(even.sum(), 8.0) and (even >= lo).all() and (even <= hi).all()
    assert even.tolist() == pytest.approx([1.0, 3.25, 3.25, 0.5])
    moved = project(np.array([[9.0], [-3.0], [4.0], [1.0]]), lo[:, None], hi[:, None], np.array([8.0]))
    assert np.isclose(moved.sum(), 8.0) and (moved[:, 0] >= lo).all() and (moved[:, 0] <= hi).all()
    with pytest.raises(InputError, match="'TV': its weekly bounds sum to 2 to 11.5, which cannot hold its total 12"):
        spread_within(12.0, lo, hi, "TV")


@pytest.mark.parametrize(
    "rows, message",
    [
        ("2016-07-04,Telly,0,1", "row 2.*unknown channel 'Telly'"),
        ("2031-01-06,TV,0,1", "row 2.*week 2031-01-06 is not in the plan"),
        (",TV,2,1", "row 2.*not a valid range"),
        ("July,TV,0,1", "row 2.*'July' is not a date"),
    ],
)
def test_week_bounds_file_errors_name_the_row(mmm_art, tmp_path, rows, message):
    path = tmp_path / "weeks.csv"
    path.write_text(f"week_start,channel,min_crore,max_crore\n{rows}\n")
    with pytest.raises(InputError, match=message):
        load_week_bounds(path, mmm_art.channels, plan_weeks(mmm_art, None, WEEKS), mmm_art.money)


def test_a_dated_row_wins_over_the_every_week_row(mmm_art, tmp_path):
    path = tmp_path / "weeks.csv"
    path.write_text("week_start,channel,min_crore,max_crore\n2016-07-13,TV,0.1,0.2\n,TV,0,0.5\n")
    bounds = load_week_bounds(path, mmm_art.channels, plan_weeks(mmm_art, None, WEEKS), mmm_art.money)
    tv = mmm_art.channels.index("TV")
    assert (bounds.lo[1, tv], bounds.hi[1, tv]) == (0.1, 0.2)  # a Wednesday names its week
    assert bounds.hi[0, tv] == 0.5 and bounds.hi[12, tv] == 0.5 and np.isinf(bounds.hi[0, 0 if tv else 1])


def test_optimise_flighting_through_the_real_command(trained_mmm, tmp_path, capsys):
    weeks, split_out, shape_out = tmp_path / "weeks.csv", tmp_path / "split.csv", tmp_path / "shape.csv"
    weeks.write_text("week_start,channel,min_crore,max_crore\n,Digital,0.01,0.03\n2016-07-04,Radio,0,0\n")
    argv = ["optimise", "--artifacts", str(trained_mmm), "--budget", str(BUDGET), "--weeks", str(WEEKS)]
    argv += ["--out", str(split_out), "--flighting", "--week-bounds", str(weeks), "--flight-out", str(shape_out)]
    assert run_testing_cli(argv) in (0, None)
    printed = capsys.readouterr().out
    split = pd.read_csv(split_out).set_index("channel")["recommended_crore"]
    shape = pd.read_csv(shape_out, parse_dates=["week_start"])
    assert len(shape) == WEEKS and shape["week_start"].iloc[0] == pd.Timestamp("2016-07-04")
    assert (shape[split.index].sum() - split).abs().max() < 1e-7
    assert shape["Digital"].between(0.01, 0.03).all() and shape["Radio"].iloc[0] == 0.0
    assert "uplift of this shape over an even spread" in printed or "flighting kept the even spread" in printed
    assert f"wrote {shape_out}" in printed


def test_week_bounds_that_cannot_hold_the_total_stop_the_command(trained_mmm, tmp_path, capsys):
    weeks = tmp_path / "weeks.csv"
    weeks.write_text("week_start,channel,min_crore,max_crore\n,TV,0,0.0001\n")
    argv = ["optimise", "--artifacts", str(trained_mmm), "--budget", str(BUDGET), "--weeks", str(WEEKS)]
    code = run_testing_cli([*argv, "--flighting", "--week-bounds", str(weeks)])
    assert code == 2 and "'TV': its weekly bounds sum to 0 to 0.0013" in capsys.readouterr().err
