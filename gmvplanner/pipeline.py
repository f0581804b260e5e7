"""The training pipeline, stage by stage: load -> clean -> allocate -> features -> train -> artifacts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .allocate import daily_spend_rupees, monthly_gmv_shares, week_start, weekly_allocated_spend
from .artifacts import file_sha256, write_artifacts
from .clean import clean_orders
from .config import ARTIFACTS_DIR, CRORE, DEFAULT_SUBCATEGORIES
from .errors import InputError
from .features import daily_calendar, fit_encoders, weekly_table
from .load import load_holidays, load_media, load_nps, load_orders, load_sale_calendar
from .model import TrainConfig, train_subcategory

__all__ = ["TrainingInputs", "TrainingResult", "train", "Progress"]

log = logging.getLogger(__name__)
Progress = Callable[[str, float], None]  # (message, fraction done)


@dataclass
class TrainingInputs:
    """The user's files; calendars are optional."""

    orders: Path
    media: Path
    sale_calendar: Path | None = None
    nps: Path | None = None
    holidays: Path | None = None
    start: str | None = None
    end: str | None = None

    def paths(self) -> dict[str, Path]:
        items = {
            "orders": self.orders,
            "media": self.media,
            "sale_calendar": self.sale_calendar,
            "nps": self.nps,
            "holidays": self.holidays,
        }
        return {k: Path(v) for k, v in items.items() if v is not None}


@dataclass
class TrainingResult:
    """Where the artifacts went and the headline numbers."""

    artifacts: Path
    manifest: dict
    metrics: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)


def company_weekly_crore(daily: pd.DataFrame) -> pd.DataFrame:
    """Company spend per ISO week in crore, with the number of the week's days inside the window."""
    weeks = week_start(daily.index)
    out = (daily / CRORE).groupby(weeks).sum()
    out.insert(0, "days", daily.groupby(weeks).size())
    return out.rename_axis("week_start").reset_index()


def _window(inputs: TrainingInputs, media_start: pd.Timestamp, media_end: pd.Timestamp):
    start = pd.Timestamp(inputs.start) if inputs.start else media_start
    end = pd.Timestamp(inputs.end) if inputs.end else media_end
    if end < start:
        raise InputError("--start/--end", f"end {end.date()} is before start {start.date()}")
    return start.normalize(), end.normalize()


def train(
    inputs: TrainingInputs,
    artifacts_dir: Path = ARTIFACTS_DIR,
    subcategories: tuple[str, ...] | list[str] = DEFAULT_SUBCATEGORIES,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Run every stage and write the artifacts; on any error the existing artifacts stay as they were."""
    config = config or TrainConfig()
    report = progress or (lambda msg, frac: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def stage(name: str, frac: float) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now
        log.info("%s done in %.1f s", name, seconds[name])
        report(name, frac)

    report("loading orders", 0.0)
    orders_raw = load_orders(inputs.orders)
    log.info("read %d order rows from %s", len(orders_raw), inputs.orders)
    media = load_media(inputs.media)
    sales = load_sale_calendar(inputs.sale_calendar) if inputs.sale_calendar else None
    nps = load_nps(inputs.nps) if inputs.nps else None
    holidays = load_holidays(inputs.holidays) if inputs.holidays else None
    stage("load", 0.25)

    start, end = _window(inputs, media.start, media.end)
    cleaned = clean_orders(orders_raw, start, end)
    orders = cleaned.orders
    if orders.empty:
        raise InputError(
            inputs.orders, f"no valid orders between {start.date()} and {end.date()} (the media file's window); check the dates"
        )
    found = sorted(orders["subcategory"].dropna().unique().astype(str))
    for sub in subcategories:
        if sub not in found:
            raise InputError(
                inputs.orders,
                f"subcategory '{sub}' has no valid orders in the window; found {found}",
                column="product_analytic_sub_category",
            )
    stage("clean", 0.35)

    daily = daily_spend_rupees(media, start, end)
    shares = monthly_gmv_shares(orders, start, end)
    spend = weekly_allocated_spend(daily, shares)
    stage("allocate", 0.45)

    calendar = daily_calendar(start, end, sales, holidays, nps)
    encoders = {sub: fit_encoders(orders, sub) for sub in subcategories}
    weekly = weekly_table(orders, calendar, spend, encoders, list(subcategories))
    n_weeks = weekly["week_start"].nunique()
    if n_weeks - config.holdout_weeks < config.min_train_weeks:
        raise InputError(
            inputs.media,
            f"the window has {n_weeks} weeks; with {config.holdout_weeks} held out "
            f"at least {config.min_train_weeks} must remain for training",
        )
    stage("features", 0.55)

    recent = orders.loc[orders["order_date"] > end - pd.Timedelta(weeks=13)]
    recent_share = recent.groupby("subcategory", observed=True)["gmv"].sum() / recent["gmv"].sum()
    channels = media.channels
    models, backtests, metric_rows, manifest_metrics, importances = {}, [], [], {}, []
    for i, sub in enumerate(subcategories):
        report(f"training {sub}", 0.55 + 0.4 * i / len(subcategories))
        rows = weekly.loc[weekly["subcategory"] == sub]
        trained = train_subcategory(rows, channels, encoders[sub].mix_columns(), config, float(recent_share.get(sub, 0.0)))
        models[sub] = trained.model
        backtests.append(trained.backtest)
        manifest_metrics[sub] = trained.metrics
        for name, values in trained.metrics.items():
            metric_rows.append({"subcategory": sub, "predictor": name, **{k: values[k] for k in ("wape", "mape", "r2")}})
        forest = trained.model.forest
        importances.append(
            pd.DataFrame({"subcategory": sub, "feature": forest.feature_names_in_, "importance": forest.feature_importances_})
        )
        log.info(
            "%s: holdout WAPE %.3f (last week %.3f, 13-week mean %.3f), decay %.1f",
            sub,
            trained.metrics["model"]["wape"],
            trained.metrics["last_week"]["wape"],
            trained.metrics["mean_13_weeks"]["wape"],
            trained.metrics["model"]["decay"],
        )
    stage("train", 0.95)

    metrics_frame = pd.DataFrame(metric_rows)
    manifest = {
        "created": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "inputs": {role: {"path": str(p), "sha256": file_sha256(p)} for role, p in inputs.paths().items()},
        "window": {"start": str(start.date()), "end": str(end.date()), "weeks": int(n_weeks), "media_layout": media.layout},
        "subcategories": list(subcategories),
        "channels": channels,
        "feature_names": {sub: m.feature_names for sub, m in models.items()},
        "metrics": manifest_metrics,
        "train_config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.__dict__.items()},
        "final_fit": "every week, holdout included, after validation",
        "spend_unit": "rupees (media files are read in crore; 1 crore = 1e7 rupees)",
    }
    tables = {
        "backtest": pd.concat(backtests, ignore_index=True),
        "cleaning_report": cleaned.report,
        "history": weekly,
        "metrics": metrics_frame,
        "feature_importances": pd.concat(importances, ignore_index=True).sort_values(
            ["subcategory", "importance"], ascending=[True, False]
        ),
        "company_spend": company_weekly_crore(daily),
    }
    written = write_artifacts(Path(artifacts_dir), models, encoders, tables, manifest)
    stage("write", 1.0)
    log.info("artifacts written to %s", written)
    return TrainingResult(artifacts=written, manifest=manifest, metrics=metrics_frame, seconds=seconds)
