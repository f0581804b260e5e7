"""`ecommerce_training.py`: its options, the checks across them, and the training run they start."""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import (
    ARTIFACTS_DIR,
    DATA_DIR,
    DEFAULT_MODEL,
    FOREST_TREES,
    HOLDOUT_WEEKS,
    MMM_POOLING,
    MMM_POOLING_FIXED,
    MONOTONE_CONTROLS,
    SEED,
    TOP_SUBCATEGORIES,
)
from ..features.design import LEVERS
from ..model.base import MODEL_KINDS
from .common import (
    Parser,
    add_output_flags,
    calendar_date,
    log,
    model_name,
    monotone_signs,
    names,
    pooling,
    positive_int,
    run,
    seed,
    setup_logging,
    subcategories,
)
from .orders_layout import add_layout_options, check_layout_options, chosen_subcategories, column_mapping, money_unit

if TYPE_CHECKING:  # imported when training starts, so --help and option errors stay fast
    from ..model.train_config import TrainConfig
    from ..pipeline import TrainingInputs, TrainingResult

__all__ = ["training_parser", "check_training_options", "training_main"]


def training_parser() -> argparse.ArgumentParser:
    """The training options, in the order `--help` lists them."""
    p = Parser(
        prog="ecommerce_training.py",
        description="Train the GMV model of each product subcategory on order data and marketing spend (by default a "
        "media-mix part for the channels plus a Random Forest for the product and order levers), and write models, "
        "encoders, a manifest, a backtest, channel answers with intervals, a data-adequacy check and a cleaning "
        "report to the artifacts folder. "
        "With no --orders/--media it trains on the embedded default data (generated once into data/).",
        epilog="Example: python ecommerce_training.py --orders ConsumerElectronics.csv --media MediaInvestment.csv "
        "--sale-calendar SpecialSale.csv --nps MonthlyNPS.csv --holidays HolidayList.csv",
    )
    _add_data_options(p)
    add_layout_options(p)
    _add_window_options(p)
    _add_model_options(p)
    add_output_flags(p)
    return p


def _add_data_options(p: argparse.ArgumentParser) -> None:
    """What to train on: orders and their calendars, or a weekly table; and what reads the orders."""
    p.add_argument(
        "--orders",
        type=Path,
        help="orders: CSV, .csv.gz, Parquet, or a folder or glob of Parquet; in the ElecKart ConsumerElectronics "
        "layout, or your shop's export with --columns or --columns-preset",
    )
    _add_weekly_options(p)
    p.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="what reads, cleans and aggregates the orders: duckdb (default; any size on one machine) or spark "
        "(PySpark and Java; local[*] unless --spark-master or spark-submit says otherwise)",
    )
    p.add_argument("--spark-master", help="with --engine spark: the cluster, e.g. spark://host:7077 or yarn")
    p.add_argument(
        "--media",
        type=Path,
        help="media spend in --spend-unit (crore for INR): monthly (Year, Month, channels) or dated (date, channels); "
        "optional: without it the models forecast from the orders alone (no channel answers or budgets)",
    )
    p.add_argument("--sale-calendar", type=Path, help="special-sale days: Date (m/d/Y), Sales Name")
    p.add_argument("--nps", type=Path, help="monthly NPS: Date (m/d/Y), NPS")
    p.add_argument("--holidays", type=Path, help="public holidays: Date (m/d/Y), Holiday")
    p.add_argument(
        "--subcategories",
        type=subcategories,
        help="comma-separated subcategory values (default: the ElecKart layout's three, or the largest by GMV; see "
        "--top-subcategories)",
    )


def _add_weekly_options(p: argparse.ArgumentParser) -> None:
    """The bring-your-own weekly table and its columns' roles."""
    weekly = p.add_argument_group("bring-your-own weekly table (instead of --orders/--media)")
    weekly.add_argument("--weekly", type=Path, help="weekly table: a date column, the target, spend per channel")
    weekly.add_argument("--date-col", default="week_start", help="date column of --weekly (default: %(default)s)")
    weekly.add_argument("--target", default="gmv", help="target column of --weekly (default: %(default)s)")
    weekly.add_argument("--channels", type=names, help="comma-separated spend columns of --weekly")
    weekly.add_argument("--controls", type=names, default=(), help="comma-separated control columns of --weekly")
    weekly.add_argument("--group-col", help="one model per value of this column (default: one model named 'all')")
    weekly.add_argument(
        "--days-col",
        help="days (1-7) each week covers, for a partial first or last week (default: the column 'days' if there is one)",
    )


def _add_window_options(p: argparse.ArgumentParser) -> None:
    """Which weeks are fitted and held out, and where the artifacts go."""
    p.add_argument(
        "--holdout-weeks",
        type=positive_int,
        default=HOLDOUT_WEEKS,
        help="last weeks kept out of fitting and tuning, for honest metrics (default: %(default)s)",
    )
    p.add_argument(
        "--start", type=calendar_date, help="first day of the modelling window, YYYY-MM-DD (default: media file start)"
    )
    p.add_argument("--end", type=calendar_date, help="last day of the modelling window, YYYY-MM-DD (default: media file end)")
    p.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR, help="output folder (default: artifacts/)")


def _add_model_options(p: argparse.ArgumentParser) -> None:
    """The model kind and its settings."""
    p.add_argument(
        "--model",
        type=model_name,
        default=DEFAULT_MODEL,
        help="; ".join(f"{name}: {kind.description}" for name, kind in MODEL_KINDS.items())
        + " (default: %(default)s; compare their holdout metrics on your data)",
    )
    p.add_argument(
        "--pooling",
        type=pooling,
        default=MMM_POOLING,
        help="hybrid and mmm: how strongly a channel's ROI in one subcategory is pulled towards its ROI in the "
        "others (partial pooling). 'auto' estimates it per channel from the data, as a hierarchical model does: "
        "strong where the subcategories agree, weak where they differ; a number fixes it (0 fits each subcategory "
        f"alone; {MMM_POOLING_FIXED} was the fixed default before 0.6.0). Default: %(default)s",
    )
    p.add_argument(
        "--transforms",
        type=Path,
        help="hybrid and mmm: CSV channel,decay,half_saturation_multiple fixing some channels' carry-over (weekly "
        "decay in [0, 1)) and half-saturation (a multiple of the channel's mean spend in weeks it ran), e.g. "
        "from a lift test; blank cells and channels left out are chosen by time-ordered CV",
    )
    p.add_argument(
        "--lift-tests",
        type=Path,
        help="hybrid and mmm: CSV of experiments channel,start,end,delta_spend (spend unit),delta_gmv,sigma (currency)"
        "[,subcategory] that calibrate the channel effects; see docs/channels-and-budgets.md",
    )
    p.add_argument(
        "--roi-priors",
        type=Path,
        help="hybrid and mmm: CSV channel,roi_low,roi_high[,subcategory]: an 80%% range for a channel's ROI (GMV per "
        "currency unit of its spend, as contributions.csv reports it) from benchmarks or earlier studies; the data move it "
        "where they have something to say; see docs/channels-and-budgets.md",
    )
    p.add_argument(
        "--monotone",
        type=monotone_signs,
        default={},
        help="control=sign pairs: GMV can only fall (-1) or only rise (+1) as that control rises, in every forest "
        "and the regression; 0 frees a control (default: "
        + ",".join(f"{k}={v}" for k, v in MONOTONE_CONTROLS.items())
        + "; e.g. --monotone sla=0 for data that say otherwise, --monotone price=-1 for a weekly table of units)",
    )
    p.add_argument(
        "--forecaster",
        choices=("auto", "model"),
        default="auto",
        help="auto: weekly forecasts blend the model with a Random Forest and exponential smoothing when "
        "time-ordered CV on the training weeks says so (channel answers always come from the model); model: the "
        "model alone. Either way the CV calibrates the 80%% interval (default: %(default)s)",
    )
    p.add_argument("--seed", type=seed, default=SEED, help="random seed (default: %(default)s)")
    p.add_argument("--trees", type=positive_int, default=FOREST_TREES, help="trees per forest (default: %(default)s)")


def check_training_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Checks across options that argparse cannot make; the first that fails exits 2 through `parser.error`."""
    if args.weekly is not None:
        _check_weekly_options(parser, args)
    if args.spark_master and args.engine != "spark":
        parser.error("--spark-master goes with --engine spark")
    if args.weekly is not None and args.engine == "spark":
        parser.error("--engine spark reads orders; a --weekly table is read directly")
    elif args.media is not None and args.orders is None:
        parser.error("--media goes with --orders (or give neither to use the embedded default)")
    check_layout_options(parser, args)
    takers = [name for name, kind in MODEL_KINDS.items() if kind.has_media_part]
    media_options = (("--transforms", args.transforms), ("--lift-tests", args.lift_tests), ("--roi-priors", args.roi_priors))
    for option, value in media_options:
        if value is not None and not MODEL_KINDS[args.model].has_media_part:
            parser.error(f"{option} does not apply to --model {args.model}; use one of {takers}")
    controls = list(args.controls) if args.weekly is not None else list(LEVERS)
    unknown = sorted(set(args.monotone) - set(controls))
    if unknown:
        parser.error(f"--monotone names '{unknown[0]}', which is not a control; the controls are {controls}")


def _check_weekly_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--weekly replaces --orders/--media, needs --channels, and each column has one role."""
    if args.orders is not None or args.media is not None:
        parser.error("--weekly replaces --orders/--media; give one or the other")
    if not args.channels:
        parser.error("--weekly needs --channels, e.g. --channels TV,Digital,SEM")
    roles = {
        "--target": [args.target],
        "--date-col": [args.date_col],
        "--group-col": [args.group_col] if args.group_col else [],
        "--days-col": [args.days_col] if args.days_col else [],
        "--channels": list(args.channels),
        "--controls": list(args.controls),
    }
    seen: dict[str, str] = {}
    for option, columns in roles.items():
        for column in columns:
            if column in seen:
                parser.error(f"column '{column}' is given to both {seen[column]} and {option}; each column has one role")
            seen[column] = option


def training_main(argv: list[str] | None = None) -> int:
    """`ecommerce_training.py`: train and write artifacts. Returns the exit code."""
    parser = training_parser()
    args = parser.parse_args(argv)
    setup_logging(args.quiet)
    check_training_options(parser, args)
    return run(lambda: train_from_args(args), args.debug)


def train_from_args(args: argparse.Namespace) -> None:
    """Train as the options say (a weekly table, the given orders, or the embedded default) and print a summary."""
    from ..pipeline import train, train_weekly

    config = _train_config(args)
    started = time.perf_counter()
    if args.weekly is not None:
        result = train_weekly(
            args.weekly,
            args.date_col,
            args.target,
            list(args.channels),
            list(args.controls),
            args.group_col,
            args.artifacts,
            config,
            _log_progress,
            days_col=args.days_col,
        )
    else:
        inputs = _training_inputs(args)
        result = train(inputs, args.artifacts, chosen_subcategories(args, inputs.mapping), config, progress=_log_progress)
    _print_summary(result, time.perf_counter() - started)


def _log_progress(msg: str, frac: float) -> None:
    """Log a stage with how far along the training is."""
    log.info("[%3d%%] %s", round(100 * frac), msg)


def _train_config(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig the options describe (reads --transforms and --lift-tests)."""
    from ..data.lift_tests import load_lift_tests
    from ..data.roi_priors import load_roi_priors
    from ..model.fixed_transforms import load_transforms
    from ..model.train_config import TrainConfig

    return TrainConfig(
        holdout_weeks=args.holdout_weeks,
        seed=args.seed,
        n_estimators=args.trees,
        model=args.model,
        pooling=args.pooling,
        transforms=load_transforms(args.transforms) if args.transforms else None,
        lift_tests=load_lift_tests(args.lift_tests) if args.lift_tests else None,
        roi_priors=load_roi_priors(args.roi_priors) if args.roi_priors else None,
        monotone=tuple((k, v) for k, v in {**MONOTONE_CONTROLS, **args.monotone}.items() if v != 0),
        choose_forecaster=args.forecaster == "auto",
    )


def _training_inputs(args: argparse.Namespace) -> TrainingInputs:
    """The orders files the options name, or the embedded default data set (generated into data/ on first use)."""
    from ..pipeline import TrainingInputs

    money = money_unit(args)
    if args.orders is None:
        from ..synth import ensure_default_data

        inputs = TrainingInputs.from_dataset(ensure_default_data(DATA_DIR), args.start, args.end)
        return replace(inputs, money=money)
    mapping = column_mapping(args)
    if args.media is None and any(v is not None for v in (args.lift_tests, args.roi_priors, args.transforms)):
        from ..errors import InputError

        raise InputError("--media", "--lift-tests, --roi-priors and --transforms calibrate channels; give the media file too")
    return TrainingInputs(
        orders=args.orders,
        media=args.media,
        sale_calendar=args.sale_calendar,
        nps=args.nps,
        holidays=args.holidays,
        start=args.start,
        end=args.end,
        engine=args.engine,
        spark_master=args.spark_master,
        mapping=mapping,
        net_of_returns=args.net_of_returns,
        money=money,
        top_subcategories=args.top_subcategories or TOP_SUBCATEGORIES,
    )


def _print_summary(result: TrainingResult, seconds: float) -> None:
    """The models trained, where they are, and their holdout error against the naive baselines."""
    groups = result.manifest.subcategories
    print(f"trained {len(groups)} model(s) ({result.manifest.model}) in {seconds:.1f} s; artifacts in {result.artifacts}")
    table = result.metrics.pivot(index="subcategory", columns="predictor", values="mape")
    print("holdout MAPE % (lower is better) of the model and two naive baselines:")
    print((table * 100).round(2).to_string())
