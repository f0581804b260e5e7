"""The app with a shop's own orders (issue 26), through AppTest: the Data & retrain page's mapping step (a guess
from the header, a preview as the model reads it, the choice remembered, a bad mapping named), and the pages
that need spend data saying so for artifacts trained from orders alone."""

import pytest
from streamlit.testing.v1 import AppTest

from gmvplanner import cli
from gmvplanner.data.columns import PRESETS

from .. import shop_exports as shop
from ..helpers import ROOT

PAGES = {
    "Channels": "app_pages/channels.py",
    "Budget optimiser": "app_pages/budget_optimiser.py",
    "Experiments": "app_pages/experiments.py",
    "Data & retrain": "app_pages/data_retrain.py",
}


@pytest.fixture(scope="module")
def shop_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shop")
    return shop.write(shop.online_retail(shop.lines()), folder / "online_retail.csv")


@pytest.fixture(scope="module")
def no_spend_artifacts(shop_export, tmp_path_factory):
    """Artifacts trained from the export alone (no media), in pounds."""
    art = tmp_path_factory.mktemp("art") / "artifacts"
    argv = ["--orders", str(shop_export), "--columns-preset", "online_retail", "--currency", "GBP"]
    assert cli.training_main([*argv, "--artifacts", str(art), "--trees", "20", "--quiet"]) == 0
    return art


@pytest.fixture
def app(no_spend_artifacts, monkeypatch):
    monkeypatch.setenv("GMV_ARTIFACTS", str(no_spend_artifacts))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    return at


def _box(at):
    return next(t for t in at.text_input if t.label == "Column mapping")


@pytest.mark.parametrize("name", ["Channels", "Budget optimiser", "Experiments"])
def test_pages_needing_spend_say_so(app, name):
    app.switch_page(PAGES[name]).run()
    assert not app.exception and not app.error
    assert any("needs marketing spend data" in i.value and "--media" in i.value for i in app.info)


def test_mapping_step_guesses_previews_and_remembers(app, shop_export):
    app.switch_page(PAGES["Data & retrain"]).run()
    app.file_uploader(key="upload_orders").set_value((shop_export.name, shop_export.read_bytes(), "text/csv")).run()
    assert not app.exception
    guessed = _box(app).value
    assert "order_date=InvoiceDate" in guessed and "price=UnitPrice" in guessed and "cancelled_prefix=C" in guessed
    preview = next(d.value for d in app.dataframe if "order_date" in d.value.columns)
    assert list(preview.columns[:3]) == ["order_date", "gmv", "units"]
    assert str(preview["order_date"].iloc[0]).startswith("2011-01-0")  # read as YYYY-MM-DD, not m/d/Y
    assert any("order rows" in s.value for s in app.success)
    assert app.session_state["orders_layout"].mapping.columns == PRESETS["online_retail"].columns

    # a mapping naming a column the file lacks: named, and the upload does not pass
    _box(app).input(guessed.replace("price=UnitPrice", "price=Price")).run()
    assert any("'Price'" in e.value and "missing" in e.value for e in app.error)
    assert app.button(key="retrain").disabled

    # the choice is remembered for this header
    _box(app).input(guessed.replace("region=Country,", "")).run()
    assert not app.error
    header = tuple(shop_export.read_text().splitlines()[0].split(","))
    assert app.session_state["column_mappings"][header] == guessed.replace("region=Country,", "")
    assert not app.button(key="retrain").disabled
