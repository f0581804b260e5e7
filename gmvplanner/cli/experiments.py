"""`ecommerce_testing.py experiments`: propose the lift tests worth running next, sized and ranked by their value."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .common import add_artifacts_input, bounded, check_out, log, positive_int, positive_number, seed, subcategories

if TYPE_CHECKING:  # imported when the command runs, so --help and option errors stay fast
    from ..analysis.experiments import Proposals
    from ..model.artifacts import Artifacts

__all__ = ["add_experiments_parser", "experiments"]

MAX_TEST_WEEKS = 52  # analysis.experiments.MAX_TEST_WEEKS, repeated so that --help and option errors stay fast
test_weeks = bounded(int, 1, "a whole number of weeks", maximum=MAX_TEST_WEEKS)


def add_experiments_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `experiments` subcommand and its options; it runs `experiments`."""
    p = commands.add_parser(
        "experiments",
        help="propose the lift tests worth running next (hybrid and mmm)",
        description="Propose up to N lift tests, one channel each, ranked by how much more GMV the next budget "
        "split is expected to earn once that channel's effect is measured (from the model's bootstrap refits). "
        "The output is the --lift-tests format without the measured columns: run the tests, add delta_gmv and "
        "sigma, and retrain with --lift-tests.",
    )
    add_artifacts_input(p)
    p.add_argument("--n", type=positive_int, default=3, help="propose at most this many tests (default: %(default)s)")
    p.add_argument(
        "--max-weeks",
        type=test_weeks,
        default=8,
        help=f"each test's length in weeks, 1 to {MAX_TEST_WEEKS} (default: %(default)s)",
    )
    p.add_argument(
        "--max-change",
        type=positive_number,
        default=1.0,
        help="move the channel's spend by this fraction of its mean daily spend over the last 13 weeks; a cut never "
        "goes below zero (default: %(default)s, i.e. double it or stop it)",
    )
    p.add_argument(
        "--subcategories",
        type=subcategories,
        help="the subcategory whose GMV the test measures (default: all modelled subcategories together)",
    )
    p.add_argument("--seed", type=seed, default=None, help="seed of the simulated test results (default: the project's)")
    p.add_argument("--out", type=Path, help="write channel, start, end, delta_spend, expected_sigma, ... here")
    p.set_defaults(work=experiments)
    return p


def experiments(args: argparse.Namespace) -> None:
    """Propose the tests, write them to --out if given, and print them."""
    check_out(args.out, args.artifacts)
    from ..analysis.experiments import ExperimentRules, propose_experiments
    from ..config import SEED
    from ..model.artifacts import load_artifacts

    started = time.perf_counter()
    log.info("loading artifacts from %s", args.artifacts)
    artifacts = load_artifacts(args.artifacts)
    artifacts.require_spend("proposing experiments")
    rules = ExperimentRules(
        n=args.n,
        max_weeks=args.max_weeks,
        max_change=args.max_change,
        subcategories=args.subcategories,
        seed=SEED if args.seed is None else args.seed,
    )
    log.info("weighing a raise and a cut of each channel over the bootstrap refits")
    proposals = propose_experiments(artifacts, rules)
    log.info("proposed %d tests in %.1f s", len(proposals.table), time.perf_counter() - started)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        proposals.table.to_csv(args.out, index=False)
    _print(args, artifacts, proposals)


def _print(args: argparse.Namespace, artifacts: Artifacts, proposals: Proposals) -> None:
    """The proposals as a table, then each one's reason and what to do with the results."""
    money = artifacts.money
    table = proposals.table
    shown = table[["channel", "start", "end"]].copy()
    shown[money.column("delta_spend")] = table["delta_spend"].round(4)
    shown["expected_sigma"] = [money.format(v) for v in table["expected_sigma"]]
    shown["expected_value"] = [money.format(v) for v in table["expected_value"]]
    shown[money.column("cost")] = table["cost"].round(4)
    print(f"tests ranked by the expected extra GMV of {proposals.decision} ({proposals.n_draws} bootstrap refits)")
    print(shown.to_string(index=False))
    for row in table.itertuples():
        print(f"- {row.channel}: {row.why}")
    for note in proposals.notes:
        print(f"note: {note}")
    unit = money.symbol or "units"
    print(
        f"When a test is done, add delta_gmv (the measured extra GMV over its days, {unit}) and sigma (its standard "
        f"error, {unit}) to its row, and retrain with --lift-tests on data that cover the test's weeks. "
        "`ecommerce_testing.py readout --test channel,start,end,delta_spend --orders ...` measures both from the "
        "orders against a counterfactual and writes the row."
    )
    if args.out:
        print(f"wrote {args.out}")
