"""The one-pager: the real CLI writes one self-contained HTML file holding every section; the decomposition in it
adds up to the model's prediction."""

import re

import numpy as np
import pytest

from gmvplanner.analysis.effects import weekly_decomposition
from gmvplanner.features.design import design_matrix
from gmvplanner.model.artifacts import load_artifacts

from ..helpers import run_cli

SECTIONS = (
    "Fit and held-out weeks against naive baselines",
    "weekly GMV, baseline and each channel's part",
    "share of spend vs share of effect",
    "ROI by channel",
    "response curves (dot: current spend, star: recommended split)",
    "Carry-over per channel",
    "Recommended split",
    "Response and marginal ROAS in money",
    "break-even (marginal ROAS = 1)",
)


def test_the_report_command_writes_one_self_contained_page(trained_mmm, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("ecommerce_testing.py", "report", "--artifacts", trained_mmm, "--out", out)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in page, section
    for sub in load_artifacts(trained_mmm).subcategories:
        assert f"<h2>{sub}</h2>" in page
    assert page.count("Plotly.newPlot") == 5 * 3 + 3  # per subcategory 5 charts, then the money curves, carry-over, the split
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js inlined once: opens without a network
    assert page.count("plotly.js v") == 1


def test_report_refuses_an_out_inside_the_artifacts(trained_mmm):
    result = run_cli("ecommerce_testing.py", "report", "--artifacts", trained_mmm, "--out", trained_mmm / "r.html")
    assert result.returncode == 2 and "inside the artifacts folder" in result.stderr


def test_the_weekly_decomposition_adds_up_to_the_prediction(mmm_art):
    history = mmm_art.table("history")
    for sub, model in mmm_art.models.items():
        weekly = history.loc[history["subcategory"] == sub].reset_index(drop=True)
        parts = weekly_decomposition(model, weekly)
        assert list(parts["part"].unique()) == ["baseline", *mmm_art.channels]
        per_week = parts.groupby("week_start", sort=False)["gmv"].sum().to_numpy()
        predicted = model.estimator.predict(design_matrix(weekly, model.spec)) * weekly["days"].to_numpy(float)
        np.testing.assert_allclose(per_week, predicted, rtol=1e-9)
        channel_parts = parts.loc[parts["part"] != "baseline"]
        assert (channel_parts["gmv"] >= -1e-6).all()  # non-negative media effects
        totals = channel_parts.groupby("part")["gmv"].sum()
        incremental = mmm_art.table("contributions").query("subcategory == @sub").set_index("channel")["incremental_gmv"]
        assert totals.sum() == pytest.approx(float(incremental.sum()), rel=0.05)  # about the same media GMV


@pytest.fixture(scope="module")
def report(trained_mmm):
    """The one-pager of the media-mix artifacts with one subcategory's model beaten by a naive forecast, its split,
    and the artifacts it was made from."""
    from gmvplanner.analysis.budget import optimise_budget
    from gmvplanner.config import PLAN_WEEKS, RECENT_WEEKS
    from gmvplanner.reporting.one_pager import one_pager
    from gmvplanner.service import planner

    art = load_artifacts(trained_mmm)
    metrics = art.table("metrics")
    sub = art.subcategories[0]
    beaten = (metrics["subcategory"] == sub) & (metrics["predictor"] == "last_week")
    art._tables["metrics"] = metrics.assign(wape=metrics["wape"].where(~beaten, 0.01))
    result = optimise_budget(art, planner.recent_budget(art) * PLAN_WEEKS / RECENT_WEEKS, PLAN_WEEKS)
    return one_pager(art, result), art, result


def test_the_one_pager_carries_the_uplifts_interval_and_how_often_it_beats_the_historical_split(report):
    import html as html_module

    page, art, result = report
    text = html_module.unescape(page)
    money = art.money
    lo, hi = result.uplift_interval
    assert f"the uplift's 80% interval is {money.format(lo)} to {money.format(hi)}" in text
    assert f"beats the historical split in {result.p_beats_historical:.0%} of the bootstrap refits" in text
    point, low, high = (money.format(v) for v in result.recommended_gmv)
    assert f"recommended {point} (80% interval {low} to {high})" in text
    assert "cover week-to-week variation around the model's prediction" in text  # what the intervals do not cover


def test_the_one_pager_carries_the_naive_forecast_warning_and_every_flag(report):
    import html as html_module

    from gmvplanner.reporting.one_pager import channel_flags
    from gmvplanner.reporting.tables import baseline_verdict, identification_caution

    page, art, _ = report
    text = html_module.unescape(page)
    sub = art.subcategories[0]
    verdict = baseline_verdict(art, sub)
    assert verdict and "a naive forecast, repeating the last training week, was closer than the model" in verdict
    assert f"{sub}: {verdict}" in text
    caution = identification_caution(art)
    assert caution is None or caution in text
    for other in art.subcategories:
        for flag in channel_flags(art, other):
            assert flag in text


def test_the_one_pagers_first_screen_is_a_summary(report):
    page, art, _ = report
    summary = page[: page.index(f"<h2>{art.subcategories[0]}</h2>")]  # everything before the first detail
    assert summary.index("<h2>Summary</h2>") < summary.index("beats the historical split in")
    assert "a naive forecast" in summary and "Held-out weeks: the model against naive forecasts" in summary
    assert "Plotly.newPlot" not in summary  # no chart before the detail
