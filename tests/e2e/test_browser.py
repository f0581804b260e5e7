"""A real browser against a real `streamlit run app.py`: Debian's chromium driven by Playwright."""

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ..helpers import ROOT
from .app_server import CHROMIUM_FLAGS, running_app

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SCREENSHOTS = ROOT / "tests" / "screenshots"
PAGES = [
    "Predict",
    "Scenario planner",
    "Channels",
    "Budget optimiser",
    "Experiments",
    "Customers",
    "Model report",
    "Data & retrain",
]


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

    from gmvplanner.analysis.budget import historical_split
    from gmvplanner.analysis.scenarios import predict_scenario
    from gmvplanner.model.artifacts import load_artifacts
    from gmvplanner.service.planner import form_scenario, lever_ranges, recent_monthly_spend

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
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Predict weekly GMV").wait_for(timeout=60_000)
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        _wait_until_idle(page)
        chart_box = page.locator(".js-plotly-plot").first.bounding_box()  # on the first screen, nothing scrolled
        page.get_by_role("button", name="Predict", exact=True).click()
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        _wait_until_idle(page)
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        page.locator('[data-testid="stMetricValue"]').first.scroll_into_view_if_needed()
        _wait_for_charts(page)
        page.screenshot(path=str(SCREENSHOTS / "predict.png"))
        # the page list in the sidebar, and a page opened from it
        nav = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        page.get_by_role("link", name="Budget optimiser").click()
        page.get_by_role("button", name="Optimise").wait_for(timeout=60_000)
        budget_url = page.url
        browser.close()
    assert chart_box["y"] >= 0 and chart_box["y"] + chart_box["height"] <= 900, chart_box  # the whole chart, unscrolled
    assert values[0] == f"₹ {expected.iloc[0] / 1e5:,.2f} lakh"  # the small test data sells lakhs a week
    assert values[1] == f"₹ {expected.sum() / 1e5:,.2f} lakh"
    assert (SCREENSHOTS / "predict.png").stat().st_size > 10_000
    assert [n.strip() for n in nav] == PAGES
    assert budget_url.endswith("/budget_optimiser")


TENFOLD_QUESTION = "This edit changes spend tenfold or more"  # the planner asks before keeping such an edit
GRID_CELLS = '[data-testid="stDataFrame"] [role="gridcell"]'  # Glide's accessible cells, row by row
WEEK = r"^\d{4}-\d{2}-\d{2}$"  # the plan editor's first column, weekly
MONTH = r"^\d{4}-\d{2}$"  # and monthly


def _spend_cells(page) -> list[str]:
    """The first row of the plan editor as the grid shows it (Glide's accessible cells: week, TV, Digital, ...)."""
    cells = page.locator(GRID_CELLS)
    return [cells.nth(i).inner_text() for i in range(3)]


def _wait_for_cell(page, value: str, timeout_ms: int = 30_000) -> list[str]:
    """The first row once its TV cell shows `value` and the rerun that keeps the edit has finished (the editor is
    drawn afresh from the kept plan, so the cell must show `value` again then). AssertionError if it never does."""
    from playwright.sync_api import expect

    tv = page.locator(GRID_CELLS).nth(1)
    expect(tv).to_have_text(value, use_inner_text=True, timeout=timeout_ms)
    _wait_until_idle(page, timeout_ms)
    expect(tv).to_have_text(value, use_inner_text=True, timeout=timeout_ms)
    return _spend_cells(page)


def _wait_for_first_column(page, pattern: str) -> None:
    """Until the plan editor is drawn with rows of the wanted grain (weeks 2016-07-04, months 2016-07) and its run
    has finished."""
    from playwright.sync_api import expect

    expect(page.locator(GRID_CELLS).first).to_have_text(re.compile(pattern), use_inner_text=True, timeout=60_000)
    _wait_until_idle(page)


# every Plotly chart on the page has drawn its figure (into its SVG: not every kind of trace draws a g.trace)
CHARTS_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .every(chart => chart.querySelector('.main-svg') !== null)"""


def _wait_for_charts(page) -> None:
    """Until every Plotly chart on the page has drawn its figure."""
    page.wait_for_function(CHARTS_DRAWN, polling=100, timeout=30_000)


def _wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    """Until Streamlit's "Running..." widget has been gone for a second (a rerun can start right after another)."""
    quiet = 0
    for _ in range(timeout_ms // 250):
        quiet = 0 if page.locator('[data-testid="stStatusWidget"]').is_visible() else quiet + 1
        if quiet >= 4:
            return
        page.wait_for_timeout(250)


def _edit_first_tv_cell(page, grid, text: str, tmp_path, attempts: int = 6) -> list[str]:
    """Type `text` into the first week's TV cell until the plan keeps it, and return the first row then. After each
    typing the page either asks about a tenfold change (press Keep, then the cell must show `text`) or shows `text`
    at once; when neither happens within a minute the typing was lost (a busy page redrew the grid), so type again."""
    question = page.get_by_text(TENFOLD_QUESTION, exact=False)
    tv = page.locator(GRID_CELLS).nth(1)
    for attempt in range(attempts):
        _type_in_first_tv_cell(page, grid, text)
        for _ in range(240):  # up to a minute for the page to react
            if question.is_visible():
                _press_until_answered(page, question, "Keep the edit")
            elif tv.is_visible() and tv.inner_text() == text:
                break
            page.wait_for_timeout(250)
        try:
            return _wait_for_cell(page, text, timeout_ms=60_000)
        except AssertionError:
            page.keyboard.press("Escape")
            page.screenshot(path=str(tmp_path / f"edit_attempt_{attempt}.png"))
    raise AssertionError(f"typing into the grid never took: {_spend_cells(page)}")


def _press_until_answered(page, question, button: str, timeout_ms: int = 120_000) -> None:
    """Press the question's `button` until the question has gone. A busy page can draw the button late or redraw it
    while it is clicked, so each press waits briefly and a missed one is tried again (AssertionError at timeout)."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(timeout_ms // 5_000):
        if not question.is_visible():
            return
        try:
            page.get_by_role("button", name=button).click(timeout=5_000)
            question.wait_for(state="hidden", timeout=5_000)
        except PlaywrightError:  # not drawn yet, redrawn while clicked, or the rerun still running: look again
            continue
    raise AssertionError(f"'{button}' never answered the question within {timeout_ms // 1000} s")


def _wait_until_replaced(page, element) -> None:
    """Until `element` has left the page (a fresh editor drawn after Undo replaces the old one); a page that kept
    the element is fine too."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("el => !el.isConnected", arg=element, timeout=30_000)
    except PlaywrightTimeout:
        pass


def _type_in_cell(page, grid, dx: float, text: str) -> None:
    """Open the editor of the grid's first row's cell `dx` px from its left edge (a double-click; rows are 35 px),
    wait until the grid shows its editor, and type `text` over it; a double-click a busy page swallowed is repeated."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    editor = page.locator(".gdg-clip-region")  # the grid's open-cell editor (as Streamlit's own e2e tests find it)
    for _attempt in range(5):
        _wait_until_idle(page)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()  # measured after the run: charts drawn above the grid move it
        page.mouse.dblclick(box["x"] + (dx if dx >= 0 else box["width"] + dx), box["y"] + 35 + 17)
        try:
            editor.first.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("the grid's cell editor never opened after five double-clicks")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    _wait_for_two_frames(page)  # the editor takes the typed text into its state on its next render
    page.keyboard.press("Enter")


# resolves after the browser has drawn two more frames: React has rendered what was typed
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _wait_for_two_frames(page) -> None:
    """Until the page has drawn twice. Streamlit 1.67's grid editor keeps the typed number in React state, so an
    Enter pressed in the same frame as the typing committed the old value (the edit was silently lost)."""
    page.evaluate(TWO_FRAMES)


def _type_in_first_tv_cell(page, grid, text: str) -> None:
    """Type `text` over the first week's TV cell (the week column is 200 px wide)."""
    _type_in_cell(page, grid, 220, text)


def _slip_a_digit(page, grid, shown: str) -> str:
    """Type the TV cell as shown with its decimal point one place to the right (0.3137 -> 3.137, which is 9.9993x a
    stored 0.313722): the planner must ask first; returns its question after pressing Undo."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    whole, _, decimals = shown.replace(",", "").partition(".")
    slipped = f"{int(whole + decimals[:1])}.{decimals[1:]}" if decimals else f"{whole}0"
    question = page.get_by_text(TENFOLD_QUESTION, exact=False)
    for _attempt in range(6):  # a double-click can be swallowed while the page still runs
        _type_in_first_tv_cell(page, grid, slipped)
        try:
            expect(question).to_be_visible(timeout=60_000)
            break
        except (AssertionError, PlaywrightTimeout):
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"the tenfold question never came after typing {slipped}: {_spend_cells(page)}")
    text = question.inner_text()
    old_editor = grid.element_handle()
    _press_until_answered(page, question, "Undo the edit")
    _wait_until_replaced(page, old_editor)  # typing into the old editor while it is replaced would be lost
    _wait_for_cell(page, shown, timeout_ms=60_000)  # the fresh editor is drawn from the plan as it was
    return text


def test_first_sight_edits_that_survive_and_the_one_pager(server, tmp_path):
    """A chart on first open with no click; a spend cell typed into the planner's grid survives switching to the
    monthly view and back and a visit to another page; the one-pager downloads. Screenshots of every page."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(server, wait_until="domcontentloaded")
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # no button pressed
        first_chart = page.locator(".js-plotly-plot").count()

        page.get_by_role("link", name="Scenario planner").click()
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for(timeout=60_000)
        _wait_for_first_column(page, WEEK)
        before_cells = _spend_cells(page)
        slip_warning = _slip_a_digit(page, grid, before_cells[1])
        after_undo = _spend_cells(page)
        after_edit = _edit_first_tv_cell(page, grid, "0.5", tmp_path)
        edited = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        page.get_by_text("monthly", exact=True).click()
        _wait_for_first_column(page, MONTH)
        monthly = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        page.get_by_text("weekly", exact=True).click()
        _wait_for_first_column(page, WEEK)
        after_views = _spend_cells(page)
        page.get_by_role("link", name="Channels").click()
        page.get_by_text("What each channel added").wait_for(timeout=60_000)
        page.get_by_role("link", name="Scenario planner").click()
        grid.wait_for(timeout=60_000)
        _wait_for_first_column(page, WEEK)
        after_pages = _spend_cells(page)
        back = page.locator('[data-testid="stMetricValue"]').all_inner_texts()

        page.get_by_role("link", name="Model report").click()
        button = page.get_by_role("button", name="Download the one-pager (HTML)")
        button.wait_for(timeout=60_000)
        with page.expect_download(timeout=120_000) as download:
            button.click()
        report = tmp_path / download.value.suggested_filename
        download.value.save_as(report)

        page.get_by_role("link", name="Experiments").click()
        page.get_by_text("Proposed tests").wait_for(timeout=60_000)  # the proposals, drawn in a real browser
        page.get_by_text("changes the best budget split").nth(2).wait_for(timeout=60_000)  # lines arrive one by one
        proposals = page.get_by_text("changes the best budget split").count()

        for name in PAGES:
            page.get_by_role("link", name=name).click()
            _wait_until_idle(page)
            _wait_for_charts(page)
            page.screenshot(path=str(SCREENSHOTS / f"{name.lower().replace(' & ', '_').replace(' ', '_')}.png"), full_page=True)
        browser.close()
    assert first_chart >= 1
    assert "tenfold" in slip_warning and "week of" in slip_warning  # the digit slipped on the shown value was caught
    assert after_undo == before_cells  # and undone
    assert proposals == 3
    assert after_edit[1] == "0.5" and before_cells[1] != "0.5"
    assert monthly == edited  # switching views changes nothing
    assert after_views == after_edit and after_pages == after_edit  # the edit survives views and pages
    assert back == edited
    html = report.read_text(encoding="utf-8")
    assert report.name == "gmv_planner_one_pager.html" and "GMV Planner: model one-pager" in html
    assert "Recommended split" in html and html.count("plotly.js v") == 1


def _save_in_a_browser(browser, url: str, name: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}/scenario_planner", wait_until="domcontentloaded")
    field = page.get_by_label("Scenario name")
    field.wait_for(timeout=60_000)
    _wait_until_idle(page)
    field.fill(name)
    field.press("Enter")
    _wait_until_idle(page)
    page.get_by_role("button", name="Save to the library").click()
    page.get_by_text(f"Saved '{name}' to the team's library").wait_for(timeout=60_000)
    page.close()


def _sees_in_the_library(context, url: str, name: str) -> bool:
    """Whether a fresh page of the Scenario planner shows `name` in the library (its delete box names the picked
    scenario; the table itself is drawn on a canvas)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = context.new_page()
    page.goto(f"{url}/scenario_planner", wait_until="domcontentloaded")
    page.get_by_text("Team scenario library").wait_for(timeout=60_000)
    try:
        page.get_by_text(f"Yes, delete '{name}'").wait_for(timeout=60_000)
        return True
    except PlaywrightTimeout:
        return False
    finally:
        page.close()


def test_a_saved_scenario_is_seen_by_another_session_and_after_a_restart(trained_mmm, tmp_path):
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    env = {"GMV_DATABASE_URL": f"sqlite:///{tmp_path / 'team.sqlite'}"}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        with running_app(trained_mmm, env=env) as url:
            _save_in_a_browser(browser, url, "Festive push")
            other = browser.new_context(viewport={"width": 1400, "height": 900})  # another analyst: no shared cookies
            seen_by_other = _sees_in_the_library(other, url, "Festive push")
        with running_app(trained_mmm, env=env) as url:  # the server restarted
            after_restart = _sees_in_the_library(
                browser.new_context(viewport={"width": 1400, "height": 900}), url, "Festive push"
            )
        browser.close()
    assert seen_by_other
    assert after_restart


def _role_box(page, role: str):
    """The mapping step's select box of one role (a combobox labelled with the role's name, its value the column)."""
    return page.get_by_role("combobox", name=role, exact=True)


def _float_ids(export: pd.DataFrame) -> pd.DataFrame:
    """Customer ids as the UCI file has them once read as numbers: 17850.0."""
    return export.assign(CustomerID=pd.to_numeric(export["CustomerID"].replace("", None), errors="coerce"))


def test_a_shops_export_is_mapped_and_checked_in_a_real_browser(server, tmp_path):
    """Data & retrain with a UK Online Retail export: a select box per role filled from its header with the preset
    guessed, the currency guessed as GBP from its Country column, the preview formatted by type (money to cents, ids
    as written, ISO dates), and the file passing its check."""
    import re

    from playwright.sync_api import expect, sync_playwright

    from .. import shop_exports as shop

    export = shop.write(_float_ids(shop.online_retail(shop.lines(weeks=20))), tmp_path / "online_retail.csv")
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{server}/data_retrain", wait_until="domcontentloaded")
        expect(page.get_by_text("Data & retrain").first).to_be_visible(timeout=60_000)
        _wait_until_idle(page)
        page.locator('[data-testid="stFileUploader"]').first.locator('input[type="file"]').set_input_files(str(export))
        expect(page.get_by_text("online_retail.csv:", exact=False).first).to_be_visible(timeout=120_000)  # the check
        for role, column in {"order_date": "InvoiceDate", "price": "UnitPrice", "units": "Quantity", "region": "Country"}.items():
            expect(_role_box(page, role)).to_have_value(column)
        expect(_role_box(page, "gmv")).to_have_value("(not in this file)")
        expect(page.get_by_role("textbox", name="Cancelled orders: order ids starting with (blank: none)")).to_have_value("C")
        expect(page.get_by_role("textbox", name="Currency (ISO 4217, e.g. INR, GBP, USD, EUR)")).to_have_value("GBP")
        expect(page.get_by_text("Guessed GBP:", exact=False)).to_contain_text("United Kingdom")
        assert page.get_by_role("textbox", name="Column mapping").count() == 0  # no free-text role=column box
        grid = page.get_by_test_id("stDataFrame").first  # the preview: the page's only table once a file is mapped
        expect(grid).to_be_attached(timeout=60_000)
        _wait_until_idle(page)
        grid.scroll_into_view_if_needed()  # the grid writes its cells for assistive tech once it is drawn in view
        cells_shown = grid.locator('[role="gridcell"]')  # Glide's cells for assistive tech (hidden from the role query)
        expect(cells_shown.first).to_be_attached(timeout=30_000)
        cells = cells_shown.all_inner_texts()
        summary = page.get_by_text("order rows", exact=False).first.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "mapping.png"), full_page=True)
        browser.close()
    assert any(re.fullmatch(r"2011-01-0\d \d\d:\d\d", c) for c in cells), cells  # dates as dates
    assert not any(re.search(r"\.\d{3,}$", c) for c in cells), cells  # no 15.299999999999999
    assert not any(re.fullmatch(r"\d+\.0", c) for c in cells), cells  # ids as written, not 17850.0
    assert any(re.fullmatch(r"\d+\.\d\d", c) for c in cells), cells  # money to cents
    assert summary.startswith("online_retail.csv:")


def test_a_library_delete_is_confirmed_for_its_plan_only_and_can_be_undone(trained_mmm, tmp_path):
    """Issue 32: tick 'Yes, delete' for one plan and delete it; the next plan's box is not ticked, its Delete not
    live, the list no longer holds the deleted plan, and 'Undo delete' brings it back."""
    from playwright.sync_api import expect, sync_playwright

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    env = {"GMV_DATABASE_URL": f"sqlite:///{tmp_path / 'team.sqlite'}"}
    with sync_playwright() as pw, running_app(trained_mmm, env=env) as url:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        for name in ("Q3 TV +50%", "scratch A"):  # newest first: 'scratch A' is the one picked
            _save_in_a_browser(browser, url, name)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/scenario_planner", wait_until="domcontentloaded")
        sure_a = page.get_by_role("checkbox", name="Yes, delete 'scratch A'")
        expect(sure_a).to_be_attached(timeout=60_000)
        _wait_until_idle(page)
        delete = page.get_by_role("button", name="Delete", exact=True)
        expect(delete).to_be_disabled()
        page.get_by_text("Yes, delete 'scratch A'").click()
        expect(delete).to_be_enabled(timeout=30_000)
        delete.click()
        expect(page.get_by_text("Deleted 'scratch A'.")).to_be_visible(timeout=30_000)
        sure_q3 = page.get_by_role("checkbox", name="Yes, delete 'Q3 TV +50%'")
        # the message can show before the rerun that redraws the list has finished: a busy page takes seconds
        expect(sure_q3).to_be_attached(timeout=30_000)
        expect(sure_q3).not_to_be_checked(timeout=30_000)
        expect(delete).to_be_disabled(timeout=30_000)
        expect(sure_a).to_have_count(0, timeout=30_000)
        page.screenshot(path=str(tmp_path / "deleted.png"), full_page=True)
        page.get_by_role("button", name="Undo delete").click()
        expect(page.get_by_text("Restored 'scratch A'.")).to_be_visible(timeout=30_000)
        expect(sure_a).to_be_attached(timeout=30_000)
        expect(sure_a).not_to_be_checked(timeout=30_000)
        expect(delete).to_be_disabled(timeout=30_000)
        browser.close()


def test_predict_draws_its_chart_on_a_model_without_spend(trained_no_spend):
    """Issue 32: on a model trained from a shop's orders alone, Predict shows its forecast chart and headline in
    pounds, with the note on how to add spend data, and no error and no spend input."""
    from playwright.sync_api import expect, sync_playwright

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    SCREENSHOTS.mkdir(exist_ok=True)
    with running_app(trained_no_spend) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_text("Predict weekly GMV")).to_be_visible(timeout=60_000)
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
        expect(page.locator('[data-testid="stMetricValue"]').first).to_contain_text("£", timeout=60_000)
        expect(page.get_by_text("This model has no marketing spend data", exact=False)).to_be_visible()
        expect(page.get_by_text("Something went wrong", exact=False)).to_have_count(0)
        expect(page.get_by_label("Marketing spend, monthly total", exact=False)).to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / "predict_no_spend.png"))
        browser.close()


def test_predict_says_when_the_channel_shares_do_not_add_up_to_100(server, trained_mmm):
    """Issue 32 item 10: shares typed to add up to more than 100% are no longer rescaled silently; the forecast
    comes with a warning naming their sum."""
    from playwright.sync_api import expect, sync_playwright

    from gmvplanner.analysis.budget import historical_split
    from gmvplanner.model.artifacts import load_artifacts

    shares = (historical_split(load_artifacts(trained_mmm)) * 100).round(2)
    typed = round(float(shares.iloc[0]) + 10.0, 2)
    total = float(shares.sum()) - float(shares.iloc[0]) + typed
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="domcontentloaded")
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
        grid = page.locator('[data-testid="stDataFrame"]').first  # the channel split, inside the form
        first_share = grid.locator('[role="gridcell"]').nth(1)
        for _attempt in range(4):  # typing can still be lost while the page reruns
            _type_in_cell(page, grid, -60, str(typed))  # the first channel's share (the right-hand column)
            try:
                expect(first_share).to_have_text(f"{typed:.2f}".rstrip("0").rstrip("."), timeout=5_000)
                break
            except AssertionError:
                page.keyboard.press("Escape")
        else:
            raise AssertionError(f"typing into the split never took: {first_share.inner_text()}")
        page.get_by_role("button", name="Predict", exact=True).click()
        warning = page.get_by_text(f"The channel shares add up to {total:,.2f}%, not 100%", exact=False)
        expect(warning).to_be_visible(timeout=60_000)
        page.screenshot(path=str(SCREENSHOTS / "predict_share_warning.png"))
        browser.close()


def test_a_target_roas_no_budget_meets_says_so_and_shows_no_split(server):
    """Issue 32 item 5: a goal that cannot be met says so in plain words and shows no split."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="domcontentloaded")
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
        page.get_by_role("link", name="Budget optimiser").click()
        expect(page.get_by_text("Find the budget for a target marginal ROAS")).to_be_visible(timeout=30_000)
        page.get_by_text("Find the budget for a target marginal ROAS").click()
        target = page.get_by_role("spinbutton", name="Target marginal ROAS (for the second goal)")
        target.fill("500")
        target.press("Tab")
        page.get_by_role("button", name="Optimise").click()
        expect(page.get_by_text("The goal cannot be met", exact=False)).to_be_visible(timeout=120_000)
        expect(page.get_by_text("no split to recommend for this target", exact=False)).to_be_visible()
        assert page.get_by_text("Expected GMV, recommended split").count() == 0
        browser.close()


def test_an_unchanged_plans_waterfall_reads_as_levels_with_distinct_ticks(server):
    """Issue 32 item 8, where users meet it: on the Scenario planner's unchanged default plan the waterfall's bars
    are levels (no '+') and its y ticks read differently."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="domcontentloaded")
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
        page.get_by_role("link", name="Scenario planner").click()
        chart = page.locator(".st-key-waterfall_chart .js-plotly-plot")
        chart.scroll_into_view_if_needed(timeout=120_000)
        expect(chart.locator(".ytick text").first).to_be_visible(timeout=60_000)
        texts = "els => els.map(e => e.textContent)"  # SVG text has no innerText
        ticks = chart.locator(".ytick text").evaluate_all(texts)
        bars = chart.locator(".textpoint, g.point text").evaluate_all(texts)
        assert len(ticks) >= 2 and len(set(ticks)) == len(ticks), ticks  # distinct, not one number repeated
        assert bars and not any(b.strip().startswith("+") for b in bars[:1]), bars  # the baseline is a level
        browser.close()


def test_a_pasted_block_and_an_xlsx_round_trip_in_a_real_browser(server, trained_mmm, tmp_path):
    """Issue 35: a 13-week x 9-channel block pasted into the planner is in the .xlsx it then downloads to the float,
    and that workbook uploaded after an undo brings the same plan back (downloaded again to check)."""
    import numpy as np
    from playwright.sync_api import expect, sync_playwright

    from gmvplanner.analysis.scenarios import default_scenario
    from gmvplanner.data.scenario_files import load_scenario
    from gmvplanner.model.artifacts import load_artifacts

    art = load_artifacts(trained_mmm)
    weeks = default_scenario(art)["week_start"].drop_duplicates()
    rupees = np.round(np.random.default_rng(8).lognormal(13, 1.0, (len(weeks), len(art.channels))))
    block = pd.DataFrame(rupees / 1e7, columns=art.channels)  # whole rupees, in crore
    text = block.to_csv(sep="\t", index=False)  # with its header row, as copied from a sheet
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(f"{server}/scenario_planner", wait_until="domcontentloaded")
        _wait_for_first_column(page, WEEK)
        page.get_by_text("Paste from a spreadsheet").click()
        pasted = page.get_by_label("Pasted cells")
        pasted.fill(text)
        pasted.press("Control+Enter")  # the text area keeps its value once committed
        _wait_until_idle(page)
        page.get_by_role("button", name="Use the pasted block").click()
        expect(page.get_by_text("Read 13 weeks × 9 channels with a header row")).to_be_visible(timeout=60_000)
        _wait_until_idle(page)
        page.screenshot(path=str(SCREENSHOTS / "plan_sheet.png"))
        page.get_by_text("Totals per month and channel").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "plan_totals.png"))
        first = _download_workbook(page, tmp_path / "first.xlsx")
        page.get_by_role("button", name=re.compile("^Undo: pasted block")).click()
        expect(page.get_by_role("button", name=re.compile("^Undo: pasted block"))).to_have_count(0, timeout=60_000)
        _wait_until_idle(page)
        page.locator('[data-testid="stFileUploader"]').first.locator('input[type="file"]').set_input_files(str(first))
        expect(page.get_by_text("Loaded first.xlsx: 13 weeks")).to_be_visible(timeout=60_000)
        _wait_until_idle(page)
        second = _download_workbook(page, tmp_path / "second.xlsx")
        browser.close()
    for book in (first, second):
        plan = load_scenario(book, art.channels, money=art.money)
        assert list(plan["week_start"]) == list(weeks)
        np.testing.assert_array_equal(plan[art.channels].to_numpy(), block.to_numpy())


def _download_workbook(page, path: Path) -> Path:
    """The planner's .xlsx download, saved at `path`."""
    button = page.get_by_role("button", name="Download this scenario (.xlsx: plan, totals, notes)")
    with page.expect_download(timeout=120_000) as download:
        button.click()
    download.value.save_as(path)
    return path
