"""The training pipeline, stage by stage: load -> clean -> allocate -> features -> train -> artifacts."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .analysis.adequacy import ADEQUACY_COLUMNS, data_adequacy
from .analysis.effects import channel_contributions, response_curves
from .analysis.new_customers import new_customer_effects
from .config import ARTIFACTS_DIR, DEFAULT_SUBCATEGORIES, RECENT_WEEKS, spend_column
from .data.allocate import daily_spend_rupees, monthly_gmv_shares, weekly_allocated_spend
from .data.calendars import load_holidays, load_nps, load_sale_calendar
from .data.ingest import OrderAggregate, aggregate_orders, order_sources
from .data.media import load_media
from .data.weekly_input import load_weekly_table, missing_weeks
from .dates import week_start
from .errors import InputError
from .features.design import LEVERS, FeatureSpec
from .features.encoders import fit_encoders
from .features.table import daily_calendar, weekly_table
from .manifest import Manifest, Window
from .model.artifacts import check_destination, file_sha256, write_artifacts
from .model.metrics import feature_importances
from .model.training import Progress, TrainConfig, TrainedSubcategory, train_groups
from .units import OWN_UNITS, RUPEES_IN_CRORE, MoneyUnit

__all__ = ["TrainingInputs", "TrainingResult", "train", "train_weekly", "Progress"]

log = logging.getLogger(__name__)


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
    engine: str = "duckdb"  # what reads the orders: "duckdb" (one machine) or "spark" (a cluster, or local[*])
    spark_master: str | None = None

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
    manifest: Manifest
    metrics: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)


def company_weekly_crore(daily: pd.DataFrame) -> pd.DataFrame:
    """Company spend per ISO week in crore, with the number of the week's days inside the window."""
    weeks = week_start(daily.index)
    out = RUPEES_IN_CRORE.from_base(daily).groupby(weeks).sum()
    out.insert(0, "days", daily.groupby(weeks).size())
    return out.rename_axis("week_start").reset_index()


def _window(inputs: TrainingInputs, covered_start: pd.Timestamp, covered_end: pd.Timestamp):
    """The modelling window: the days both media and orders cover, narrowed by --start/--end."""
    try:
        start = pd.Timestamp(inputs.start) if inputs.start else covered_start
        end = pd.Timestamp(inputs.end) if inputs.end else covered_end
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
    check_destination(artifacts_dir)  # before any work, not after a whole training
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

    report(f"reading and cleaning orders ({'Spark' if inputs.engine == 'spark' else 'DuckDB'})", 0.0)
    media = load_media(inputs.media)  # small inputs first: their errors come before the long read

    def window(aggregate: OrderAggregate) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The days both the media and the orders cover, narrowed by --start/--end: a week with a full week of
        spend but only some days of orders would look like a collapse in GMV (or, predicted, a jump)."""
        first_day, last_day = aggregate.span
        if last_day < media.start or first_day > media.end:
            raise InputError(
                inputs.orders,
                f"the orders ({first_day.date()} to {last_day.date()}) and the media file ({media.start.date()} to "
                f"{media.end.date()}) cover no days in common; check the dates",
                column="order_date",
            )
        return _window(inputs, max(media.start, first_day), min(media.end, last_day))

    # the window is known inside the pass over the orders, so the customer tables of that window come with it
    if inputs.engine == "spark":
        from .data.spark_ingest import aggregate_orders_spark

        aggregate = aggregate_orders_spark(inputs.orders, inputs.spark_master, window)
    else:
        aggregate = aggregate_orders(inputs.orders, window)
    log.info("read %d order rows from %s", aggregate.rows_read[0], inputs.orders)
    sales = load_sale_calendar(inputs.sale_calendar) if inputs.sale_calendar else None
    nps = load_nps(inputs.nps) if inputs.nps else None
    holidays = load_holidays(inputs.holidays) if inputs.holidays else None
    stage("load", 0.25)
    start, end = window(aggregate)
    first_day, last_day = aggregate.span
    orders = aggregate.valid_daily(start, end)  # valid orders per day and subcategory
    mix = aggregate.valid_mix(start, end)
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
    if config.lift_tests is not None:
        config.lift_tests.check_names(media.channels, list(subcategories))
        config = replace(config, lift_tests=config.lift_tests.spread_for(shares, RUPEES_IN_CRORE))
    spend = weekly_allocated_spend(daily, shares)
    stage("allocate", 0.45)

    calendar = daily_calendar(start, end, sales, holidays, nps)
    encoders = {sub: fit_encoders(mix, sub) for sub in subcategories}
    weekly = weekly_table(orders, mix, calendar, spend, encoders, list(subcategories))
    n_weeks = weekly["week_start"].nunique()
    if n_weeks - config.holdout_weeks < config.min_train_weeks:
        short = inputs.orders if (first_day > media.start or last_day < media.end) else inputs.media
        raise InputError(
            short,
            f"the orders and media together cover {start.date()} to {end.date()}, {n_weeks} week(s); with "
            f"{config.holdout_weeks} held out at least {config.min_train_weeks} must remain for training",
        )
    needed = config.holdout_weeks + config.min_train_weeks
    for sub in subcategories:
        active = int((weekly.loc[weekly["subcategory"] == sub, "gmv"] > 0).sum())
        if active < needed:
            raise InputError(
                inputs.orders,
                f"subcategory '{sub}' has orders in only {active} week(s) of the window {start.date()} to {end.date()}; "
                f"at least {needed} are needed ({config.min_train_weeks} to train, {config.holdout_weeks} held out)",
                column="order_date",
            )
    stage("features", 0.55)

    recent = orders.loc[orders["day"] > end - pd.Timedelta(weeks=RECENT_WEEKS)]
    recent_share = recent.groupby("subcategory", observed=True)["gmv"].sum() / recent["gmv"].sum()
    channels = media.channels
    templates = {
        sub: FeatureSpec(channels=channels, decay={}, controls=list(LEVERS) + encoders[sub].mix_columns())
        for sub in subcategories
    }
    groups = {sub: weekly.loc[weekly["subcategory"] == sub] for sub in subcategories}
    trained = _train_groups(groups, templates, config, {s: float(recent_share.get(s, 0.0)) for s in subcategories}, report)
    stage("train", 0.95)

    groups = {sub: weekly.loc[weekly["subcategory"] == sub] for sub in trained}
    tables = _tables(trained, groups)
    if aggregate.customers is not None:  # aggregates only: no customer id or pincode is ever written
        c = aggregate.customers
        tables.update(
            {
                "customer_segments": c.segments,
                "customers_weekly": c.weekly,
                "customers_by_subcategory": c.by_subcategory,
                "customer_cohorts": c.cohorts,
            }
        )
        if c.weekly["new_gmv"].sum() > 0:
            report("which channels bring new customers", 0.95)
            effects = new_customer_effects(
                {s: t.model for s, t in trained.items()}, groups, c.by_subcategory, tables["contributions"], config
            )
            log.info(
                "new customers: %.0f%% of the GMV without media is first orders; channel shares shrunk with penalty %g",
                100 * effects.attrs["baseline_share"],
                effects.attrs["penalty"],
            )
            tables["new_customer_effects"] = effects
    tables.update(
        {"cleaning_report": aggregate.report(start, end), "history": weekly, "company_spend": company_weekly_crore(daily)}
    )
    manifest = _manifest(
        trained,
        config,
        kind="orders",
        money=RUPEES_IN_CRORE,
        window=Window(str(start.date()), str(end.date()), int(n_weeks), media.layout),
        inputs=inputs.paths(),
    )
    models = {sub: t.model for sub, t in trained.items()}
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
    days_col: str | None = None,
) -> TrainingResult:
    """Train from a weekly table (one model per group, or one named 'all'); same artifacts as from orders.

    Spend columns are in the table's own currency units; seasonality comes from two yearly Fourier pairs
    of the date plus a linear trend, since a weekly table brings no sale or holiday calendar. Weeks may start
    on any weekday, the first and last may be partial and weeks may be missing (see `data.weekly_input`):
    missing weeks are predicted, reported in the manifest's window and the log, and not fitted.
    """
    check_destination(artifacts_dir)
    config = config or TrainConfig()
    if config.lift_tests is not None:
        raise InputError("--lift-tests", "calibrates training from orders and media; a weekly table cannot use it yet")
    report = progress or (lambda msg, frac: None)
    started = time.perf_counter()
    report("loading the weekly table", 0.0)
    weekly = load_weekly_table(path, date_col, target, channels, controls, group_col, days_col)
    groups = {g: rows.reset_index(drop=True) for g, rows in weekly.groupby("subcategory", sort=False)}
    _check_weeks_with_gmv(path, groups, config)
    gaps = missing_weeks(weekly)
    for group, weeks in gaps.items():
        log.warning(
            "%s: %d week(s) without GMV (%s) are predicted but not fitted; carry-over runs on through them",
            group,
            len(weeks),
            ", ".join(weeks),
        )
    templates = {
        g: FeatureSpec(channels=list(channels), decay={}, controls=list(controls), calendar=False, fourier=2, trend=True)
        for g in groups
    }
    spend_cols = [spend_column(c) for c in channels]
    recent = weekly.loc[weekly["week_start"] > weekly["week_start"].max() - pd.Timedelta(weeks=RECENT_WEEKS)]
    by_group = recent.groupby("subcategory")[spend_cols].sum().sum(axis=1)
    shares = (by_group / by_group.sum()).to_dict() if by_group.sum() > 0 else {g: 1 / len(groups) for g in groups}
    trained = _train_groups(groups, templates, config, shares, report)
    tables = _tables(trained, groups)
    company = weekly.groupby("week_start")[spend_cols].sum()
    company.columns = list(channels)
    company.insert(0, "days", weekly.groupby("week_start")["days"].max())
    tables.update({"history": weekly, "company_spend": company.reset_index()})
    manifest = _manifest(
        trained,
        config,
        kind="weekly",
        money=OWN_UNITS,
        window=Window(
            str(weekly["week_start"].min().date()),
            str((weekly["week_start"] + pd.to_timedelta(weekly["days"] - 1, unit="D")).max().date()),
            int(weekly["week_start"].nunique()),
            "weekly table",
            missing_weeks=gaps,
        ),
        inputs={"weekly": Path(path)},
        weekly_columns={
            "date": date_col,
            "target": target,
            "channels": list(channels),
            "controls": list(controls),
            "group": group_col,
            "days": days_col,
        },
    )
    written = write_artifacts(Path(artifacts_dir), {g: t.model for g, t in trained.items()}, {}, tables, manifest)
    report("written", 1.0)
    return TrainingResult(
        artifacts=written,
        manifest=manifest,
        metrics=tables["metrics"],
        seconds={"total": round(time.perf_counter() - started, 3)},
    )


def _check_weeks_with_gmv(path: Path, groups: dict[str, pd.DataFrame], config: TrainConfig) -> None:
    """Every group needs `min_train_weeks` weeks with GMV before the holdout and at least one inside it."""
    for group, rows in groups.items():
        has_gmv = rows["gmv"].notna().to_numpy()
        n_train = int(has_gmv[: len(rows) - config.holdout_weeks].sum())
        if n_train < config.min_train_weeks:
            raise InputError(
                path,
                f"'{group}' has {n_train} weeks with GMV before its last {config.holdout_weeks} (held out); "
                f"at least {config.min_train_weeks} are needed for training",
            )
        if not has_gmv[len(rows) - config.holdout_weeks :].any():
            raise InputError(
                path, f"'{group}' has no GMV in its last {config.holdout_weeks} weeks, which are held out to score the model"
            )


def _train_groups(
    groups: dict[str, pd.DataFrame],
    templates: dict[str, FeatureSpec],
    config: TrainConfig,
    spend_shares: dict[str, float],
    report: Progress,
) -> dict[str, TrainedSubcategory]:
    """Train every group with the configured model kind and log each group's holdout figures."""
    trained = train_groups(groups, templates, config, spend_shares, report)
    for group, result in trained.items():
        _log_metrics(group, result)
    return trained


def _log_metrics(group: str, trained: TrainedSubcategory) -> None:
    m = trained.metrics
    log.info(
        "%s: holdout WAPE %.3f (last week %.3f, %d-week mean %.3f)",
        group,
        m["model"]["wape"],
        m["last_week"]["wape"],
        RECENT_WEEKS,
        m[f"mean_{RECENT_WEEKS}_weeks"]["wape"],
    )


def _json_setting(value):
    """A training setting as it is written to the manifest."""
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "to_json"):  # FixedTransforms, LiftTests
        return value.to_json()
    return value


def input_sha256(path: Path | str) -> str:
    """SHA-256 of an input: of the file, or for a folder or glob of Parquet files, of their names and checksums."""
    if Path(path).is_file():
        return file_sha256(Path(path))
    _kind, files = order_sources(path)
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{Path(file).name}:{file_sha256(Path(file))}\n".encode())
    return digest.hexdigest()


def _manifest(
    trained: dict[str, TrainedSubcategory],
    config: TrainConfig,
    *,
    kind: str,
    money: MoneyUnit,
    window: Window,
    inputs: dict[str, Path],
    weekly_columns: dict | None = None,
) -> Manifest:
    """The one place a manifest is built (the writer only stamps checksums and versions on it)."""
    models = {g: t.model for g, t in trained.items()}
    return Manifest(
        kind=kind,
        model=config.model,
        subcategories=list(trained),
        channels=list(next(iter(models.values())).spec.channels),
        money=money,
        window=window,
        inputs={role: {"path": str(p), "sha256": input_sha256(p)} for role, p in inputs.items()},
        feature_names={g: m.feature_names for g, m in models.items()},
        media_params={
            g: {
                "decay": m.spec.decay,
                "half_saturation": m.spec.half_saturation,
                "ridge": None,
                "pooling": None,
                **m.estimator.settings(),
            }
            for g, m in models.items()
        },
        metrics={g: t.metrics for g, t in trained.items()},
        train_config={k: _json_setting(v) for k, v in config.__dict__.items()},
        created=pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        weekly_columns=weekly_columns,
    )


def _tables(trained: dict[str, TrainedSubcategory], weekly: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables every training path writes (orders or weekly table)."""
    models = {g: t.model for g, t in trained.items()}
    contributions = pd.concat([channel_contributions(m, weekly[g]) for g, m in models.items()], ignore_index=True)
    curves = pd.concat([response_curves(m, weekly[g]) for g, m in models.items()], ignore_index=True)
    metric_rows = [
        {"subcategory": g, "predictor": name, **{k: v[k] for k in ("wape", "mape", "r2")}}
        for g, t in trained.items()
        for name, v in t.metrics.items()
    ]
    tables = {
        "backtest": pd.concat([t.backtest for t in trained.values()], ignore_index=True),
        "metrics": pd.DataFrame(metric_rows),
        "feature_importances": pd.concat([feature_importances(m) for m in models.values()], ignore_index=True),
        "contributions": contributions,
        "response_curves": curves,
    }
    tables["adequacy"] = pd.concat(
        [data_adequacy(weekly[g], m.spec.channels, 1 + len(m.feature_names)).assign(subcategory=g) for g, m in models.items()],
        ignore_index=True,
    )[["subcategory", *ADEQUACY_COLUMNS]]
    for g, rows in tables["adequacy"].groupby("subcategory", sort=False):
        if rows["data_warning"].iloc[0]:
            log.warning("%s: data adequacy: %s", g, rows["data_warning"].iloc[0])
    flagged = contributions.loc[contributions["flag"] != ""]
    for row in flagged.itertuples():
        log.info("%s / %s: %s", row.subcategory, row.channel, row.flag)
    return tables
