"""A real browser against a real `streamlit run app.py`: Debian's chromium driven by Playwright."""

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ..helpers import ROOT
from .app_server import CHROMIUM_FLAGS, running_app

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SCREENSHOTS = ROOT / "tests" / "screenshots"
PAGES = ["Predict", "Scenario planner", "Channels", "Budget optimiser", "Model report", "Data & retrain"]


@pytest.fixture
def server(trained_mmm):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; CI must install Debian's chromium (scripts/test.sh does)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with running_app(trained_mmm) as url:
        yield url


def test_predict_in_a_real_browser(server, trained_mmm):
    from playwright.sync_api import sync_playwright

    from gmvplanner.analysis.optimise import historical_split
    from gmvplanner.analysis.scenarios import predict_scenario
    from gmvplanner.model.artifacts import load_artifacts
    from gmvplanner.planner import form_scenario, lever_ranges, recent_monthly_spend

    # what the form's defaults must give, computed here without the app
    art = load_artifacts(trained_mmm)
    sub = art.subcategories[0]
    first = art.last_week + pd.Timedelta(weeks=1)
    levers = {k: round(r.default, 2) for k, r in lever_ranges(art, sub).items() if k != "discount"}
    shares = dict(zip(art.channels, (historical_split(art) * 100).round(2).to_numpy()))
    scenario = form_scenario(
        art, first, 4, sub, monthly_spend=round(recent_monthly_spend(art), 4), channel_shares=shares, sale_days=0, **levers
    )
    expected = predict_scenario(art, scenario).query("subcategory == @sub")["predicted_gmv"]

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Predict weekly GMV").wait_for(timeout=60_000)
        page.get_by_role("button", name="Predict", exact=True).click()
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        page.locator('[data-testid="stMetricValue"]').first.scroll_into_view_if_needed()
        page.wait_for_timeout(800)  # let Plotly finish drawing
        page.screenshot(path=str(SCREENSHOTS / "predict.png"))
        # the page list in the sidebar, and a page opened from it
        nav = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        page.get_by_role("link", name="Budget optimiser").click()
        page.get_by_role("button", name="Optimise").wait_for(timeout=60_000)
        budget_url = page.url
        browser.close()
    assert values[0] == f"₹ {expected.iloc[0] / 1e5:,.2f} lakh"  # the small test data sells lakhs a week
    assert values[1] == f"₹ {expected.sum() / 1e5:,.2f} lakh"
    assert (SCREENSHOTS / "predict.png").stat().st_size > 10_000
    assert [n.strip() for n in nav] == PAGES
    assert budget_url.endswith("/budget_optimiser")
