"""A shop's own export, trained in one command (issue 26): a generated one-year UK "Online Retail" export.

    python bench/bench_shop.py                 # ~540,000 lines, trains with the online_retail preset and --currency GBP
    python bench/bench_shop.py --lines 50000   # a quick run

The export is generated (seeded) in the UCI Online Retail layout (InvoiceNo, StockCode, Description, Quantity,
InvoiceDate like "12/1/2010 8:26", UnitPrice, CustomerID, Country): ~4,000 products, ~4,300 customers, a quarter of
the lines without a customer id, ~2% of invoices cancellations ("C..." with negative quantities), a few exact
duplicate lines, no orders on Saturdays, busier towards November. The real UCI file is not used (no download).

It then runs `python ecommerce_training.py --orders <export> --columns-preset online_retail --currency GBP` in a
subprocess (no media file) and reports:

- seconds and peak memory (the child's max RSS) of the training;
- the penny check: the export's sales read by plain pandas under the documented rules (exact duplicate lines once,
  cancelled invoices and negative quantities or prices left out, GMV = Quantity x UnitPrice) against the sum of the
  trained weekly GMV (history.csv) and the cleaning report's valid orders;
- the customers: distinct non-blank CustomerIDs against the segments' customer count;
- whether "crore", "lakh" or "₹" appears in the CLI's output, any CSV or the one-pager.

Results: bench/results/shop.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FIRST_DAY, LAST_DAY = pd.Timestamp("2010-12-01"), pd.Timestamp("2011-12-09")
INR_WORDS = ("crore", "lakh", "₹")


def _products(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Stock codes, descriptions, prices (GBP, mostly 0.4 to 15) and popularity."""
    codes = [f"{c}" for c in rng.choice(np.arange(10000, 99999), n, replace=False)]
    prices = np.round(np.exp(rng.normal(0.9, 0.8, n)), 2).clip(0.1, 300.0)
    words = np.array(["WHITE", "RED", "HEART", "VINTAGE", "LANTERN", "BAG", "CANDLE", "MUG", "CARD", "BOX", "SET", "JAR"])
    desc = [" ".join(rng.choice(words, 3)) for _ in range(n)]
    popularity = rng.pareto(1.2, n) + 0.05
    return pd.DataFrame({"code": codes, "desc": desc, "price": prices, "p": popularity / popularity.sum()})


def _invoice_days(rng: np.random.Generator, n_invoices: int) -> np.ndarray:
    """Invoice days: no Saturdays, a rising trend to a November peak, a December dip."""
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    days = days[days.day_of_week != 5]
    month_weight = {12: 1.1, 1: 0.8, 2: 0.75, 3: 0.95, 4: 0.85, 5: 1.0, 6: 0.95, 7: 0.95, 8: 0.95, 9: 1.3, 10: 1.5, 11: 1.9}
    weight = np.array([month_weight[d.month] * (0.7 if d.day_of_week == 6 else 1.0) for d in days])
    chosen = rng.choice(len(days), n_invoices, p=weight / weight.sum())
    chosen[:3], chosen[-3:] = 0, len(days) - 1  # the first and last day are ordinary trading days
    return np.sort(days.to_numpy()[chosen])


def generate(lines: int, seed: int = 2010) -> pd.DataFrame:
    """A one-year export in the UCI Online Retail layout, about `lines` lines."""
    rng = np.random.default_rng(seed)
    products = _products(rng, 4000)
    customers = rng.choice(np.arange(12346, 18288), 4300, replace=False)
    n_invoices = lines // 21
    days = _invoice_days(rng, n_invoices)
    minutes = rng.integers(8 * 60, 20 * 60, n_invoices)
    stamps = pd.DatetimeIndex(days) + pd.to_timedelta(minutes, unit="min")
    sizes = rng.geometric(1 / 21, n_invoices).clip(1, 400)
    customer = np.where(rng.random(n_invoices) < 0.25, -1, rng.choice(customers, n_invoices, p=_weights(rng, 4300)))
    invoice_no = np.arange(536365, 536365 + n_invoices)
    line_inv = np.repeat(np.arange(n_invoices), sizes)
    item = rng.choice(len(products), len(line_inv), p=products["p"].to_numpy())
    sizes_p = [0.2, 0.15, 0.1, 0.1, 0.12, 0.05, 0.08, 0.12, 0.06, 0.02]
    qty = rng.choice([1, 2, 3, 4, 6, 8, 10, 12, 24, 48], len(line_inv), p=sizes_p)
    frame = pd.DataFrame(
        {
            "InvoiceNo": invoice_no[line_inv].astype(str),
            "StockCode": products["code"].to_numpy()[item],
            "Description": products["desc"].to_numpy()[item],
            "Quantity": qty,
            "InvoiceDate": stamps[line_inv],
            "UnitPrice": products["price"].to_numpy()[item],
            "CustomerID": customer[line_inv],
            "Country": np.where(rng.random(n_invoices) < 0.9, "United Kingdom", "Germany")[line_inv],
        }
    )
    frame = pd.concat([frame, _cancellations(rng, frame), frame.sample(frac=0.01, random_state=seed)], ignore_index=True)
    frame = frame.sort_values("InvoiceDate", kind="stable", ignore_index=True)
    return _as_written(frame)


def _weights(rng: np.random.Generator, n: int) -> np.ndarray:
    """Customers' ordering weights: a few order often, most rarely."""
    w = rng.pareto(3.0, n) + 0.3
    return w / w.sum()


def _cancellations(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """About 2% of lines cancelled later: invoice 'C' + a new number, the same line with negative quantity."""
    cancelled = frame.sample(frac=0.02, random_state=int(rng.integers(1 << 30))).copy()
    cancelled["InvoiceNo"] = "C" + cancelled["InvoiceNo"]
    cancelled["Quantity"] = -cancelled["Quantity"]
    later = pd.to_timedelta(rng.integers(1, 72 * 60, len(cancelled)), unit="min")
    cancelled["InvoiceDate"] = (cancelled["InvoiceDate"] + later).clip(upper=LAST_DAY + pd.Timedelta(hours=17))
    return cancelled


def _as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns as the export writes them: dates m/d/Y H:MM, blank customer ids."""
    ts = pd.DatetimeIndex(frame["InvoiceDate"])
    frame["InvoiceDate"] = [f"{m}/{d}/{y} {h}:{mi:02d}" for m, d, y, h, mi in zip(ts.month, ts.day, ts.year, ts.hour, ts.minute)]
    frame["CustomerID"] = frame["CustomerID"].astype(str).where(frame["CustomerID"] >= 0, "")
    return frame


def plain_sales(path: Path) -> dict:
    """The export's sales by plain pandas under the README's rules (gross of returns)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    kept = raw.drop_duplicates()
    qty, price = kept["Quantity"].astype(float), kept["UnitPrice"].astype(float)
    cancelled = kept["InvoiceNo"].str.strip().str.startswith("C")
    sale = ~cancelled & (qty >= 0) & (price >= 0)
    return {
        "lines": len(raw),
        "duplicates": len(raw) - len(kept),
        "cancelled_lines": int(cancelled.sum()),
        "gross_gmv": float((qty[sale] * price[sale]).sum()),
        "customers": int(kept.loc[sale & (kept["CustomerID"] != ""), "CustomerID"].nunique()),
    }


def train(export: Path, artifacts: Path) -> dict:
    """Train with the preset and GBP, no media; seconds, the child's peak memory and its output."""
    cmd = [sys.executable, "ecommerce_training.py", "--orders", str(export), "--columns-preset", "online_retail"]
    cmd += ["--currency", "GBP", "--artifacts", str(artifacts)]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode != 0:
        raise SystemExit(f"training failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1), "output": done.stdout + done.stderr}


def _inr_words(artifacts: Path, output: str) -> list[str]:
    """Where 'crore', 'lakh' or '₹' appear: the CLI output, the CSVs, the manifest and the one-pager."""
    found = [f"cli output: {w}" for w in INR_WORDS if w in output]
    for file in [*artifacts.glob("*.csv"), artifacts / "manifest.json", artifacts / "one_pager.html"]:
        if file.exists():
            text = file.read_text(encoding="utf-8")
            found += [f"{file.name}: {w}" for w in INR_WORDS if w in text]
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=520_000, help="lines before cancellations and duplicates (default ~540k after)")
    p.add_argument("--seed", type=int, default=2010)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "shop.json")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        export, artifacts = Path(tmp) / "online_retail.csv", Path(tmp) / "artifacts"
        generate(args.lines, args.seed).to_csv(export, index=False)
        plain = plain_sales(export)
        run = train(export, artifacts)
        report_cmd = [sys.executable, "ecommerce_testing.py", "report", "--artifacts", str(artifacts)]
        report_cmd += ["--out", str(Path(tmp) / "one_pager.html")]
        pager = subprocess.run(report_cmd, cwd=ROOT, capture_output=True, text=True)
        html = Path(tmp) / "one_pager.html"
        history = pd.read_csv(artifacts / "history.csv")
        cleaning = pd.read_csv(artifacts / "cleaning_report.csv").set_index("reason")
        segments = pd.read_csv(artifacts / "customer_segments.csv")
        words = _inr_words(artifacts, run["output"] + pager.stdout + pager.stderr)
        if html.exists():
            words += [f"one_pager.html: {w}" for w in INR_WORDS if w in html.read_text(encoding="utf-8")]
        result = {
            **plain,
            "seconds": run["seconds"],
            "peak_mb": run["peak_mb"],
            "weekly_gmv": float(history["gmv"].sum()),
            "valid_gmv": float(cleaning.loc["valid orders", "gmv"]),
            "penny_difference": round(float(history["gmv"].sum()) - plain["gross_gmv"], 6),
            "segment_customers": int(segments["customers"].sum()),
            "one_pager": pager.returncode == 0,
            "inr_words": words,
        }
    result["penny_ok"] = abs(result["penny_difference"]) < 0.005
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
