"""Tables and sentences as the app and the one-pager show them: plain column names, money in the artifacts' unit,
each estimate beside its 80% interval (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from ..analysis.budget import BudgetResult
from ..analysis.profit import Figure
from ..config import RECENT_WEEKS
from ..dates import DAYS_PER_WEEK
from ..model.artifacts import Artifacts
from ..units import MoneyUnit
from .labels import INTERVAL_LABEL

__all__ = [
    "identification_caution",
    "cannot_tell",
    "step_model_caution",
    "baseline_verdict",
    "missing_weeks_note",
    "event_weeks",
    "segment_table",
    "counts_orders",
    "orders_note",
    "new_customer_table",
    "customer_tables_of",
    "channel_table",
    "scenario_table",
    "split_table",
    "TOTAL_ROW",
    "experiments_table",
    "adequacy_table",
    "metrics_table",
    "BASELINE_PLAN",
    "METRIC_LABELS",
    "forecaster_table",
    "forecast_table",
    "increments_table",
]


def identification_caution(artifacts: Artifacts) -> str | None:
    """A plain-words caution when the data cannot support channel-level answers (the data adequacy check written
    at training, and `cannot_tell`), else None."""
    warnings = artifacts.table("adequacy")["data_warning"].astype("string").fillna("")
    found = list(dict.fromkeys(w for w in warnings if w))
    parts = ["Data adequacy: " + "; ".join(found) + "."] if found else []
    unknown = cannot_tell(artifacts)
    return " ".join(parts + ([unknown] if unknown else [])) or None


def _moving_together(adequacy: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs of channels whose spend moves together (the adequacy check's `correlated_with`), each pair once."""
    pairs = {
        tuple(sorted((str(c), str(p))))
        for c, p in zip(adequacy["channel"], adequacy["correlated_with"].astype("string").fillna(""))
        if p
    }
    return sorted(pairs)  # type: ignore[arg-type]


def _indistinguishable_from_none(contributions: pd.DataFrame) -> list[str]:
    """Channels with spend whose incremental GMV's 80% interval reaches zero in every subcategory."""
    if "incremental_gmv_lower" not in contributions or contributions["incremental_gmv_lower"].isna().all():
        return []
    spent = contributions.loc[contributions["spend"] > 0]
    reaches_zero = spent.groupby("channel", sort=False)["incremental_gmv_lower"].apply(lambda v: bool((v <= 0).all()))
    return [str(c) for c, none in reaches_zero.items() if none]


def cannot_tell(artifacts: Artifacts) -> str | None:
    """What the data cannot tell, in words, with the test that would: channels whose spend moves together (their
    effects cannot be split) and channels whose effect cannot be told from none (issue 31, item 7). None when
    the data separate every channel."""
    pairs = _moving_together(artifacts.table("adequacy"))
    unclear = _indistinguishable_from_none(artifacts.table("contributions"))
    sentences = []
    if pairs:
        named = "; ".join(f"{a} and {b}" for a, b in pairs)
        sentences.append(
            f"The data cannot split the effect between channels whose spend moved together: {named}. A test that moves "
            f"one of each pair alone (for example {pairs[0][0]}, 4-8 weeks, Experiments page) would separate them."
        )
    if unclear:
        sentences.append(
            f"The data cannot tell the effect of {', '.join(unclear)} from none (the 80% interval reaches zero in every "
            f"subcategory): the recommendation keeps {'it' if len(unclear) == 1 else 'them'} near history unless a "
            f"test, such as raising {unclear[0]}'s spend for 4-8 weeks, shows otherwise."
        )
    return " ".join(sentences) or None


BASELINE_PLAN = "last year's plan"  # the planner's baseline: the default plan (last year's spend, run-rate scaled)


class Shown(NamedTuple):
    """How a table shows one estimate: its column label, the conversion of its values (e.g. to the money unit)
    and the text format of its interval's ends."""

    label: str
    convert: Callable[[pd.Series], pd.Series]
    fmt: str


def _with_intervals(table: pd.DataFrame, rows: pd.DataFrame, shown: dict[str, Shown]) -> pd.DataFrame:
    """Add each shown estimate (column -> label, conversion, text format) beside its 80% interval as text
    ("low to high") when `rows` has `<column>_lower/_upper`; blank where there is no interval."""
    for column, (label, convert, fmt) in shown.items():
        table[label] = convert(rows[column]).round(4)
        if f"{column}_lower" in rows:
            low, high = convert(rows[f"{column}_lower"]), convert(rows[f"{column}_upper"])
            table[f"{label}, {INTERVAL_LABEL}"] = [
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
        "incremental_gmv": Shown(f"incremental GMV ({money.name})", lambda v: money.from_base(v), "{:.4f}"),
        "roi": Shown("ROI", lambda v: v, "{:.2f}"),
        "mroi": Shown("marginal ROI", lambda v: v, "{:.2f}"),
        "share": Shown("share of media GMV (%)", lambda v: 100 * v, "{:.1f}"),
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
        "gmv": Shown(f"GMV ({money.name})", to_money, "{:.2f}"),
        "incremental_gmv": Shown(f"GMV from media ({money.name})", to_money, "{:.2f}"),
        "roas": Shown("ROAS", lambda v: v, "{:.2f}"),
        "marginal_roas": Shown("marginal ROAS", lambda v: v, "{:.2f}"),
        "change": Shown(f"change vs {BASELINE_PLAN} ({money.name})", to_money, "{:+.4f}"),
        "change_pct": Shown(f"change vs {BASELINE_PLAN} (%)", lambda v: v, "{:+.2f}"),
    }
    return _with_intervals(table, summary, shown)


def increments_table(increments: dict[str, dict[str, Figure]], money: MoneyUnit, baseline: str) -> pd.DataFrame:
    """What each plan adds over `baseline` (`profit.plan_increment` per plan): extra spend, incremental GMV,
    incremental ROAS and, with margins, incremental profit, each figure beside its 80% interval."""

    def shown(label: str, figure: Figure) -> str:
        if pd.isna(figure.value):
            return "same spend" if label == "incremental ROAS" else ""
        fmt = (lambda v: f"{v:.2f}") if label == "incremental ROAS" else money.format
        if pd.isna(figure.lower):
            return fmt(figure.value)
        return f"{fmt(figure.value)} ({fmt(figure.lower)} to {fmt(figure.upper)})"

    rows = [
        {f"plan, over {baseline}": name, **{label: shown(label, f) for label, f in figures.items()}}
        for name, figures in increments.items()
    ]
    return pd.DataFrame(rows)


def split_table(result: BudgetResult, money: MoneyUnit) -> pd.DataFrame:
    """The optimiser's split with plain column names, key columns first (input money unit; change also in %), the
    bounds after them, and a last row 'total'."""
    t = result.table
    historical = t[money.column("historical")]
    table = pd.DataFrame(
        {
            "channel": t["channel"],
            f"historical split ({money.name})": historical.round(4),
            f"recommended ({money.name})": t[money.column("recommended")].round(4),
            f"change ({money.name})": t[money.column("change")].round(4),
            "change (%)": (t[money.column("change")] / historical.where(historical > 0) * 100).round(2),
            f"lowest allowed ({money.name})": t[money.column("min")].round(4),
            f"highest allowed ({money.name})": t[money.column("max")].round(4),
        }
    )
    exact = [t[money.column(c)].sum() for c in ("historical", "recommended", "change")]
    total = {c: round(float(v), 4) for c, v in zip(table.columns[1:4], exact)}  # the plan's own total, not rounded parts
    whole = float(historical.sum())
    total["change (%)"] = round(float(t[money.column("change")].sum()) / whole * 100, 2) if whole > 0 else float("nan")
    return pd.concat([table, pd.DataFrame([{"channel": TOTAL_ROW, **total}])], ignore_index=True)


TOTAL_ROW = "total"  # the name of a table's total row


def experiments_table(proposals: pd.DataFrame, money: MoneyUnit) -> pd.DataFrame:
    """Proposed lift tests (`analysis.experiments`) with plain column names: when, how long, the spend change and
    cost (input money unit), the expected precision and value (formatted money)."""
    start, end = pd.to_datetime(proposals["start"]), pd.to_datetime(proposals["end"])
    return pd.DataFrame(
        {
            "channel": proposals["channel"],
            "from": proposals["start"],
            "to": proposals["end"],
            "weeks": ((end - start).dt.days + 1) // DAYS_PER_WEEK,
            f"spend change ({money.name})": proposals["delta_spend"].round(4),
            f"cost ({money.name})": proposals["cost"].round(4),
            "expected precision (±)": [money.format(v) for v in proposals["expected_sigma"]],
            "expected value": [money.format(v) for v in proposals["expected_value"]],
        }
    )


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


METRIC_LABELS = {"wape": "WAPE %", "mape": "MAPE %", "r2": "R²", "coverage": "weeks in the 80% interval %"}
FORECASTER_NAMES = {
    "model": "the model (its media part answers the channel questions)",
    "forest": "Random Forest on the same features",
    "seasonal": "exponential smoothing of GMV alone",
    "blend": "the blend used for forecasts",
}


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
    rows = rows.assign(**{c: rows[c] * 100 for c in ("wape", "mape", "coverage") if c in rows})
    names = {
        "last_week": "naive: repeat the last training week",
        f"mean_{RECENT_WEEKS}_weeks": f"naive: mean of the last {RECENT_WEEKS} weeks",
    }
    rows["predictor"] = rows["predictor"].replace(names)
    return rows.rename(columns=METRIC_LABELS)


def forecaster_table(artifacts: Artifacts) -> pd.DataFrame | None:
    """Each forecaster's time-ordered CV WAPE (%) on the training weeks and its weight in the forecasts, as shown
    (None for artifacts trained before the choice existed)."""
    if not (artifacts.path / "forecast_choice.csv").exists():
        return None
    table = artifacts.table("forecast_choice")
    return pd.DataFrame(
        {
            "forecaster": table["candidate"].map(FORECASTER_NAMES).fillna(table["candidate"]),
            "CV WAPE %": table["cv_wape"] * 100,
            "weight": table["weight"],
        }
    )


def event_weeks(artifacts: Artifacts, subcategory: str) -> pd.DataFrame:
    """week_start, kind ("sale" or "holiday"): the history weeks with special-sale days or public holidays, to
    mark on charts (none for a weekly table, which brings no calendar)."""
    history = artifacts.table("history")
    rows = history.loc[history["subcategory"] == subcategory]
    marks = [
        pd.DataFrame({"week_start": rows.loc[rows[col] > 0, "week_start"], "kind": kind})
        for col, kind in (("sale_days", "sale"), ("holidays", "holiday"))
        if col in rows
    ]
    return pd.concat(marks, ignore_index=True) if marks else pd.DataFrame({"week_start": [], "kind": []})


CUSTOMER_TABLES = ("customer_segments", "customers_weekly", "customer_cohorts")


def customer_tables_of(artifacts: Artifacts) -> dict[str, pd.DataFrame] | None:
    """The customer tables training wrote (None for artifacts without them: a weekly table, orders without cust_id,
    or artifacts from before customers were added)."""
    files = set(artifacts.manifest.files)
    if not all(f"{name}.csv" in files for name in CUSTOMER_TABLES):
        return None
    tables = {name: artifacts.table(name) for name in CUSTOMER_TABLES}
    if "new_customer_effects.csv" in files:
        tables["new_customer_effects"] = artifacts.table("new_customer_effects")
    tables["customers_weekly"]["week_start"] = pd.to_datetime(tables["customers_weekly"]["week_start"])
    for column in ("cohort", "month"):
        tables["customer_cohorts"][column] = pd.to_datetime(tables["customer_cohorts"][column])
    return tables


def counts_orders(segments: pd.DataFrame) -> bool:
    """Whether the segments' orders are distinct order ids (False: order lines, from a file without an order id or
    artifacts trained before orders were counted by id)."""
    return "order_ids" in segments and bool(segments["order_ids"].all())


def orders_note(segments: pd.DataFrame) -> str | None:
    """What the Customers page says when its orders are lines, not orders; None when they are orders."""
    if counts_orders(segments):
        return None
    return (
        "This model's orders file has no order id column (or the model was trained before orders were counted by "
        "id), so each order line counts as an order here: repeat buying, orders per customer, the mean order value "
        "and the loyal segment (3+ orders) count lines. Map an order or invoice column (role order_id) and retrain "
        "to count orders."
    )


def segment_table(segments: pd.DataFrame, money: MoneyUnit) -> pd.DataFrame:
    """The segments with plain column names, money in the artifacts' unit; orders and lines apart when orders are
    order ids, else the lines under their own name (`counts_orders`)."""
    orders = counts_orders(segments)
    counts = {"orders": segments["orders"], "order lines": segments["lines"]} if orders else {"order lines": segments["orders"]}
    per = "mean order value" if orders else "mean line value"
    return pd.DataFrame(
        {
            "segment": segments["segment"],
            "customers": segments["customers"],
            **counts,
            f"GMV ({money.name})": money.from_base(segments["gmv"]).round(4),
            money.amount_label(per): segments["mean_order_value"].round(0),
            "repeat rate (%)": (100 * segments["repeat_rate"]).round(1),
        }
    )


def new_customer_table(effects: pd.DataFrame, money: MoneyUnit) -> pd.DataFrame:
    """Which channels bring new customers (`analysis.new_customers`), plain names, each figure beside its 80%
    interval; cost per new customer in the currency (or the table's unit)."""
    unit = money.symbol if money.is_currency else "units"
    table = pd.DataFrame({"channel": effects["channel"], f"spend ({money.name})": money.from_base(effects["spend"]).round(4)})
    shown = {
        "share": Shown("share of its GMV from first orders (%)", lambda v: 100 * v, "{:.0f}"),
        "incremental_gmv": Shown(f"new-customer GMV it brought ({money.name})", lambda v: money.from_base(v), "{:.4f}"),
        "new_customers": Shown("new customers it brought", lambda v: v, "{:,.0f}"),
        "cost_per_new_customer": Shown(f"cost per new customer ({unit})", lambda v: v, "{:,.0f}"),
    }
    table = _with_intervals(table, effects, shown)
    table["flag"] = effects["flag"].astype("string").fillna("")
    return table


def forecast_table(predictions: pd.DataFrame, money: MoneyUnit) -> pd.DataFrame:
    """One subcategory's weekly forecast (`predict_scenario` rows) as Predict shows it: each week as a date (no
    time), GMV and its interval in the unit its headline uses (lakh or crore ₹, thousand or million of another
    currency; `MoneyUnit.axis` of the predicted GMV), unrounded (the page shows 2 decimals, as the headline)."""
    axis = money.axis(predictions["predicted_gmv"])
    unit = f" ({axis.label})" if axis.label else ""
    return pd.DataFrame(
        {
            "week": pd.to_datetime(predictions["week_start"]).dt.date.to_numpy(),
            f"predicted GMV{unit}": (predictions["predicted_gmv"] / axis.divisor).to_numpy(),
            f"{INTERVAL_LABEL}, low{unit}": (predictions["lower"] / axis.divisor).to_numpy(),
            f"{INTERVAL_LABEL}, high{unit}": (predictions["upper"] / axis.divisor).to_numpy(),
        }
    )
