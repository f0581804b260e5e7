"""Plotly figures from tidy frames: each function takes data and returns a `go.Figure` (no Streamlit here).

One module per what the charts are for: `forecasts` (weekly GMV, backtest, decomposition, features), `channels`
(effects, ROI, response curves, carry-over), `budget` (splits and plans), `customers`; `common` holds the shared
palette and layout. Every figure is importable from here: `from gmvplanner.reporting.charts import roi_figure`.
"""

from __future__ import annotations

from .budget import budget_response_figure, split_figure, waterfall_figure
from .channels import (
    carryover_figure,
    contribution_figure,
    response_curve_figure,
    response_money_figure,
    roi_figure,
    spend_effect_figure,
)
from .common import EVENT_STYLE, PALETTE
from .customers import cohort_figure, cost_per_new_customer_figure, new_returning_figure, segment_figure
from .forecasts import (
    FEATURE_LABELS,
    backtest_figure,
    decomposition_figure,
    feature_label,
    forecast_figure,
    importance_figure,
    scenario_comparison_figure,
)
from .money_curves import money_curves_figure

__all__ = [
    "forecast_figure",
    "scenario_comparison_figure",
    "contribution_figure",
    "roi_figure",
    "response_curve_figure",
    "backtest_figure",
    "importance_figure",
    "split_figure",
    "waterfall_figure",
    "budget_response_figure",
    "decomposition_figure",
    "spend_effect_figure",
    "response_money_figure",
    "carryover_figure",
    "money_curves_figure",
    "feature_label",
    "segment_figure",
    "new_returning_figure",
    "cohort_figure",
    "cost_per_new_customer_figure",
    "FEATURE_LABELS",
    "EVENT_STYLE",
    "PALETTE",
]
