"""The weekly shape of a flighted split: each channel's spend per week against its even spread."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .common import PALETTE, layout

__all__ = ["flighting_figure"]


def flighting_figure(shape: pd.DataFrame, even: pd.DataFrame) -> go.Figure:
    """Each channel's spend per week as % of its even weekly amount (`shape`, `even`: week_start then channel
    columns); 100 is the even spread, drawn dashed. Channels without spend are left out."""
    fig = go.Figure()
    channels = [c for c in shape.columns if c != "week_start" and even[c].abs().sum() > 0]
    for i, channel in enumerate(channels):
        index = 100 * shape[channel] / even[channel].where(even[channel] > 0)
        fig.add_trace(
            go.Scatter(x=shape["week_start"], y=index, name=channel, mode="lines+markers", line_color=PALETTE[i % len(PALETTE)])
        )
    fig.add_hline(y=100, line_dash="dash", line_color="#999", annotation_text="even spread")
    return layout(fig, "Recommended weekly shape", "spend, % of the even weekly amount")
