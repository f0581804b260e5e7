"""The analyst's workbench in the app (issue 35): the Channels page draws the money curves and marks the Budget
optimiser's split once it has run; the Experiments page reads out a finished test from the model's own orders."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

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
