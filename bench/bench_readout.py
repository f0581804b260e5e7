"""The readout of finished tests on seeded synthetic tests with a known effect: does its 80% interval cover the true
delta_gmv 70-90% of the time, and is its sigma within 30% of the observed spread of its errors?

    python bench/bench_readout.py [--n 100] [--designs 60x4,60x8,100x4,30x6]

Each test (`gmvplanner/synth/readout_tests.py`): a tested and an untested subcategory's weekly GMV sharing season
and sale weeks, the tested one drifting on its own, 3% weekly noise, and a step of 0-8% of weekly GMV during the
test's weeks. A design is pre-period weeks x test weeks. Per design: coverage of the 80% interval, the ratio of
the root-mean-square sigma to the standard deviation of the errors, the mean error (bias) as a share of the mean
sigma, and the placebo windows' coverage of 0 on the first tests. Results go to bench/results/readout.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from gmvplanner.analysis.readout import counterfactual, placebos
from gmvplanner.config import ROOT
from gmvplanner.synth.readout_tests import synthetic_test

PLACEBO_TESTS = 10  # tests per design whose placebo windows are read out too (each costs up to 8 fits)


def run_design(pre: int, length: int, n: int) -> dict:
    """Coverage, sigma ratio and bias over `n` seeded tests of one design, and the placebos' coverage of 0."""
    errors, sigmas, covered, placebo_covered = [], [], [], []
    for seed in range(n):
        made = synthetic_test(seed, pre_weeks=pre, test_weeks=length)
        weekly = made.weekly.set_index("week_start")
        found = counterfactual(weekly["tested"], weekly[["control"]], made.test, seed=seed)
        lo, hi = found.interval
        errors.append(found.delta - made.true_delta)
        sigmas.append(found.sigma)
        covered.append(lo <= made.true_delta <= hi)
        if seed < PLACEBO_TESTS:
            checks = placebos(weekly["tested"], weekly[["control"]], made.test, seed=seed)
            placebo_covered.extend(np.abs(checks.deltas) <= 1.2816 * checks.sigmas)
    errors, sigmas = np.array(errors), np.array(sigmas)
    return {
        "pre_weeks": pre,
        "test_weeks": length,
        "tests": n,
        "coverage_80": round(float(np.mean(covered)), 3),
        "sigma_over_spread": round(float(np.sqrt(np.mean(sigmas**2)) / errors.std(ddof=1)), 3),
        "bias_over_sigma": round(float(errors.mean() / sigmas.mean()), 3),
        "placebo_coverage_80": round(float(np.mean(placebo_covered)), 3) if placebo_covered else None,
        "placebo_windows": len(placebo_covered),
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100, help="synthetic tests per design (default: %(default)s)")
    p.add_argument("--designs", default="60x4,60x8,100x4,30x6", help="pre-period weeks x test weeks, comma-separated")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "readout.json")
    args = p.parse_args(argv)
    started = time.perf_counter()
    rows = []
    for design in args.designs.split(","):
        pre, length = (int(v) for v in design.split("x"))
        rows.append(run_design(pre, length, args.n))
        print(json.dumps(rows[-1]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"designs": rows, "seconds": round(time.perf_counter() - started, 1)}, indent=2))
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
