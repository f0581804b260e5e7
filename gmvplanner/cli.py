"""Command-line entry points: argument parsing, logging and plain-words errors; the work is in the stages."""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from pathlib import Path

from .config import ARTIFACTS_DIR, DATA_DIR, DEFAULT_SUBCATEGORIES, HOLDOUT_WEEKS, SEED
from .errors import ArtifactError, InputError

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


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def training_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ecommerce_training.py",
        description="Train one Random Forest per product subcategory on order data and marketing spend, and write "
        "models, encoders, a manifest, a backtest and a cleaning report to the artifacts folder. "
        "With no --orders/--media it trains on the embedded default data (generated once into data/).",
        epilog="Example: python ecommerce_training.py --orders ConsumerElectronics.csv --media MediaInvestment.csv "
        "--sale-calendar SpecialSale.csv --nps MonthlyNPS.csv --holidays HolidayList.csv",
    )
    p.add_argument("--orders", type=Path, help="order file (CSV or Parquet) in the ElecKart ConsumerElectronics layout")
    p.add_argument("--media", type=Path, help="media spend in crore: monthly (Year, Month, channels) or dated (date, channels)")
    p.add_argument("--sale-calendar", type=Path, help="special-sale days: Date (m/d/Y), Sales Name")
    p.add_argument("--nps", type=Path, help="monthly NPS: Date (m/d/Y), NPS")
    p.add_argument("--holidays", type=Path, help="public holidays: Date (m/d/Y), Holiday")
    p.add_argument(
        "--subcategories",
        type=_subcategories,
        default=DEFAULT_SUBCATEGORIES,
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
    p.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    p.add_argument("--trees", type=_positive_int, default=300, help="trees per forest (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="only print warnings and errors")
    p.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    return p


def training_main(argv: list[str] | None = None) -> int:
    """`ecommerce_training.py`: train and write artifacts. Returns the exit code."""
    parser = training_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.quiet)
    if (args.orders is None) != (args.media is None):
        parser.error("--orders and --media go together (or give neither to use the embedded default)")

    def work() -> None:
        from .model import TrainConfig
        from .pipeline import TrainingInputs, train

        if args.orders is None:
            from .synth import ensure_default_data

            paths = ensure_default_data(DATA_DIR)
            inputs = TrainingInputs(
                orders=paths["orders"],
                media=paths["media"],
                sale_calendar=paths["sales"],
                nps=paths["nps"],
                holidays=paths["holidays"],
                start=args.start,
                end=args.end,
            )
        else:
            inputs = TrainingInputs(
                orders=args.orders,
                media=args.media,
                sale_calendar=args.sale_calendar,
                nps=args.nps,
                holidays=args.holidays,
                start=args.start,
                end=args.end,
            )
        config = TrainConfig(holdout_weeks=args.holdout_weeks, seed=args.seed, n_estimators=args.trees)
        started = time.perf_counter()
        result = train(
            inputs,
            args.artifacts,
            args.subcategories,
            config,
            progress=lambda msg, frac: log.info("[%3d%%] %s", round(100 * frac), msg),
        )
        print(
            f"trained {len(args.subcategories)} subcategories in {time.perf_counter() - started:.1f} s; "
            f"artifacts in {result.artifacts}"
        )
        table = result.metrics.pivot(index="subcategory", columns="predictor", values="wape")
        print("holdout WAPE (lower is better):")
        print(table.round(3).to_string())

    return _run(work, args.debug)


def testing_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ecommerce_testing.py", description="Use trained artifacts: predict weekly GMV for a spend scenario."
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
    for q in (pr,):
        q.add_argument("--quiet", action="store_true", help="only print warnings and errors")
        q.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    return p


def testing_main(argv: list[str] | None = None) -> int:
    """`ecommerce_testing.py`: prediction (and later optimisation) from artifacts. Returns the exit code."""
    args = testing_parser().parse_args(argv)
    _setup_logging(args.quiet)

    def predict() -> None:
        from .artifacts import load_artifacts
        from .predict import load_scenario, predict_scenario

        artifacts = load_artifacts(args.artifacts)
        scenario = load_scenario(args.scenario, artifacts.channels)
        result = predict_scenario(artifacts, scenario)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(args.out, index=False)
        totals = result.groupby("subcategory")[["predicted_gmv", "lower", "upper"]].sum() / 1e7
        print(
            f"wrote {len(result)} rows to {args.out}; GMV summed over the weeks, crore ₹ "
            f"(lower/upper: sums of the weekly 80% bounds):"
        )
        print(totals.round(3).to_string())

    return _run(predict, args.debug)
