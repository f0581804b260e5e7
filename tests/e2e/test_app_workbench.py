"""The analyst's workbench in the app (issue 35): the Channels page draws the money curves and marks the Budget
optimiser's split once it has run; the Experiments page reads out a finished test from the model's own orders."""

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gmvplanner.analysis.profit import plan_increment
from gmvplanner.analysis.scenario_summary import plan_figures
from gmvplanner.analysis.scenarios import default_scenario
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.service import planner

from ..helpers import ROOT


@pytest.fixture
def app(trained_mmm, monkeypatch, tmp_path):
    monkeypatch.setenv("GMV_ARTIFACTS", str(trained_mmm))
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    assert not at.exception
    return at


def test_channels_page_draws_money_curves_and_marks_the_split(app):
    app.switch_page("app_pages/channels.py").run()
    assert not app.exception
    assert "Response and marginal ROAS in money" in [s.value for s in app.subheader]
    assert any("Run the Budget optimiser to mark its split here" in c.value for c in app.caption)
    app.switch_page("app_pages/budget_optimiser.py").run()
    next(b for b in app.button if b.label == "Optimise").click().run()
    app.switch_page("app_pages/channels.py").run()
    assert not app.exception
    assert any("The star is the recommended split" in c.value for c in app.caption)


def test_experiments_page_reads_out_a_finished_test(app):
    app.switch_page("app_pages/experiments.py").run()
    app.selectbox(key="readout_channel").select("SEM")
    app.date_input(key="readout_start").set_value(dt.date(2016, 3, 7))
    app.date_input(key="readout_end").set_value(dt.date(2016, 4, 3))
    app.number_input(key="readout_delta").set_value(0.5)
    next(b for b in app.button if b.label == "Read out the test").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    row = next(d.value for d in app.dataframe if "sigma" in d.value.columns)
    assert list(row["channel"]) == ["SEM"] and row["sigma"].iloc[0] > 0
    assert any("placebo windows" in m.value for m in app.markdown)


def test_budget_page_puts_profit_first_when_margins_are_given(app, trained_mmm):
    """With margins the headline is expected profit (GMV x margin - spend) with its interval, the numbers the
    package gives for the same request; the GMV figures follow."""
    app.switch_page("app_pages/budget_optimiser.py").run()
    app.number_input(key="budget_total").set_value(0.05)
    art = load_artifacts(trained_mmm)
    app.session_state["budget_margins"] = {"edited_rows": {i: {"margin %": 30.0} for i in range(len(art.subcategories))}}
    next(b for b in app.button if b.label == "Optimise").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    request = app.session_state["budget_request"]
    profit = planner.answer_profit(art, request, planner.answer_budget(art, request))
    labels = [m.label for m in app.metric]
    assert labels[:3] == ["Expected profit, historical split", "Expected profit, recommended", "Expected profit gain"]
    values = {m.label: m.value for m in app.metric}
    assert values["Expected profit, historical split"] == art.money.format(profit.baseline.value)
    assert values["Expected profit gain"] == art.money.format(profit.gain.value)
    words = next(m.value for m in app.markdown if m.value.startswith("**Profit gain"))
    assert f"{art.money.format(profit.gain.lower)} to {art.money.format(profit.gain.upper)}" in words
    assert labels.index("Expected uplift") > 2  # GMV second


def test_planner_says_what_a_plan_adds_with_incremental_roas_and_profit(app, trained_mmm):
    app.switch_page("app_pages/scenario_planner.py").run()
    app.selectbox(key="quick_channel").set_value("SEM")
    app.number_input(key="quick_pct").set_value(50.0)
    app.button(key="quick_apply_channel").click().run()
    app.number_input(key="planner_margin").set_value(25.0).run()
    assert not app.exception and not app.error
    table = next(d.value for d in app.dataframe if "incremental profit" in d.value.columns)
    row = table.set_index(table.columns[0]).loc["current plan"]
    art, plan = load_artifacts(trained_mmm), app.session_state["plan"]
    weeks = pd.DatetimeIndex(plan["week_start"].drop_duplicates().sort_values())
    baseline = default_scenario(art, weeks=len(weeks), start=weeks[0])
    want = plan_increment(plan_figures(art, baseline), plan_figures(art, plan), {s: 0.25 for s in art.subcategories})
    assert want["extra spend"].value > 0
    assert row["extra spend"] == art.money.format(want["extra spend"].value)
    assert row["incremental ROAS"].startswith(f"{want['incremental ROAS'].value:.2f} (")
    assert row["incremental profit"].startswith(art.money.format(want["incremental profit"].value) + " (")
