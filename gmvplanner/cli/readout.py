"""`ecommerce_testing.py readout`: read out a finished lift test against a counterfactual and write its row for
--lift-tests."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from .common import add_artifacts_input, check_out, log, seed, subcategories

__all__ = ["add_readout_parser", "readout", "test_spec"]


def test_spec(text: str) -> tuple[str, str, str, float]:
    """--test: `channel,start,end,delta_spend`, dates as YYYY-MM-DD, the spend change in the model's spend unit."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4 or not parts[0]:
        raise argparse.ArgumentTypeError(f"give channel,start,end,delta_spend (e.g. SEM,2016-03-07,2016-04-03,0.5); got '{text}'")
    channel, start, end, amount = parts
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise argparse.ArgumentTypeError(f"start '{start}' and end '{end}' must be dates as YYYY-MM-DD") from None
    if last < first:
        raise argparse.ArgumentTypeError(f"the test ends ({end}) before it starts ({start})")
    try:
        delta = float(amount)
    except ValueError:
        raise argparse.ArgumentTypeError(f"delta_spend '{amount}' is not a number") from None
    if delta == 0 or delta != delta or abs(delta) == float("inf"):
        raise argparse.ArgumentTypeError("delta_spend must be a finite number other than 0: nothing was tested")
    return channel, start, end, delta


def add_readout_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `readout` subcommand and its options; it runs `readout`."""
    p = commands.add_parser(
        "readout",
        help="read out a finished lift test and write its row for --lift-tests",
        description="Estimate a finished test's delta_gmv and sigma: the tested subcategories' weekly GMV against a "
        "counterfactual (a structural time series fitted on the weeks before the test, with the untested "
        "subcategories' GMV as regressors), checked with placebo windows of the same length before it. Writes the "
        "row ready for ecommerce_training.py --lift-tests.",
    )
    add_artifacts_input(p)
    p.add_argument("--test", type=test_spec, required=True, help="channel,start,end,delta_spend (spend in the model's unit)")
    p.add_argument("--orders", type=Path, required=True, help="orders covering the test and at least half a year before it")
    p.add_argument("--media", type=Path, help="media spend covering the same weeks (checks that other spend held still)")
    p.add_argument(
        "--subcategories",
        type=subcategories,
        help="the tested subcategories (default: every modelled one; one named goes into the row)",
    )
    p.add_argument("--seed", type=seed, default=None, help="seed of the simulated forecast paths (default: the project's)")
    p.add_argument("--out", type=Path, help="write the lift-test row here (append it to your --lift-tests file)")
    p.set_defaults(work=readout)
    return p


def readout(args: argparse.Namespace) -> None:
    """Read the test out, write its row to --out if given, and print the readout."""
    check_out(args.out, args.artifacts)
    from ..analysis.lift_readout import parse_test, read_out, readout_words
    from ..config import SEED
    from ..errors import InputError
    from ..model.artifacts import load_artifacts

    started = time.perf_counter()
    artifacts = load_artifacts(args.artifacts)
    test = parse_test(",".join(map(str, args.test)))
    if artifacts.channels and test.channel not in artifacts.channels:
        raise InputError("--test", f"unknown channel '{test.channel}'; the model knows {artifacts.channels}")
    scope = list(args.subcategories or artifacts.subcategories)
    if 1 < len(scope) < len(artifacts.subcategories) or not set(scope) <= set(artifacts.subcategories):
        raise InputError(
            "--subcategories",
            f"name one modelled subcategory, or none for all of them ({artifacts.subcategories}): a --lift-tests row "
            f"measures one subcategory or every modelled one; got {scope}",
        )
    log.info("reading the orders in %s and fitting the counterfactual on the weeks before %s", args.orders, test.start.date())
    found = read_out(
        args.orders,
        test,
        artifacts.money,
        scope,
        media=args.media,
        first_weekday=artifacts.week_starts_on,
        seed=SEED if args.seed is None else args.seed,
    )
    log.info("read out with %d placebo windows in %.1f s", len(found.placebos.deltas), time.perf_counter() - started)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        found.row.to_csv(args.out, index=False)
    print(found.row.to_string(index=False))
    for sentence in readout_words(found, artifacts.money):
        print(f"- {sentence}")
    if args.out:
        print(f"wrote {args.out}")
