"""Training from order-level sales: load -> clean -> allocate -> features -> train -> artifacts, one step each."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..analysis.new_customers import new_customer_effects
from ..config import ARTIFACTS_DIR, DEFAULT_SUBCATEGORIES, RECENT_WEEKS, TOP_SUBCATEGORIES
from ..data import date_cells
from ..data.allocate import daily_spend_rupees, monthly_gmv_shares, weekly_allocated_spend
from ..data.calendars import load_holidays, load_nps, load_sale_calendar
from ..data.columns import ColumnMapping
from ..data.customers import CustomerTables
from ..data.ingest import OrderAggregate, aggregate_orders
from ..data.media import MediaSpend, load_media
from ..data.order_sql import DropReason
from ..errors import InputError
from ..features.design import LEVERS, FeatureSpec
from ..features.encoders import fit_encoders
from ..features.table import daily_calendar, weekly_table
from ..manifest import TrainingWindow
from ..model.artifacts import check_destination, write_artifacts
from ..model.train_config import TrainConfig
from ..model.training import Progress, TrainedSubcategory
from ..units import RUPEES_IN_CRORE, MoneyUnit
from .outputs import TrainingResult, build_manifest, company_weekly_crore, output_tables, train_and_log

__all__ = ["TrainingInputs", "NO_SPEND", "train", "top_subcategories"]

log = logging.getLogger("gmvplanner.pipeline")

NO_SPEND = "no spend data"  # the media layout of a training from orders alone


@dataclass
class TrainingInputs:
    """The user's files and how to read them; media spend and calendars are optional.

    Attributes (beyond the files and the window):
        mapping: the orders' column mapping (None: the ElecKart layout);
        net_of_returns: GMV net of returns (negative lines subtract) instead of gross (they are dropped);
        money: the currency of the orders and the unit of the media file;
        top_subcategories: without named subcategories, train this many of the largest by GMV.
    """

    orders: Path
    media: Path | None
    sale_calendar: Path | None = None
    nps: Path | None = None
    holidays: Path | None = None
    start: str | None = None
    end: str | None = None
    engine: str = "duckdb"  # what reads the orders: "duckdb" (one machine) or "spark" (a cluster, or local[*])
    spark_master: str | None = None
    mapping: ColumnMapping | None = None
    net_of_returns: bool = False
    money: MoneyUnit = RUPEES_IN_CRORE
    top_subcategories: int = TOP_SUBCATEGORIES

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


class _Stopwatch:
    """Seconds per pipeline stage, logged and reported as each ends."""

    def __init__(self, report: Progress):
        self.report = report
        self.seconds: dict[str, float] = {}
        self._clock = time.perf_counter()

    def done(self, name: str, fraction: float) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._clock, 3)
        self._clock = now
        log.info("%s done in %.1f s", name, self.seconds[name])
        self.report(name, fraction)


def _window(inputs: TrainingInputs, covered_start: pd.Timestamp, covered_end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The modelling window: the days both media and orders cover, narrowed by --start/--end."""
    start = date_cells.option_date("--start", inputs.start) if inputs.start else covered_start
    end = date_cells.option_date("--end", inputs.end) if inputs.end else covered_end
    if end < start:
        raise InputError("--start/--end", f"end {end.date()} is before start {start.date()}")
    return start.normalize(), end.normalize()


def _covered_window(
    inputs: TrainingInputs, media: MediaSpend | None, aggregate: OrderAggregate
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days both the media and the orders cover (the orders' alone without media), narrowed by --start/--end:
    a week with a full week of spend but only some days of orders would look like a collapse in GMV (or, predicted,
    a jump)."""
    first_day, last_day = aggregate.span
    if media is None:
        return _window(inputs, first_day, last_day)
    if last_day < media.start or first_day > media.end:
        raise InputError(
            inputs.orders,
            f"the orders ({first_day.date()} to {last_day.date()}) and the media file ({media.start.date()} to "
            f"{media.end.date()}) cover no days in common; check the dates",
            column="order_date",
        )
    return _window(inputs, max(media.start, first_day), min(media.end, last_day))


@dataclass
class _Loaded:
    """The inputs as read: media spend, the orders' aggregate (cleaned in the same pass) and the calendars."""

    media: MediaSpend | None
    aggregate: OrderAggregate
    sales: pd.DataFrame | None
    nps: pd.DataFrame | None
    holidays: pd.DataFrame | None


def _load(inputs: TrainingInputs) -> _Loaded:
    """Small inputs first (their errors come before the long read), then one pass over the orders; the window is
    known inside that pass, so the customer tables of that window come with it."""
    media = load_media(inputs.media, inputs.money.max_spend) if inputs.media is not None else None
    choose_window = partial(_covered_window, inputs, media)
    if inputs.engine == "spark":
        from ..data.spark_ingest import aggregate_orders_spark

        aggregate = aggregate_orders_spark(inputs.orders, inputs.spark_master, choose_window)
    else:
        aggregate = aggregate_orders(inputs.orders, choose_window, inputs.mapping, inputs.net_of_returns)
    log.info("read %d order rows from %s", aggregate.rows_read[0], inputs.orders)
    return _Loaded(
        media=media,
        aggregate=aggregate,
        sales=load_sale_calendar(inputs.sale_calendar) if inputs.sale_calendar else None,
        nps=load_nps(inputs.nps) if inputs.nps else None,
        holidays=load_holidays(inputs.holidays) if inputs.holidays else None,
    )


def _check_subcategories_found(
    orders_path: Path, orders: pd.DataFrame, start, end, subcategories, cleaning: pd.DataFrame
) -> None:
    """Every asked subcategory has valid orders in the window; with none at all, the `cleaning` report's counts
    say why."""
    if orders.empty:
        raise InputError(orders_path, _no_valid_orders(cleaning, start, end))
    found = sorted(orders["subcategory"].dropna().unique().astype(str))
    for sub in subcategories:
        if sub not in found:
            raise InputError(
                orders_path,
                f"subcategory '{sub}' has no valid orders in the window; found {found}",
                column="product_analytic_sub_category",
            )


def _no_valid_orders(cleaning: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """Why no order is left, from the cleaning report (reason, action, rows, gmv): every row dropped for one reason
    is named as such; otherwise the reasons that dropped rows, with their counts."""
    read = int(cleaning.loc[cleaning["reason"] == "rows read", "rows"].sum())
    dropped = cleaning.loc[(cleaning["action"] == "dropped") & (cleaning["rows"] > 0)].sort_values("rows", ascending=False)
    window = f"{start.date()} to {end.date()}"
    if dropped.empty:
        return f"no valid orders in the window {window} (the media file's window); check the dates"
    counts = "; ".join(f"{r.reason}: {r.rows:,}" for r in dropped.itertuples())
    if len(dropped) == 1 and int(dropped["rows"].iloc[0]) == read:
        reason = dropped["reason"].iloc[0]
        hint = " (the media file's window); check the dates" if reason == DropReason.OUTSIDE_WINDOW.label else ""
        return f"every one of the {read:,} order rows was dropped for {reason}{hint}; window {window}"
    return f"no valid orders in the window {window}: of {read:,} order rows read, dropped {counts}"


def _check_enough_weeks(
    inputs: TrainingInputs, loaded: _Loaded, weekly: pd.DataFrame, start, end, subcategories, config: TrainConfig
) -> int:
    """The window's weeks, refused when too few remain for training after the holdout (naming the file that
    is short), or when a subcategory has orders in too few of them."""
    n_weeks = weekly["week_start"].nunique()
    media = loaded.media
    first_day, last_day = loaded.aggregate.span
    if n_weeks - config.holdout_weeks < config.min_train_weeks:
        short = inputs.orders if (media is None or first_day > media.start or last_day < media.end) else inputs.media
        together = "the orders" if media is None else "the orders and media together"
        raise InputError(
            short or inputs.orders,
            f"{together} cover {start.date()} to {end.date()}, {n_weeks} week(s); with "
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
    return int(n_weeks)


def _recent_gmv_shares(orders: pd.DataFrame, end: pd.Timestamp, subcategories) -> dict[str, float]:
    """Each subcategory's share of the last RECENT_WEEKS' GMV: its share of company spend in scenarios."""
    recent = orders.loc[orders["day"] > end - pd.Timedelta(weeks=RECENT_WEEKS)]
    share = recent.groupby("subcategory", observed=True)["gmv"].sum() / recent["gmv"].sum()
    return {s: float(share.get(s, 0.0)) for s in subcategories}


def _customer_tables(
    customers: CustomerTables, trained: dict[str, TrainedSubcategory], groups, contributions, config, report: Progress
) -> dict[str, pd.DataFrame]:
    """The customer aggregates (never an id or pincode) and, when there are first orders, which channels bring
    new customers."""
    tables = {
        "customer_segments": customers.segments,
        "customers_weekly": customers.weekly,
        "customers_by_subcategory": customers.by_subcategory,
        "customer_cohorts": customers.cohorts,
    }
    if customers.weekly["new_gmv"].sum() > 0 and len(contributions):
        report("which channels bring new customers", 0.95)
        effects = new_customer_effects(
            {s: t.model for s, t in trained.items()}, groups, customers.by_subcategory, contributions, config
        )
        log.info(
            "new customers: %.0f%% of the GMV without media is first orders; channel shares shrunk with penalty %g",
            100 * effects.attrs["baseline_share"],
            effects.attrs["penalty"],
        )
        tables["new_customer_effects"] = effects
    return tables


def top_subcategories(orders: pd.DataFrame, n: int) -> tuple[str, ...]:
    """The `n` subcategories with the most valid GMV in `orders` (per-day aggregates), largest first."""
    gmv = orders.groupby("subcategory", observed=True)["gmv"].sum().sort_values(ascending=False, kind="stable")
    return tuple(str(s) for s in gmv.index[:n])


def _chosen_subcategories(
    inputs: TrainingInputs, orders: pd.DataFrame, subcategories: tuple[str, ...] | list[str] | None
) -> list[str]:
    """The subcategories asked for; none asked: the largest by GMV in the window, logged."""
    if subcategories is not None:
        return list(subcategories)
    chosen = top_subcategories(orders, inputs.top_subcategories) if not orders.empty else ()
    if chosen:
        log.info("training the %d largest subcategories by GMV: %s", len(chosen), ", ".join(chosen))
    return list(chosen)


class _Spend(NamedTuple):
    """Daily company spend (base unit), the allocated weekly spend and the config with the lift tests spread."""

    daily: pd.DataFrame
    weekly: pd.DataFrame
    config: TrainConfig


def _allocate(
    inputs: TrainingInputs, loaded: _Loaded, orders: pd.DataFrame, window: tuple, subcategories: list[str], config: TrainConfig
) -> _Spend:
    """Company spend per day, split over the subcategories by their monthly GMV (no channels without media)."""
    start, end = window
    daily = daily_spend_rupees(loaded.media, start, end, inputs.money)
    shares = monthly_gmv_shares(orders, start, end)
    channels = loaded.media.channels if loaded.media is not None else []
    if config.roi_priors is not None:
        config.roi_priors.check_names(channels, subcategories)
    if config.lift_tests is not None:
        config.lift_tests.check_names(channels, subcategories)
        config.lift_tests.check_window(start, end)
        config = replace(config, lift_tests=config.lift_tests.spread_for(shares, inputs.money))
    return _Spend(daily, weekly_allocated_spend(daily, shares), config)


def _other_tables(
    inputs: TrainingInputs, loaded: _Loaded, window: tuple[pd.Timestamp, pd.Timestamp], weekly: pd.DataFrame, daily: pd.DataFrame
) -> dict:
    """The cleaning report, the weekly history and (with media) company spend per week."""
    start, end = window
    tables = {"cleaning_report": loaded.aggregate.report(start, end, symbol=inputs.money.symbol), "history": weekly}
    if loaded.media is not None:
        tables["company_spend"] = company_weekly_crore(daily, inputs.money)
    return tables


def train(
    inputs: TrainingInputs,
    artifacts_dir: Path = ARTIFACTS_DIR,
    subcategories: tuple[str, ...] | list[str] | None = DEFAULT_SUBCATEGORIES,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
) -> TrainingResult:
    """Run every stage and write the artifacts; on any error the existing artifacts stay as they were.
    `subcategories` None: the `inputs.top_subcategories` largest by GMV."""
    check_destination(artifacts_dir)  # before any work, not after a whole training
    config = config or TrainConfig()
    report = progress or (lambda msg, frac: None)
    watch = _Stopwatch(report)

    report(f"reading and cleaning orders ({'Spark' if inputs.engine == 'spark' else 'DuckDB'})", 0.0)
    loaded = _load(inputs)
    watch.done("load", 0.25)

    start, end = _covered_window(inputs, loaded.media, loaded.aggregate)
    orders = loaded.aggregate.valid_daily(start, end)  # valid orders per day and subcategory
    mix = loaded.aggregate.valid_mix(start, end)
    subcategories = _chosen_subcategories(inputs, orders, subcategories)
    cleaning = loaded.aggregate.report(start, end, symbol=inputs.money.symbol)
    _check_subcategories_found(inputs.orders, orders, start, end, subcategories, cleaning)
    watch.done("clean", 0.35)

    spend = _allocate(inputs, loaded, orders, (start, end), subcategories, config)
    config = spend.config
    watch.done("allocate", 0.45)

    calendar = daily_calendar(start, end, loaded.sales, loaded.holidays, loaded.nps)
    encoders = {sub: fit_encoders(mix, sub) for sub in subcategories}
    weekly = weekly_table(orders, mix, calendar, spend.weekly, encoders, list(subcategories))
    n_weeks = _check_enough_weeks(inputs, loaded, weekly, start, end, subcategories, config)
    watch.done("features", 0.55)

    channels = loaded.media.channels if loaded.media is not None else []
    templates = {
        sub: FeatureSpec(channels=channels, decay={}, controls=list(LEVERS) + encoders[sub].mix_columns())
        for sub in subcategories
    }
    groups = {sub: weekly.loc[weekly["subcategory"] == sub] for sub in subcategories}
    trained = train_and_log(groups, templates, config, _recent_gmv_shares(orders, end, subcategories), report)
    watch.done("train", 0.95)

    groups = {sub: weekly.loc[weekly["subcategory"] == sub] for sub in trained}
    tables = output_tables(trained, groups)
    if loaded.aggregate.customers is not None:  # aggregates only: no customer id or pincode is ever written
        tables.update(_customer_tables(loaded.aggregate.customers, trained, groups, tables["contributions"], config, report))
    tables.update(_other_tables(inputs, loaded, (start, end), weekly, spend.daily))
    layout = loaded.media.layout if loaded.media is not None else NO_SPEND
    manifest = build_manifest(
        trained,
        config,
        kind="orders",
        money=inputs.money,
        window=TrainingWindow(str(start.date()), str(end.date()), n_weeks, layout),
        inputs=inputs.paths(),
        columns=inputs.mapping.to_json() if inputs.mapping is not None else None,
    )
    models = {sub: t.model for sub, t in trained.items()}
    written = write_artifacts(Path(artifacts_dir), models, encoders, tables, manifest)
    watch.done("write", 1.0)
    log.info("artifacts written to %s", written)
    return TrainingResult(artifacts=written, manifest=manifest, metrics=tables["metrics"], seconds=watch.seconds)
