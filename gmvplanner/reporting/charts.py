"""Plotly figures from tidy frames: each function takes data and returns a `go.Figure` (no Streamlit here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..units import RUPEES_IN_CRORE, MoneyUnit

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
    "feature_label",
    "segment_figure",
    "new_returning_figure",
    "cohort_figure",
    "cost_per_new_customer_figure",
]

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")


def _interval_bars(rows: pd.DataFrame, column: str, div: float = 1.0) -> dict | None:
    """Asymmetric error bars from `<column>_lower/_upper` when the table has them (an 80% interval)."""
    if f"{column}_lower" not in rows:
        return None
    return {
        "type": "data",
        "symmetric": False,
        "array": (rows[f"{column}_upper"] - rows[column]) / div,
        "arrayminus": (rows[column] - rows[f"{column}_lower"]) / div,
    }


def _layout(fig: go.Figure, title: str, y_title: str, x_title: str = "week starting") -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 60, "l": 60, "r": 20, "b": 60},
    )
    return fig


EVENT_STYLE = {  # how sale and holiday weeks are marked on weekly charts
    "sale": ("special-sale week", "star", "#d62728"),
    "holiday": ("public-holiday week", "diamond", "#9467bd"),
}


def _mark_events(fig: go.Figure, events: pd.DataFrame | None, weeks: pd.Series, values: pd.Series, div: float) -> None:
    """Mark the sale and holiday weeks (`events`: week_start, kind) on the line of `values` by `weeks`."""
    if events is None or events.empty:
        return
    at = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(weeks))
    for kind, (name, symbol, color) in EVENT_STYLE.items():
        mine = pd.DatetimeIndex(events.loc[events["kind"] == kind, "week_start"]).intersection(at.index)
        if len(mine):
            fig.add_trace(
                go.Scatter(
                    x=mine,
                    y=at.reindex(mine) / div,
                    mode="markers",
                    marker={"symbol": symbol, "size": 9, "color": color, "line": {"width": 0}},
                    name=name,
                    hoverinfo="skip",
                )
            )


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
            name="80% interval",
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
    _mark_events(fig, events, history["week_start"], history["actual_gmv"], div)
    return _layout(fig, f"{subcategory}: weekly GMV, actual and predicted", f"GMV ({unit})")


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
    return _layout(fig, f"{subcategory}: predicted weekly GMV by scenario (bars: 80% interval)", f"GMV ({unit})")


def contribution_figure(contributions: pd.DataFrame, subcategory: str, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Incremental GMV per channel; flagged channels in grey."""
    rows = contributions.loc[contributions["subcategory"] == subcategory].sort_values("incremental_gmv")
    colors = ["#bbbbbb" if str(f) not in ("", "nan") else PALETTE[2] for f in rows["flag"].fillna("")]
    div, unit = money.axis(rows["incremental_gmv"])
    fig = go.Figure(
        go.Bar(
            x=rows["incremental_gmv"] / div,
            y=rows["channel"],
            orientation="h",
            marker_color=colors,
            hovertext=rows["flag"].fillna(""),
            name="incremental GMV",
            error_x=_interval_bars(rows, "incremental_gmv", div),
        )
    )
    return _layout(
        fig,
        f"{subcategory}: incremental GMV (grey: flagged)",
        "channel",
        x_title=f"incremental GMV ({unit})",
    )


def roi_figure(contributions: pd.DataFrame, subcategory: str, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """ROI and marginal ROI per channel (₹ of GMV per ₹ of spend)."""
    rows = contributions.loc[contributions["subcategory"] == subcategory].sort_values("roi")
    fig = go.Figure(
        [
            go.Bar(
                x=rows["roi"],
                y=rows["channel"],
                orientation="h",
                name="ROI (average, 80% interval)",
                marker_color=PALETTE[0],
                error_x=_interval_bars(rows, "roi"),
            ),
            go.Bar(
                x=rows["mroi"],
                y=rows["channel"],
                orientation="h",
                name="marginal ROI (next step of spend)",
                marker_color=PALETTE[1],
            ),
        ]
    )
    fig.update_layout(barmode="group")
    per = "₹ GMV per ₹ spent" if money.rupees else "GMV per unit spent"
    return _layout(fig, f"{subcategory}: ROI by channel", "channel", x_title=per)


def response_curve_figure(curves: pd.DataFrame, subcategory: str, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Window GMV as each channel's spend is scaled 0x-3x, as the change from actual spend."""
    rows = curves.loc[curves["subcategory"] == subcategory]
    div, unit = money.axis(rows["gmv"] - rows["gmv"].min())
    fig = go.Figure()
    for i, (channel, frame) in enumerate(rows.groupby("channel", sort=False)):
        actual = frame.loc[(frame["multiplier"] - 1.0).abs().idxmin(), "gmv"]
        fig.add_trace(
            go.Scatter(
                x=frame["multiplier"],
                y=(frame["gmv"] - actual) / div,
                name=str(channel),
                mode="lines+markers",
                line={"color": PALETTE[i % len(PALETTE)]},
            )
        )
    fig.add_vline(x=1.0, line_dash="dot", annotation_text="actual spend")
    return _layout(
        fig,
        f"{subcategory}: response curves (others held at actual)",
        f"GMV change vs actual ({unit})",
        x_title="spend multiplier (1 = actual)",
    )


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
    _mark_events(fig, events, rows["week_start"], rows["actual_gmv"], div)
    hold = rows.loc[rows["split"] == "holdout", "week_start"]
    if len(hold):
        fig.add_vrect(
            x0=hold.min() - pd.Timedelta(days=3),
            x1=hold.max() + pd.Timedelta(days=3),
            fillcolor="orange",
            opacity=0.15,
            line_width=0,
            annotation_text="held out",
        )
    return _layout(fig, f"{subcategory}: backtest (train weeks: out-of-bag; held-out weeks: never seen)", f"GMV ({unit})")


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
    return _layout(fig, f"{subcategory}: feature importance (share of the model's total)", "feature", x_title="importance")


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
    return _layout(fig, "Budget by channel over the horizon", f"spend ({money.name})", x_title="channel")


def waterfall_figure(steps: pd.DataFrame, base_gmv: float, plan_gmv: float, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """From the baseline plan's GMV to this plan's, one bar per step (`steps`: step, change in the base unit)."""
    div, unit = money.axis(pd.Series([base_gmv, plan_gmv]))
    shown = steps.loc[steps["change"].abs() > 1e-9 * max(abs(base_gmv), 1.0)]
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
    _layout(fig, "Change in GMV from the baseline plan, by channel", f"GMV ({unit})", x_title="")
    fig.update_layout(hovermode="closest", showlegend=False)
    low = min(base_gmv, plan_gmv, base_gmv + float(shown["change"].clip(upper=0).sum())) / div
    high = max(base_gmv, plan_gmv, base_gmv + float(shown["change"].clip(lower=0).sum())) / div
    pad = max(high - low, 1e-9 * max(abs(high), 1.0)) * 0.6
    fig.update_yaxes(range=[low - pad, high + pad])  # the changes are small against the total: show them
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
                name="80% interval",
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
    _layout(fig, "Total GMV against total budget", f"GMV over the horizon ({unit})", x_title=f"budget over the horizon ({unit})")
    fig.update_layout(hovermode="closest")
    return fig


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
    return _layout(fig, f"{subcategory}: weekly GMV, baseline and each channel's part", f"GMV ({unit})")


def spend_effect_figure(contributions: pd.DataFrame, subcategory: str) -> go.Figure:
    """Each channel's share of spend beside its share of the GMV from media (%), as Robyn's one-pager shows them."""
    rows = contributions.loc[contributions["subcategory"] == subcategory]
    spend_share = 100 * rows["spend"] / rows["spend"].sum() if rows["spend"].sum() > 0 else rows["spend"] * 0
    fig = go.Figure(
        [
            go.Bar(x=spend_share, y=rows["channel"], orientation="h", name="share of spend", marker_color="#999"),
            go.Bar(
                x=100 * rows["share"],
                y=rows["channel"],
                orientation="h",
                name="share of GMV from media (80% interval)",
                marker_color=PALETTE[2],
                error_x=_interval_bars(rows.assign(**{c: 100 * rows[c] for c in rows if c.startswith("share")}), "share"),
            ),
        ]
    )
    fig.update_layout(barmode="group")
    return _layout(fig, f"{subcategory}: share of spend vs share of effect", "channel", x_title="%")


def response_money_figure(
    curves: pd.DataFrame, subcategory: str, points: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE
) -> go.Figure:
    """Window GMV change against each channel's spend in money, with the current spend and the recommended one
    marked (`points`: channel, multiplier of the recommended split)."""
    rows = curves.loc[curves["subcategory"] == subcategory]
    div, unit = money.axis(pd.concat([rows["spend"], rows["gmv"] - rows["gmv"].min()]))
    fig = go.Figure()
    for i, (channel, frame) in enumerate(rows.groupby("channel", sort=False)):
        color = PALETTE[i % len(PALETTE)]
        frame = frame.sort_values("multiplier")
        actual = float(np.interp(1.0, frame["multiplier"], frame["gmv"]))
        x, y = frame["spend"] / div, (frame["gmv"] - actual) / div
        fig.add_trace(go.Scatter(x=x, y=y, name=str(channel), mode="lines", line={"color": color}, legendgroup=str(channel)))
        spend_now = float(np.interp(1.0, frame["multiplier"], frame["spend"]))
        fig.add_trace(
            go.Scatter(
                x=[spend_now / div],
                y=[0.0],
                mode="markers",
                marker={"color": color, "size": 9, "symbol": "circle"},
                name=f"{channel}: current",
                legendgroup=str(channel),
                showlegend=False,
            )
        )
        mine = points.loc[points["channel"] == channel, "multiplier"]
        if len(mine) and np.isfinite(mine.iloc[0]):
            m = float(np.clip(mine.iloc[0], frame["multiplier"].min(), frame["multiplier"].max()))
            fig.add_trace(
                go.Scatter(
                    x=[np.interp(m, frame["multiplier"], frame["spend"]) / div],
                    y=[(np.interp(m, frame["multiplier"], frame["gmv"]) - actual) / div],
                    mode="markers",
                    marker={"color": color, "size": 11, "symbol": "star"},
                    name=f"{channel}: recommended",
                    legendgroup=str(channel),
                    showlegend=False,
                )
            )
    _layout(
        fig,
        f"{subcategory}: response curves (dot: current spend, star: recommended split)",
        f"GMV change vs current ({unit})",
        x_title=f"spend over the window ({unit})",
    )
    fig.update_layout(hovermode="closest")
    return fig


def carryover_figure(decay: pd.DataFrame) -> go.Figure:
    """Each channel's weekly carry-over (the share of a week's effect still there a week later) and its half-life."""
    fig = go.Figure(
        go.Bar(
            x=decay["decay"],
            y=decay["channel"],
            orientation="h",
            marker_color=PALETTE[0],
            text=[f"half-life {h:.1f} weeks" if h > 0 else "no carry-over" for h in decay["half_life_weeks"]],
            textposition="auto",
        )
    )
    return _layout(fig, "Carry-over per channel", "channel", x_title="weekly carry-over (decay)")


def segment_figure(segments: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """Customers and GMV per segment (`data.customers.CustomerTables.segments`), side by side."""
    from plotly.subplots import make_subplots

    div, unit = money.axis(segments["gmv"])
    fig = make_subplots(rows=1, cols=2, subplot_titles=("customers", f"GMV ({unit})"))
    fig.add_trace(go.Bar(x=segments["segment"], y=segments["customers"], marker_color=PALETTE[0], name="customers"), 1, 1)
    fig.add_trace(go.Bar(x=segments["segment"], y=segments["gmv"] / div, marker_color=PALETTE[2], name="GMV"), 1, 2)
    fig.update_layout(showlegend=False)
    return _layout(fig, "Customer segments", "", x_title="")


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
    return _layout(fig, "Weekly GMV: new and returning customers", f"GMV ({unit})")


def cohort_figure(cohorts: pd.DataFrame) -> go.Figure:
    """Cohort retention: of each month's new customers, the share (%) who bought in each later month."""
    frame = cohorts.assign(
        age=(cohorts["month"].dt.year - cohorts["cohort"].dt.year) * 12 + cohorts["month"].dt.month - cohorts["cohort"].dt.month,
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
    _layout(
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
    unit = "₹" if money.rupees else "units"
    fig = go.Figure(
        go.Bar(
            x=rows["cost_per_new_customer"],
            y=rows["channel"],
            orientation="h",
            marker_color=PALETTE[3],
            error_x=_interval_bars(rows, "cost_per_new_customer"),
        )
    )
    return _layout(fig, "Cost per new customer by channel (80% interval)", "channel", x_title=f"{unit} per new customer")
