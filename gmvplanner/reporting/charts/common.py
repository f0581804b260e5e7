"""What every chart shares: the palette, the layout, interval bars and the marks of sale and holiday weeks."""

from __future__ import annotations

import math
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from ..labels import INTERVAL_LABEL

__all__ = [
    "PALETTE",
    "INTERVAL_LABEL",
    "EVENT_STYLE",
    "EventStyle",
    "interval_bars",
    "layout",
    "mark_events",
    "axis_cap",
    "decimals_for",
    "Ticks",
    "nice_ticks",
]

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
    fig.update_xaxes(automargin=True)  # long channel names widen the margin instead of being cut off
    fig.update_yaxes(automargin=True)
    return fig


def axis_cap(points: pd.Series, uppers: pd.Series, factor: float = 3.0) -> float | None:
    """An axis end for bars with intervals: `factor` × the largest point estimate when some upper bound lies beyond
    it (one absurd bound would otherwise squash every bar); None when every bound fits."""
    top = float(pd.to_numeric(points, errors="coerce").max())
    highest = float(pd.to_numeric(uppers, errors="coerce").max())
    if not top > 0 or not highest > factor * top:
        return None
    return factor * top


def decimals_for(span: float, significant: int = 2) -> int:
    """Decimals a tick label needs to tell apart ticks over a range of `span` (at most 4, at least 0)."""
    if not span > 0:
        return 2
    return int(min(4, max(0, significant - math.floor(math.log10(span)))))


class Ticks(NamedTuple):
    """Tick positions on an axis and their labels, each label different from the next."""

    values: list[float]
    labels: list[str]
    decimals: int


NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)  # tick steps people read easily, times a power of ten


def nice_ticks(low: float, high: float, count: int = 5) -> Ticks:
    """About `count` ticks over [low, high] at a round step (1, 2, 2.5 or 5 times a power of ten), labelled with
    just the decimals the step needs, so no two labels read the same however flat the range."""
    if not high > low:  # one value: a range of a thousandth of it around it
        half = max(abs(high), 1.0) * 5e-4
        low, high = low - half, high + half
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in NICE_STEPS if m * power >= raw * (1 - 1e-9))
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if round(step / power, 6) == 2.5 else 0)
    first = math.ceil(low / step - 1e-9)
    values = [round((first + i) * step, decimals + 2) for i in range(int((high - first * step) / step + 1e-9) + 1)]
    return Ticks(values, [f"{v:,.{decimals}f}" for v in values], decimals)


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
