"""Many analysts at once: N browser sessions (Playwright contexts in Debian's chromium) against local app processes.

    python -m bench.bench_load [--sessions 10] [--rounds 3] [--artifacts DIR] [--servers N [--proxy]]
                                                                                  (from the repo root)

Each session, all at the same time: opens the app (Predict draws a forecast at once), then per round types its own
monthly spend and horizon into the Predict form and submits, and finally raises TV by its own percentage with the
Scenario planner's quick change. It checks that no page shows an error, that every session's predicted total is
the one its own inputs give (computed here without the app) and that its plan holds its own TV change. It reports
rerun latency as the browser sees it (submit -> the new total drawn; quick change -> the new plan drawn) and, from
the server's own log ($GMV_RERUN_LOG), how long each script run took: median, p95 and max, whole-page runs and
fragment reruns alike (app_pages/reruns.py), with how many of each.
Target: p95 <= 2 s on 2 cores with 10 sessions. The browsers run at the lowest CPU priority (as if on the analysts'
own machines; `--same-priority` to share the cores evenly). Results go to bench/results/load.json (`--out`).

`--floor` measures what no server work can go below: the same N browsers open bench/floor_app.py (one Plotly chart,
no model, no data) at once, and the first chart each sees is the cost of the browsers and of Streamlit's own page on
this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gmvplanner.analysis.budget import historical_split
from gmvplanner.analysis.scenarios import default_scenario, predict_scenario
from gmvplanner.model.artifacts import load_artifacts
from gmvplanner.service.planner import ensure_trained, form_scenario, lever_ranges, recent_monthly_spend
from tests.e2e.app_server import CHROMIUM_FLAGS, ROOT, running_app, running_servers


def expected_total(art, sub: str, weeks: int, monthly: float) -> float:
    """What Predict must show for this session's inputs with every other field at its default (as the form rounds)."""
    first = art.last_week + pd.Timedelta(weeks=1)
    levers = {k: round(r.default, 2) for k, r in lever_ranges(art, sub).items() if k != "discount"}
    shares = dict(zip(art.channels, (historical_split(art) * 100).round(2).to_numpy()))
    scenario = form_scenario(art, first, weeks, sub, monthly_spend=monthly, channel_shares=shares, sale_days=0, **levers)
    return float(predict_scenario(art, scenario).query("subcategory == @sub")["predicted_gmv"].sum())


def session_inputs(art, i: int, rounds: int) -> list[tuple[int, float, str]]:
    """Session i's (weeks, monthly spend, the total Predict must show) per round, computed before the clock starts
    (the harness must not block the sessions' event loop with model calls)."""
    sub, recent = art.subcategories[0], recent_monthly_spend(art)
    out = []
    for r in range(rounds):
        weeks, monthly = 5 + (i + r) % 8, round(recent * (0.5 + 0.1 * i + 0.05 * r), 4)
        out.append((weeks, monthly, art.money.format(expected_total(art, sub, weeks, monthly))))
    return out


async def session(browser, url: str, i: int, inputs: list, want_tv: float, art, report: dict) -> None:
    """One analyst: Predict once per entry of `inputs` with their own values, then one quick change in the planner."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    latencies, mismatches, errors = [], [], []
    t0 = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=300_000)
    await page.locator(".js-plotly-plot").first.wait_for(timeout=300_000)  # a forecast on first sight
    first_chart = time.perf_counter() - t0
    for r, (weeks, monthly, want) in enumerate(inputs):
        await page.get_by_role("spinbutton", name=f"Marketing spend, monthly total ({art.money.name})").fill(f"{monthly:.4f}")
        await page.get_by_role("spinbutton", name="Weeks to predict").fill(str(weeks))
        start = time.perf_counter()
        await page.get_by_role("button", name="Predict", exact=True).click()
        await page.get_by_text(f"Over {weeks} week(s)").wait_for(timeout=120_000)
        latencies.append(time.perf_counter() - start)
        shown = (await page.locator('[data-testid="stMetricValue"]').all_inner_texts())[1]
        if shown != want:
            mismatches.append(f"round {r}: shown {shown}, own inputs give {want}")
    await page.get_by_role("link", name="Scenario planner").click()
    await page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=120_000)
    await page.get_by_text("Quick changes").click()
    pct = 5 * (i + 1)
    await page.get_by_role("spinbutton", name="Change (%)").fill(str(pct))
    await page.get_by_role("spinbutton", name="Change (%)").press("Tab")
    await page.wait_for_timeout(1000)
    before = await page.locator('[data-testid="stDataFrame"]').first.locator('[role="gridcell"]').nth(1).inner_text()
    start = time.perf_counter()
    await page.get_by_role("button", name="Change TV").click()
    editor = page.locator('[data-testid="stDataFrame"]').first  # the plan editor comes before the summary table
    for _ in range(480):
        running = await page.locator('[data-testid="stStatusWidget"]').is_visible()
        text = await editor.locator('[role="gridcell"]').nth(1).inner_text()
        if text != before and not running:
            break
        await page.wait_for_timeout(100)
    latencies.append(time.perf_counter() - start)
    await page.wait_for_timeout(1000)  # the page has settled: read the plan's first TV cell again
    text = await editor.locator('[role="gridcell"]').nth(1).inner_text()
    if not np.isclose(float(text), want_tv, rtol=1e-5):
        mismatches.append(f"plan TV {text}, own change gives {want_tv:.6f}")
    errors = await page.get_by_text("Something went wrong").all_inner_texts()
    errors += await page.locator('[data-testid="stException"]').all_inner_texts()
    report[i] = {"first_chart_s": first_chart, "latencies": latencies, "mismatches": mismatches, "errors": errors}
    await context.close()


def niced_chromium(folder: Path) -> Path:
    """A launcher running Debian's chromium at the lowest CPU priority: the analysts' browsers would run on their
    own machines, so here they only get what the server leaves (without this, ten renderers on the same two cores
    use four times the server's CPU and the latency measured is the harness's, not the app's)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    launcher = folder / "chromium-niced"
    # Playwright starts the browser in a session of its own (setsid), and with the kernel's autogroup scheduling
    # (/proc/sys/kernel/sched_autogroup_enabled) a nice value counts only inside its session: the browsers' session
    # then took half the cores from the server whatever their nice. Niceness of the session itself (its autogroup)
    # is what puts them behind the server
    launcher.write_text(f'#!/bin/sh\necho 19 > /proc/self/autogroup 2>/dev/null\nexec nice -n 19 {chromium} "$@"\n')
    launcher.chmod(0o755)
    return launcher


async def first_chart_only(browser, url: str, i: int, report: dict) -> None:
    """One session of the floor: open the page and time its first chart."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    t0 = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=300_000)
    await page.locator(".js-plotly-plot").first.wait_for(timeout=300_000)
    report[i] = {"first_chart_s": time.perf_counter() - t0}
    await context.close()


async def run_floor(url: str, n: int, nice: bool) -> dict:
    """N sessions opening the floor page at once."""
    from playwright.async_api import async_playwright

    report: dict[int, dict] = {}
    async with async_playwright() as pw:
        chromium = niced_chromium(Path(tempfile.mkdtemp())) if nice else shutil.which("chromium") or "/usr/bin/chromium"
        browser = await pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS)
        await asyncio.gather(*(first_chart_only(browser, url, i, report) for i in range(n)))
        await browser.close()
    return report


def floor(args: argparse.Namespace) -> None:
    """--floor: the first charts of N sessions on a page that does no work (see the module's docstring)."""
    loadavg_at_start = Path("/proc/loadavg").read_text().strip()
    with running_app(args.artifacts, script=ROOT / "bench" / "floor_app.py") as url:
        started = time.perf_counter()
        report = asyncio.run(run_floor(url, args.sessions, nice=not args.same_priority))
        wall = time.perf_counter() - started
    charts = sorted(s["first_chart_s"] for s in report.values())
    out = {
        "floor": "bench/floor_app.py: one Plotly chart, no model, no data",
        "sessions": args.sessions,
        "loadavg_at_start": loadavg_at_start,
        "browsers": "same CPU priority as the server" if args.same_priority else "niced (nice 19): clients elsewhere",
        "wall_s": round(wall, 1),
        "first_chart_s": {"min": round(charts[0], 2), "median": round(statistics.median(charts), 2), "max": round(charts[-1], 2)},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


async def run(urls: list[str], n: int, rounds: int, art, nice: bool) -> dict:
    from playwright.async_api import async_playwright

    report: dict[int, dict] = {}
    async with async_playwright() as pw:
        chromium = niced_chromium(Path(tempfile.mkdtemp())) if nice else shutil.which("chromium") or "/usr/bin/chromium"
        browser = await pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS)
        tv = float(default_scenario(art)["TV"].iloc[0])
        plans = [(session_inputs(art, i, rounds), tv * (1 + 5 * (i + 1) / 100)) for i in range(n)]
        await asyncio.gather(
            *(session(browser, urls[i % len(urls)], i, inputs, want, art, report) for i, (inputs, want) in enumerate(plans))
        )
        await browser.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="Predict submissions per session")
    parser.add_argument("--artifacts", type=Path, default=ROOT / "artifacts")
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="app processes sharing the sessions (round robin), as behind a load balancer with sticky sessions",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="put the --servers processes behind nginx (deploy/serve.sh, sticky by cookie): every session opens one "
        "address, as a team would; without it each session is sent to a process round robin",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json", help="where the JSON result goes")
    parser.add_argument(
        "--same-priority", action="store_true", help="run the browsers at the server's CPU priority (default: niced)"
    )
    parser.add_argument(
        "--floor", action="store_true", help="time only the first charts of a page doing no work (the browsers' floor)"
    )
    args = parser.parse_args()
    if args.floor:
        floor(args)
        return
    ensure_trained(args.artifacts)
    loadavg_at_start = Path("/proc/loadavg").read_text().strip()
    art = load_artifacts(args.artifacts)
    rerun_log = Path(tempfile.mkdtemp()) / "reruns.csv"
    os.environ["GMV_RERUN_LOG"] = str(rerun_log)  # the server appends each script run's duration
    with contextlib.ExitStack() as servers:
        if args.proxy:
            urls = [servers.enter_context(running_servers(args.artifacts, args.servers))]
        else:
            urls = [servers.enter_context(running_app(args.artifacts)) for _ in range(args.servers)]
        started = time.perf_counter()
        report = asyncio.run(run(urls, args.sessions, args.rounds, art, nice=not args.same_priority))
        wall = time.perf_counter() - started
    latencies = [v for s in report.values() for v in s["latencies"]]
    runs = pd.read_csv(rerun_log, names=["at", "seconds", "kind", "cpu"]) if rerun_log.exists() else pd.DataFrame()
    server = runs["seconds"] if len(runs) else pd.Series([np.nan])
    out = {
        "sessions": args.sessions,
        "servers": args.servers,
        "proxy": "nginx, sticky by cookie (deploy/serve.sh)" if args.proxy else "none: sessions sent round robin",
        "loadavg_at_start": loadavg_at_start,
        "browsers": "same CPU priority as the server" if args.same_priority else "niced (nice 19): clients elsewhere",
        "reruns": len(latencies),
        "wall_s": round(wall, 1),
        "first_chart_s_max": round(max(s["first_chart_s"] for s in report.values()), 2),
        "rerun_latency_s": {
            "median": round(statistics.median(latencies), 3),
            "p95": round(float(np.percentile(latencies, 95)), 3),
            "max": round(max(latencies), 3),
        },
        "server_script_run_s": {
            "runs": int(server.notna().sum()),
            "median": round(float(server.median()), 3),
            "p95": round(float(server.quantile(0.95)), 3),
            "max": round(float(server.max()), 3),
            "cpu_seconds_total": round(float(server.sum()), 1),
            "whole_page_runs": int((runs["kind"] == "app").sum()) if len(runs) else 0,
            "fragment_runs": int((runs["kind"] == "fragment").sum()) if len(runs) else 0,
            "by_kind_median": runs.groupby("kind")["seconds"].median().round(3).to_dict() if len(runs) else {},
        },
        # the CPU time of the run's own thread: what a run costs, without waiting for the other sessions (numpy's and
        # DuckDB's worker threads are not counted)
        "server_cpu_per_run_s": {
            "median": round(float(runs["cpu"].median()), 3) if len(runs) else None,
            "p95": round(float(runs["cpu"].quantile(0.95)), 3) if len(runs) else None,
            "max": round(float(runs["cpu"].max()), 3) if len(runs) else None,
            "by_kind_median": runs.groupby("kind")["cpu"].median().round(3).to_dict() if len(runs) else {},
            "total": round(float(runs["cpu"].sum()), 1) if len(runs) else None,
        },
        "sessions_with_wrong_numbers": {i: s["mismatches"] for i, s in report.items() if s["mismatches"]},
        "sessions_with_errors": {i: s["errors"] for i, s in report.items() if s["errors"]},
    }
    out["loadavg_at_end"] = Path("/proc/loadavg").read_text().strip()
    print(json.dumps(out, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
