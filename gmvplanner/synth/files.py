"""A generated data set on disk: the CSV writers, the lift tests, `write_dataset` and the embedded default's cache."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pac

from ..config import DEFAULT_SUBCATEGORIES, ORDER_COLUMNS
from .tables import generate
from .truth import TrueProcess
from .world import SynthConfig

__all__ = ["FILE_NAMES", "DEFAULT_FILES", "DATA_VERSION", "write_dataset", "lift_tests", "ensure_default_data"]

log = logging.getLogger(__name__)

DATA_VERSION = 3  # bump when the generator changes what it writes (2: returning customers; 3: new share per channel)

FILE_NAMES = {  # role -> file name of every file a data set has
    "orders": "ConsumerElectronics.csv",
    "media": "MediaInvestment.csv",
    "media_weekly": "MediaInvestmentWeekly.csv",
    "sales": "SpecialSale.csv",
    "holidays": "HolidayList.csv",
    "nps": "MonthlyNPS.csv",
    "truth": "truth.json",
    "lift_tests": "LiftTests.csv",
}
DEFAULT_FILES = tuple(FILE_NAMES.values())

LIFT_TEST_SEED_OFFSET = 1_000  # the lift tests draw from default_rng(seed + this)
LIFT_TEST_WEEKS = 4
LIFT_TEST_END_GAP = 13  # the tests run in the year before the last this-many weeks
LIFT_TEST_LOOKBACK = 40  # the first test starts this many weeks before that gap
LIFT_TEST_SPACING = 12  # weeks between the starts of consecutive tests
LIFT_TEST_NOISE = 0.15  # a test's sigma as a share of its true lift, as a well-powered test reports
LIFT_TEST_MIN_SIGMA = 1e4  # rupees


def lift_tests(truth: TrueProcess, subcategories: list[str], seed: int, n_tests: int = 3) -> pd.DataFrame:
    """Realistic lift tests from the true process: on each of the `n_tests` channels with the largest true effect,
    4 weeks with half as much spend again, in the year before the last 13 weeks. `delta_gmv` is the true extra GMV
    of `subcategories` over the test's days (carry-over after it is not measured) plus noise of the stated
    `sigma` (15% of the true lift, as a well-powered test reports). Its own random stream, so the other files do not change."""
    rng = np.random.default_rng(seed + LIFT_TEST_SEED_OFFSET)
    spend = truth.weekly_spend_crore
    effect = sum(truth.media_gmv(spend, sub).sum() for sub in subcategories)
    rows = []
    for k, channel in enumerate(effect.sort_values(ascending=False).index[:n_tests]):
        first = len(spend) - LIFT_TEST_END_GAP - LIFT_TEST_LOOKBACK + LIFT_TEST_SPACING * k
        weeks = spend.index[first : first + LIFT_TEST_WEEKS]
        extra = 0.5 * max(float(spend.loc[weeks, channel].sum()), float(spend[channel].mean()) * LIFT_TEST_WEEKS)
        more = spend.copy()
        more.loc[weeks, channel] += extra / LIFT_TEST_WEEKS
        true_lift = sum(
            (truth.media_gmv(more, sub)[channel] - truth.media_gmv(spend, sub)[channel]).loc[weeks].sum() for sub in subcategories
        )
        sigma = max(LIFT_TEST_NOISE * true_lift, LIFT_TEST_MIN_SIGMA)
        rows.append(
            {
                "channel": channel,
                "start": weeks[0].strftime("%Y-%m-%d"),
                "end": (weeks[-1] + pd.Timedelta(days=6)).strftime("%Y-%m-%d"),
                "delta_spend": round(extra, 6),
                "delta_gmv": round(float(true_lift + rng.normal(0, sigma)), 2),
                "sigma": round(sigma, 2),
            }
        )
    return pd.DataFrame(rows)


def write_dataset(folder: Path, config: SynthConfig | None = None) -> dict[str, Path]:
    """Generate and write every file into `folder`; returns the paths by role (the keys of `FILE_NAMES`)."""
    config = config or SynthConfig()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables, truth = generate(config)
    paths = {role: folder / name for role, name in FILE_NAMES.items()}
    _orders_csv(tables["orders"], paths["orders"])
    tables["media_monthly"].to_csv(paths["media"], index=False)
    weekly = tables["media_weekly"].copy()
    weekly["date"] = weekly["date"].dt.strftime("%Y-%m-%d")
    weekly.round(6).to_csv(paths["media_weekly"], index=False)
    tables["sales"].to_csv(paths["sales"], index=False)
    tables["holidays"].to_csv(paths["holidays"], index=False)
    tables["nps"].to_csv(paths["nps"], index=False)
    paths["truth"].write_text(
        json.dumps(
            {
                "data_version": DATA_VERSION,
                "config": config.__dict__ | {"subcategories": list(config.subcategories)},
                **truth.to_json(),
            },
            indent=1,
        )
    )
    lift_tests(truth, list(DEFAULT_SUBCATEGORIES), config.seed).to_csv(paths["lift_tests"], index=False)
    log.info("wrote %d order rows to %s", len(tables["orders"]), paths["orders"])
    return paths


def ensure_default_data(folder: Path, config: SynthConfig | None = None) -> dict[str, Path]:
    """Generate the embedded default data set into `folder` unless it is already complete.

    Files are generated in a temporary sibling folder and moved in at the end, so an interrupted
    run never leaves a half-written orders file that later runs would trust.
    """
    folder = Path(folder)
    paths = {role: folder / name for role, name in FILE_NAMES.items()}
    if all(p.exists() for p in paths.values()) and _data_version(paths["truth"]) == DATA_VERSION:
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    log.info("generating the embedded default data set into %s (about 15 s, once)", folder)
    tmp = Path(tempfile.mkdtemp(prefix=".generating-", dir=folder))
    try:
        written = write_dataset(tmp, config)
        for role, path in written.items():
            Path(path).replace(paths[role])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return paths


def _data_version(truth: Path) -> int | None:
    """The `data_version` a truth.json records, or None if it cannot be read."""
    try:
        return json.loads(Path(truth).read_text()).get("data_version")
    except (OSError, ValueError, AttributeError):
        return None


def _orders_csv(orders: pd.DataFrame, path: Path) -> None:
    """Write orders fast, unquoted, with `\\N` and blanks where the real file has them."""
    ts = pa.array(orders["order_date"].to_numpy().astype("datetime64[s]"))
    cols = {
        "order_date": pac.strftime(ts, format="%Y-%m-%d %H:%M:%S"),
        "Year": pac.cast(pac.year(ts), pa.large_string()),
        "Month": pac.cast(pac.month(ts), pa.large_string()),
    }
    parts = [
        pac.fill_null(pac.cast(cols[name] if name in cols else _as_arrow(orders[name]), pa.large_string()), "")
        for name in ORDER_COLUMNS
    ]
    line = pac.binary_join_element_wise(*parts, pa.scalar(",", pa.large_string()))
    line = pac.binary_join_element_wise(line, pa.scalar("", pa.large_string()), pa.scalar("\n", pa.large_string()))
    if isinstance(line, pa.ChunkedArray):
        line = line.combine_chunks()
    buffers = line.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64, count=len(line) + 1, offset=line.offset * 8)
    with open(path, "wb") as fh:
        fh.write((",".join(ORDER_COLUMNS) + "\n").encode())
        fh.write(memoryview(buffers[2])[offsets[0] : offsets[-1]])


def _as_arrow(values: pd.Series) -> pa.Array:
    """One orders column as an Arrow array, whole floats as integers (so 6400.0 is written 6400, blanks stay null)."""
    if values.dtype.kind == "f":
        whole = values.dropna()
        if (whole == np.round(whole)).all():
            values = values.astype("Int64")
    return pa.array(values.to_numpy(dtype=object) if values.dtype == object else values, from_pandas=True)
