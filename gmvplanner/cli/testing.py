"""`ecommerce_testing.py`: the subcommands that use trained artifacts (predict, optimize, report, experiments) and the
dispatch."""

from __future__ import annotations

import argparse

from .candidates import add_candidates_parser
from .common import Parser, add_output_flags, run, setup_logging
from .experiments import add_experiments_parser
from .optimise import add_optimise_parser
from .predict import add_predict_parser
from .readout import add_readout_parser
from .report import add_report_parser
from .scenarios import add_scenarios_parser

__all__ = ["testing_parser", "testing_main"]

# each sets `work`, the function it runs
SUBCOMMANDS = (
    add_predict_parser,
    add_optimise_parser,
    add_report_parser,
    add_experiments_parser,
    add_readout_parser,
    add_scenarios_parser,
    add_candidates_parser,
)


def testing_parser() -> argparse.ArgumentParser:
    """The testing script's parser: one subcommand per use of the artifacts."""
    p = Parser(
        prog="ecommerce_testing.py",
        description="Use trained artifacts: predict weekly GMV for a spend scenario, split a budget across channels, "
        "write the report, propose the lift tests worth running next, read out a finished one, keep scenarios in "
        "the shared library, or compare the model with candidate variants.",
    )
    commands = p.add_subparsers(dest="command", required=True)
    for add_subcommand in SUBCOMMANDS:
        add_output_flags(add_subcommand(commands))
    return p


def testing_main(argv: list[str] | None = None) -> int:
    """`ecommerce_testing.py`: prediction, budget optimisation or the report from artifacts. Returns the exit code."""
    args = testing_parser().parse_args(argv)
    setup_logging(args.quiet)
    return run(lambda: args.work(args), args.debug)
