"""Customers: segments, new and returning customers per week, cohort retention, cost per new customer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ...dates import MONTHS_PER_YEAR
from ...units import RUPEES_IN_CRORE, MoneyUnit
from .common import INTERVAL_LABEL, PALETTE, axis_cap, interval_bars, layout

__all__ = ["segment_figure", "new_returning_figure", "cohort_figure", "cost_per_new_customer_figure"]


def segment_figure(segments: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Customers and GMV per segment (`data.customers.CustomerTables.segments`), side by side."""
    from plotly.subplots import make_subplots

    div, unit = money.axis(segments["gmv"])
    fig = make_subplots(rows=1, cols=2, subplot_titles=("customers", f"GMV ({unit})"))
    fig.add_trace(go.Bar(x=segments["segment"], y=segments["customers"], marker_color=PALETTE[0], name="customers"), 1, 1)
    fig.add_trace(go.Bar(x=segments["segment"], y=segments["gmv"] / div, marker_color=PALETTE[2], name="GMV"), 1, 2)
    fig.update_layout(showlegend=False)
    return layout(fig, "Customer segments", "", x_title="")


def new_returning_figure(weekly: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Weekly GMV from new customers, returning customers and orders without a customer id, stacked."""
    parts = {"new customers": "new_gmv", "returning customers": "returning_gmv", "no customer id": "no_id_gmv"}
    div, unit = money.axis(weekly[list(parts.values())].sum(axis=1))
    fig = go.Figure()
    for (name, column), color in zip(parts.items(), (PALETTE[1], PALETTE[0], "#bbbbbb")):
        if name == "no customer id" and not (weekly[column] > 0).any():
            continue
        fig.add_trace(
            go.Scatter(x=weekly["week_start"], y=weekly[column] / div, name=name, stackgroup="gmv", line={"color": color})
        )
    return layout(fig, "Weekly GMV: new and returning customers", f"GMV ({unit})")


def cohort_figure(cohorts: pd.DataFrame) -> go.Figure:
    """Cohort retention: of each month's new customers, the share (%) who bought in each later month."""
    years = cohorts["month"].dt.year - cohorts["cohort"].dt.year
    frame = cohorts.assign(
        age=years * MONTHS_PER_YEAR + cohorts["month"].dt.month - cohorts["cohort"].dt.month,
        share=100 * cohorts["customers"] / cohorts["cohort_size"],
    )
    grid = frame.pivot_table(index="cohort", columns="age", values="share").sort_index()
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=[d.strftime("%Y-%m") for d in grid.index],
            colorscale="Blues",
            zmin=0,
            zmax=float(np.nanmax(grid.drop(columns=0, errors="ignore").to_numpy())) if grid.shape[1] > 1 else 100,
            colorbar={"title": "% buying"},
            hovertemplate="cohort %{y}, month %{x}: %{z:.1f}%<extra></extra>",
        )
    )
    layout(
        fig,
        "Cohort retention: share of each month's new customers buying again",
        "month of the first order",
        x_title="months after the first order",
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def cost_per_new_customer_figure(effects: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Cost per new customer by channel with its 80% interval (channels that brought none left out)."""
    rows = effects.loc[effects["cost_per_new_customer"].notna()].sort_values("cost_per_new_customer", ascending=False)
    unit = money.symbol if money.is_currency else "units"
    fig = go.Figure(
        go.Bar(
            x=rows["cost_per_new_customer"],
            y=rows["channel"],
            orientation="h",
            marker_color=PALETTE[3],
            error_x=interval_bars(rows, "cost_per_new_customer"),
            customdata=rows[[c for c in ("cost_per_new_customer_lower", "cost_per_new_customer_upper") if c in rows]],
            hovertemplate=f"%{{y}}: %{{x:,.0f}} {unit} per new customer"
            + (
                f" ({INTERVAL_LABEL} %{{customdata[0]:,.0f}} to %{{customdata[1]:,.0f}})"
                if "cost_per_new_customer_upper" in rows
                else ""
            )
            + "<extra></extra>",
        )
    )
    layout(fig, f"Cost per new customer by channel ({INTERVAL_LABEL})", "channel", x_title=f"{unit} per new customer")
    if "cost_per_new_customer_upper" in rows:
        cap = axis_cap(rows["cost_per_new_customer"], rows["cost_per_new_customer_upper"])
        if cap is not None:  # an upper bound far beyond every bar: cut the axis, say so
            fig.update_xaxes(range=[0, cap])
            fig.add_annotation(
                text="Some intervals run past the axis: hover a bar for its full interval.",
                xref="paper",
                yref="paper",
                x=1,
                y=-0.28,
                showarrow=False,
                font={"size": 11},
                xanchor="right",
            )
    return fig
