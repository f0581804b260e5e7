"""Training at scale: wall time and peak memory against the number of order rows (Parquet folders).

    python bench/bench_scale.py [--rows 1.6M,16M,100M] [--stage ingest|train] [--keep]

For each size it writes a folder of Parquet part files under bench/results/scale/ (in chunks of the default
data's 1.64M rows, so generating never holds more than one chunk: rows are drawn from the default orders with
fresh order ids and dates spread over the same window), then runs, in a fresh process, either the ingestion
stage alone (DuckDB: read, clean, aggregate) or the whole training, and records its wall time and peak
resident memory. It writes bench/results/scale.json and a Plotly chart, bench/results/scale.html.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pac
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results"


def _rows(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1e3, "M": 1e6, "B": 1e9}.get(text[-1], 1)
    return int(float(text.rstrip("KMB")) * scale)


def generate(n_rows: int, folder: Path, seed: int = 0) -> Path:
    """n_rows orders as Parquet part files, one chunk at a time, drawn from the default data."""
    from gmvplanner.config import DATA_DIR
    from gmvplanner.synth import ensure_default_data

    done = folder / "_complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    template = pq.read_table(_default_parquet(ensure_default_data(DATA_DIR)["orders"]))
    dates = pac.strptime(template["order_date"], format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    rng = np.random.default_rng(seed)
    chunk = template.num_rows
    for part, first in enumerate(range(0, n_rows, chunk)):
        size = min(chunk, n_rows - first)
        take = rng.integers(0, template.num_rows, size)
        table = template.take(pa.array(take))
        ids = pa.array([str(10**15 + first + i) for i in range(size)])
        table = table.set_column(table.column_names.index("order_item_id"), "order_item_id", ids)
        shift = rng.integers(-3, 4, size) * 86_400  # spread the copies over nearby days
        moved = pac.add(pac.cast(dates.take(pa.array(take)), pa.int64()), pa.array(shift))
        moved = pac.strftime(pac.cast(moved, pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
        table = table.set_column(table.column_names.index("order_date"), "order_date", moved)
        pq.write_table(table, folder / f"part-{part:05d}.parquet", compression="zstd")
        print(f"  wrote {first + size:,} of {n_rows:,} rows", flush=True)
    done.write_text("")
    return folder


def _default_parquet(csv_path: Path) -> Path:
    """The default orders as text Parquet (once): the template chunks are drawn from."""
    target = OUT / "scale" / "template.parquet"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        from gmvplanner.data.readers import read_table

        pq.write_table(read_table(csv_path), target)
    return target


CHILD = """
import sys, time, json, resource
from pathlib import Path
stage, orders, out = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if stage == "ingest":
    from gmvplanner.data.ingest import aggregate_orders
    aggregate_orders(orders)
else:
    from gmvplanner.config import DATA_DIR
    from gmvplanner.pipeline import TrainingInputs, train
    from gmvplanner.synth import ensure_default_data
    paths = ensure_default_data(DATA_DIR)
    paths["orders"] = Path(orders)
    train(TrainingInputs.from_dataset(paths), Path(out))
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_gb": peak_kb / 1024**2}))
"""


def measure(stage: str, orders: Path) -> dict:
    """Run one stage in a fresh process; its wall time and peak resident memory (the process's own)."""
    out = OUT / "scale" / "artifacts"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", CHILD, stage, str(orders), str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    figures = json.loads(result.stdout[result.stdout.rindex("{") :])  # the child's last line, whatever came before
    figures["process_seconds"] = time.perf_counter() - started
    figures["children_peak_gb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1.6M,16M,100M", help="comma-separated sizes (default: %(default)s)")
    parser.add_argument("--stage", default="train", choices=["ingest", "train"])
    args = parser.parse_args()
    rows = []
    for text in args.rows.split(","):
        n = _rows(text)
        folder = generate(n, OUT / "scale" / f"orders_{text.strip()}")
        figures = measure(args.stage, folder)
        rows.append({"rows": n, "stage": args.stage, **figures})
        print(f"{n:>12,} rows  {args.stage}: {figures['seconds']:7.1f} s  peak {figures['peak_gb']:.2f} GB", flush=True)
    OUT.mkdir(exist_ok=True)
    result_file = OUT / f"scale_{args.stage}.json"
    previous = json.loads(result_file.read_text()) if result_file.exists() else []
    merged = {r["rows"]: r for r in previous} | {r["rows"]: r for r in rows}
    result_file.write_text(json.dumps(sorted(merged.values(), key=lambda r: r["rows"]), indent=1))
    _plot(sorted(merged.values(), key=lambda r: r["rows"]), OUT / f"scale_{args.stage}.html", args.stage)


def _plot(rows: list[dict], path: Path, stage: str) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    x = [r["rows"] for r in rows]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=x, y=[r["seconds"] for r in rows], name="seconds", mode="lines+markers"))
    fig.add_trace(go.Scatter(x=x, y=[r["peak_gb"] for r in rows], name="peak GB", mode="lines+markers"), secondary_y=True)
    fig.update_xaxes(type="log", title="order rows")
    fig.update_yaxes(type="log", title="seconds", secondary_y=False)
    fig.update_yaxes(title="peak memory (GB)", secondary_y=True)
    fig.update_layout(title=f"GMV Planner {stage} at scale (2 cores)")
    fig.write_html(path, include_plotlyjs="cdn")  # a small file; the chart library loads from the CDN


if __name__ == "__main__":
    main()
