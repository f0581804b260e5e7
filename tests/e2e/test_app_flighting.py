"""The Budget page's weekly shape (flighting) through streamlit.testing.v1.AppTest: the shape keeps the split's
totals, and the page says its uplift over an even spread or why it kept the even spread."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ..helpers import ROOT


@pytest.fixture
def app(trained_mmm, monkeypatch, tmp_path):
    monkeypatch.setenv("GMV_ARTIFACTS", str(trained_mmm))
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception
    return at


def test_the_budget_page_flights_the_split_keeping_each_total(app):
    app.switch_page("app_pages/budget_optimiser.py").run()
    app.number_input(key="budget_total").set_value(5.0)
    next(b for b in app.button if b.label == "Optimise").click().run()
    assert not app.exception and not app.error
    split = next(d.value for d in app.dataframe if "recommended (crore ₹)" in d.value.columns).set_index("channel")
    app.button(key="flight_button").click().run()
    assert not app.exception and not app.error
    shape = next(d.value for d in app.dataframe if "week_start" in d.value.columns)
    channels = [c for c in shape.columns if c != "week_start"]
    assert len(shape) == 13
    # the table shows 4 decimals: each channel's weekly sum meets the split's total within that rounding
    assert np.allclose(shape[channels].sum(), split.loc[channels, "recommended (crore ₹)"], atol=13 * 5e-5 + 1e-4)
    said = [m.value for m in app.markdown] + [i.value for i in app.info]
    assert any("Uplift of this shape over an even spread" in t and "beats the even spread in" in t for t in said) or any(
        t.startswith("The even spread is kept.") for t in said
    )
    assert app.get("plotly_chart") and not any("--flight" in t for t in said)  # no CLI flags on the page
