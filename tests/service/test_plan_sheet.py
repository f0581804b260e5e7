"""The plan sheet: a 13-week x 9-channel plan round-trips through .xlsx and through a pasted block exactly, the
totals add up per channel and month, and the undo history goes back step by step."""

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from gmvplanner.data.plan_sheets import read_pasted
from gmvplanner.data.scenario_files import load_scenario, money_columns
from gmvplanner.errors import InputError
from gmvplanner.service.plan_sheet import PlanHistory, locked_amounts, pasted_plan, plan_totals, plan_workbook
from gmvplanner.units import MoneyUnit

from ..data.test_plan_sheets import CHANNELS, WEEKS, assert_same_plan, rupee_plan

MONEY = MoneyUnit.for_currency("INR")
NOTES = {"model version": "mmm model trained 2026-01-01 00:00 UTC", "spend unit": MONEY.name}


def test_a_plan_round_trips_through_xlsx_to_the_unit(tmp_path):
    plan = rupee_plan().assign(discount=[0.1] * 6 + [np.nan] * 7, **money_columns(MONEY))  # a lever left blank
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_workbook(plan, CHANNELS, NOTES))
    read = load_scenario(path, CHANNELS, money=MONEY)
    assert_same_plan(read, plan.drop(columns=["spend_unit", "currency"]))
    np.testing.assert_array_equal(read["discount"].to_numpy(), plan["discount"].to_numpy())
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["plan", "totals", "notes"]
    notes = dict(book["notes"].iter_rows(min_row=2, values_only=True))
    assert notes["model version"] == NOTES["model version"] and notes["spend unit"] == "crore ₹"


def test_any_float_round_trips_well_within_a_rupee(tmp_path):
    rng = np.random.default_rng(7)
    plan = pd.DataFrame({"week_start": WEEKS, **{c: rng.lognormal(-1, 2, len(WEEKS)) for c in CHANNELS}})
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_workbook(plan, CHANNELS, NOTES))
    read = load_scenario(path, CHANNELS)
    # openpyxl writes 16 significant digits (Excel keeps 15): a float with 17 loses its last bit, far below a rupee
    rupees = np.abs(read[CHANNELS].to_numpy() - plan[CHANNELS].to_numpy()) * MONEY.factor
    assert rupees.max() < 1e-6


def test_a_workbook_for_another_unit_is_refused(tmp_path):
    plan = rupee_plan().assign(**money_columns(MoneyUnit.for_currency("GBP", "million")))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_workbook(plan, CHANNELS, NOTES))
    with pytest.raises(InputError, match=r"plan.xlsx, sheet 'plan' row 2, column 'spend_unit': the plan's spend is in"):
        load_scenario(path, CHANNELS, money=MONEY)


def test_totals_per_channel_and_month_add_up():
    plan = rupee_plan()
    totals = plan_totals(plan, CHANNELS)
    assert list(totals["month"]) == ["2016-07", "2016-08", "2016-09", "2016-10", "total"]
    months, whole = totals.iloc[:-1], totals.iloc[-1]
    np.testing.assert_allclose(months[CHANNELS].sum().to_numpy(), plan[CHANNELS].sum().to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(whole[CHANNELS].to_numpy(float), plan[CHANNELS].sum().to_numpy())
    assert whole["total"] == pytest.approx(plan[CHANNELS].to_numpy().sum(), rel=1e-12)
    # the week of 2016-09-26 has five days in September and two in October
    assert totals.loc[3, "TV"] == pytest.approx(plan.loc[12, "TV"] * 2 / 7, rel=1e-12)


def test_a_pasted_block_replaces_the_grid_exactly():
    plan = rupee_plan()
    grid = plan.assign(**{c: 1.0 for c in CHANNELS})
    block = read_pasted(plan.to_csv(sep="\t", index=False, date_format="%Y-%m-%d"), CHANNELS)
    pasted = pasted_plan(grid, block, CHANNELS, MONEY)
    assert_same_plan(pasted.plan, plan)
    assert pasted.message.startswith("Read 13 weeks × 9 channels with a header row: every channel")
    # two channels over two weeks, named by their header and week column: only those cells change
    part = read_pasted("week_start\tTV\tSEM\n2016-07-11\t0.5\t1,234.5\n2016-08-01\t0\t2\n", CHANNELS)
    changed = pasted_plan(grid, part, CHANNELS, MONEY).plan
    assert changed.loc[1, "TV"] == 0.5 and changed.loc[1, "SEM"] == 1234.5 and changed.loc[4, "TV"] == 0.0
    assert (changed[CHANNELS] != grid[CHANNELS]).to_numpy().sum() == 4  # TV and SEM in two weeks, nothing else


def test_a_block_that_does_not_fit_the_plan_says_why():
    grid = rupee_plan()
    with pytest.raises(InputError, match="has 2 rows of spend but the plan has 13 weeks"):
        pasted_plan(grid, read_pasted("TV\n1\n2\n", CHANNELS), CHANNELS, MONEY)
    with pytest.raises(InputError, match="week 2017-01-02 is not a week of the plan"):
        pasted_plan(grid, read_pasted("week_start\tTV\n2017-01-02\t1\n", CHANNELS), CHANNELS, MONEY)


def test_locked_amounts_are_the_plans_totals_over_the_horizon():
    plan = rupee_plan()
    assert locked_amounts(plan, ["TV"], 13) == {"TV": float(plan["TV"].sum())}
    assert locked_amounts(plan, ["SEM"], 26)["SEM"] == pytest.approx(2 * plan["SEM"].sum(), rel=1e-12)


def test_the_undo_history_goes_back_step_by_step_and_keeps_the_last_twenty():
    history = PlanHistory()
    plans = [rupee_plan(seed) for seed in range(25)]
    for i, plan in enumerate(plans):
        history.push(plan, f"edit {i}")
    assert len(history) == 20 and history.last == "edit 24"
    assert_same_plan(history.undo(), plans[24])
    assert_same_plan(history.undo(), plans[23])
    assert len(history) == 18 and history.last == "edit 22"
