"""The command-line reference (docs/cli.md), written from the parsers themselves so it cannot drift from them.

python -m gmvplanner.cli.reference > docs/cli.md
"""

from __future__ import annotations

import argparse
import os

from .testing import testing_parser
from .training import training_parser

__all__ = ["cli_reference"]

HELP_WIDTH = "110"  # argparse wraps help to $COLUMNS: fixed, so the page is the same on every terminal


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
    return dict(actions[0].choices) if actions else {}


def _section(title: str, parser: argparse.ArgumentParser) -> str:
    return f"## `{title}`\n\n```text\n{parser.format_help().rstrip()}\n```\n"


def cli_reference() -> str:
    """Markdown with every command's and subcommand's --help, in the order a user meets them."""
    os.environ["COLUMNS"] = HELP_WIDTH
    parts = [
        "# Command-line reference\n\n",
        "Generated from the parsers by `python -m gmvplanner.cli.reference > docs/cli.md` (a test checks it is up to "
        "date). Every command exits 0 on success, 2 on bad input (naming the file, column and row) and 1 on an "
        "internal error.\n\n",
        _section("ecommerce_training.py", training_parser()),
    ]
    testing = testing_parser()
    parts.append(_section("ecommerce_testing.py", testing))
    for name, sub in _subcommands(testing).items():
        parts.append("\n" + _section(f"ecommerce_testing.py {name}", sub))
        for inner, leaf in _subcommands(sub).items():
            parts.append("\n" + _section(f"ecommerce_testing.py {name} {inner}", leaf))
    return "".join(parts)


if __name__ == "__main__":
    print(cli_reference(), end="")
