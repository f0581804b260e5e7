"""The Scenario planner as a planning sheet (issue 35 item 2), driven by AppTest: a 13-week x 9-channel block pasted
from a spreadsheet and an .xlsx workbook uploaded replace the grid exactly, the totals per month and channel sit
under the grid, undo steps back through the changes, and a locked channel keeps its plan's spend in the Budget
optimiser's split."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.service import planner

from ..helpers import ROOT


@pytest.fixture
def planner_page(trained_mmm, monkeypatch, tmp_path):
    monkeypatch.setenv("GMV_ARTIFACTS", str(trained_mmm))
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.switch_page("app_pages/scenario_planner.py").run()
    assert not at.exception
    return at


def rupee_block(plan: pd.DataFrame, channels: list[str], seed: int = 5) -> pd.DataFrame:
    """The plan's weeks with new spend per channel, each a whole number of rupees (input unit: crore)."""
    rng = np.random.default_rng(seed)
    rupees = np.round(rng.lognormal(13, 1.0, (len(plan), len(channels))))
    return plan[["week_start"]].assign(**dict(zip(channels, (rupees / 1e7).T)))


def spend(at: AppTest, channels: list[str]) -> np.ndarray:
    return at.session_state["plan"].drop_duplicates("week_start")[channels].to_numpy(float)


def test_paste_and_xlsx_replace_the_grid_exactly_with_totals_and_undo(planner_page, trained_mmm):
    at, channels = planner_page, load_artifacts(trained_mmm).channels
    assert len(channels) == 9
    before = at.session_state["plan"].copy()
    block = rupee_block(before, channels)
    assert len(block) == 13
    # copied without a header, as a spreadsheet copies a range of cells
    at.text_area(key="plan_paste").input(block[channels].to_csv(sep="\t", index=False, header=False)).run()
    next(b for b in at.button if b.label == "Use the pasted block").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    np.testing.assert_array_equal(spend(at, channels), block[channels].to_numpy())
    assert any("Read 13 weeks × 9 channels without a header row" in s.value for s in at.success)
    totals = next(d.value for d in at.dataframe if "month" in d.value.columns)
    np.testing.assert_array_equal(totals.iloc[-1][channels].to_numpy(float), block[channels].sum().to_numpy())
    # undo goes back to the plan before the paste
    next(b for b in at.button if b.label.startswith("Undo: pasted block")).click().run()
    np.testing.assert_array_equal(spend(at, channels), before.drop_duplicates("week_start")[channels].to_numpy())
    # the workbook the page offers, uploaded again, gives the same plan to the unit
    other = rupee_block(before, channels, seed=6)
    book = planner.plan_workbook(other, channels, {"by": "test"})
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="plan_upload").set_value(("q3.xlsx", book, xlsx)).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Loaded q3.xlsx: 13 weeks" in s.value for s in at.success)
    np.testing.assert_array_equal(spend(at, channels), other[channels].to_numpy())


def test_a_bad_workbook_names_its_sheet_row_and_column(planner_page, trained_mmm):
    at, channels = planner_page, load_artifacts(trained_mmm).channels
    bad = rupee_block(at.session_state["plan"], channels)
    bad.loc[3, "SEM"] = -1.0
    book = planner.plan_workbook(bad, channels, {})
    at.file_uploader(key="plan_upload").set_value(("mine.xlsx", book, "application/octet-stream")).run()
    assert [e.value for e in at.error] == [
        "Could not use this file: mine.xlsx, sheet 'plan' row 5, column 'SEM': negative spend -1.0 for 'SEM'"
    ]


def test_a_locked_channel_keeps_its_plan_spend_in_the_budget_split(planner_page):
    at = planner_page
    plan = at.session_state["plan"]
    tv = float(plan.drop_duplicates("week_start")["TV"].sum())
    at.multiselect(key="plan_locks").select("TV").run()
    at.switch_page("app_pages/budget_optimiser.py").run()
    assert any("Locked on the Scenario planner: TV" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Optimise").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    request, result = at.session_state["budget_request"], at.session_state["budget_result"]
    split = result.table.set_index("channel")["recommended_crore"]
    assert split["TV"] == tv  # to the unit: exactly the plan's total
    assert split.sum() == pytest.approx(request.budget, rel=1e-12)
    assert (split.drop("TV") != result.table.set_index("channel")["historical_crore"].drop("TV")).any()
