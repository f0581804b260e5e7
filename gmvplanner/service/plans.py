"""Plans the analyst edits: scaling, weekly and monthly views, form inputs to scenarios, lever ranges, the
extrapolation and share warnings, and comparisons of saved plans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..analysis.budget import historical_split
from ..analysis.profit import plan_increment
from ..analysis.scenario_summary import PlanFigures
from ..analysis.scenarios import predict_scenario
from ..config import RECENT_WEEKS
from ..data.scenario_files import SCENARIO_LEVERS
from ..dates import DAYS_PER_WEEK, DAYS_PER_YEAR, MONTHS_PER_YEAR, WEEKS_PER_YEAR, week_start
from ..errors import InputError
from ..model.artifacts import Artifacts
from ..reporting.tables import increments_table

__all__ = [
    "plan_increments",
    "PAYMENT_CHOICES",
    "EDIT_TOLERANCE",
    "scale_plan",
    "plan_from_split",
    "scenarios_csv",
    "verticals",
    "knows_payment_types",
    "LeverRange",
    "lever_ranges",
    "calendar_levers",
    "plan_levers",
    "recent_monthly_spend",
    "form_scenario",
    "share_note",
    "extrapolation_warnings",
    "weekly_to_monthly",
    "monthly_to_weekly",
    "apply_monthly_edits",
    "ScenarioComparison",
    "compare_scenarios",
    "gmv_by_subcategory",
]


PAYMENT_CHOICES = ("recent mix", "COD", "Prepaid")


# a monthly spend up to 5% beyond the training weeks' range is not flagged as extrapolation
SPEND_RANGE_SLACK = 0.05


# percentage points by which channel shares may miss 100% before Predict says so: shares shown to 2 decimals
# (9 channels rounded: at most 0.045 off)
SHARE_SUM_TOLERANCE = 0.1


# relative change below which an edited plan cell counts as untouched (a table round-trip's float noise)
EDIT_TOLERANCE = 1e-12


def scale_plan(plan: pd.DataFrame, channels: list[str], factor: float) -> pd.DataFrame:
    """The plan with the named channels' spend multiplied by `factor` (everything else as it was)."""
    if not (np.isfinite(factor) and factor >= 0):
        raise InputError("quick change", f"the factor must be a number of at least 0; got {factor}")
    out = plan.copy()
    out[list(channels)] = out[list(channels)] * factor
    return out


def plan_from_split(weeks: pd.DatetimeIndex, amounts: pd.Series) -> pd.DataFrame:
    """A weekly plan spreading each channel's amount over the horizon (`amounts`: channel -> input money unit)
    evenly over `weeks`, as the optimiser does."""
    frame = pd.DataFrame({"week_start": pd.DatetimeIndex(weeks)})
    for channel, amount in amounts.items():
        frame[channel] = float(amount) / len(weeks)
    return frame


def scenarios_csv(saved: dict[str, pd.DataFrame]) -> str:
    """Named plans as one CSV with a leading `scenario` column, which the Scenario planner's upload reads back."""
    frames = [plan.assign(scenario=name)[["scenario", *plan.columns]] for name, plan in saved.items()]
    return pd.concat(frames, ignore_index=True).to_csv(index=False, date_format="%Y-%m-%d")


def verticals(artifacts: Artifacts, subcategory: str) -> list[str]:
    """The product verticals a scenario can name for this subcategory (none for a weekly table)."""
    encoders = artifacts.encoders.get(subcategory)
    return encoders.vertical_names() if encoders is not None else []


def knows_payment_types(artifacts: Artifacts, subcategory: str) -> bool:
    """Whether this subcategory's orders told COD from prepaid (`PAYMENT_CHOICES`), so a scenario's payment type
    changes its forecast; False for a shop's export without a payment column, or a weekly table."""
    encoders = artifacts.encoders.get(subcategory)
    known = {str(v) for v in encoders.payment.categories_[0]} if encoders is not None else set()
    return bool(known & set(PAYMENT_CHOICES[1:]))


@dataclass(frozen=True)
class LeverRange:
    """A lever's range in the training weeks and its recent default, with its unit."""

    label: str
    unit: str
    low: float
    high: float
    default: float


def lever_ranges(artifacts: Artifacts, subcategory: str) -> dict[str, LeverRange]:
    """Ranges of the form's levers in the training data of one subcategory (a lever the data never gave, such as a
    delivery SLA in a shop's export, has none and is left out)."""
    history = artifacts.table("history")
    rows = history.loc[history["subcategory"] == subcategory]
    defaults = artifacts.models[subcategory].lever_defaults
    currency = artifacts.money.symbol or "units"
    spec = {
        "sla": ("delivery SLA", "days"),
        "product_mrp": ("mean product MRP", currency),
        "procurement_sla": ("procurement SLA", "days"),
        "discount": ("discount vs MRP", "fraction"),
    }
    out = {}
    for lever, (label, unit) in spec.items():
        if lever in rows and rows[lever].notna().any():
            out[lever] = LeverRange(
                label, unit, float(rows[lever].min()), float(rows[lever].max()), float(defaults.get(lever, rows[lever].median()))
            )
    return out


# the calendar a plan of weeks can set: a blank week takes the same week a year earlier (`scenario_weekly`)
CALENDAR_LEVERS = ("sale_days", "holidays")


def calendar_levers(artifacts: Artifacts) -> list[str]:
    """The calendar levers (special-sale days, holidays) the model learnt from: those that varied in its training
    weeks. Trained without a sale calendar or holidays (a shop's export alone) they were always 0, so a plan setting
    them would change nothing."""
    history = artifacts.table("history")
    return [c for c in CALENDAR_LEVERS if c in history and history[c].max() > history[c].min()]


def plan_levers(artifacts: Artifacts) -> list[str]:
    """The scenario levers (`SCENARIO_LEVERS`) a plan of weeks can set for a model without spend: the calendar it
    learnt from (`calendar_levers`), then each lever the training data gave for some subcategory (a shop's export
    may have no MRP or SLA)."""
    history = artifacts.table("history")
    given = [
        lever for lever in SCENARIO_LEVERS if lever not in CALENDAR_LEVERS and lever in history and history[lever].notna().any()
    ]
    return [*calendar_levers(artifacts), *given]


def recent_monthly_spend(artifacts: Artifacts) -> float:
    """Company spend per month over the last RECENT_WEEKS weeks, in the artifacts' input money unit."""
    company = artifacts.table("company_spend").sort_values("week_start").iloc[-RECENT_WEEKS:]
    return float(company[artifacts.channels].to_numpy().sum() / company["days"].sum() * DAYS_PER_YEAR / MONTHS_PER_YEAR)


def form_scenario(
    artifacts: Artifacts,
    first_week: pd.Timestamp,
    weeks: int,
    subcategory: str,
    *,
    monthly_spend: float = 0.0,
    channel_shares: dict[str, float] | None = None,
    sla: float | None = None,
    product_mrp: float | None = None,
    procurement_sla: float | None = None,
    sale_days: float | None = None,
    payment: str = "recent mix",
    vertical: str | None = None,
) -> pd.DataFrame:
    """The Predict form as a scenario file would state it (one row per week, spend per channel per week).

    `monthly_spend` is a monthly total, split by `channel_shares` (default: the last 52 weeks' mix, as
    `budget_optimiser.historical_split` gives it; shares that do not add up to 100% are scaled to, and `share_note` says so)
    and turned into weekly spend at 12/52 of a month per week. A model trained without spend has no channels: the
    scenario is the weeks and levers alone, and spend is ignored.
    """
    start = week_start([first_week], artifacts.week_starts_on)[0]
    frame = pd.DataFrame({"week_start": pd.date_range(start, periods=weeks, freq="7D")})
    if artifacts.has_spend:
        shares = _normalised_shares(artifacts, channel_shares)
        for channel in artifacts.channels:
            frame[channel] = monthly_spend * MONTHS_PER_YEAR / WEEKS_PER_YEAR * shares[channel]
    frame["subcategory"] = subcategory
    for name, value in (
        ("sla", sla),
        ("product_mrp", product_mrp),
        ("procurement_sla", procurement_sla),
        ("sale_days", sale_days),
    ):
        frame[name] = np.nan if value is None else float(value)
    frame["prepaid_share"] = {"COD": 0.0, "Prepaid": 1.0}.get(payment, np.nan)
    frame["vertical"] = vertical if vertical and vertical != "recent mix" else None
    return frame


def _normalised_shares(artifacts: Artifacts, channel_shares: dict[str, float] | None) -> pd.Series:
    """Channel -> share of the spend (adding up to 1): `channel_shares` (any scale; a channel left out has none),
    else the historical split; InputError when they add up to 0 or one is negative."""
    shares = pd.Series(channel_shares, dtype=float) if channel_shares else historical_split(artifacts)
    shares = shares.reindex(artifacts.channels).fillna(0.0)
    if shares.sum() <= 0:
        raise InputError("channel split", "the channel shares add up to 0; give at least one channel a share")
    if (shares < 0).any():
        raise InputError("channel split", f"negative share for {shares[shares < 0].index[0]}")
    return shares / shares.sum()


def share_note(channel_shares: dict[str, float]) -> str | None:
    """A warning when the channel shares (in %) do not add up to 100%: what they add up to and what each share
    of the largest one is then taken as (`form_scenario` scales them so the monthly total is spent as typed); None
    when they add up to 100% (within rounding) or to 0 (which `form_scenario` refuses)."""
    shares = pd.Series(channel_shares, dtype=float).fillna(0.0)
    total = float(shares.sum())
    if total <= 0 or abs(total - 100.0) <= SHARE_SUM_TOLERANCE:
        return None
    largest = shares.idxmax()
    return (
        f"The channel shares add up to {total:,.2f}%, not 100%: each is scaled by 100/{total:,.2f} so that the "
        f"monthly spend is spent as typed ({largest} {shares[largest]:,.2f}% counts as "
        f"{shares[largest] / total * 100:,.2f}%). Make them add up to 100% to split the spend exactly as you mean."
    )


def extrapolation_warnings(
    artifacts: Artifacts, subcategory: str, values: Mapping[str, float | None], monthly_spend: float | None = None
) -> list[str]:
    """Plain-words warnings for inputs outside what the model saw in training."""
    out = []
    for lever, rng in lever_ranges(artifacts, subcategory).items():
        value = values.get(lever)
        if value is None or np.isnan(value):
            continue
        if value < rng.low or value > rng.high:
            out.append(
                f"{rng.label} {value:,.2f} {rng.unit} is outside the training range {rng.low:,.2f} to "
                f"{rng.high:,.2f}: the forecast holds it at {min(max(value, rng.low), rng.high):,.2f} (the edge) and "
                "its interval widens with the distance; the model cannot say what happens beyond what it saw."
            )
    if monthly_spend is not None and artifacts.has_spend:
        company = artifacts.table("company_spend")
        weekly = company[artifacts.channels].sum(axis=1) / company["days"] * DAYS_PER_WEEK
        monthly = weekly * WEEKS_PER_YEAR / MONTHS_PER_YEAR
        if monthly_spend > monthly.max() * (1 + SPEND_RANGE_SLACK) or monthly_spend < monthly.min() * (1 - SPEND_RANGE_SLACK):
            out.append(
                f"monthly spend {monthly_spend:,.3f} is outside the training range {monthly.min():,.3f} to "
                f"{monthly.max():,.3f} ({artifacts.money.name}): the model is extrapolating."
            )
    return out


def weekly_to_monthly(plan: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Weekly plan -> month totals (each week's spend assigned by its days to calendar months)."""
    days = plan.loc[plan.index.repeat(DAYS_PER_WEEK), ["week_start", *channels]].copy()
    days["date"] = days["week_start"] + pd.to_timedelta(np.tile(np.arange(DAYS_PER_WEEK), len(plan)), unit="D")
    days[channels] = days[channels] / DAYS_PER_WEEK
    days["month"] = days["date"].dt.to_period("M").astype(str)
    return days.groupby("month", as_index=False)[channels].sum()


def monthly_to_weekly(monthly: pd.DataFrame, weeks: pd.DatetimeIndex, channels: list[str]) -> pd.DataFrame:
    """Month totals -> weekly plan, spreading each month evenly over its days inside the horizon.

    Each channel's total over the horizon is kept exactly (months outside it are dropped). A week that straddles
    two months carries both months' daily rates, and `weekly_to_monthly` spreads a week evenly over its days, so
    showing the result by month again can move a little spend between those two months.
    """
    frame = pd.DataFrame({"week_start": weeks})
    dates = weeks.to_numpy()[:, None] + np.arange(DAYS_PER_WEEK).astype("timedelta64[D]")
    months = pd.DatetimeIndex(dates.ravel()).to_period("M")
    monthly = monthly.set_index("month")
    days_in_horizon = pd.Series(months).value_counts()
    for channel in channels:
        daily = [monthly.loc[str(p), channel] / days_in_horizon[p] if str(p) in monthly.index else 0.0 for p in months]
        frame[channel] = np.asarray(daily, float).reshape(len(weeks), DAYS_PER_WEEK).sum(axis=1)
    return frame


def apply_monthly_edits(plan: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """The weekly plan with the edits made in its monthly view, and nothing else changed.

    `before` is `weekly_to_monthly(plan)` as shown, `after` the edited table. Months and channels the analyst did
    not touch keep their weekly values exactly (switching views changes nothing); an edited month scales its days'
    spend to the new total (spread evenly over its days in the horizon when it was 0). A plan is kept per week, so a
    week straddling two months is shown spread evenly over its days again: the month total shown afterwards can
    differ from the one typed by a fraction of that week's change (0.04% in the test)."""
    days = plan.loc[plan.index.repeat(DAYS_PER_WEEK), ["week_start", *channels]].reset_index(drop=True)
    days["date"] = days["week_start"] + pd.to_timedelta(np.tile(np.arange(DAYS_PER_WEEK), len(plan)), unit="D")
    days[channels] = days[channels] / DAYS_PER_WEEK
    month = days["date"].dt.to_period("M").astype(str)
    old, new = before.set_index("month"), after.set_index("month")
    changed = False
    for m in new.index.intersection(old.index):
        inside = (month == m).to_numpy()
        for channel in channels:
            target, was = float(new.loc[m, channel]), float(old.loc[m, channel])
            if abs(target - was) <= EDIT_TOLERANCE * max(abs(was), 1.0):
                continue
            changed = True
            if was > 0:
                days.loc[inside, channel] *= target / was
            else:
                days.loc[inside, channel] = target / inside.sum()
    out = plan.copy()
    if changed:  # untouched, the plan comes back bit for bit
        out[channels] = days.groupby(np.repeat(np.arange(len(plan)), DAYS_PER_WEEK))[channels].sum().to_numpy()
    return out


class ScenarioComparison(NamedTuple):
    """The weekly predictions of named scenarios (column `scenario`) and their totals table."""

    predictions: pd.DataFrame
    totals: pd.DataFrame


def compare_scenarios(artifacts: Artifacts, scenarios: dict[str, pd.DataFrame]) -> ScenarioComparison:
    """Predictions of each named scenario (column `scenario`) and a table of totals with differences.

    Totals: one row per scenario and subcategory, GMV in the artifacts' input money unit, and the
    difference to the first scenario (absolute and %).
    """
    frames = [predict_scenario(artifacts, plan).assign(scenario=name) for name, plan in scenarios.items()]
    predictions = pd.concat(frames, ignore_index=True)
    totals = predictions.groupby(["scenario", "subcategory"], sort=False)["predicted_gmv"].sum().unstack()
    totals["all subcategories"] = totals.sum(axis=1)
    first = totals.iloc[0]
    money = artifacts.money
    table = money.from_base(totals).round(4)
    diff = money.from_base(totals - first).round(4).add_suffix(" vs first")
    pct = ((totals / first - 1) * 100).round(2)[["all subcategories"]].rename(columns=lambda c: "% vs first")
    return ScenarioComparison(predictions, pd.concat([table, diff, pct], axis=1).reset_index())


def gmv_by_subcategory(predictions: pd.DataFrame) -> pd.Series:
    """Predicted GMV (base unit) summed over the weeks, per subcategory (by name)."""
    return predictions.groupby("subcategory")["predicted_gmv"].sum()


def plan_increments(
    artifacts: Artifacts, figures: Mapping[str, PlanFigures], baseline: str, margin: float | None = None
) -> pd.DataFrame:
    """What every plan but `baseline` adds over it (`profit.plan_increment`), as the planner shows it: with
    `margin` (one share of GMV for every subcategory) the incremental profit as well."""
    margins = None if margin is None else {sub: margin for sub in artifacts.subcategories}
    increments = {name: plan_increment(figures[baseline], these, margins) for name, these in figures.items() if name != baseline}
    return increments_table(increments, artifacts.money, baseline)
