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
from .effects import channel_contributions, response_curves
from .errors import InputError
from .features import LEVERS, FeatureSpec, daily_calendar, fit_encoders, spend_column, weekly_table
from .load import FixedTransforms, load_holidays, load_media, load_nps, load_orders, load_sale_calendar
from .model import (
    ModelKind,
    TrainConfig,
    TrainedSubcategory,
    feature_importances,
    fit_media_mix,
    shared_media_params,
    train_subcategory,
)
from .weekly import load_weekly_table

__all__ = ["TrainingInputs", "TrainingResult", "train", "train_weekly", "Progress"]

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

    @classmethod
    def from_dataset(
        cls, paths: dict[str, Path], start: str | None = None, end: str | None = None, weekly_media: bool = False
    ) -> TrainingInputs:
        """The files of a data set written by `synth.write_dataset` (the embedded default or a benchmark seed);
        `weekly_media` picks its dated weekly spend file instead of the monthly one."""
        return cls(
            orders=paths["orders"],
            media=paths["media_weekly" if weekly_media else "media"],
            sale_calendar=paths["sales"],
            nps=paths["nps"],
            holidays=paths["holidays"],
            start=start,
            end=end,
        )


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
    try:
        start = pd.Timestamp(inputs.start) if inputs.start else media_start
        end = pd.Timestamp(inputs.end) if inputs.end else media_end
    except ValueError:
        raise InputError("--start/--end", f"cannot read dates {inputs.start!r} / {inputs.end!r}; use YYYY-MM-DD") from None
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
    templates = {
        sub: FeatureSpec(channels=channels, decay={}, controls=list(LEVERS) + encoders[sub].mix_columns())
        for sub in subcategories
    }
    groups = {sub: weekly.loc[weekly["subcategory"] == sub] for sub in subcategories}
    trained = _train_groups(groups, templates, config, {s: float(recent_share.get(s, 0.0)) for s in subcategories}, report)
    stage("train", 0.95)

    manifest, tables = _outputs(trained, config, {sub: weekly.loc[weekly["subcategory"] == sub] for sub in trained})
    manifest.update(
        {
            "inputs": {role: {"path": str(p), "sha256": file_sha256(p)} for role, p in inputs.paths().items()},
            "window": {"start": str(start.date()), "end": str(end.date()), "weeks": int(n_weeks), "media_layout": media.layout},
            "kind": "orders",
        }
    )
    tables.update({"cleaning_report": cleaned.report, "history": weekly, "company_spend": company_weekly_crore(daily)})
    models = {sub: t.model for sub, t in trained.items()}
    manifest["spend_unit"] = "rupees (media files are read in crore; 1 crore = 1e7 rupees)"
    manifest["spend_factor"] = CRORE
    written = write_artifacts(Path(artifacts_dir), models, encoders, tables, manifest)
    stage("write", 1.0)
    log.info("artifacts written to %s", written)
    return TrainingResult(artifacts=written, manifest=manifest, metrics=tables["metrics"], seconds=seconds)


def train_weekly(
    path: Path,
    date_col: str,
    target: str,
    channels: list[str],
    controls: list[str],
    group_col: str | None,
    artifacts_dir: Path = ARTIFACTS_DIR,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Train from a weekly table (one model per group, or one named 'all'); same artifacts as from orders.

    Spend columns are in the table's own currency units; seasonality comes from two yearly Fourier pairs
    of the date plus a linear trend, since a weekly table brings no sale or holiday calendar.
    """
    config = config or TrainConfig()
    report = progress or (lambda msg, frac: None)
    started = time.perf_counter()
    report("loading the weekly table", 0.0)
    weekly = load_weekly_table(path, date_col, target, channels, controls, group_col)
    groups = {g: rows.reset_index(drop=True) for g, rows in weekly.groupby("subcategory", sort=False)}
    n_weeks = min(len(rows) for rows in groups.values())
    if n_weeks - config.holdout_weeks < config.min_train_weeks:
        raise InputError(
            path,
            f"a group has {n_weeks} weeks; with {config.holdout_weeks} held out at least "
            f"{config.min_train_weeks} must remain for training",
        )
    templates = {
        g: FeatureSpec(channels=list(channels), decay={}, controls=list(controls), calendar=False, fourier=2, trend=True)
        for g in groups
    }
    spend_cols = [spend_column(c) for c in channels]
    recent = weekly.loc[weekly["week_start"] > weekly["week_start"].max() - pd.Timedelta(weeks=13)]
    by_group = recent.groupby("subcategory")[spend_cols].sum().sum(axis=1)
    shares = (by_group / by_group.sum()).to_dict() if by_group.sum() > 0 else {g: 1 / len(groups) for g in groups}
    trained = _train_groups(groups, templates, config, shares, report)
    manifest, tables = _outputs(trained, config, groups)
    company = weekly.groupby("week_start")[spend_cols].sum()
    company.columns = list(channels)
    company.insert(0, "days", 7)
    manifest.update(
        {
            "inputs": {"weekly": {"path": str(path), "sha256": file_sha256(Path(path))}},
            "window": {
                "start": str(weekly["week_start"].min().date()),
                "end": str((weekly["week_start"].max() + pd.Timedelta(days=6)).date()),
                "weeks": int(weekly["week_start"].nunique()),
                "media_layout": "weekly table",
            },
            "kind": "weekly",
            "weekly_columns": {
                "date": date_col,
                "target": target,
                "channels": list(channels),
                "controls": list(controls),
                "group": group_col,
            },
            "spend_unit": "the weekly table's own units",
            "spend_factor": 1.0,
        }
    )
    tables.update({"history": weekly, "company_spend": company.reset_index()})
    written = write_artifacts(Path(artifacts_dir), {g: t.model for g, t in trained.items()}, {}, tables, manifest)
    report("written", 1.0)
    return TrainingResult(
        artifacts=written,
        manifest=manifest,
        metrics=tables["metrics"],
        seconds={"total": round(time.perf_counter() - started, 3)},
    )


def _train_groups(
    groups: dict[str, pd.DataFrame],
    templates: dict[str, FeatureSpec],
    config: TrainConfig,
    spend_shares: dict[str, float],
    report: Progress,
) -> dict[str, TrainedSubcategory]:
    """Train every group; the media-mix model first chooses carry-over and saturation for all groups,
    then fits them jointly so channel ROI is partially pooled across groups."""
    prefit = {}
    if config.model is ModelKind.MMM:
        report("choosing carry-over and saturation by time-ordered CV", 0.55)
        prefit = fit_media_mix(groups, templates, config, shared_media_params(groups, templates, config))
    trained = {}
    for i, (group, rows) in enumerate(groups.items()):
        report(f"training {group}", 0.6 + 0.35 * i / len(groups))
        trained[group] = train_subcategory(rows, templates[group], config, spend_shares[group], prefit.get(group))
        _log_metrics(group, trained[group])
    return trained


def _log_metrics(group: str, trained: TrainedSubcategory) -> None:
    m = trained.metrics
    log.info(
        "%s: holdout WAPE %.3f (last week %.3f, 13-week mean %.3f)",
        group,
        m["model"]["wape"],
        m["last_week"]["wape"],
        m["mean_13_weeks"]["wape"],
    )


def _json_setting(value):
    """A training setting as it is written to the manifest."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, FixedTransforms):
        return value.to_json()
    return getattr(value, "value", value)


def _outputs(
    trained: dict[str, TrainedSubcategory], config: TrainConfig, weekly: dict[str, pd.DataFrame]
) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The manifest entries and tables every training path writes (orders or weekly table)."""
    models = {g: t.model for g, t in trained.items()}
    contributions = pd.concat([channel_contributions(m, weekly[g]) for g, m in models.items()], ignore_index=True)
    curves = pd.concat([response_curves(m, weekly[g]) for g, m in models.items()], ignore_index=True)
    metric_rows = [
        {"subcategory": g, "predictor": name, **{k: v[k] for k in ("wape", "mape", "r2")}}
        for g, t in trained.items()
        for name, v in t.metrics.items()
    ]
    manifest = {
        "created": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "subcategories": list(trained),
        "channels": next(iter(models.values())).spec.channels,
        "model": config.model.value,
        "feature_names": {g: m.feature_names for g, m in models.items()},
        "media_params": {
            g: {
                "decay": m.spec.decay,
                "half_saturation": m.spec.half_saturation,
                "ridge": getattr(m.estimator, "ridge", None),
                "pooling": {"groups": config.pooling, "channels": config.pooling / 10} if m.kind is ModelKind.MMM else None,
            }
            for g, m in models.items()
        },
        "metrics": {g: t.metrics for g, t in trained.items()},
        "train_config": {k: _json_setting(v) for k, v in config.__dict__.items()},
        "final_fit": "the validated procedure (time-ordered CV tuning, then fit) applied to every week",
    }
    tables = {
        "backtest": pd.concat([t.backtest for t in trained.values()], ignore_index=True),
        "metrics": pd.DataFrame(metric_rows),
        "feature_importances": pd.concat([feature_importances(m) for m in models.values()], ignore_index=True),
        "contributions": contributions,
        "response_curves": curves,
    }
    flagged = contributions.loc[contributions["flag"] != ""]
    for row in flagged.itertuples():
        log.info("%s / %s: %s", row.subcategory, row.channel, row.flag)
    return manifest, tables
