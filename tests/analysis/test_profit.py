"""Profit first (issue 35 item 4): the headline's contribution arithmetic and what plan B adds over plan A."""

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.budget import even_plan, optimise_budget, subcategory_margins
from gmvplanner.analysis.profit import plan_increment, profit_headline
from gmvplanner.analysis.scenario_summary import plan_figures, plan_gmv
from gmvplanner.analysis.scenarios import default_scenario


def test_profit_headline_is_margin_times_gmv_less_spend(mmm_art):
    budget, margin = 0.1, 0.25
    result = optimise_budget(mmm_art, budget, 8, margins=subcategory_margins(mmm_art, margin))
    profit = profit_headline(mmm_art, result, subcategory_margins(mmm_art, margin))
    spend = mmm_art.money.to_base(budget)
    assert profit.baseline_spend == pytest.approx(spend) and profit.recommended_spend == pytest.approx(spend)
    # one margin for every subcategory: profit is the GMV figures scaled by it, less the same spend
    assert profit.baseline.value == pytest.approx(margin * result.historical_gmv[0] - spend, rel=1e-9)
    assert profit.gain.value == pytest.approx(margin * result.uplift, rel=1e-6, abs=1e-6)
    assert profit.recommended.value == pytest.approx(profit.baseline.value + profit.gain.value)
    lo, hi = result.uplift_interval
    assert (profit.gain.lower, profit.gain.upper) == pytest.approx((margin * lo, margin * hi), rel=1e-6, abs=1e-6)
    assert profit.p_gain == pytest.approx(result.p_beats_historical)
    assert profit.gmv_gain == pytest.approx(result.uplift, rel=1e-9)


def test_a_larger_budget_is_charged_its_extra_spend(mmm_art):
    margins = subcategory_margins(mmm_art, 0.3)
    result = optimise_budget(mmm_art, 0.2, 8, margins=margins)
    profit = profit_headline(mmm_art, result, margins, baseline_budget=0.1)
    money = mmm_art.money
    assert profit.recommended_spend == pytest.approx(money.to_base(0.2))
    assert profit.baseline_spend == pytest.approx(money.to_base(0.1))
    # the baseline is the historical split at the smaller budget: its GMV times the margin, less its spend
    historical = result.table.set_index("channel")["historical_crore"] / 0.2 * 0.1
    baseline_gmv = plan_gmv(mmm_art, even_plan(result.weeks, mmm_art.channels, historical.reindex(mmm_art.channels).to_numpy()))
    assert profit.baseline.value == pytest.approx(0.3 * baseline_gmv - money.to_base(0.1), rel=1e-6)
    assert profit.recommended.value == pytest.approx(profit.baseline.value + profit.gain.value)
    assert profit.gain.lower <= profit.gain.value <= profit.gain.upper
    assert profit.recommended.lower < profit.recommended.upper


def _plans(art):
    a = default_scenario(art, weeks=8)
    b = a.copy()
    b["TV"] = b["TV"] * 2.0
    b["SEM"] = b["SEM"] * 1.5
    return a, b


def test_plan_b_over_plan_a(mmm_art):
    a, b = _plans(mmm_art)
    fa, fb = plan_figures(mmm_art, a), plan_figures(mmm_art, b)
    margin = 0.2
    increment = plan_increment(fa, fb, subcategory_margins(mmm_art, margin))
    extra = mmm_art.money.to_base(float((b[mmm_art.channels] - a[mmm_art.channels]).to_numpy().sum()))
    gmv = plan_gmv(mmm_art, b) - plan_gmv(mmm_art, a)
    assert increment["extra spend"].value == pytest.approx(extra)
    assert increment["incremental GMV"].value == pytest.approx(gmv, rel=1e-9)
    assert increment["incremental ROAS"].value == pytest.approx(gmv / extra, rel=1e-9)
    roas, profit = increment["incremental ROAS"], increment["incremental profit"]
    assert roas.lower < roas.upper and np.isfinite([roas.lower, roas.upper]).all()
    # one margin for every subcategory: profit = margin x incremental GMV - extra spend, bounds too
    assert profit.value == pytest.approx(margin * gmv - extra, rel=1e-9)
    gmv_figure = increment["incremental GMV"]
    assert profit.lower == pytest.approx(margin * gmv_figure.lower - extra, rel=1e-9)
    assert profit.upper == pytest.approx(margin * gmv_figure.upper - extra, rel=1e-9)


def test_margins_by_subcategory_weigh_each_ones_gmv(mmm_art):
    a, b = _plans(mmm_art)
    fa, fb = plan_figures(mmm_art, a), plan_figures(mmm_art, b)
    first = mmm_art.subcategories[0]
    only_first = {sub: (0.5 if sub == first else 0.0) for sub in mmm_art.subcategories}
    increment = plan_increment(fa, fb, only_first)
    gained = float(fb.by_subcategory[first][0] - fa.by_subcategory[first][0])
    assert increment["incremental profit"].value == pytest.approx(0.5 * gained - increment["extra spend"].value)
    assert sum(float(v[0]) for v in fa.by_subcategory.values()) == pytest.approx(float(fa.totals[0, 0]))


def test_the_same_spend_has_no_incremental_roas(forest_art):
    a, _ = _plans(forest_art)
    fa = plan_figures(forest_art, a)
    increment = plan_increment(fa, fa)
    assert np.isnan(increment["incremental ROAS"].value)
    assert increment["incremental GMV"].value == 0.0
    assert "incremental profit" not in increment
    assert isinstance(a, pd.DataFrame)


@pytest.mark.slow
def test_optimise_and_report_put_profit_first_through_the_real_cli(trained_mmm, tmp_path):
    from gmvplanner.model.artifacts import load_artifacts

    from ..helpers import run_cli

    art = load_artifacts(trained_mmm)
    margins = subcategory_margins(art, 0.3)
    result = optimise_budget(art, 0.05, 8, margins=margins)
    profit = profit_headline(art, result, margins)
    shown = art.money.from_base
    run = run_cli(
        "ecommerce_testing.py", "optimise", "--artifacts", trained_mmm, "--budget", "0.05", "--weeks", "8", "--margin", "0.3"
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(
        f"expected profit (GMV x margin - media spend), the historical split: {shown(profit.baseline.value):+,.4g}"
    )
    assert lines[2].startswith(f"expected profit gain: {shown(profit.gain.value):+,.4g}")
    assert run.stdout.index("expected profit") < run.stdout.index("expected GMV")
    page = tmp_path / "report.html"
    report = run_cli(
        "ecommerce_testing.py",
        "report",
        "--artifacts",
        trained_mmm,
        "--out",
        page,
        "--budget",
        "0.05",
        "--weeks",
        "8",
        "--margin",
        "0.3",
    )
    assert report.returncode == 0, report.stderr
    text = page.read_text()
    assert "<h3>Profit</h3>" in text and f"Profit gain {art.money.format(profit.gain.value)}" in text
    assert text.index("<h3>Profit</h3>") < text.index("<h3>Recommended split</h3>")
