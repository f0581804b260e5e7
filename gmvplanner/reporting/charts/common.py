"""What every chart shares: the palette, the layout, interval bars and the marks of sale and holiday weeks."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from ..labels import INTERVAL_LABEL

__all__ = ["PALETTE", "INTERVAL_LABEL", "EVENT_STYLE", "EventStyle", "interval_bars", "layout", "mark_events"]

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")


class EventStyle(NamedTuple):
    """How one kind of event week is marked: its legend name, marker symbol and colour."""

    name: str
    symbol: str
    color: str


EVENT_STYLE = {  # how sale and holiday weeks are marked on weekly charts
    "sale": EventStyle("special-sale week", "star", "#d62728"),
    "holiday": EventStyle("public-holiday week", "diamond", "#9467bd"),
}


def interval_bars(rows: pd.DataFrame, column: str, div: float = 1.0) -> dict | None:
    """Asymmetric error bars from `<column>_lower/_upper` when the table has them (an 80% interval)."""
    if f"{column}_lower" not in rows:
        return None
    return {
        "type": "data",
        "symmetric": False,
        "array": (rows[f"{column}_upper"] - rows[column]) / div,
        "arrayminus": (rows[column] - rows[f"{column}_lower"]) / div,
    }


def layout(fig: go.Figure, title: str, y_title: str, x_title: str = "week starting") -> go.Figure:
    """The house layout: title, axis titles, one hover box per x, the legend below."""
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 60, "l": 60, "r": 20, "b": 60},
    )
    return fig


def mark_events(fig: go.Figure, events: pd.DataFrame | None, weeks: pd.Series, values: pd.Series, div: float) -> None:
    """Mark the sale and holiday weeks (`events`: week_start, kind) on the line of `values` by `weeks`."""
    if events is None or events.empty:
        return
    at = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(weeks))
    for kind, style in EVENT_STYLE.items():
        mine = pd.DatetimeIndex(events.loc[events["kind"] == kind, "week_start"]).intersection(at.index)
        if len(mine):
            fig.add_trace(
                go.Scatter(
                    x=mine,
                    y=at.reindex(mine) / div,
                    mode="markers",
                    marker={"symbol": style.symbol, "size": 9, "color": style.color, "line": {"width": 0}},
                    name=style.name,
                    hoverinfo="skip",
                )
            )
