"""The money-curves figure: per channel its band, line, historical and recommended marks, the break-even line and
the shaded seen range, in the model's currency."""

import numpy as np
import pandas as pd

from gmvplanner.reporting.charts import money_curves_figure
from gmvplanner.units import RUPEES_IN_CRORE


def _curves(recommended: float = np.nan) -> tuple[pd.DataFrame, pd.DataFrame]:
    spend = np.linspace(0.0, 4e6, 9)
    rows = []
    for channel, scale in (("TV", 1.0), ("SEM", 2.0)):
        gmv = scale * 3e6 * spend / (spend + 1e6)
        slope = np.gradient(gmv, spend)
        rows.append(
            pd.DataFrame(
                {
                    "channel": channel,
                    "spend": spend,
                    "gmv": gmv,
                    "mroas": slope,
                    "gmv_lower": 0.8 * gmv,
                    "gmv_upper": 1.2 * gmv,
                    "mroas_lower": 0.8 * slope,
                    "mroas_upper": 1.2 * slope,
                }
            )
        )
    points = pd.DataFrame(
        {
            "channel": ["TV", "SEM"],
            "historical": [1e6, 2e6],
            "seen_lo": [5e5, 1e6],
            "seen_hi": [1.5e6, 3e6],
            "recommended": [recommended, recommended],
        }
    )
    return pd.concat(rows, ignore_index=True), points


def _named(fig, name):
    return [t for t in fig.data if t.name == name]


def test_each_channel_has_its_band_marks_and_break_even():
    curves, points = _curves(recommended=3e6)
    fig = money_curves_figure(curves, points, RUPEES_IN_CRORE, 13)
    assert len(_named(fig, "80% interval over the bootstrap refits")) == 4  # two channels x (response, mROAS)
    assert all(t.fill == "tonexty" for t in _named(fig, "80% interval over the bootstrap refits"))
    historical = _named(fig, "historical spend")
    assert len(historical) == 4 and len(_named(fig, "recommended spend")) == 4
    # in lakh ₹ (the spend reaches 40 lakh a week): TV's historical ₹10 lakh a week, on its curve
    tv = historical[0]
    assert tv.x[0] == 10.0
    assert np.isclose(tv.y[0], 3e6 * 1e6 / 2e6 / 1e5)
    breaks = _named(fig, "break-even (marginal ROAS = 1)")
    assert len(breaks) == 2 and all(list(t.y) == [1.0, 1.0] for t in breaks)
    assert all(t.xaxis in ("x2", "x4") for t in breaks)  # on the marginal-ROAS panels
    seen = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(seen) == 4 and {(s.x0, s.x1) for s in seen} == {(5.0, 15.0), (10.0, 30.0)}
    assert "lakh ₹" in fig.layout.xaxis3.title.text


def test_without_a_split_or_draws_nothing_is_marked_that_is_not_known():
    curves, points = _curves()
    curves = curves.drop(columns=[c for c in curves if c.endswith(("_lower", "_upper"))])
    fig = money_curves_figure(curves, points, RUPEES_IN_CRORE, 13, channels=["SEM"])
    assert not _named(fig, "recommended spend")
    assert not _named(fig, "80% interval over the bootstrap refits")
    assert len(_named(fig, "historical spend")) == 2 and len(_named(fig, "break-even (marginal ROAS = 1)")) == 1
    assert fig.layout.annotations[0].text == "SEM: incremental GMV per week"
