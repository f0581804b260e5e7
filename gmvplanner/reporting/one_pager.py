"""The one-pager: one self-contained HTML file an analyst can send (Plotly's own HTML export, plotly.js inlined once).

Its first screen is a summary: every warning the app shows (weak data, a naive forecast that beat the model, weeks
missing from the data, a step-function model, flagged channels) and the recommended split of the recent budget with
its intervals, the uplift's interval and how often the split beats the historical one over the bootstrap refits.
The detail follows, for the artifacts as trained: fit and holdout against the naive baselines, the weekly
decomposition of GMV into baseline and channels, share of spend against share of effect, ROI with intervals,
response curves in money with the current and recommended spend, each channel's response and marginal ROAS against
weekly spend with their bands, carry-over per channel, and the split's chart.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..analysis.budget import INTERVAL_SCOPE, BudgetResult
from ..analysis.effects import weekly_decomposition
from ..analysis.money_curves import money_curves
from ..analysis.profit import ProfitHeadline
from ..model.artifacts import NO_SPEND_HELP, Artifacts
from ..units import MoneyUnit
from . import charts
from .labels import INTERVAL_LABEL
from .tables import (
    baseline_verdict,
    channel_table,
    event_weeks,
    identification_caution,
    metrics_table,
    missing_weeks_note,
    split_table,
    step_model_caution,
)

__all__ = ["one_pager", "carryover_table", "report_warnings", "split_words", "channel_flags", "accuracy_table"]

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
.caution ul { margin: 4px 0; padding-left: 20px; } .summary { display: flex; gap: 24px; flex-wrap: wrap; }
"""
FIGURE_HEIGHT = 380  # px per chart: the detail stays readable without making the page a long scroll


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
        self.parts.append(fig.to_html(full_html=False, include_plotlyjs=inline, default_height=FIGURE_HEIGHT))

    def html(self) -> str:
        body = "\n".join(self.parts)
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>GMV Planner one-pager</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>"
        )


def one_pager(artifacts: Artifacts, result: BudgetResult | None, profit: ProfitHeadline | None = None) -> str:
    """The report as one HTML document, summary first; `result` is the recommended split shown (and marked on the
    curves); None for artifacts trained without spend data (forecasts only, and a note on adding spend). `profit`
    (with contribution margins) puts the split's expected profit first."""
    manifest, money = artifacts.manifest, artifacts.money
    page = _Page()
    window = manifest.window
    page.add(
        f"<h1>GMV Planner: model one-pager</h1><p class='note'>Model <b>{html.escape(manifest.model)}</b>, "
        f"{len(artifacts.subcategories)} subcategories, {len(artifacts.channels)} channels; window {window.start} to "
        f"{window.end} ({window.weeks} weeks); trained {html.escape(manifest.created)}; money in {money.name}.</p>"
    )
    _summary_section(page, artifacts, result, profit)
    points = _recommended_multipliers(result, artifacts) if result is not None else None
    for sub, model in artifacts.models.items():
        _subcategory_section(page, artifacts, sub, model, points)
    if result is not None:
        _money_curves_section(page, artifacts, result)
        _budget_section(page, artifacts, result)
    return page.html()


def report_warnings(artifacts: Artifacts, has_spend: bool) -> list[str]:
    """Every warning the app shows about these artifacts, in its words: no spend data, weak data for channel answers,
    a step-function model, and per subcategory a naive forecast that beat the model and weeks missing from the data."""
    found = [f"No channel answers or budget: {NO_SPEND_HELP}."] if not has_spend else []
    if has_spend:
        found += [w for w in (identification_caution(artifacts), step_model_caution(artifacts)) if w]
    for sub in artifacts.subcategories:
        found += [f"{sub}: {w}" for w in (baseline_verdict(artifacts, sub), missing_weeks_note(artifacts, sub)) if w]
    return found


def split_words(result: BudgetResult, money: MoneyUnit) -> list[str]:
    """The recommended split's headline as the Budget page says it, one sentence each: both splits' expected GMV with
    their intervals, the uplift with its interval over the bootstrap refits and how often the split beats the
    historical one, new customers' GMV, what the intervals cover and the method."""
    (hist, hist_lo, hist_hi), (rec, rec_lo, rec_hi) = result.historical_gmv, result.recommended_gmv
    words = [
        f"The recent budget over the next {len(result.weeks)} weeks from {result.weeks[0].date()}, split to maximise "
        f"expected GMV. Expected GMV: historical split {money.format(hist)} ({INTERVAL_LABEL} {money.format(hist_lo)} "
        f"to {money.format(hist_hi)}), recommended {money.format(rec)} ({INTERVAL_LABEL} {money.format(rec_lo)} to "
        f"{money.format(rec_hi)}); uplift {money.format(result.uplift)}."
    ]
    if result.uplift_interval is not None:
        lo, hi = result.uplift_interval
        beats = result.p_beats_historical
        words.append(
            f"Counting the uncertainty of the channel estimates, the uplift's {INTERVAL_LABEL} is {money.format(lo)} to "
            f"{money.format(hi)}"
            + (
                "."
                if beats is None
                else f"; the recommended split beats the historical split in {beats:.0%} of the bootstrap refits."
            )
        )
    if result.new_customer_gain is not None:
        words.append(
            f"GMV from new customers' first orders: {money.format(result.new_customer_gain)} against the historical split."
        )
    return [*words, INTERVAL_SCOPE, f"Method: {result.method}."]


def channel_flags(artifacts: Artifacts, subcategory: str) -> list[str]:
    """The Channels page's warnings for one subcategory: each flagged channel and why (e.g. its interval reaches 0)."""
    rows = artifacts.table("contributions").query("subcategory == @subcategory")
    flags = rows.assign(flag=rows["flag"].astype("string").fillna("")) if "flag" in rows else rows.iloc[:0]
    return [f"{r.channel}: {r.flag}" for r in flags.itertuples() if r.flag]


def accuracy_table(artifacts: Artifacts) -> pd.DataFrame:
    """Per subcategory: the model's held-out WAPE % beside the best naive forecast's, and which was closer."""
    metrics = artifacts.table("metrics").set_index(["subcategory", "predictor"])["wape"] * 100
    rows = []
    for sub in artifacts.subcategories:
        mine = metrics.xs(sub, level="subcategory")
        naive = mine.drop("model", errors="ignore")
        model = float(mine.get("model", np.nan))
        best = float(naive.min()) if len(naive) else np.nan
        rows.append({"subcategory": sub, "model WAPE %": model, "best naive WAPE %": best, "closer": _closer(model, best)})
    return pd.DataFrame(rows)


def _closer(model: float, naive: float) -> str:
    """Which forecast was closer on the held-out weeks ('' when either is unknown)."""
    if not (np.isfinite(model) and np.isfinite(naive)):
        return ""
    return "naive forecast" if naive < model else "model"


def _bullets(items: list[str], css: str = "caution") -> str:
    """A boxed list of sentences (nothing when there are none)."""
    if not items:
        return ""
    return f"<div class='{css}'><ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul></div>"


def _folded(title: str, frame: pd.DataFrame) -> str:
    """A table folded under a title the reader opens (tables only: a chart drawn folded would get no width)."""
    return f"<details><summary>{html.escape(title)}</summary>{_table(frame)}</details>"


def profit_words(profit: ProfitHeadline, money: MoneyUnit) -> list[str]:
    """Profit first, one sentence each: both plans' expected contribution with intervals, the gain with its
    interval and how often the refits agree, and what profit means here."""

    def interval(f) -> str:
        return "" if f.lower != f.lower else f" ({INTERVAL_LABEL} {money.format(f.lower)} to {money.format(f.upper)})"

    words = [
        f"Expected profit (GMV x contribution margin - media spend): historical split "
        f"{money.format(profit.baseline.value)}{interval(profit.baseline)}, recommended "
        f"{money.format(profit.recommended.value)}{interval(profit.recommended)}.",
        f"Profit gain {money.format(profit.gain.value)}{interval(profit.gain)}"
        + ("." if profit.p_gain is None else f"; the recommended split earns more in {profit.p_gain:.0%} of the refits."),
        f"Media spend {money.format(profit.recommended_spend)} against {money.format(profit.baseline_spend)}; "
        f"GMV change {money.format(profit.gmv_gain)}.",
    ]
    return words


def _summary_section(page: _Page, artifacts: Artifacts, result: BudgetResult | None, profit: ProfitHeadline | None) -> None:
    """The first screen: warnings, the recommended split with its uncertainty, and held-out accuracy."""
    page.add("<h2>Summary</h2>")
    warnings = report_warnings(artifacts, result is not None)
    flagged = sum(len(channel_flags(artifacts, sub)) for sub in artifacts.subcategories) if result is not None else 0
    if flagged:
        warnings.append(f"{flagged} channel answer(s) are flagged; each subcategory's section below says which and why.")
    page.add(_bullets(warnings))
    if profit is not None:
        page.add("<h3>Profit</h3>" + _bullets(profit_words(profit, artifacts.money), css="note"))
    if result is not None:
        page.add("<h3>Recommended split</h3>" + _bullets(split_words(result, artifacts.money), css="note"))
        if result.note:
            page.add(f"<p class='caution'>{html.escape(result.note)}</p>")
    page.add("<div class='summary'>")
    if result is not None:
        page.add(f"<div>{_table(split_table(result, artifacts.money).iloc[:, [0, 1, 2, 4]])}</div>")
    page.add(f"<div><b>Held-out weeks: the model against naive forecasts</b>{_table(accuracy_table(artifacts))}</div>")
    page.add("</div>")
    page.add(
        "<p class='note'>The detail follows: each subcategory's fit, sources of GMV and channels, then carry-over "
        "and the split's chart with its bounds.</p>"
    )


def _subcategory_section(page: _Page, artifacts: Artifacts, sub: str, model, points: pd.DataFrame | None) -> None:
    """Fit and holdout, and with spend data the decomposition, ROI and response curves of one subcategory."""
    money = artifacts.money
    page.add(f"<h2>{html.escape(sub)}</h2>")
    page.add(_bullets([w for w in (baseline_verdict(artifacts, sub), missing_weeks_note(artifacts, sub)) if w]))
    page.add(_folded("Fit and held-out weeks against naive baselines", metrics_table(artifacts, sub)))
    backtest = charts.backtest_figure(artifacts.table("backtest"), sub, money=money, events=event_weeks(artifacts, sub))
    if points is None:
        page.figure(backtest)
        return
    history, contributions = artifacts.table("history"), artifacts.table("contributions")
    weekly = history.loc[history["subcategory"] == sub].reset_index(drop=True)
    page.add("<div class='grid'>")
    page.figure(backtest)
    page.figure(charts.decomposition_figure(weekly_decomposition(model, weekly), sub, money=money))
    page.add("</div>")
    page.add(_bullets(channel_flags(artifacts, sub)))
    page.add("<div class='grid'>")
    page.figure(charts.spend_effect_figure(contributions, sub))
    page.figure(charts.roi_figure(contributions, sub, money=money))
    page.add("</div>")
    page.add(_folded("Channels with their 80% intervals", channel_table(artifacts, sub)))
    page.figure(charts.response_money_figure(artifacts.table("response_curves"), sub, points, money=money))


def _money_curves_section(page: _Page, artifacts: Artifacts, result: BudgetResult) -> None:
    """Every channel's response and marginal ROAS against weekly spend in money, over the split's horizon, with the
    historical and recommended spend, break-even, the band over the refits and the spend levels the data have seen."""
    money = artifacts.money
    split = result.table.set_index("channel")[money.column("recommended")]
    curves = money_curves(artifacts, len(result.weeks), result.weeks[0], {str(c): float(v) for c, v in split.items()})
    page.add(
        "<h2>Response and marginal ROAS in money</h2><p class='note'>Each channel's weekly spend moved from zero with "
        "the others at their historical weekly spend, over the split's horizon: the model's incremental GMV per week "
        "(all modelled subcategories) and its slope, the GMV from the next unit of spend. Dot: historical spend; star: "
        "recommended; dashed: break-even (marginal ROAS 1); shaded: the weekly spend the training weeks have shown.</p>"
    )
    page.figure(charts.money_curves_figure(curves.curves, curves.points, money, curves.n_weeks))


def _budget_section(page: _Page, artifacts: Artifacts, result: BudgetResult) -> None:
    """Carry-over per channel and the recommended split's chart and full table (with its bounds)."""
    money = artifacts.money
    page.add("<h2>Carry-over per channel; recommended split: chart and bounds</h2><div class='grid'>")
    page.figure(charts.carryover_figure(carryover_table(artifacts)))
    page.figure(charts.split_figure(result.table, money))
    page.add("</div>")
    page.add(_folded("The recommended split with the lowest and highest amounts allowed", split_table(result, money)))
