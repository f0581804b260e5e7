"""Budgets and plans: the split by channel, the change from the baseline plan, GMV against total budget."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ...units import RUPEES_IN_CRORE, MoneyUnit
from .common import INTERVAL_LABEL, PALETTE, layout, nice_ticks

__all__ = ["split_figure", "waterfall_figure", "budget_response_figure"]

# a change below this share of the baseline plan's GMV is float noise: not drawn as a step (nor allowed as the
# whole y range)
NEGLIGIBLE_SHARE = 1e-9
WATERFALL_PAD = 0.6  # room above and below the bars, as a share of the range they span
# the least y range of a waterfall, as a share of its level: an unchanged plan's bars are one level, and a range of
# float noise around it would give ticks that all read the same (15.8678 four times)
MIN_WATERFALL_SPAN = 0.002


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
    """From the baseline plan's GMV to this plan's, one bar per step (`steps`: step, change in the base unit). The
    first and last bars are levels (labelled as amounts), the steps between them changes (labelled with a sign)."""
    div, unit = money.axis(pd.Series([base_gmv, plan_gmv]))
    shown = steps.loc[steps["change"].abs() > NEGLIGIBLE_SHARE * max(abs(base_gmv), 1.0)]
    low, high = _waterfall_range(base_gmv / div, plan_gmv / div, shown["change"] / div)
    ticks = nice_ticks(low, high)
    digits = max(2, ticks.decimals)
    levels = [f"{v / div:,.{digits}f}" for v in (base_gmv, plan_gmv)]  # amounts: no sign
    labels = [levels[0], *(f"{c:+,.{digits}f}" for c in shown["change"] / div), levels[1]]
    fig = go.Figure(
        go.Waterfall(
            x=["baseline plan", *shown["step"], "this plan"],
            y=[base_gmv / div, *(shown["change"] / div), plan_gmv / div],
            measure=["absolute", *["relative"] * len(shown), "total"],
            increasing={"marker": {"color": "#2ca02c"}},
            decreasing={"marker": {"color": "#d62728"}},
            totals={"marker": {"color": "#1f77b4"}},
            text=labels,
            texttemplate="%{text}",
            hovertemplate="%{x}: %{text} " + unit + "<extra></extra>",
        )
    )
    layout(fig, "Change in GMV from the baseline plan, by channel", f"GMV ({unit})", x_title="")
    fig.update_layout(hovermode="closest", showlegend=False)
    # the changes are small against the total: show them, at round ticks labelled as precisely as the range needs
    fig.update_yaxes(range=[low, high], tickmode="array", tickvals=ticks.values, ticktext=ticks.labels)
    return fig


def _waterfall_range(base: float, plan: float, changes: pd.Series) -> tuple[float, float]:
    """The y range of a waterfall (display unit): the bars' lowest and highest points with room around them, and
    at least MIN_WATERFALL_SPAN of the level, so an unchanged plan gets readable, distinct ticks."""
    low = min(base, plan, base + float(changes.clip(upper=0).sum()))
    high = max(base, plan, base + float(changes.clip(lower=0).sum()))
    pad = max(high - low, MIN_WATERFALL_SPAN * max(abs(high), abs(low), 1e-9)) * WATERFALL_PAD
    return low - pad, high + pad


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
    places = _label_places(points["gmv"])
    for (_, point), color, place in zip(points.iterrows(), ("#ff7f0e", "#2ca02c", "#d62728"), places):
        fig.add_trace(
            go.Scatter(
                x=[point["budget"] / div],
                y=[point["gmv"] / div],
                mode="markers+text",
                text=[point["label"]],
                textposition=place,
                marker={"size": 12, "color": color},
                name=point["label"],
            )
        )
    layout(fig, "Total GMV against total budget", f"GMV over the horizon ({unit})", x_title=f"budget over the horizon ({unit})")
    fig.update_layout(hovermode="closest")
    return fig


# where the marked points' labels go, the highest point's first: the points often share a budget and nearly their
# GMV (the historical and the recommended split), so their labels go above and below, never on top of each other
LABEL_PLACES = ("top left", "bottom right", "middle left")


def _label_places(gmv: pd.Series) -> list[str]:
    """A label position per marked point, by its rank in GMV (LABEL_PLACES)."""
    ranks = gmv.rank(method="first", ascending=False).astype(int).to_numpy() - 1
    return [LABEL_PLACES[r % len(LABEL_PLACES)] for r in ranks]
