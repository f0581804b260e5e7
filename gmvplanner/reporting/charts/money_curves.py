"""Response and marginal-ROAS curves in money: one row per channel, incremental GMV on the left and its slope on the
right, against weekly spend, with the historical and recommended spend, the break-even line, the band over the
draws and the spend levels the training data have seen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ...units import MoneyUnit
from .common import INTERVAL_LABEL, PALETTE

__all__ = ["money_curves_figure", "BREAK_EVEN", "SEEN_COLOR", "ROW_HEIGHT"]

BREAK_EVEN = 1.0  # marginal ROAS at which the next unit of spend returns exactly its cost in GMV
SEEN_COLOR = "rgba(44, 160, 44, 0.10)"  # the shaded spend levels the training weeks have shown
BAND_COLOR = "rgba(31, 119, 180, 0.18)"
ROW_HEIGHT = 260  # px per channel row


def _band(fig: go.Figure, frame: pd.DataFrame, column: str, x: pd.Series, div: float, where: dict, first: bool) -> None:
    """The 80% band of `column` over the draws (two traces, the lower filled up to the upper)."""
    if f"{column}_lower" not in frame:
        return
    common = {"mode": "lines", "line": {"width": 0}, "hoverinfo": "skip", "legendgroup": "band"}
    fig.add_trace(go.Scatter(x=x, y=frame[f"{column}_upper"] / div, showlegend=False, name="band upper", **common), **where)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame[f"{column}_lower"] / div,
            fill="tonexty",
            fillcolor=BAND_COLOR,
            name=f"{INTERVAL_LABEL} over the bootstrap refits",
            showlegend=first,
            **common,
        ),
        **where,
    )


def _marker(
    fig: go.Figure,
    frame: pd.DataFrame,
    spend: float,
    column: str,
    div: tuple[float, float],
    style: tuple[str, str, str],
    where: dict,
) -> None:
    """A marked spend on one curve: `style` is (name, symbol, colour); `div` divides spend and the y value."""
    name, symbol, color = style
    if not np.isfinite(spend):
        return
    y = float(np.interp(spend, frame["spend"], frame[column]))
    fig.add_trace(
        go.Scatter(
            x=[spend / div[0]],
            y=[y / div[1]],
            mode="markers",
            marker={"symbol": symbol, "size": 11, "color": color, "line": {"width": 1, "color": "#333"}},
            name=name,
            legendgroup=name,
            showlegend=where["row"] == 1 and where["col"] == 1,
        ),
        **where,
    )


MARKS = {"historical": ("historical spend", "circle", "#333333"), "recommended": ("recommended spend", "star", "#d62728")}


def _channel_row(fig: go.Figure, frame: pd.DataFrame, point: pd.Series, row: int, divs: tuple[float, float]) -> None:
    """One channel's response (col 1) and marginal ROAS (col 2) with their bands, marks, seen range and break-even."""
    spend_div, gmv_div = divs
    x = frame["spend"] / spend_div
    first = row == 1
    for col, column, div in ((1, "gmv", gmv_div), (2, "mroas", 1.0)):
        where = {"row": row, "col": col}
        if np.isfinite(point["seen_hi"]):
            lo, hi = point["seen_lo"] / spend_div, point["seen_hi"] / spend_div
            fig.add_vrect(x0=lo, x1=hi, fillcolor=SEEN_COLOR, line_width=0, exclude_empty_subplots=False, **where)
        _band(fig, frame, column, x, div, where, first and col == 1)
        label = "incremental GMV per week" if col == 1 else "marginal ROAS"
        fig.add_trace(
            go.Scatter(x=x, y=frame[column] / div, mode="lines", line={"color": PALETTE[col - 1]}, name=label, showlegend=first),
            **where,
        )
        for key, style in MARKS.items():
            _marker(fig, frame, float(point[key]), column, (spend_div, div), style, where)
    fig.add_trace(
        go.Scatter(
            x=[0.0, float(x.max())],
            y=[BREAK_EVEN, BREAK_EVEN],
            mode="lines",
            line={"dash": "dash", "color": "#d62728", "width": 1},
            name="break-even (marginal ROAS = 1)",
            legendgroup="break-even",
            showlegend=first,
        ),
        row=row,
        col=2,
    )


def money_curves_figure(
    curves: pd.DataFrame, points: pd.DataFrame, money: MoneyUnit, n_weeks: int, channels: list[str] | None = None
) -> go.Figure:
    """One row per channel (`channels`, default all in `points`): incremental GMV per week against weekly spend, and
    the marginal ROAS, in the model's currency. `curves` and `points` as `analysis.money_curves.MoneyCurves` holds
    them (base unit); the shaded span is the weekly spend the training weeks have shown, where the curve is not
    extrapolated."""
    chosen = list(points["channel"]) if channels is None else list(channels)
    titles = [t for c in chosen for t in (f"{c}: incremental GMV per week", f"{c}: marginal ROAS")]
    rows = max(len(chosen), 1)
    fig = make_subplots(rows=rows, cols=2, subplot_titles=titles, horizontal_spacing=0.1, vertical_spacing=0.35 / rows)
    mine = curves.loc[curves["channel"].isin(chosen)]
    spend_div, spend_unit = money.axis(pd.concat([mine["spend"], points["seen_hi"].replace(np.inf, np.nan).dropna()]))
    gmv_div, gmv_unit = money.axis(mine["gmv"])
    by_channel = points.set_index("channel")
    for row, channel in enumerate(chosen, start=1):
        frame = curves.loc[curves["channel"] == channel].sort_values("spend")
        _channel_row(fig, frame, by_channel.loc[channel], row, (spend_div, gmv_div))
        fig.update_yaxes(title_text=gmv_unit, row=row, col=1)
        fig.update_yaxes(title_text="GMV per unit spent", row=row, col=2)
    fig.update_xaxes(title_text=f"weekly spend ({spend_unit})", row=len(chosen), col=1)
    fig.update_xaxes(title_text=f"weekly spend ({spend_unit})", row=len(chosen), col=2)
    fig.update_layout(
        title=f"Response and marginal ROAS in money ({n_weeks}-week horizon; shaded: spend the data have seen)",
        height=ROW_HEIGHT * max(len(chosen), 1) + 120,
        hovermode="closest",
        legend={"orientation": "h", "y": -0.08 if len(chosen) > 2 else -0.2},
        margin={"t": 80, "l": 60, "r": 20, "b": 60},
    )
    return fig
