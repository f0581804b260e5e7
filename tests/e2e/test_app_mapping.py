"""The app with a shop's own orders (issue 26), through AppTest: the Data & retrain page's mapping step (a guess
from the header, a preview as the model reads it, the choice remembered, a bad mapping named), and the pages
that need spend data saying so for artifacts trained from orders alone."""

import pandas as pd
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


def _role(at, role):
    """The mapping step's select box of one role (labelled with the role's name)."""
    return next(s for s in at.selectbox if s.label == role)


def _setting(at, start):
    return next(t for t in at.text_input if t.label.startswith(start))


@pytest.mark.parametrize("name", ["Channels", "Budget optimiser", "Experiments"])
def test_pages_needing_spend_say_so(app, name):
    app.switch_page(PAGES[name]).run()
    assert not app.exception and not app.error
    assert any("needs marketing spend data" in i.value and "--media" in i.value for i in app.info)


def test_mapping_step_guesses_previews_and_remembers(app, shop_export, tmp_path):
    export = pd.read_csv(shop_export, dtype=str, keep_default_na=False)
    uci = tmp_path / shop_export.name  # customer ids as the UCI file has them once read as numbers: 17850.0
    export.assign(CustomerID=pd.to_numeric(export["CustomerID"].replace("", None), errors="coerce")).to_csv(uci, index=False)
    assert "1" in uci.read_text().splitlines()[1] and ".0," in uci.read_text()
    app.switch_page(PAGES["Data & retrain"]).run()
    app.file_uploader(key="upload_orders").set_value((uci.name, uci.read_bytes(), "text/csv")).run()
    assert not app.exception
    assert not any(t.label == "Column mapping" for t in app.text_input)  # no free-text role=column box
    header = shop_export.read_text().splitlines()[0].split(",")
    assert _role(app, "price").options == ["(not in this file)", *header]  # filled from the header
    picked = {role: _role(app, role).value for role in PRESETS["online_retail"].columns}
    assert picked == PRESETS["online_retail"].columns  # the Online Retail preset, guessed from the header
    assert _role(app, "gmv").value == "(not in this file)"
    assert _setting(app, "Date format").value == "%m/%d/%Y %H:%M" and _setting(app, "Cancelled orders").value == "C"
    assert _setting(app, "Currency").value == "GBP"  # the preset and Country = United Kingdom
    assert any(c.value.startswith("Guessed GBP:") and "United Kingdom" in c.value for c in app.caption)
    preview = next(d.value for d in app.dataframe if "order_date" in d.value.columns)
    assert list(preview.columns[:3]) == ["order_date", "gmv", "units"]
    assert str(preview["order_date"].iloc[0]).startswith("2011-01-0")  # read as YYYY-MM-DD, not m/d/Y
    assert all(len(v.split(".")[-1]) == 2 for v in preview["gmv"])  # money to cents, never 15.299999999999999
    assert not any(v.endswith(".0") for v in preview["customer_id"])  # ids as written: 17850, not 17850.0
    assert any("order rows" in s.value for s in app.success)
    assert app.session_state["orders_layout"].mapping.columns == PRESETS["online_retail"].columns
    assert app.session_state["orders_layout"].money.currency == "GBP"

    # a role given a column that makes no sense for it: named, and the upload does not pass
    _role(app, "order_date").select("(not in this file)").run()
    assert any("order_date is required" in e.value for e in app.error)
    assert app.button(key="retrain").disabled
    _role(app, "order_date").select("InvoiceDate").run()
    assert not app.error

    # the choice is remembered for this header
    _role(app, "region").select("(not in this file)").run()
    assert not app.error
    remembered = app.session_state["column_mappings"][tuple(header)]
    assert "region=" not in remembered and "price=UnitPrice" in remembered
    assert not app.button(key="retrain").disabled
