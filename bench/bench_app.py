"""Time the app as a user sees it, in Debian's chromium: cold start to first chart, and warm reruns.

    python -m bench.bench_app [--artifacts DIR] [--fresh]     (from the repo root, so `tests` is importable)

cold start: `streamlit run` launched -> the first Plotly chart drawn (Predict draws one on opening, no click).
--fresh: start from an empty artifacts folder, so the cold start includes training on the default data.
warm rerun: change 'Weeks to predict', submit, wait until the new total is drawn (median of 7).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from tests.e2e.app_server import CHROMIUM_FLAGS, ROOT, running_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artifacts", type=Path, default=ROOT / "artifacts")
    parser.add_argument("--fresh", action="store_true", help="empty artifacts folder: include first-start training")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    artifacts = Path(tempfile.mkdtemp()) / "artifacts" if args.fresh else args.artifacts
    started = time.perf_counter()
    with running_app(artifacts) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.locator(".js-plotly-plot").first.wait_for(timeout=300_000)
        cold = time.perf_counter() - started
        warm = []
        for weeks in (2, 5, 3, 6, 4, 7, 2):
            page.get_by_label("Weeks to predict").fill(str(weeks))
            t0 = time.perf_counter()
            page.get_by_role("button", name="Predict", exact=True).click()
            page.get_by_text(f"Over {weeks} week(s)", exact=True).wait_for(timeout=30_000)  # the total's label
            page.locator(".js-plotly-plot").first.wait_for()
            warm.append(time.perf_counter() - t0)
        browser.close()
    out = {
        "cold_start_to_first_chart_s": round(cold, 2),
        "fresh_artifacts": args.fresh,
        "warm_rerun_median_s": round(statistics.median(warm), 3),
        "warm_rerun_max_s": round(max(warm), 3),
    }
    print(json.dumps(out, indent=1))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"app{'_fresh' if args.fresh else ''}.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
