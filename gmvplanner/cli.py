"""Command-line entry points: argument parsing, logging and plain-words errors; the work is in the stages."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from .config import (
    ARTIFACTS_DIR,
    AUTO,
    AUTO_MAX_CHANGE,
    DATA_DIR,
    DEFAULT_MODEL,
    DEFAULT_SUBCATEGORIES,
    FOREST_TREES,
    HOLDOUT_WEEKS,
    MMM_POOLING,
    PLAN_WEEKS,
    SEED,
)
from .data.limits import MAX_AMOUNT
from .errors import ArtifactError, InputError
from .model.base import MODEL_KINDS, model_names

__all__ = ["training_main", "testing_main"]

log = logging.getLogger("gmvplanner")


def _setup_logging(quiet: bool) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
        force=True,
    )


def _run(work, debug: bool) -> int:
    """Run `work()`; user errors print one line and return 2, never a traceback."""
    try:
        work()
        return 0
    except (InputError, ArtifactError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was replaced", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: say so plainly, show the trace only on request
        if debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 1


def _subcategories(text: str) -> tuple[str, ...]:
    subs = tuple(s.strip() for s in text.split(",") if s.strip())
    if not subs:
        raise argparse.ArgumentTypeError("give at least one subcategory, e.g. CameraAccessory,HomeAudio")
    return subs


def _names(text: str) -> tuple[str, ...]:
    names = tuple(s.strip() for s in text.split(",") if s.strip())
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise argparse.ArgumentTypeError(f"'{repeated[0]}' is named twice")
    return names


def _model_name(text: str) -> str:
    if text not in MODEL_KINDS:
        raise argparse.ArgumentTypeError(f"unknown model '{text}'; choose one of {model_names()}")
    return text


def _bounded(cast, minimum: float, kind: str, maximum: float = MAX_AMOUNT):
    """An argparse type: `cast` the text and require a finite value from `minimum` to `maximum`, in plain words."""

    def parse(text: str):
        try:
            value = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}, got '{text}'") from None
        if not (value >= minimum and value <= maximum):  # NaN fails both
            low, high = (f"{minimum:,}", f"{maximum:,}") if cast is int else (f"{minimum:g}", f"{maximum:g}")
            raise argparse.ArgumentTypeError(f"must be a finite value from {low} to {high}, got {text}")
        return value

    parse.__name__ = kind  # argparse names the type in some messages
    return parse


_non_negative = _bounded(float, 0, "a number")


def _max_change(text: str) -> float | str | None:
    """--max-change: a fraction of 0 or more, 'none' (no limit) or 'auto'."""
    if text.strip().lower() in ("none", "off"):
        return None
    if text.strip().lower() == AUTO:
        return AUTO
    try:
        return _bounded(float, 0, "a fraction, 'none' or 'auto'")(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.3, 'none' or '{AUTO}', got '{text}'") from None


_positive_int = _bounded(int, 1, "a whole number", maximum=1_000_000)
_seed = _bounded(int, 0, "a whole number from 0 to 2**32 - 1", maximum=2**32 - 1)


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, like every other error here (exit 2)."""

    def error(self, message: str):
        print(f"error: {message} (see: python {self.prog.split()[0]} --help)", file=sys.stderr)
        raise SystemExit(2)


def training_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ecommerce_training.py",
        description="Train the GMV model of each product subcategory on order data and marketing spend (by default a "
        "media-mix part for the channels plus a Random Forest for the product and order levers), and write models, "
        "encoders, a manifest, a backtest, channel answers with intervals, a data-adequacy check and a cleaning "
        "report to the artifacts folder. "
        "With no --orders/--media it trains on the embedded default data (generated once into data/).",
        epilog="Example: python ecommerce_training.py --orders ConsumerElectronics.csv --media MediaInvestment.csv "
        "--sale-calendar SpecialSale.csv --nps MonthlyNPS.csv --holidays HolidayList.csv",
    )
    p.add_argument(
        "--orders",
        type=Path,
        help="orders in the ElecKart ConsumerElectronics layout: CSV, .csv.gz, Parquet, or a folder or glob of Parquet",
    )
    weekly = p.add_argument_group("bring-your-own weekly table (instead of --orders/--media)")
    weekly.add_argument("--weekly", type=Path, help="weekly table: a date column, the target, spend per channel")
    weekly.add_argument("--date-col", default="week_start", help="date column of --weekly (default: %(default)s)")
    weekly.add_argument("--target", default="gmv", help="target column of --weekly (default: %(default)s)")
    weekly.add_argument("--channels", type=_names, help="comma-separated spend columns of --weekly")
    weekly.add_argument("--controls", type=_names, default=(), help="comma-separated control columns of --weekly")
    weekly.add_argument("--group-col", help="one model per value of this column (default: one model named 'all')")
    weekly.add_argument(
        "--days-col",
        help="days (1-7) each week covers, for a partial first or last week (default: the column 'days' if there is one)",
    )
    p.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="what reads, cleans and aggregates the orders: duckdb (default; any size on one machine) or spark "
        "(PySpark and Java; local[*] unless --spark-master or spark-submit says otherwise)",
    )
    p.add_argument("--spark-master", help="with --engine spark: the cluster, e.g. spark://host:7077 or yarn")
    p.add_argument("--media", type=Path, help="media spend in crore: monthly (Year, Month, channels) or dated (date, channels)")
    p.add_argument("--sale-calendar", type=Path, help="special-sale days: Date (m/d/Y), Sales Name")
    p.add_argument("--nps", type=Path, help="monthly NPS: Date (m/d/Y), NPS")
    p.add_argument("--holidays", type=Path, help="public holidays: Date (m/d/Y), Holiday")
    p.add_argument(
        "--subcategories",
        type=_subcategories,
        default=",".join(DEFAULT_SUBCATEGORIES),
        help="comma-separated product_analytic_sub_category values (default: %(default)s)",
    )
    p.add_argument(
        "--holdout-weeks",
        type=_positive_int,
        default=HOLDOUT_WEEKS,
        help="last weeks kept out of fitting and tuning, for honest metrics (default: %(default)s)",
    )
    p.add_argument("--start", help="first day of the modelling window, YYYY-MM-DD (default: media file start)")
    p.add_argument("--end", help="last day of the modelling window, YYYY-MM-DD (default: media file end)")
    p.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR, help="output folder (default: artifacts/)")
    p.add_argument(
        "--model",
        type=_model_name,
        default=DEFAULT_MODEL,
        help="; ".join(f"{name}: {kind.description}" for name, kind in MODEL_KINDS.items())
        + " (default: %(default)s; compare their holdout metrics on your data)",
    )
    p.add_argument(
        "--pooling",
        type=_non_negative,
        default=MMM_POOLING,
        help="hybrid and mmm: how strongly a channel's ROI in one subcategory is pulled towards its ROI in the "
        "others (partial pooling; 0 fits each subcategory alone; default: %(default)s)",
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
        help="hybrid and mmm: CSV of experiments channel,start,end,delta_spend (crore),delta_gmv (₹),sigma (₹)"
        "[,subcategory] that calibrate the channel effects; see README",
    )
    p.add_argument("--seed", type=_seed, default=SEED, help="random seed (default: %(default)s)")
    p.add_argument("--trees", type=_positive_int, default=FOREST_TREES, help="trees per forest (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="only print warnings and errors")
    p.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    return p


def training_main(argv: list[str] | None = None) -> int:
    """`ecommerce_training.py`: train and write artifacts. Returns the exit code."""
    parser = training_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.quiet)
    if args.weekly is not None:
        if args.orders is not None or args.media is not None:
            parser.error("--weekly replaces --orders/--media; give one or the other")
        if not args.channels:
            parser.error("--weekly needs --channels, e.g. --channels TV,Digital,SEM")
        roles = {
            "--target": [args.target],
            "--date-col": [args.date_col],
            "--group-col": [args.group_col] if args.group_col else [],
            "--days-col": [args.days_col] if args.days_col else [],
        }
        roles |= {"--channels": list(args.channels), "--controls": list(args.controls)}
        seen: dict[str, str] = {}
        for option, names in roles.items():
            for name in names:
                if name in seen:
                    parser.error(f"column '{name}' is given to both {seen[name]} and {option}; each column has one role")
                seen[name] = option
    if args.spark_master and args.engine != "spark":
        parser.error("--spark-master goes with --engine spark")
    if args.weekly is not None and args.engine == "spark":
        parser.error("--engine spark reads orders; a --weekly table is read directly")
    elif (args.orders is None) != (args.media is None):
        parser.error("--orders and --media go together (or give neither to use the embedded default)")
    takers = [name for name, kind in MODEL_KINDS.items() if kind.has_media_part]
    for option, value in (("--transforms", args.transforms), ("--lift-tests", args.lift_tests)):
        if value is not None and not MODEL_KINDS[args.model].has_media_part:
            parser.error(f"{option} does not apply to --model {args.model}; use one of {takers}")

    def work() -> None:
        from .data.lift_tests import load_lift_tests
        from .model.fixed_transforms import load_transforms
        from .model.training import TrainConfig
        from .pipeline import TrainingInputs, train, train_weekly

        config = TrainConfig(
            holdout_weeks=args.holdout_weeks,
            seed=args.seed,
            n_estimators=args.trees,
            model=args.model,
            pooling=args.pooling,
            transforms=load_transforms(args.transforms) if args.transforms else None,
            lift_tests=load_lift_tests(args.lift_tests) if args.lift_tests else None,
        )
        started = time.perf_counter()
        progress = lambda msg, frac: log.info("[%3d%%] %s", round(100 * frac), msg)  # noqa: E731
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
                progress,
                days_col=args.days_col,
            )
            _print_summary(result, time.perf_counter() - started)
            return
        if args.orders is None:
            from .synth import ensure_default_data

            inputs = TrainingInputs.from_dataset(ensure_default_data(DATA_DIR), args.start, args.end)
        else:
            inputs = TrainingInputs(
                orders=args.orders,
                media=args.media,
                sale_calendar=args.sale_calendar,
                nps=args.nps,
                holidays=args.holidays,
                start=args.start,
                end=args.end,
                engine=args.engine,
                spark_master=args.spark_master,
            )
        result = train(inputs, args.artifacts, args.subcategories, config, progress=progress)
        _print_summary(result, time.perf_counter() - started)

    return _run(work, args.debug)


def _print_summary(result, seconds: float) -> None:
    groups = result.manifest.subcategories
    print(f"trained {len(groups)} model(s) ({result.manifest.model}) in {seconds:.1f} s; artifacts in {result.artifacts}")
    table = result.metrics.pivot(index="subcategory", columns="predictor", values="mape")
    print("holdout MAPE % (lower is better) of the model and two naive baselines:")
    print((table * 100).round(2).to_string())


def testing_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ecommerce_testing.py",
        description="Use trained artifacts: predict weekly GMV for a spend scenario, or split a budget across channels.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    pr = sub.add_parser(
        "predict",
        help="predict weekly GMV per subcategory for a scenario file",
        description="Predict weekly GMV per subcategory with an 80%% interval. The scenario CSV has "
        "week_start, one spend column per channel in crore (company-wide), and optional "
        "levers; see README.md.",
    )
    pr.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR, help="trained artifacts (default: artifacts/)")
    pr.add_argument("--scenario", type=Path, required=True, help="scenario CSV, e.g. data/example_scenario.csv")
    pr.add_argument("--out", type=Path, required=True, help="where to write the predictions CSV")
    op = sub.add_parser(
        "optimize",
        help="split a budget across channels to maximise predicted GMV",
        description="Allocate a total budget (crore) over the next N weeks across channels, within "
        "optional per-channel bounds, to maximise the predicted GMV of every subcategory.",
    )
    op.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR, help="trained artifacts (default: artifacts/)")
    amount = op.add_mutually_exclusive_group(required=True)
    amount.add_argument(
        "--budget",
        type=_bounded(float, 1e-12, "an amount"),
        help="total budget over the horizon, crore ₹ (a weekly table's own unit for its artifacts)",
    )
    amount.add_argument(
        "--target-roi",
        type=_bounded(float, 1e-12, "a number"),
        help="instead of --budget: find the largest budget whose best split still earns this marginal ROI "
        "(₹ of GMV per ₹ of the next spend), and split it",
    )
    op.add_argument("--weeks", type=_positive_int, required=True, help="horizon in weeks")
    op.add_argument("--start", help="first week, YYYY-MM-DD (default: the week after the training data)")
    op.add_argument(
        "--bounds", type=Path, help="CSV channel,min_crore,max_crore over the horizon (min_units,max_units for a weekly table)"
    )
    op.add_argument("--out", type=Path, help="write channel, historical_crore, recommended_crore, ... here")
    op.add_argument(
        "--risk-aversion",
        type=_non_negative,
        default=0.0,
        help="hybrid and mmm: maximise the expected uplift less this many spreads of it over the bootstrap refits of "
        "the channel effects (0.84: about its 20th percentile; default: %(default)s, the expected uplift)",
    )
    op.add_argument(
        "--max-change",
        type=_max_change,
        default=AUTO,
        help="keep every channel within this fraction of its historical amount (e.g. 0.3, Meridian's default); "
        f"'none' for no limit; default '{AUTO}': {AUTO_MAX_CHANGE} when the training data's adequacy check "
        "found the evidence weak (e.g. spend given per month), else no limit",
    )
    op.add_argument(
        "--new-customer-weight",
        type=_non_negative,
        default=1.0,
        metavar="W",
        help="count a rupee of GMV from customers' first orders W times, returning customers' once (e.g. 2 when a "
        "new customer is worth more than the first order shows); needs a model trained from orders with cust_id "
        "(default: %(default)s, GMV as it is)",
    )
    rp = sub.add_parser(
        "report",
        help="write the one-pager: one self-contained HTML file to send",
        description="Write one self-contained HTML file (Plotly charts inlined, no network needed to open it) with "
        "fit and holdout against naive baselines, the weekly decomposition of GMV into baseline and channels, share "
        "of spend vs share of effect, ROI with intervals, response curves with the current and recommended spend, "
        "carry-over per channel and the recommended split of the budget.",
    )
    rp.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR, help="trained artifacts (default: artifacts/)")
    rp.add_argument("--out", type=Path, required=True, help="where to write the HTML file, e.g. report.html")
    rp.add_argument(
        "--budget",
        type=_bounded(float, 1e-12, "an amount"),
        help="budget to split over the horizon, crore ₹ or a weekly table's own unit (default: the recent run rate, "
        "the last 13 weeks' spend per week times --weeks)",
    )
    rp.add_argument(
        "--weeks", type=_positive_int, default=PLAN_WEEKS, help="horizon of the recommended split (default: %(default)s)"
    )
    for q in (pr, op, rp):
        q.add_argument("--quiet", action="store_true", help="only print warnings and errors")
        q.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    return p


def testing_main(argv: list[str] | None = None) -> int:
    """`ecommerce_testing.py`: prediction (and later optimisation) from artifacts. Returns the exit code."""
    args = testing_parser().parse_args(argv)
    _setup_logging(args.quiet)

    def check_out() -> None:
        """--out is checked before any work: a file we may write, never inside an artifacts folder."""
        if args.out is None:
            return
        out = args.out.resolve()
        if out.is_dir():
            raise InputError("--out", f"{args.out} is a folder; give a file name such as predictions.csv")
        for folder in (out.parent, *out.parent.parents):
            if (folder / "manifest.json").exists() or folder == Path(args.artifacts).resolve():
                raise InputError("--out", f"{args.out} is inside the artifacts folder {folder}; write it elsewhere")
        parent = out.parent
        while not parent.exists():
            parent = parent.parent
        if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
            raise InputError("--out", f"no permission to write {args.out}")

    def predict() -> None:
        check_out()
        from .analysis.scenarios import known_verticals, load_scenario, predict_scenario
        from .model.artifacts import load_artifacts

        artifacts = load_artifacts(args.artifacts)
        money = artifacts.money
        scenario = load_scenario(args.scenario, artifacts.channels, known_verticals(artifacts), artifacts.week_starts_on)
        result = predict_scenario(artifacts, scenario)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(args.out, index=False)
        totals = money.from_base(result.groupby("subcategory")[["predicted_gmv", "lower", "upper"]].sum())
        print(
            f"wrote {len(result)} rows to {args.out}; GMV summed over the weeks, {money.name} "
            f"(lower/upper: sums of the weekly 80% bounds):"
        )
        print(totals.round(3).to_string())

    def optimize() -> None:
        check_out()
        import pandas as pd

        from .analysis.optimise import INTERVAL_SCOPE, budget_for_target_roi, load_bounds, optimise_budget
        from .model.artifacts import load_artifacts
        from .planner import identification_caution

        artifacts = load_artifacts(args.artifacts)
        money = artifacts.money
        bounds = load_bounds(args.bounds, artifacts.channels, money) if args.bounds else None
        try:
            start = pd.Timestamp(args.start) if args.start else None
        except ValueError:
            raise InputError("--start", f"cannot read date {args.start!r}; use YYYY-MM-DD") from None
        if args.target_roi is not None:
            budget, result, found = budget_for_target_roi(
                artifacts,
                args.target_roi,
                args.weeks,
                start,
                bounds,
                args.max_change,
                new_customer_weight=args.new_customer_weight,
            )
            print(f"largest budget with a marginal ROI of at least {args.target_roi:g}: {budget:,.4g} ({money.name}); {found}")
        else:
            budget = args.budget
            result = optimise_budget(
                artifacts, budget, args.weeks, start, bounds, args.risk_aversion, args.max_change, args.new_customer_weight
            )
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            result.table.to_csv(args.out, index=False)
        unit, shown = money.name, money.from_base
        columns = ["channel", *(money.column(c) for c in ("historical", "recommended", "change"))]
        print(f"budget {budget:g} ({unit}) over {args.weeks} weeks from {result.weeks[0].date()}; {result.method}")
        print(result.table[columns].round(4).to_string(index=False))
        for name, (mean, lo, hi) in (("historical split", result.historical_gmv), ("recommended split", result.recommended_gmv)):
            print(f"expected GMV, {name}: {shown(mean):,.4g} {unit} (80% interval {shown(lo):,.4g} to {shown(hi):,.4g})")
        print(f"expected uplift: {shown(result.uplift):+,.4g} {unit}")
        if result.new_customer_gain is not None:
            print(
                f"expected change in GMV from new customers' first orders: {shown(result.new_customer_gain):+,.4g} {unit}"
                + (f" (their GMV counted {result.new_customer_weight:g}x)" if result.new_customer_weight != 1 else "")
            )
        if result.uplift_interval is not None:
            lo, hi = (shown(v) for v in result.uplift_interval)
            print(
                f"uplift over the bootstrap refits of the channel effects: 80% interval {lo:+,.4g} to {hi:+,.4g} {unit}; "
                f"the recommended split beats the historical one in {result.p_beats_historical:.0%} of them"
            )
        print(INTERVAL_SCOPE)
        if result.note:
            print(f"note: {result.note}")
        caution = identification_caution(artifacts)
        if caution:
            print(f"caution: {caution}")
        if args.out:
            print(f"wrote {args.out}")

    def report() -> None:
        check_out()
        from .model.artifacts import load_artifacts
        from .planner import report_html

        artifacts = load_artifacts(args.artifacts)
        log.info("building the one-pager (the recommended split takes a few seconds)")
        page = report_html(artifacts, args.budget, args.weeks)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(page, encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB; opens in any browser, no network needed)")

    commands = {"predict": predict, "optimize": optimize, "report": report}
    return _run(commands[args.command], args.debug)
