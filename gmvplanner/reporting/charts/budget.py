"""Budgets and plans: the split by channel, the change from the baseline plan, GMV against total budget."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ...units import RUPEES_IN_CRORE, MoneyUnit
from .common import INTERVAL_LABEL, PALETTE, decimals_for, layout

__all__ = ["split_figure", "waterfall_figure", "budget_response_figure"]

# a change below this share of the baseline plan's GMV is float noise: not drawn as a step (nor allowed as the
# whole y range)
NEGLIGIBLE_SHARE = 1e-9
WATERFALL_PAD = 0.6  # room above and below the bars, as a share of the range they span


def split_figure(table: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Historical vs recommended spend per channel (the optimiser's table, in the input money unit)."""
    historical, recommended = money.column("historical"), money.column("recommended")
    fig = go.Figure(
        [
            go.Bar(x=table["channel"], y=table[historical], name="historical split", marker_color="#999"),
            go.Bar(x=table["channel"], y=table[recommended], name="recommended split", marker_color=PALETTE[2]),
        ]
    )
    fig.update_layout(barmode="group")
    return layout(fig, "Budget by channel over the horizon", f"spend ({money.name})", x_title="channel")


def waterfall_figure(steps: pd.DataFrame, base_gmv: float, plan_gmv: float, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """From the baseline plan's GMV to this plan's, one bar per step (`steps`: step, change in the base unit)."""
    div, unit = money.axis(pd.Series([base_gmv, plan_gmv]))
    shown = steps.loc[steps["change"].abs() > NEGLIGIBLE_SHARE * max(abs(base_gmv), 1.0)]
    fig = go.Figure(
        go.Waterfall(
            x=["baseline plan", *shown["step"], "this plan"],
            y=[base_gmv / div, *(shown["change"] / div), plan_gmv / div],
            measure=["absolute", *["relative"] * len(shown), "total"],
            increasing={"marker": {"color": "#2ca02c"}},
            decreasing={"marker": {"color": "#d62728"}},
            totals={"marker": {"color": "#1f77b4"}},
            texttemplate="%{delta:+.2f}",
            hovertemplate="%{x}: %{y:.2f} " + unit + "<extra></extra>",
        )
    )
    layout(fig, "Change in GMV from the baseline plan, by channel", f"GMV ({unit})", x_title="")
    fig.update_layout(hovermode="closest", showlegend=False)
    low = min(base_gmv, plan_gmv, base_gmv + float(shown["change"].clip(upper=0).sum())) / div
    high = max(base_gmv, plan_gmv, base_gmv + float(shown["change"].clip(lower=0).sum())) / div
    pad = max(high - low, NEGLIGIBLE_SHARE * max(abs(high), 1.0)) * WATERFALL_PAD
    # the changes are small against the total: show them, with tick labels as precise as the range needs
    fig.update_yaxes(range=[low - pad, high + pad], tickformat=f",.{decimals_for(high - low + 2 * pad)}f")
    return fig


def budget_response_figure(curve: pd.DataFrame, points: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Expected GMV against total budget (`curve`: budget, allocated, gmv, gmv_lower, gmv_upper, no_media in the base
    unit; see `scenario_summary.budget_response`), with the break-even line (GMV without media plus the spend the
    modelled subcategories receive: above it, the spend returns more GMV than it costs) and the marked `points`
    (label, budget, gmv)."""
    div, unit = money.axis(curve["gmv_upper"].fillna(curve["gmv"]))
    fig = go.Figure()
    if curve["gmv_lower"].notna().all():
        fig.add_trace(
            go.Scatter(
                x=pd.concat([curve["budget"], curve["budget"][::-1]]) / div,
                y=pd.concat([curve["gmv_upper"], curve["gmv_lower"][::-1]]) / div,
                fill="toself",
                fillcolor="rgba(31,119,180,0.15)",
                line={"width": 0},
                name=INTERVAL_LABEL,
                hoverinfo="skip",
            )
        )
    fig.add_trace(go.Scatter(x=curve["budget"] / div, y=curve["gmv"] / div, name="expected GMV", line={"color": "#1f77b4"}))
    fig.add_trace(
        go.Scatter(
            x=curve["budget"] / div,
            y=(curve["no_media"] + curve["allocated"]) / div,
            name="break-even (ROAS 1: GMV without media + their spend)",
            line={"color": "#7f7f7f", "dash": "dash"},
        )
    )
    for (_, point), color in zip(points.iterrows(), ("#ff7f0e", "#2ca02c", "#d62728")):
        fig.add_trace(
            go.Scatter(
                x=[point["budget"] / div],
                y=[point["gmv"] / div],
                mode="markers+text",
                text=[point["label"]],
                textposition="top left",
                marker={"size": 12, "color": color},
                name=point["label"],
            )
        )
    layout(fig, "Total GMV against total budget", f"GMV over the horizon ({unit})", x_title=f"budget over the horizon ({unit})")
    fig.update_layout(hovermode="closest")
    return fig
