"""`ecommerce_testing.py report`: the one-pager, one self-contained HTML file to send."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import PLAN_WEEKS, RECENT_WEEKS
from .common import add_artifacts_input, check_out, log, margins, positive_amount, positive_int

__all__ = ["add_report_parser", "report"]


def add_report_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `report` subcommand and its options; it runs `report`."""
    p = commands.add_parser(
        "report",
        help="write the one-pager: one self-contained HTML file to send",
        description="Write one self-contained HTML file (Plotly charts inlined, no network needed to open it) with "
        "fit and holdout against naive baselines, the weekly decomposition of GMV into baseline and channels, share "
        "of spend vs share of effect, ROI with intervals, response curves with the current and recommended spend, "
        "carry-over per channel and the recommended split of the budget.",
    )
    add_artifacts_input(p)
    p.add_argument("--out", type=Path, required=True, help="where to write the HTML file, e.g. report.html")
    p.add_argument(
        "--budget",
        type=positive_amount,
        help="budget to split over the horizon, in the model's spend unit (crore ₹ for ElecKart) "
        "or a weekly table's own unit (default: the recent run rate, "
        f"the last {RECENT_WEEKS} weeks' spend per week times --weeks)",
    )
    p.add_argument(
        "--weeks", type=positive_int, default=PLAN_WEEKS, help="horizon of the recommended split (default: %(default)s)"
    )
    p.add_argument(
        "--margin",
        type=margins,
        help="contribution margin as a share of GMV, one for every subcategory (0.25) or per subcategory "
        "(CameraAccessory=0.2,HomeAudio=0.3; others count 0): the split maximises profit and the summary leads with "
        "its expected profit (GMV x margin - media spend)",
    )
    p.set_defaults(work=report)
    return p


def report(args: argparse.Namespace) -> None:
    """Build the one-pager from the artifacts and write it to --out."""
    check_out(args.out, args.artifacts)
    from ..model.artifacts import load_artifacts
    from ..service.planner import report_html

    artifacts = load_artifacts(args.artifacts)
    log.info("building the one-pager (the recommended split takes a few seconds)")
    from ..analysis.budget import subcategory_margins

    margin = subcategory_margins(artifacts, args.margin) if args.margin is not None else None
    page = report_html(artifacts, args.budget, args.weeks, margin)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB; opens in any browser, no network needed)")
