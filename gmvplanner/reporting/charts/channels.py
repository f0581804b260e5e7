"""What each channel did: incremental GMV, ROI, share of spend against share of effect, response curves and
carry-over."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ...units import RUPEES_IN_CRORE, MoneyUnit
from .common import INTERVAL_LABEL, PALETTE, interval_bars, layout

__all__ = [
    "contribution_figure",
    "roi_figure",
    "response_curve_figure",
    "spend_effect_figure",
    "response_money_figure",
    "carryover_figure",
]


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
            error_x=interval_bars(rows, "incremental_gmv", div),
        )
    )
    return layout(
        fig,
        f"{subcategory}: incremental GMV (grey: flagged)",
        "channel",
        x_title=f"incremental GMV ({unit})",
    )


def roi_figure(contributions: pd.DataFrame, subcategory: str, money: MoneyUnit = RUPEES_IN_CRORE) -> go.Figure:
    """ROI and marginal ROI per channel (GMV per currency unit of spend)."""
    rows = contributions.loc[contributions["subcategory"] == subcategory].sort_values("roi")
    fig = go.Figure(
        [
            go.Bar(
                x=rows["roi"],
                y=rows["channel"],
                orientation="h",
                name=f"ROI (average, {INTERVAL_LABEL})",
                marker_color=PALETTE[0],
                error_x=interval_bars(rows, "roi"),
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
    per = money.per_spend()
    return layout(fig, f"{subcategory}: ROI by channel", "channel", x_title=per)


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
    return layout(
        fig,
        f"{subcategory}: response curves (others held at actual)",
        f"GMV change vs actual ({unit})",
        x_title="spend multiplier (1 = actual)",
    )


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
                name=f"share of GMV from media ({INTERVAL_LABEL})",
                marker_color=PALETTE[2],
                error_x=interval_bars(rows.assign(**{c: 100 * rows[c] for c in rows if c.startswith("share")}), "share"),
            ),
        ]
    )
    fig.update_layout(barmode="group")
    return layout(fig, f"{subcategory}: share of spend vs share of effect", "channel", x_title="%")


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
    layout(
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
    return layout(fig, "Carry-over per channel", "channel", x_title="weekly carry-over (decay)")
