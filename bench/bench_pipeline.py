"""Benchmark the pipeline on the embedded default data: generation, training time and memory, prediction latency.

    python bench/bench_pipeline.py            # uses data/ (generates it first if missing)
    python bench/bench_pipeline.py --regenerate   # also times generating the data set from scratch

Targets (2 cores): training <= 30 s and <= 2 GB on 1.6M orders; a 12-week, 3-subcategory scenario in <= 100 ms warm.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gmvplanner.config import DATA_DIR, ROOT


def _child(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one fresh Python process running `args` as a script.

    The child reports its own peak (RUSAGE_SELF), so earlier children cannot inflate the figure.
    """
    code = (
        "import resource, runpy, sys; sys.argv = " + repr(args) + "; "
        "import contextlib\n"
        "with contextlib.suppress(SystemExit): runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak_kb = int(done.stdout.split("PEAK_KB")[-1].split()[0])
    return wall, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate", action="store_true", help="time a fresh generation of the default data")
    parser.add_argument("--repeats", type=int, default=30, help="prediction repeats (default: %(default)s)")
    args = parser.parse_args()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.regenerate:
            script = tmp / "generate.py"
            script.write_text(f"from gmvplanner.synth import write_dataset\nwrite_dataset({str(tmp / 'gen')!r})\n")
            wall, peak = _child([str(script)])
            results["generate_seconds"] = round(wall, 2)
            results["generate_peak_mb"] = round(peak, 1)
        else:
            from gmvplanner.synth import ensure_default_data

            ensure_default_data(DATA_DIR)
        rows = sum(1 for _ in open(DATA_DIR / "ConsumerElectronics.csv", "rb")) - 1
        results["order_rows"] = rows
        wall, peak = _child(["ecommerce_training.py", "--quiet", "--artifacts", str(tmp / "art")])
        results["train_seconds"] = round(wall, 2)
        results["train_peak_mb"] = round(peak, 1)

        from gmvplanner.analysis.scenarios import predict_scenario
        from gmvplanner.data.scenario_files import load_scenario
        from gmvplanner.model.artifacts import load_artifacts

        art = load_artifacts(tmp / "art")
        history = art.table("history")
        scenario = load_scenario(ROOT / "data" / "example_scenario.csv", art.channels)
        predict_scenario(art, scenario, history=history)  # warm-up
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            out = predict_scenario(art, scenario, history=history)
            times.append((time.perf_counter() - start) * 1000)
        results["predict_rows"] = len(out)
        results["predict_ms_median"] = round(statistics.median(times), 1)
        results["predict_ms_p95"] = round(sorted(times)[int(0.95 * (len(times) - 1))], 1)
        results["holdout"] = art.manifest.metrics
    print(json.dumps(results, indent=1))
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "pipeline.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
