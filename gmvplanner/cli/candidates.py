"""`ecommerce_testing.py candidates`: refit the model's variants side by side and write them beside the artifacts."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..errors import InputError
from .common import add_artifacts_input, bounded, log

__all__ = ["add_candidates_parser", "candidates"]

draws = bounded(int, 10, "a whole number of bootstrap refits", maximum=500)


def add_candidates_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `candidates` subcommand and its options; it runs `candidates`."""
    p = commands.add_parser(
        "candidates",
        help="refit the model's variants (carry-over, curves, pooling, model kind) and compare their advice",
        description="Refit the trained model's weekly history with other carry-over (none, long), curves (plain "
        "diminishing returns), pooling (none, strong) and the other model kind; score each on the same held-out weeks "
        "and say which fit about as well, each one's ROI ranking and recommended split of the recent budget, where "
        "they agree, and the lift test that would decide where they do not. The Model report page shows the result. "
        "Takes about a training's time per candidate (7 candidates); the artifacts are only read.",
    )
    add_artifacts_input(p)
    p.add_argument(
        "--out",
        type=Path,
        help="folder to write the candidates in (default: <artifacts>.candidates beside the artifacts, where the "
        "Model report page looks)",
    )
    p.add_argument(
        "--draws",
        type=draws,
        default=30,
        help="bootstrap refits per candidate behind its intervals and split (default: %(default)s)",
    )
    p.set_defaults(work=candidates)
    return p


def _check_out(out: Path, artifacts: Path) -> None:
    """The candidates never go inside an artifacts folder (it is checksummed) nor over a file."""
    resolved, art = out.resolve(), artifacts.resolve()
    if resolved == art or art in resolved.parents:
        raise InputError("--out", f"{out} is inside the artifacts folder {artifacts}; give a folder beside it")
    if resolved.exists() and not resolved.is_dir():
        raise InputError("--out", f"{out} is a file; give a folder")


def candidates(args: argparse.Namespace) -> None:
    """Fit the candidates with progress per candidate, write them, and print the comparison."""
    from ..model.artifacts import MANIFEST, file_sha256, load_artifacts
    from ..pipeline.candidate_files import candidates_dir, write_candidates
    from ..pipeline.candidates import build_candidates

    started = time.perf_counter()
    artifacts = load_artifacts(args.artifacts)
    out = args.out or candidates_dir(args.artifacts)
    _check_out(out, args.artifacts)
    found = build_candidates(
        artifacts, file_sha256(args.artifacts / MANIFEST), args.draws, report=lambda message, _f: log.info("%s", message)
    )
    written = write_candidates(found, out)
    _print(found, artifacts)
    print(f"wrote {written} in {time.perf_counter() - started:.1f} s")


def _print(found, artifacts) -> None:
    """The candidates, where they agree and the deciding tests, as the Model report shows them."""
    import pandas as pd

    from ..reporting.candidates import THRESHOLD_NOTE, agreement_table, candidate_sentences, candidates_table, deciding_table

    with pd.option_context("display.width", 250, "display.max_columns", None, "display.max_colwidth", 60):
        table = candidates_table(found).drop(columns=["what differs"])
        print(table.to_string(index=False))
        print()
        print("\n".join(candidate_sentences(found)))
        print()
        print(agreement_table(found).to_string(index=False))
        tests = deciding_table(found, artifacts.money)
        if len(tests):
            print()
            print(tests.to_string(index=False))
    print(f"\n{THRESHOLD_NOTE}")
