"""What the Streamlit app asks of the package: train-if-missing, form inputs to scenarios, ranges, comparisons.

No Streamlit here: the app passes plain values in and gets frames and messages back.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis.optimise import BudgetResult, historical_split
from .analysis.scenario_summary import budget_response, plan_gmv
from .analysis.scenarios import predict_scenario
from .config import ARTIFACTS_DIR, DATA_DIR, RECENT_WEEKS
from .dates import week_start
from .errors import ArtifactError, InputError
from .model.artifacts import MANIFEST, Artifacts, file_sha256, load_artifacts
from .pipeline import Progress, TrainingInputs, TrainingResult, train
from .units import MoneyUnit

__all__ = [
    "identification_caution",
    "adequacy_table",
    "channel_table",
    "step_model_caution",
    "scenario_table",
    "scale_plan",
    "plan_from_split",
    "split_table",
    "recommended_amounts",
    "budget_curve",
    "BASELINE_PLAN",
    "verticals",
    "app_artifacts_dir",
    "artifacts_key",
    "ensure_trained",
    "LeverRange",
    "lever_ranges",
    "recent_monthly_spend",
    "recent_budget",
    "form_scenario",
    "extrapolation_warnings",
    "weekly_to_monthly",
    "apply_monthly_edits",
    "monthly_to_weekly",
    "compare_scenarios",
    "gmv_by_subcategory",
    "uplift_percent",
    "metrics_table",
    "baseline_verdict",
    "missing_weeks_note",
    "validate_upload",
    "retrain",
    "PAYMENT_CHOICES",
]

PAYMENT_CHOICES = ("recent mix", "COD", "Prepaid")


def identification_caution(artifacts: Artifacts) -> str | None:
    """A plain-words caution when the data cannot support channel-level answers (the data adequacy check written
    at training), else None."""
    warnings = artifacts.table("adequacy")["data_warning"].astype("string").fillna("")
    found = list(dict.fromkeys(w for w in warnings if w))
    return "Data adequacy: " + "; ".join(found) + "." if found else None


BASELINE_PLAN = "last year's plan"  # the planner's baseline: the default plan (last year's spend, run-rate scaled)


def _with_intervals(table: pd.DataFrame, rows: pd.DataFrame, shown: dict) -> pd.DataFrame:
    """Add each shown estimate (column -> label, conversion, text format) beside its 80% interval as text
    ("low to high") when `rows` has `<column>_lower/_upper`; blank where there is no interval."""
    for column, (label, convert, fmt) in shown.items():
        table[label] = convert(rows[column]).round(4)
        if f"{column}_lower" in rows:
            low, high = convert(rows[f"{column}_lower"]), convert(rows[f"{column}_upper"])
            table[f"{label}, 80% interval"] = [
                "" if pd.isna(lo) else f"{fmt.format(lo)} to {fmt.format(hi)}" for lo, hi in zip(low, high)
            ]
    return table


def channel_table(artifacts: Artifacts, subcategory: str) -> pd.DataFrame:
    """One subcategory's channel answers with plain column names: money in the artifacts' unit, each estimate
    beside its 80% interval as text ("low to high") when the model has bootstrap refits."""
    money = artifacts.money
    rows = artifacts.table("contributions").query("subcategory == @subcategory").reset_index(drop=True)
    table = pd.DataFrame({"channel": rows["channel"], f"spend ({money.name})": money.from_base(rows["spend"]).round(4)})
    shown = {
        "incremental_gmv": (f"incremental GMV ({money.name})", lambda v: money.from_base(v), "{:.4f}"),
        "roi": ("ROI", lambda v: v, "{:.2f}"),
        "mroi": ("marginal ROI", lambda v: v, "{:.2f}"),
        "share": ("share of media GMV (%)", lambda v: 100 * v, "{:.1f}"),
    }
    table = _with_intervals(table, rows, shown)
    table["flag"] = rows["flag"].astype("string").fillna("")
    return table


def step_model_caution(artifacts: Artifacts) -> str | None:
    """A plain sentence when the model's prediction is a step function of spend (the forest), else None."""
    if all(m.estimator.smooth_in_spend for m in artifacts.models.values()):
        return None
    return (
        f"The {artifacts.manifest.model} model's prediction is a step function of spend: its response curves move "
        "in steps and can dip as spend rises, and its marginal ROI is the slope over the curve's next step (1x to "
        "1.25x). Channels flagged 'erratic' have no trustworthy answer; the hybrid model (the default) gives smooth "
        "curves with intervals."
    )


def scenario_table(artifacts: Artifacts, summary: pd.DataFrame) -> pd.DataFrame:
    """`scenario_summary.scenario_summary` as shown: plain column names, money in the artifacts' unit, each figure
    beside its 80% interval."""
    money = artifacts.money
    to_money = lambda v: money.from_base(v)  # noqa: E731
    table = pd.DataFrame(
        {"scenario": summary["scenario"], f"spend on these subcategories ({money.name})": to_money(summary["spend"]).round(4)}
    )
    shown = {
        "gmv": (f"GMV ({money.name})", to_money, "{:.2f}"),
        "incremental_gmv": (f"GMV from media ({money.name})", to_money, "{:.2f}"),
        "roas": ("ROAS", lambda v: v, "{:.2f}"),
        "marginal_roas": ("marginal ROAS", lambda v: v, "{:.2f}"),
        "change": (f"change vs {BASELINE_PLAN} ({money.name})", to_money, "{:+.4f}"),
        "change_pct": (f"change vs {BASELINE_PLAN} (%)", lambda v: v, "{:+.2f}"),
    }
    return _with_intervals(table, summary, shown)


def scale_plan(plan: pd.DataFrame, channels: list[str], factor: float) -> pd.DataFrame:
    """The plan with the named channels' spend multiplied by `factor` (everything else as it was)."""
    if not (np.isfinite(factor) and factor >= 0):
        raise InputError("quick change", f"the factor must be a number of at least 0; got {factor}")
    out = plan.copy()
    out[list(channels)] = out[list(channels)] * factor
    return out


def recommended_amounts(result: BudgetResult, money: MoneyUnit) -> pd.Series:
    """The optimiser's recommended amount per channel over its horizon (input money unit)."""
    return result.table.set_index("channel")[money.column("recommended")]


def split_table(result: BudgetResult, money: MoneyUnit) -> pd.DataFrame:
    """The optimiser's split with plain column names (input money unit; change also in %)."""
    t = result.table
    historical = t[money.column("historical")]
    return pd.DataFrame(
        {
            "channel": t["channel"],
            f"lowest allowed ({money.name})": t[money.column("min")].round(4),
            f"highest allowed ({money.name})": t[money.column("max")].round(4),
            f"historical split ({money.name})": historical.round(4),
            f"recommended ({money.name})": t[money.column("recommended")].round(4),
            f"change ({money.name})": t[money.column("change")].round(4),
            "change (%)": (t[money.column("change")] / historical.where(historical > 0) * 100).round(2),
        }
    )


def budget_curve(artifacts: Artifacts, result: BudgetResult, top: float = 2.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GMV against total budget from 0 to `top` times the optimiser's budget at the historical split (see
    `scenario_summary.budget_response`), and the two points to mark: the historical and the recommended split."""
    money = artifacts.money
    historical = plan_from_split(result.weeks, result.table.set_index("channel")[money.column("historical")])
    recommended = plan_from_split(result.weeks, recommended_amounts(result, money))
    curve = budget_response(artifacts, historical, np.linspace(0.0, top, 21))
    budget = money.to_base(float(result.table[money.column("historical")].sum()))
    at_one = curve.loc[np.isclose(curve["multiplier"], 1.0), "gmv"].iloc[0]
    points = pd.DataFrame(
        {
            "label": ["historical split", "recommended split"],
            "budget": [budget, budget],
            "gmv": [at_one, plan_gmv(artifacts, recommended)],
        }
    )
    return curve, points


def plan_from_split(weeks: pd.DatetimeIndex, amounts: pd.Series) -> pd.DataFrame:
    """A weekly plan spreading each channel's amount over the horizon (`amounts`: channel -> input money unit)
    evenly over `weeks`, as the optimiser does."""
    frame = pd.DataFrame({"week_start": pd.DatetimeIndex(weeks)})
    for channel, amount in amounts.items():
        frame[channel] = float(amount) / len(weeks)
    return frame


def adequacy_table(artifacts: Artifacts, subcategory: str) -> pd.DataFrame:
    """The data adequacy check for one subcategory with plain column names."""
    rows = artifacts.table("adequacy").query("subcategory == @subcategory")
    return pd.DataFrame(
        {
            "channel": rows["channel"],
            "data points per effect": rows["points_per_parameter"],
            "spend moves only monthly": rows["spend_moves_monthly"].map({True: "yes", False: "no"}),
            "weeks with spend": rows["active_weeks"],
            "strongest correlation with another channel": rows["max_correlation"],
            "moves with": rows["correlated_with"].astype("string").fillna(""),
            "warning": rows["channel_warning"].astype("string").fillna(""),
        }
    )


def verticals(artifacts: Artifacts, subcategory: str) -> list[str]:
    """The product verticals a scenario can name for this subcategory (none for a weekly table)."""
    encoders = artifacts.encoders.get(subcategory)
    return encoders.vertical_names() if encoders is not None else []


def app_artifacts_dir() -> Path:
    """The folder the app loads: $GMV_ARTIFACTS, else artifacts/."""
    return Path(os.environ.get("GMV_ARTIFACTS", ARTIFACTS_DIR))


def artifacts_key(path: Path) -> str:
    """Changes whenever the artifacts are replaced (the manifest's checksum), to refresh cached models."""
    manifest = Path(path) / MANIFEST
    return file_sha256(manifest) if manifest.exists() else ""


def _trained_on_default(path: Path) -> bool:
    try:
        orders = json.loads((Path(path) / MANIFEST).read_text())["inputs"]["orders"]["path"]
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return Path(orders).resolve().parent == DATA_DIR.resolve()


def ensure_trained(path: Path, progress: Progress | None = None) -> bool:
    """Train on the embedded default data when `path` has no artifacts yet, or has default-data artifacts
    that this version cannot load (other libraries or feature schema); True if it trained.

    Artifacts trained on the user's own files are never replaced here: their errors reach the user.
    """
    if (Path(path) / MANIFEST).exists():
        try:
            load_artifacts(path)
            return False
        except ArtifactError:
            if not _trained_on_default(path):
                raise
    from .synth import ensure_default_data

    report = progress or (lambda msg, frac: None)
    report("generating the embedded default data (once, about 15 s)", 0.0)
    paths = ensure_default_data(DATA_DIR)
    train(TrainingInputs.from_dataset(paths), path, progress=report)
    return True


@dataclass(frozen=True)
class LeverRange:
    """A lever's range in the training weeks and its recent default, with its unit."""

    label: str
    unit: str
    low: float
    high: float
    default: float


def lever_ranges(artifacts: Artifacts, subcategory: str) -> dict[str, LeverRange]:
    """Ranges of the form's levers in the training data of one subcategory."""
    history = artifacts.table("history")
    rows = history.loc[history["subcategory"] == subcategory]
    defaults = artifacts.models[subcategory].lever_defaults
    spec = {
        "sla": ("delivery SLA", "days"),
        "product_mrp": ("mean product MRP", "₹"),
        "procurement_sla": ("procurement SLA", "days"),
        "discount": ("discount vs MRP", "fraction"),
    }
    out = {}
    for lever, (label, unit) in spec.items():
        if lever in rows:
            out[lever] = LeverRange(
                label, unit, float(rows[lever].min()), float(rows[lever].max()), float(defaults.get(lever, rows[lever].median()))
            )
    return out


def recent_monthly_spend(artifacts: Artifacts) -> float:
    """Company spend per month over the last RECENT_WEEKS weeks, in the artifacts' input money unit."""
    company = artifacts.table("company_spend").sort_values("week_start").iloc[-RECENT_WEEKS:]
    return float(company[artifacts.channels].to_numpy().sum() / company["days"].sum() * 365.25 / 12)


def recent_budget(artifacts: Artifacts) -> float:
    """Company spend over the last RECENT_WEEKS weeks, in the input money unit (the Budget page's default total)."""
    company = artifacts.table("company_spend").sort_values("week_start")
    return float(company[artifacts.channels].iloc[-RECENT_WEEKS:].to_numpy().sum())


def form_scenario(
    artifacts: Artifacts,
    first_week: pd.Timestamp,
    weeks: int,
    subcategory: str,
    *,
    monthly_spend: float,
    channel_shares: dict[str, float] | None = None,
    sla: float | None = None,
    product_mrp: float | None = None,
    procurement_sla: float | None = None,
    sale_days: float | None = None,
    payment: str = "recent mix",
    vertical: str | None = None,
) -> pd.DataFrame:
    """The Predict form as a scenario file would state it (one row per week, spend per channel per week).

    `monthly_spend` is a monthly total, split by `channel_shares` (default: the last 52 weeks' mix) and
    turned into weekly spend at 12/52 of a month per week.
    """
    shares = pd.Series(channel_shares) if channel_shares else historical_split(artifacts)
    shares = shares.reindex(artifacts.channels).fillna(0.0)
    if shares.sum() <= 0:
        raise InputError("channel split", "the channel shares add up to 0; give at least one channel a share")
    if (shares < 0).any():
        raise InputError("channel split", f"negative share for {shares[shares < 0].index[0]}")
    shares = shares / shares.sum()
    start = week_start([first_week], artifacts.week_starts_on)[0]
    frame = pd.DataFrame({"week_start": pd.date_range(start, periods=weeks, freq="7D")})
    for channel in artifacts.channels:
        frame[channel] = monthly_spend * 12 / 52 * shares[channel]
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


def extrapolation_warnings(
    artifacts: Artifacts, subcategory: str, values: dict[str, float | None], monthly_spend: float | None = None
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
                f"{rng.high:,.2f}: the model is extrapolating, so treat the prediction with care."
            )
    if monthly_spend is not None:
        company = artifacts.table("company_spend")
        weekly = company[artifacts.channels].sum(axis=1) / company["days"] * 7
        monthly = weekly * 52 / 12
        if monthly_spend > monthly.max() * 1.05 or monthly_spend < monthly.min() * 0.95:
            out.append(
                f"monthly spend {monthly_spend:,.3f} is outside the training range {monthly.min():,.3f} to "
                f"{monthly.max():,.3f} ({artifacts.money.name}): the model is extrapolating."
            )
    return out


def weekly_to_monthly(plan: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Weekly plan -> month totals (each week's spend assigned by its days to calendar months)."""
    days = plan.loc[plan.index.repeat(7), ["week_start", *channels]].copy()
    days["date"] = days["week_start"] + pd.to_timedelta(np.tile(np.arange(7), len(plan)), unit="D")
    days[channels] = days[channels] / 7
    days["month"] = days["date"].dt.to_period("M").astype(str)
    return days.groupby("month", as_index=False)[channels].sum()


def monthly_to_weekly(monthly: pd.DataFrame, weeks: pd.DatetimeIndex, channels: list[str]) -> pd.DataFrame:
    """Month totals -> weekly plan, spreading each month evenly over its days inside the horizon.

    Each channel's total over the horizon is kept exactly (months outside it are dropped). A week that straddles
    two months carries both months' daily rates, and `weekly_to_monthly` spreads a week evenly over its days, so
    showing the result by month again can move a little spend between those two months.
    """
    frame = pd.DataFrame({"week_start": weeks})
    dates = weeks.to_numpy()[:, None] + np.arange(7).astype("timedelta64[D]")
    months = pd.DatetimeIndex(dates.ravel()).to_period("M")
    monthly = monthly.set_index("month")
    days_in_horizon = pd.Series(months).value_counts()
    for channel in channels:
        daily = [monthly.loc[str(p), channel] / days_in_horizon[p] if str(p) in monthly.index else 0.0 for p in months]
        frame[channel] = np.asarray(daily, float).reshape(len(weeks), 7).sum(axis=1)
    return frame


def apply_monthly_edits(plan: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """The weekly plan with the edits made in its monthly view, and nothing else changed.

    `before` is `weekly_to_monthly(plan)` as shown, `after` the edited table. Months and channels the analyst did
    not touch keep their weekly values exactly (switching views changes nothing); an edited month scales its days'
    spend to the new total (spread evenly over its days in the horizon when it was 0). A plan is kept per week, so a
    week straddling two months is shown spread evenly over its days again: the month total shown afterwards can
    differ from the one typed by a fraction of that week's change (0.04% in the test)."""
    days = plan.loc[plan.index.repeat(7), ["week_start", *channels]].reset_index(drop=True)
    days["date"] = days["week_start"] + pd.to_timedelta(np.tile(np.arange(7), len(plan)), unit="D")
    days[channels] = days[channels] / 7
    month = days["date"].dt.to_period("M").astype(str)
    old, new = before.set_index("month"), after.set_index("month")
    changed = False
    for m in new.index.intersection(old.index):
        inside = (month == m).to_numpy()
        for channel in channels:
            target, was = float(new.loc[m, channel]), float(old.loc[m, channel])
            if abs(target - was) <= 1e-12 * max(abs(was), 1.0):
                continue
            changed = True
            if was > 0:
                days.loc[inside, channel] *= target / was
            else:
                days.loc[inside, channel] = target / inside.sum()
    out = plan.copy()
    if changed:  # untouched, the plan comes back bit for bit
        out[channels] = days.groupby(np.repeat(np.arange(len(plan)), 7))[channels].sum().to_numpy()
    return out


def compare_scenarios(artifacts: Artifacts, scenarios: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    return predictions, pd.concat([table, diff, pct], axis=1).reset_index()


def gmv_by_subcategory(predictions: pd.DataFrame) -> pd.Series:
    """Predicted GMV (base unit) summed over the weeks, per subcategory (by name)."""
    return predictions.groupby("subcategory")["predicted_gmv"].sum()


def uplift_percent(result: BudgetResult) -> float | None:
    """The recommended split's expected GMV over the historical split's, as a % change (None if that is 0)."""
    historical = result.historical_gmv[0]
    return None if historical == 0 else result.uplift / historical * 100


METRIC_LABELS = {"wape": "WAPE %", "mape": "MAPE %", "r2": "R²"}


def baseline_verdict(artifacts: Artifacts, subcategory: str) -> str | None:
    """A plain sentence when a naive baseline beat the model on the held-out weeks (by WAPE), else None."""
    metrics = artifacts.table("metrics").query("subcategory == @subcategory").set_index("predictor")["wape"]
    if "model" not in metrics:
        return None
    better = metrics.drop("model")[metrics.drop("model") < metrics["model"]]
    if better.empty:
        return None
    names = {
        "last_week": "repeating the last training week",
        f"mean_{RECENT_WEEKS}_weeks": f"the mean of the last {RECENT_WEEKS} weeks",
    }
    best = better.idxmin()
    return (
        f"On the held-out weeks a naive forecast, {names.get(best, best)}, was closer than the model "
        f"(WAPE {100 * better[best]:.1f}% against {100 * metrics['model']:.1f}%): trust its weekly forecasts less."
    )


def missing_weeks_note(artifacts: Artifacts, subcategory: str) -> str | None:
    """A plain sentence naming the weeks a weekly table had no GMV for (None when it had every week)."""
    weeks = artifacts.manifest.window.missing_weeks.get(subcategory, [])
    if not weeks:
        return None
    listed = ", ".join(weeks) if len(weeks) <= 6 else f"{', '.join(weeks[:3])}, ... {weeks[-1]}"
    return (
        f"{len(weeks)} week(s) had no GMV in the table ({listed}). The model was fitted without them and predicts "
        "them (the chart's predicted line runs through the gap); carry-over runs on through them, with the spend the "
        "table gave (none where the week was absent)."
    )


def metrics_table(artifacts: Artifacts, subcategory: str) -> pd.DataFrame:
    """Held-out metrics of one subcategory's model beside the naive baselines, as shown: one row per predictor,
    WAPE and MAPE in %, R² as it is."""
    metrics = artifacts.table("metrics")
    rows = metrics.loc[metrics["subcategory"] == subcategory].drop(columns="subcategory").reset_index(drop=True)
    rows = rows.assign(**{c: rows[c] * 100 for c in ("wape", "mape") if c in rows})
    return rows.rename(columns=METRIC_LABELS)


def validate_upload(path: Path, role: str) -> str:
    """Read an uploaded file with the loader for its role; returns a one-line summary or raises InputError."""
    from .data import calendars
    from .data.ingest import aggregate_orders
    from .data.media import load_media

    if role == "orders":
        orders = aggregate_orders(path)
        first, last = orders.span
        return f"{orders.rows_read[0]:,} order rows, {first.date()} to {last.date()}"
    if role == "media":
        media = load_media(path)
        return f"{media.layout} spend for {len(media.channels)} channels, {media.start.date()} to {media.end.date()}"
    loader = {"sale_calendar": calendars.load_sale_calendar, "nps": calendars.load_nps, "holidays": calendars.load_holidays}[role]
    return f"{len(loader(path))} rows"


def retrain(
    files: dict[str, Path], artifacts_dir: Path, subcategories: list[str], progress: Progress | None = None
) -> TrainingResult:
    """Train on uploaded files; the old artifacts are replaced only if this succeeds."""
    if "orders" not in files or "media" not in files:
        raise InputError("upload", "both an orders file and a media file are needed to retrain")
    inputs = TrainingInputs(
        orders=files["orders"],
        media=files["media"],
        sale_calendar=files.get("sale_calendar"),
        nps=files.get("nps"),
        holidays=files.get("holidays"),
    )
    return train(inputs, artifacts_dir, subcategories, progress=progress)
