"""The one-pager: one self-contained HTML file an analyst can send (Plotly's own HTML export, plotly.js inlined once).

It holds, for the artifacts as trained: fit and holdout against the naive baselines, the weekly decomposition of
GMV into baseline and channels, share of spend against share of effect, ROI with intervals, response curves in
money with the current and recommended spend, carry-over per channel, and the recommended split of the recent
budget over the next weeks.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..analysis.effects import weekly_decomposition
from ..analysis.optimise import BudgetResult
from ..model.artifacts import NO_SPEND_HELP, Artifacts
from . import charts
from .tables import channel_table, event_weeks, identification_caution, metrics_table, split_table

__all__ = ["one_pager", "carryover_table"]

LOG_FLOOR = 1e-12  # keeps the log finite for channels without carry-over (their half-life is set to 0 anyway)

STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 24px auto; max-width: 1200px;
       color: #222; }
h1 { margin-bottom: 0; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
.note { color: #555; font-size: 0.92em; } .caution { background: #fff4e5; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; font-size: 0.9em; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; } th { background: #f5f5f5; }
td:first-child, th:first-child { text-align: left; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
"""


def carryover_table(artifacts: Artifacts) -> pd.DataFrame:
    """channel, decay (weekly carry-over, the mean over subcategories) and its half-life in weeks."""
    decays = pd.DataFrame({g: m.spec.decay for g, m in artifacts.models.items()}).mean(axis=1)
    decay = decays.reindex(artifacts.channels).fillna(0.0)
    with np.errstate(divide="ignore"):
        half_life = np.where(decay > 0, np.log(0.5) / np.log(decay.clip(lower=LOG_FLOOR)), 0.0)
    return pd.DataFrame({"channel": decay.index, "decay": decay.to_numpy().round(3), "half_life_weeks": half_life.round(2)})


def _recommended_multipliers(result: BudgetResult, artifacts: Artifacts) -> pd.DataFrame:
    """channel, multiplier: the recommended amount as a multiple of the historical split's (NaN without spend)."""
    t = result.table.set_index("channel")
    historical, recommended = t[artifacts.money.column("historical")], t[artifacts.money.column("recommended")]
    return pd.DataFrame({"channel": t.index, "multiplier": (recommended / historical.where(historical > 0)).to_numpy()})


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, float_format=lambda v: f"{v:,.2f}", na_rep="")


class _Page:
    """The parts of the page, with its figures (plotly.js inlined in the first only)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.figures: list[go.Figure] = []

    def add(self, html_part: str) -> None:
        self.parts.append(html_part)

    def figure(self, fig: go.Figure) -> None:
        self.figures.append(fig)
        inline = "inline" if len(self.figures) == 1 else False
        self.parts.append(fig.to_html(full_html=False, include_plotlyjs=inline, default_height=420))

    def html(self) -> str:
        body = "\n".join(self.parts)
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>GMV Planner one-pager</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>"
        )


def one_pager(artifacts: Artifacts, result: BudgetResult | None) -> str:
    """The report as one HTML document; `result` is the recommended split shown (and marked on the curves); None
    for artifacts trained without spend data (forecasts only, and a note on adding spend)."""
    manifest, money = artifacts.manifest, artifacts.money
    page = _Page()
    window = manifest.window
    page.add(
        f"<h1>GMV Planner: model one-pager</h1><p class='note'>Model <b>{html.escape(manifest.model)}</b>, "
        f"{len(artifacts.subcategories)} subcategories, {len(artifacts.channels)} channels; window {window.start} to "
        f"{window.end} ({window.weeks} weeks); trained {html.escape(manifest.created)}; money in {money.name}.</p>"
    )
    if result is None:
        page.add(f"<p class='caution'>No channel answers or budget: {html.escape(NO_SPEND_HELP)}.</p>")
    caution = identification_caution(artifacts) if result is not None else ""
    if caution:
        page.add(f"<p class='caution'>{html.escape(caution)}</p>")
    points = _recommended_multipliers(result, artifacts) if result is not None else None
    for sub, model in artifacts.models.items():
        _subcategory_section(page, artifacts, sub, model, points)
    if result is not None:
        _budget_section(page, artifacts, result)
    return page.html()


def _subcategory_section(page: _Page, artifacts: Artifacts, sub: str, model, points: pd.DataFrame | None) -> None:
    """Fit and holdout, and with spend data the decomposition, ROI and response curves of one subcategory."""
    money = artifacts.money
    page.add(f"<h2>{html.escape(sub)}</h2>")
    page.add("<h3>Fit and held-out weeks against naive baselines</h3>")
    page.add(_table(metrics_table(artifacts, sub)))
    events = event_weeks(artifacts, sub)
    page.figure(charts.backtest_figure(artifacts.table("backtest"), sub, money=money, events=events))
    if points is None:
        return
    history, contributions = artifacts.table("history"), artifacts.table("contributions")
    weekly = history.loc[history["subcategory"] == sub].reset_index(drop=True)
    page.add("<h3>Where the GMV came from</h3>")
    page.figure(charts.decomposition_figure(weekly_decomposition(model, weekly), sub, money=money))
    page.add("<div class='grid'>")
    page.figure(charts.spend_effect_figure(contributions, sub))
    page.figure(charts.roi_figure(contributions, sub, money=money))
    page.add("</div>")
    page.add(_table(channel_table(artifacts, sub)))
    page.figure(charts.response_money_figure(artifacts.table("response_curves"), sub, points, money=money))


def _budget_section(page: _Page, artifacts: Artifacts, result: BudgetResult) -> None:
    """Carry-over per channel and the recommended split."""
    money = artifacts.money
    page.add("<h2>Carry-over per channel</h2>")
    page.figure(charts.carryover_figure(carryover_table(artifacts)))
    page.add("<h2>Recommended split</h2>")
    page.add(
        f"<p class='note'>The recent budget over the next {len(result.weeks)} weeks from {result.weeks[0].date()}, "
        f"split to maximise expected GMV. Expected GMV: historical split {money.format(result.historical_gmv[0])}, "
        f"recommended {money.format(result.recommended_gmv[0])} (uplift {money.format(result.uplift)}). "
        f"{html.escape(result.note)}</p>"
    )
    page.figure(charts.split_figure(result.table, money))
    page.add(_table(split_table(result, money)))
