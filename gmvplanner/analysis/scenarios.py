"""Spend scenarios: turn them into each subcategory's design matrix (one path) and predict weekly GMV (reading and
checking a scenario file is `data.scenario_files`).

Predictions carry an 80% interval from the model's predictive distribution (a forest's trees, a regression's
residual spread). Prediction, scenario totals and the optimiser's plan scorer all build features through
`scenario_designs`, so they cannot drift apart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..config import INTERVAL_COVERAGE, NUMERIC_FLOOR, PLAN_WEEKS, RECENT_WEEKS, spend_column
from ..data.scenario_files import vertical_mix
from ..dates import DAYS_PER_WEEK, WEEK_FREQ, WEEKS_PER_YEAR, paydays_in_weeks
from ..errors import InputError
from ..features.design import design_matrix, range_excess
from ..model.artifacts import Artifacts
from ..model.base import Predictive, PredictiveTotal
from ..model.bundle import SubcategoryModel

__all__ = [
    "ScenarioDesign",
    "known_verticals",
    "weekly_controls",
    "scenario_weekly",
    "scenario_designs",
    "predict_scenario",
    "default_scenario",
    "scenario_totals",
    "ScenarioTotal",
    "subcategory_totals",
    "date_warnings",
    "range_warnings",
]


def weekly_controls(artifacts: Artifacts) -> list[str]:
    """The controls of a model trained from a weekly table (a scenario may give them), none for orders."""
    if artifacts.manifest.kind != "weekly":
        return []
    return list(next(iter(artifacts.models.values())).spec.controls)


def known_verticals(artifacts: Artifacts) -> dict[str, list[str]]:
    """Subcategory -> the verticals its model knows: what `load_scenario` checks names against."""
    return {
        sub: (artifacts.encoders[sub].vertical_names() if sub in artifacts.encoders else []) for sub in artifacts.subcategories
    }


# how far a scenario's weeks may lie from the training window before a warning: before it, a year (the calendar
# effects and the trend were learnt from later weeks); after it, two years (forecasting ahead is the point, but a
# trend carried that far is a guess)
WEEKS_BEFORE_WINDOW, WEEKS_AFTER_WINDOW = WEEKS_PER_YEAR, 2 * WEEKS_PER_YEAR


def scenario_weekly(
    scenario: pd.DataFrame, model: SubcategoryModel, artifacts: Artifacts, history: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One subcategory's scenario weeks as a weekly table (the same columns training used).

    Spend is company crore x the subcategory's recent GMV share. Omitted levers take recent history;
    sale days and holidays take the same ISO week a year earlier, when the history has it.
    """
    sub = model.subcategory
    rows = _rows_for(scenario, sub)
    weeks = pd.DatetimeIndex(rows["week_start"])
    n = len(rows)
    out: dict[str, object] = {"subcategory": [sub] * n, "week_start": weeks, "days": np.full(n, DAYS_PER_WEEK)}
    for channel in model.spec.channels:
        crore = rows[channel].to_numpy(float) if channel in rows else np.zeros(n)
        out[spend_column(channel)] = artifacts.money.to_base(crore) * model.spend_share
    defaults = model.lever_defaults
    for control in model.spec.controls:
        given = rows[control].to_numpy(float) if control in rows else np.full(n, np.nan)
        out[control] = np.where(np.isnan(given), defaults.get(control, model.spec.fill_values.get(control, 0.0)), given)
    encoders = artifacts.encoders.get(sub)
    if encoders is not None:
        _apply_mixes(out, rows, encoders)
    if not model.spec.calendar:
        return pd.DataFrame(out)
    last_year = None
    if history is not None:
        h = history.loc[history["subcategory"] == sub].set_index("week_start")
        last_year = h.reindex(weeks - pd.Timedelta(weeks=WEEKS_PER_YEAR))
    for col in ("sale_days", "holidays"):
        given = rows[col].to_numpy(float) if col in rows else np.full(n, np.nan)
        fallback = last_year[col].to_numpy(float) if last_year is not None else np.zeros(n)
        out[col] = np.where(np.isnan(given), np.nan_to_num(fallback), given)
    out["paydays"] = paydays_in_weeks(weeks)
    nps = rows["nps"].to_numpy(float) if "nps" in rows else np.full(n, np.nan)
    out["nps"] = np.where(np.isnan(nps), defaults.get("nps", 50.0), nps)
    return pd.DataFrame(out)


def _rows_for(scenario: pd.DataFrame, sub: str) -> pd.DataFrame:
    """One row per week for subcategory `sub`: a row naming it wins, and its blank levers take the week's row with
    a blank subcategory (which applies to every subcategory); weeks in order."""
    if "subcategory" not in scenario:
        return scenario.drop_duplicates("week_start").sort_values("week_start").reset_index(drop=True)
    every = scenario.loc[scenario["subcategory"].isna()].drop_duplicates("week_start").set_index("week_start")
    named = scenario.loc[scenario["subcategory"] == sub].drop_duplicates("week_start").set_index("week_start")
    rows = named.combine_first(every) if not named.empty else every
    return rows.sort_index().reset_index()[scenario.columns]


def _apply_mixes(out: dict, rows: pd.DataFrame, encoders) -> None:
    """Overwrite mix columns where the scenario names a vertical (mix) or a prepaid share."""
    n_vert = len(encoders.vertical.get_feature_names_out())
    names = encoders.mix_columns()
    if "vertical" in rows:
        for i, text in enumerate(rows["vertical"]):
            mix = vertical_mix(text)
            if mix:
                for col, value in zip(names[:n_vert], encoders.mix("vertical", mix)):
                    out[col][i] = value
    if "prepaid_share" in rows:
        for i, share in enumerate(rows["prepaid_share"].to_numpy(float)):
            if not np.isnan(share):
                for col, value in zip(names[n_vert:], encoders.mix("payment", {"Prepaid": share, "COD": 1.0 - share})):
                    out[col][i] = value


DESIGN_MEMO = 64  # scenario designs kept per loaded artifacts (a few MB at most)


_MEMO_LOCK = threading.Lock()  # app sessions run in threads and share one Artifacts


@dataclass(frozen=True)
class ScenarioDesign:
    """One subcategory's scenario weeks as the model sees them: the weekly rows, the design matrix, the
    carry-over stock coming in from training, the days per week, and how far each control lies outside its
    training range (in range widths; the design holds it at the edge)."""

    bundle: SubcategoryModel
    weekly: pd.DataFrame
    X: pd.DataFrame
    carry_in: dict[str, float] | None
    days: np.ndarray
    excess: pd.DataFrame

    def predictive(self) -> Predictive:
        """The model's predictive distribution of GMV per day, widened for controls outside their range."""
        return self.bundle.predictive(self.X, self.excess, self.weekly["week_start"])


def _scenario_key(scenario: pd.DataFrame) -> tuple:
    """A scenario's content as a hashable key: its columns, dtypes and every value."""
    values = pd.util.hash_pandas_object(scenario, index=False).to_numpy().tobytes()
    return tuple(scenario.columns), tuple(str(t) for t in scenario.dtypes), values


def scenario_designs(artifacts: Artifacts, scenario: pd.DataFrame, history: pd.DataFrame | None = None) -> list[ScenarioDesign]:
    """The one path from a scenario to each subcategory's design matrix (subcategories the scenario leaves
    out are skipped).

    With the trained history, the last DESIGN_MEMO scenarios' designs are kept in `artifacts.memo` and shared: the
    planner asks for the same plan's designs several times per run (forecast, summary, waterfall), and every
    session for the same default plan. Designs are read-only."""
    if history is not None:
        return _build_designs(artifacts, scenario, history)
    key = ("scenario_designs", _scenario_key(scenario))
    with _MEMO_LOCK:
        kept = artifacts.memo.get(key)
    if kept is not None:
        return kept
    designs = _build_designs(artifacts, scenario, artifacts.table("history"))
    with _MEMO_LOCK:
        artifacts.memo[key] = designs
        stored = [k for k in artifacts.memo if k[0] == "scenario_designs"]
        for old in stored[: max(0, len(stored) - DESIGN_MEMO)]:  # oldest first (dicts keep insertion order)
            artifacts.memo.pop(old, None)
    return designs


def _build_designs(artifacts: Artifacts, scenario: pd.DataFrame, history: pd.DataFrame) -> list[ScenarioDesign]:
    designs = []
    for bundle in artifacts.models.values():
        weekly = scenario_weekly(scenario, bundle, artifacts, history)
        if weekly.empty:
            continue
        carry = bundle.carry_in(weekly["week_start"].iloc[0])
        X = design_matrix(weekly, bundle.spec, carry)
        designs.append(
            ScenarioDesign(bundle, weekly, X, carry, weekly["days"].to_numpy(float), range_excess(weekly, bundle.spec))
        )
    if not designs:
        raise InputError("scenario", f"no row applies to a subcategory the model knows ({', '.join(artifacts.subcategories)})")
    return designs


def predict_scenario(
    artifacts: Artifacts, scenario: pd.DataFrame, coverage: float = INTERVAL_COVERAGE, history: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Weekly GMV per subcategory: week_start, subcategory, predicted_gmv, lower, upper (₹)."""
    frames = []
    for design in scenario_designs(artifacts, scenario, history):
        mean, lo, hi = design.predictive().interval(coverage)
        frames.append(
            pd.DataFrame(
                {
                    "week_start": design.weekly["week_start"],
                    "subcategory": design.bundle.subcategory,
                    "predicted_gmv": mean * design.days,
                    "lower": lo * design.days,
                    "upper": hi * design.days,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def default_scenario(artifacts: Artifacts, weeks: int = PLAN_WEEKS, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """The next `weeks` weeks with spend at last year's level for the same weeks, scaled to the recent run rate.

    The run-rate factor is spend over the last RECENT_WEEKS (13) weeks divided by spend over the same weeks a year
    earlier; without a year of history it is 1 and weeks with no match take the recent weekly mean. A model trained
    without spend has no channels: its plan is the weeks alone, from the week after its data.
    """
    if not artifacts.has_spend:
        return pd.DataFrame({"week_start": pd.date_range(start or artifacts.next_week, periods=weeks, freq="7D")})
    company = artifacts.table("company_spend").set_index("week_start").sort_index()
    channels = artifacts.channels
    weekly = company[channels].div(company["days"], axis=0) * DAYS_PER_WEEK  # full-week equivalents
    last = weekly.index[-1]
    start = start or last + pd.Timedelta(weeks=1)
    future = pd.date_range(start, periods=weeks, freq=WEEK_FREQ)
    recent = weekly.iloc[-RECENT_WEEKS:]
    year_before = weekly.reindex(recent.index - pd.Timedelta(weeks=WEEKS_PER_YEAR))
    scale = recent.to_numpy().sum() / year_before.to_numpy().sum() if year_before.notna().all().all() else 1.0
    if not np.isfinite(scale) or scale <= 0:
        scale = 1.0
    base = weekly.reindex(future - pd.Timedelta(weeks=WEEKS_PER_YEAR)).reset_index(drop=True)
    base = base.fillna(recent.mean()) * scale
    out = pd.DataFrame({"week_start": future})
    for channel in channels:
        out[channel] = base[channel].to_numpy().round(6)
    return out


class ScenarioTotal(NamedTuple):
    """A scenario's total GMV (₹) and its central interval."""

    gmv: float
    lower: float
    upper: float


def scenario_totals(artifacts: Artifacts, scenario: pd.DataFrame, coverage: float = INTERVAL_COVERAGE) -> ScenarioTotal:
    """Total GMV (₹) over every week and subcategory of a scenario, with a central `coverage` interval.

    Subcategories' predictive totals add draw by draw (for forests, tree i of each subcategory summed) and
    noise variance by variance (weeks and subcategories taken as independent).
    """
    totals = [design.predictive().total(design.days) for design in scenario_designs(artifacts, scenario)]
    total: PredictiveTotal = sum(totals[1:], totals[0])
    return ScenarioTotal(*total.interval(coverage))


def subcategory_totals(artifacts: Artifacts, scenario: pd.DataFrame, coverage: float = INTERVAL_COVERAGE) -> pd.DataFrame:
    """subcategory, predicted_gmv, lower, upper (₹): each subcategory's GMV summed over the scenario's weeks with
    a central `coverage` interval of that sum (weeks' errors correlated as the model's are), and with several
    subcategories a row "total" for all of them together. Not the sums of the weekly bounds: those are wider than
    an interval of the total when the weeks' errors partly cancel, and narrower when they do not."""
    designs = scenario_designs(artifacts, scenario)
    totals = {design.bundle.subcategory: design.predictive().total(design.days) for design in designs}
    everything: PredictiveTotal = sum(list(totals.values())[1:], next(iter(totals.values())))
    named = [*totals.items(), *([("total", everything)] if len(totals) > 1 else [])]
    rows = [(name, *total.interval(coverage)) for name, total in named]
    return pd.DataFrame(rows, columns=["subcategory", "predicted_gmv", "lower", "upper"])


def date_warnings(artifacts: Artifacts, weeks: pd.Series | pd.DatetimeIndex) -> list[str]:
    """Plain-words warnings when planned `weeks` lie far outside the weeks the model was trained on: more than
    WEEKS_BEFORE_WINDOW before its first week or WEEKS_AFTER_WINDOW after its last."""
    weeks = pd.DatetimeIndex(weeks)
    if weeks.empty:
        return []
    first, last = pd.Timestamp(artifacts.manifest.window.start), artifacts.last_week
    window = f"the model was trained on {first.date()} to {last.date()}"
    out = []
    if weeks.min() < first - pd.Timedelta(weeks=WEEKS_BEFORE_WINDOW):
        out.append(
            f"the weeks from {weeks.min().date()} start more than a year before the training data ({window}): "
            "the model is extrapolating back in time, so treat the prediction with care"
        )
    if weeks.max() > last + pd.Timedelta(weeks=WEEKS_AFTER_WINDOW):
        out.append(
            f"the weeks up to {weeks.max().date()} end more than two years after the training data ({window}): "
            "its trend and seasonality are carried far ahead, so treat the prediction with care"
        )
    return out


def range_warnings(artifacts: Artifacts, scenario: pd.DataFrame) -> list[str]:
    """Plain words for every scenario input outside the range the model was trained on: which subcategory and
    input, the values, the range, how far outside it, and what the forecast does about it."""
    out = []
    for design in scenario_designs(artifacts, scenario):
        for col in design.excess.columns:
            outside = design.excess[col].to_numpy(float) != 0
            if not outside.any():
                continue
            low, high = design.bundle.spec.control_ranges[col]
            given = design.weekly[col].to_numpy(float)[outside]
            far = given[np.argmax(np.abs(design.excess[col].to_numpy(float)[outside]))]
            edge = high if far > high else low
            out.append(
                f"{design.bundle.subcategory}: {col} {far:,.4g} ({int(outside.sum())} week(s)) is outside the training "
                f"range {low:,.4g} to {high:,.4g} ({abs(far - edge) / max(abs(edge), NUMERIC_FLOOR):.0%} beyond the edge): the "
                f"forecast holds it at {edge:,.4g} and its interval widens with the distance"
            )
    return out
