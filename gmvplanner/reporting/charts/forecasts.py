"""Weekly GMV over time: forecasts, scenarios side by side, the backtest, its decomposition into baseline and
channels, and the features the model leans on."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ...units import RUPEES_IN_CRORE, MoneyUnit
from .common import INTERVAL_LABEL, PALETTE, layout, mark_events

__all__ = [
    "forecast_figure",
    "scenario_comparison_figure",
    "backtest_figure",
    "decomposition_figure",
    "FEATURE_LABELS",
    "feature_label",
    "importance_figure",
]

HALF_WEEK = pd.Timedelta(days=3)  # the held-out shading reaches this far past the first and last held-out week


def forecast_figure(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    subcategory: str,
    money: MoneyUnit = RUPEES_IN_CRORE,
    events: pd.DataFrame | None = None,
) -> go.Figure:
    """Actual weekly GMV, then the prediction with its 80% band; sale and holiday weeks marked (`events`).

    `history`: week_start, actual_gmv (₹); `forecast`: week_start, predicted_gmv, lower, upper (₹).
    """
    div, unit = money.axis(pd.concat([history["actual_gmv"], forecast["upper"]]))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=history["week_start"], y=history["actual_gmv"] / div, name="actual GMV", line={"color": "#444"}))
    fig.add_trace(
        go.Scatter(
            x=forecast["week_start"],
            y=forecast["upper"] / div,
            mode="lines",
            line={"width": 0},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=forecast["week_start"],
            y=forecast["lower"] / div,
            mode="lines",
            fill="tonexty",
            line={"width": 0},
            fillcolor="rgba(31,119,180,0.2)",
            name=INTERVAL_LABEL,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=forecast["week_start"],
            y=forecast["predicted_gmv"] / div,
            name="predicted GMV",
            mode="lines+markers",
            line={"color": PALETTE[0]},
        )
    )
    mark_events(fig, events, history["week_start"], history["actual_gmv"], div)
    return layout(fig, f"{subcategory}: weekly GMV, actual and predicted", f"GMV ({unit})")


def scenario_comparison_figure(predictions: pd.DataFrame, subcategory: str, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Weekly GMV of each saved scenario (column `scenario`) for one subcategory, with 80% bands."""
    fig = go.Figure()
    rows = predictions.loc[predictions["subcategory"] == subcategory]
    div, unit = money.axis(rows["upper"])
    for i, (name, frame) in enumerate(rows.groupby("scenario", sort=False)):
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=frame["week_start"],
                y=frame["predicted_gmv"] / div,
                name=str(name),
                mode="lines+markers",
                line={"color": color},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "visible": True,
                    "thickness": 1,
                    "array": (frame["upper"] - frame["predicted_gmv"]) / div,
                    "arrayminus": (frame["predicted_gmv"] - frame["lower"]) / div,
                },
            )
        )
    return layout(fig, f"{subcategory}: predicted weekly GMV by scenario (bars: {INTERVAL_LABEL})", f"GMV ({unit})")


def backtest_figure(
    backtest: pd.DataFrame, subcategory: str, money: MoneyUnit = RUPEES_IN_CRORE, events: pd.DataFrame | None = None
) -> go.Figure:
    """Actual vs predicted weekly GMV; the held-out weeks shaded, partial weeks and sale/holiday weeks marked."""
    rows = backtest.loc[backtest["subcategory"] == subcategory].sort_values("week_start")
    div, unit = money.axis(rows["actual_gmv"])
    fig = go.Figure(
        [
            go.Scatter(x=rows["week_start"], y=rows["actual_gmv"] / div, name="actual", line={"color": "#444"}),
            go.Scatter(x=rows["week_start"], y=rows["predicted_gmv"] / div, name="predicted", line={"color": PALETTE[0]}),
        ]
    )
    if {"lower", "upper"} <= set(rows.columns):  # the calibrated 80% interval, a band behind the lines
        fig.add_trace(
            go.Scatter(
                x=pd.concat([rows["week_start"], rows["week_start"][::-1]]),
                y=pd.concat([rows["upper"], rows["lower"][::-1]]) / div,
                fill="toself",
                fillcolor="rgba(31,119,180,0.15)",
                line={"width": 0},
                name="80% interval",
                hoverinfo="skip",
            )
        )
    if "days" in rows:  # a partial first or last week is not a collapse in demand: say so on the chart
        partial = rows.loc[rows["days"] < 7]
        fig.add_trace(
            go.Scatter(
                x=partial["week_start"],
                y=partial["actual_gmv"] / div,
                mode="markers",
                name="partial week (fewer than 7 days)",
                marker={"symbol": "circle-open", "size": 12, "color": "#d62728"},
                hovertext=[f"{d} of 7 days in the data" for d in partial["days"]],
            )
        )
    mark_events(fig, events, rows["week_start"], rows["actual_gmv"], div)
    hold = rows.loc[rows["split"] == "holdout", "week_start"]
    if len(hold):
        fig.add_vrect(
            x0=hold.min() - HALF_WEEK,
            x1=hold.max() + HALF_WEEK,
            fillcolor="orange",
            opacity=0.15,
            line_width=0,
            annotation_text="held out",
        )
    return layout(fig, f"{subcategory}: backtest (train weeks: out-of-bag; held-out weeks: never seen)", f"GMV ({unit})")


def decomposition_figure(parts: pd.DataFrame, subcategory: str, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Weekly GMV stacked into the baseline and each channel's part (`analysis.effects.weekly_decomposition`)."""
    totals = parts.groupby("week_start")["gmv"].sum()
    div, unit = money.axis(totals)
    fig = go.Figure()
    for i, (part, rows) in enumerate(parts.groupby("part", sort=False)):
        color = "#cccccc" if part == "baseline" else PALETTE[i % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=rows["week_start"],
                y=rows["gmv"] / div,
                name=str(part),
                stackgroup="gmv",
                mode="lines",
                line={"width": 0.5, "color": color},
            )
        )
    return layout(fig, f"{subcategory}: weekly GMV, baseline and each channel's part", f"GMV ({unit})")


FEATURE_LABELS = {
    "sale_share": "special-sale days (share of the week)",
    "holiday_share": "public holidays (share of the week)",
    "payday_share": "paydays (share of the week)",
    "nps": "net promoter score",
    "month": "month of the year",
    "woy_sin": "week of the year (sine)",
    "woy_cos": "week of the year (cosine)",
    "trend": "trend (years)",
    "product_mrp": "mean MRP",
    "discount": "discount",
    "sla": "delivery SLA",
    "procurement_sla": "procurement SLA",
}


def feature_label(name: str) -> str:
    """A model feature in plain words: 'adstock_TV' -> 'TV spend (with carry-over)', 'woy_sin' -> 'week of the
    year (sine)', mix columns as 'share of orders, vertical: Lens'; the hybrid's forest part keeps its prefix."""
    prefix = ""
    if name.startswith("forest: "):
        prefix, name = "forest: ", name[len("forest: ") :]
    if name.startswith("adstock_"):
        return f"{prefix}{name[len('adstock_') :]} spend (with carry-over)"
    if name.startswith(("season_sin", "season_cos")):
        return f"{prefix}season ({'sine' if 'sin' in name else 'cosine'} {name[-1]})"
    for kind in ("vertical", "payment"):
        if name.startswith(f"mix_{kind}_"):
            return f"{prefix}share of orders, {kind}: {name[len(kind) + 5 :]}"
    return prefix + FEATURE_LABELS.get(name, name)


def importance_figure(importances: pd.DataFrame, subcategory: str, top: int = 15) -> go.Figure:
    """The most important features of one subcategory's model."""
    rows = importances.loc[importances["subcategory"] == subcategory].nlargest(top, "importance").iloc[::-1]
    fig = go.Figure(
        go.Bar(x=rows["importance"], y=[feature_label(f) for f in rows["feature"]], orientation="h", marker_color=PALETTE[4])
    )
    return layout(fig, f"{subcategory}: feature importance (share of the model's total)", "feature", x_title="importance")
