"""Holdout forecast accuracy on real weekly sales-and-marketing tables and on generated worlds (issue 23, item 5).

    python bench/bench_forecast.py                         # every data set (about 15-20 min on 2 cores)
    python bench/bench_forecast.py --datasets brand_c,oj_tropicana --tag quick
    python bench/bench_forecast.py --datasets real         # the real tables only (a few minutes)

For each data set the last H weeks are held out, H = min(--holdout, floor(15% of the weeks with a target)), and six
predictors forecast exactly those weeks from the weeks before them:

- default, forest: the real CLI (`python ecommerce_training.py ...` in a subprocess; default options, and
  `--model forest`). WAPE comes from the training's own backtest.csv (held-out weeks, split == holdout). Coverage
  comes from a second training on the table cut before the held-out
  weeks, whose model then predicts those weeks with their real spend: for the weekly tables through the package's
  `predict_scenario` (the function behind `ecommerce_testing.py predict`) with the real controls as well, because
  the predict CLI refuses a weekly table's control columns; for the worlds through `ecommerce_testing.py predict`
  itself, with the real levers (price, discount, SLAs, sale days, holidays, NPS, prepaid share) but the vertical mix
  left at its default. The CLI route with spend only (controls at the model's defaults) is kept in the JSON, and
  so is the coverage of the backtest's own interval when backtest.csv has `lower`/`upper` columns.
- last week (the last training value), the 13-week mean (of the last 13 training weeks), a seasonal naive (the
  same week 52 weeks earlier; only when there are at least 52 + H training weeks, else n/a): point forecasts on
  full-week-equivalent values (partial weeks scaled to 7 days), 80% intervals from the empirical 10% and 90%
  quantiles of the baseline's own one-step-ahead residuals over the training weeks (so they ignore that errors grow
  with the horizon). Missing weeks inside the training span are filled by linear interpolation for the baselines.
- ets: statsforecast AutoETS when installed, else statsmodels' ETSModel chosen by AIC (season_length 52 when
  there are at least 104 training weeks, else non-seasonal) with
  its own 80% prediction interval (requirements-bench.txt; imported only when needed).

WAPE = sum |prediction - actual| / sum actual over the held-out weeks; coverage = share of held-out weeks whose
actual lies inside the predictor's 80% interval (ideal 80). The generated worlds (gmvplanner.synth, ElecKart layout,
trained through --orders/--media) are scored the same way, pooled over their three subcategories.

Sources and column roles of the real tables: bench/forecast_data/SOURCES.md. Results: bench/results/forecast*.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CODE = ROOT  # the checkout whose CLI and package are benchmarked: --code (a frozen copy) or this one
DATA = ROOT / "bench" / "forecast_data"
RESULTS = ROOT / "bench" / "results"
COVERAGE = 0.80
RECENT = 13  # weeks of the 13-week mean
SEASON = 52
WORLD_ORDERS = 600_000  # as bench_truth.py --worlds
WORLD_WINDOW = ("2014-07-01", "2016-06-30")
PREDICTORS = ("default", "forest", "last_week", "mean_13_weeks", "seasonal_naive", "ets")


@dataclass(frozen=True)
class Table:
    """A real weekly table: which file, which rows, and the role of each column."""

    file: str
    date: str
    target: str
    channels: tuple[str, ...]
    controls: tuple[str, ...]
    where: tuple[str, str] | None = None  # (column, value): the rows of one series in a long file
    window: tuple[str | None, str | None] = (None, None)  # first and last week_start kept (inclusive)
    note: str = ""


TUNA_WINDOW = (None, "1995-09-07")  # weeks 1-313 (the CLI read dates from 1990 only before issue 36); a 4-week gap follows
TUNA_CONTROLS = ("LPRICE1", "LPRICE2", "LPRICE4", "FULLCUST")
OJ_CONTROLS = ("deal_share", "price_per_oz")
TABLES: dict[str, Table] = {
    "brand_c": Table(
        "brand_c_mma.csv",
        "weekDay",
        "eq_volum",
        ("tvgrp_c", "fsi_holi", "fsi_non"),
        ("disacv_c", "bonusacv", "price_c", "price_e", "price_p", "tvgrp_u", "fsi_comp", "itemstor", "walmart", "trustad"),
        note="MMA Brand C, 179 weeks 2000-2003; TV GRPs and FSI coupon drops",
    ),
    "tuna_starkist": Table(
        "tuna_dominicks.csv",
        "week_start",
        "MOVE1",
        ("NSALE1",),
        TUNA_CONTROLS,
        window=TUNA_WINDOW,
        note="Dominick's canned tuna, Star Kist 6 oz; display activity",
    ),
    "tuna_chicken_sea": Table(
        "tuna_dominicks.csv",
        "week_start",
        "MOVE2",
        ("NSALE2",),
        TUNA_CONTROLS,
        window=TUNA_WINDOW,
        note="Dominick's canned tuna, Chicken of the Sea 6 oz; display activity",
    ),
    "tuna_bumble_bee": Table(
        "tuna_dominicks.csv",
        "week_start",
        "MOVE4",
        ("NSALE4",),
        TUNA_CONTROLS,
        window=TUNA_WINDOW,
        note="Dominick's canned tuna, Bumble Bee Chunk 6.12 oz; display activity",
    ),
    "oj_tropicana": Table(
        "oj_dominicks.csv",
        "week_start",
        "units_per_store",
        ("feat_share",),
        OJ_CONTROLS + ("price_minute_maid_64oz", "price_dominicks_64oz"),
        where=("brand", "tropicana_premium_64oz"),
        note="Dominick's orange juice, Tropicana Premium 64 oz; feature ads",
    ),
    "oj_minute_maid": Table(
        "oj_dominicks.csv",
        "week_start",
        "units_per_store",
        ("feat_share",),
        OJ_CONTROLS + ("price_tropicana_premium_64oz", "price_dominicks_64oz"),
        where=("brand", "minute_maid_64oz"),
        note="Dominick's orange juice, Minute Maid 64 oz; feature ads",
    ),
    "oj_dominicks": Table(
        "oj_dominicks.csv",
        "week_start",
        "units_per_store",
        ("feat_share",),
        OJ_CONTROLS + ("price_tropicana_premium_64oz", "price_minute_maid_64oz"),
        where=("brand", "dominicks_64oz"),
        note="Dominick's orange juice, Dominick's own label 64 oz; feature ads",
    ),
}
WORLDS: dict[str, tuple[str, int]] = {  # name -> (generator world, seed); seeds 5-8 are bench_truth's report seeds
    "world_today": ("today", 5),
    "world_delayed": ("delayed", 6),
    "world_mixed": ("mixed", 7),
}


@dataclass
class Scored:
    """One predictor's held-out forecast of one data set (rows: held-out weeks, and for worlds subcategories)."""

    predicted: np.ndarray
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def cli(args: list[str]) -> float:
    """Run one of the project's entry points (of CODE) in a fresh interpreter; seconds taken. A failure stops the
    benchmark with the tool's own message."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(CODE), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, *args], cwd=CODE, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def holdout_weeks(n_with_target: int, cap: int) -> int:
    return int(min(cap, np.floor(0.15 * n_with_target)))


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.abs(predicted - actual).sum() / np.abs(actual).sum())


def coverage(actual: np.ndarray, lower: np.ndarray | None, upper: np.ndarray | None) -> float | None:
    if lower is None or upper is None:
        return None
    return float(((actual >= lower) & (actual <= upper)).mean())


# ---------------------------------------------------------------------------------------------- baselines


def regular(train: pd.Series) -> pd.Series:
    """Training values (full-week equivalents) on an unbroken weekly grid, gaps filled linearly."""
    grid = pd.date_range(train.index.min(), train.index.max(), freq="7D")
    return train.reindex(grid).interpolate("linear")


def residual_interval(point: np.ndarray, residuals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.quantile(residuals, [(1 - COVERAGE) / 2, (1 + COVERAGE) / 2])
    return point + lo, point + hi


def baselines(train: pd.Series, horizon: int, use_ets: bool = True) -> dict[str, Scored]:
    """The four baselines' forecasts of the `horizon` weeks after `train` (full-week equivalents, dated index)."""
    y = regular(train).to_numpy(float)
    out: dict[str, Scored] = {}
    point = np.full(horizon, y[-1])
    out["last_week"] = Scored(point, *residual_interval(point, y[1:] - y[:-1]))
    point = np.full(horizon, y[-RECENT:].mean())
    rolling = pd.Series(y).rolling(RECENT).mean().shift(1).to_numpy()
    out["mean_13_weeks"] = Scored(point, *residual_interval(point, (y - rolling)[RECENT:]))
    if len(y) >= SEASON + horizon:
        point = y[len(y) - SEASON : len(y) - SEASON + horizon]
        out["seasonal_naive"] = Scored(point, *residual_interval(point, y[SEASON:] - y[:-SEASON]))
    else:
        out["seasonal_naive"] = Scored(np.full(horizon, np.nan), note=f"n/a: {len(y)} training weeks < {SEASON}+{horizon}")
    if use_ets:
        out["ets"] = ets(y, horizon)
    return out


def ets(y: np.ndarray, horizon: int) -> Scored:
    """statsforecast's AutoETS when it is installed (it needs pandas < 3, so in its own environment); otherwise
    statsmodels' ETSModel with the same kind of selection: additive errors, trend none / additive / damped, a
    52-week additive season with two years of weeks, the lowest AIC; its own 80% prediction interval."""
    season = SEASON if len(y) >= 2 * SEASON else 1
    try:
        from statsforecast.models import AutoETS
    except ImportError:
        return _statsmodels_ets(pd.Series(np.asarray(y, float)), horizon, season)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = AutoETS(season_length=season).fit(y)
        fc = fitted.predict(h=horizon, level=[int(COVERAGE * 100)])
    model = str(getattr(fitted, "model_", {}).get("method", "")) if isinstance(getattr(fitted, "model_", None), dict) else ""
    return Scored(
        np.asarray(fc["mean"]),
        np.asarray(fc[f"lo-{int(COVERAGE * 100)}"]),
        np.asarray(fc[f"hi-{int(COVERAGE * 100)}"]),
        note=f"AutoETS season_length={season} {model}".strip(),
    )


def _statsmodels_ets(y: pd.Series, horizon: int, season: int) -> Scored:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    options = [(None, False), ("add", False), ("add", True)]
    best, best_aic, label = None, np.inf, ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for trend, damped in options:
            for seasonal in [None, "add"] if season > 1 else [None]:
                try:
                    fit = ETSModel(
                        y,
                        error="add",
                        trend=trend,
                        damped_trend=damped,
                        seasonal=seasonal,
                        seasonal_periods=season if seasonal else None,
                    ).fit(disp=False)
                except Exception:  # a configuration that cannot be fitted on this series is skipped
                    continue
                if np.isfinite(fit.aic) and fit.aic < best_aic:
                    best, best_aic, label = fit, fit.aic, f"A,{trend or 'N'}{'d' if damped else ''},{seasonal or 'N'}"
        if best is None:
            return Scored(np.full(horizon, np.nan), note="n/a: no ETS configuration could be fitted")
        frame = best.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=1 - COVERAGE)
    return Scored(
        frame["mean"].to_numpy(), frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy(), note=f"statsmodels ETS {label}"
    )


# ---------------------------------------------------------------------------------------------- weekly tables


def load_table(table: Table) -> pd.DataFrame:
    """The series' rows: week_start (datetime), the target, channels and controls, in date order."""
    raw = pd.read_csv(DATA / table.file)
    if table.where:
        raw = raw.loc[raw[table.where[0]] == table.where[1]]
    frame = pd.DataFrame({"week_start": pd.to_datetime(raw[table.date], format="mixed")})
    for col in (table.target, *table.channels, *table.controls):
        frame[col] = raw[col].to_numpy()
    first, last = table.window
    if first:
        frame = frame.loc[frame["week_start"] >= pd.Timestamp(first)]
    if last:
        frame = frame.loc[frame["week_start"] <= pd.Timestamp(last)]
    return frame.sort_values("week_start").reset_index(drop=True)


def weekly_cli(table: Table, csv: Path, art: Path, model: str | None, holdout: int | None, seed: int) -> float:
    args = ["ecommerce_training.py", "--weekly", str(csv), "--date-col", "week_start", "--target", table.target]
    args += ["--channels", ",".join(table.channels), "--artifacts", str(art), "--seed", str(seed), "--quiet"]
    if table.controls:
        args += ["--controls", ",".join(table.controls)]
    if holdout is not None:
        args += ["--holdout-weeks", str(holdout)]
    if model:
        args += ["--model", model]
    return cli(args)


def backtest_holdout(art: Path) -> pd.DataFrame:
    bt = pd.read_csv(art / "backtest.csv", parse_dates=["week_start"])
    return bt.loc[(bt["split"] == "holdout") & bt["actual_gmv"].notna()].reset_index(drop=True)


def backtest_interval(bt: pd.DataFrame) -> dict:
    """The held-out coverage of the backtest's own 80% interval, when backtest.csv has one (lower, upper)."""
    if not {"lower", "upper"} <= set(bt.columns):
        return {}
    actual = bt["actual_gmv"].to_numpy(float)
    return {"backtest_coverage": coverage(actual, bt["lower"].to_numpy(float), bt["upper"].to_numpy(float))}


def library_predict(art: Path, scenario: pd.DataFrame) -> pd.DataFrame:
    """The held-out weeks through the package's predict_scenario (what `ecommerce_testing.py predict` calls), with
    columns the CLI's scenario loader would refuse (a weekly table's controls)."""
    from gmvplanner.analysis.scenarios import predict_scenario
    from gmvplanner.model.artifacts import load_artifacts

    return predict_scenario(load_artifacts(art), scenario)


def cli_predict(art: Path, scenario: pd.DataFrame, work: Path) -> tuple[pd.DataFrame | None, str]:
    path, out = work / f"scenario_{art.name}.csv", work / f"predicted_{art.name}.csv"
    scenario.assign(week_start=scenario["week_start"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    try:
        cli(["ecommerce_testing.py", "predict", "--artifacts", str(art), "--scenario", str(path), "--out", str(out), "--quiet"])
    except RuntimeError as exc:
        return None, str(exc).strip().splitlines()[-1][:300]
    return pd.read_csv(out, parse_dates=["week_start"]), ""


def run_table(name: str, table: Table, cap: int, seed: int, work: Path, use_ets: bool) -> dict:
    frame = load_table(table)
    n = int(frame[table.target].notna().sum())
    h = holdout_weeks(n, cap)
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    full_csv = folder / "table.csv"
    frame.assign(week_start=frame["week_start"].dt.strftime("%Y-%m-%d")).to_csv(full_csv, index=False)
    log(f"{name}: {n} weeks with a target, holding out the last {h}")
    scores: dict[str, Scored] = {}
    seconds: dict[str, float] = {}
    held = None
    for label, model in (("default", None), ("forest", "forest")):
        seconds[f"{label}_full"] = weekly_cli(table, full_csv, folder / f"full_{label}", model, h, seed)
        bt = backtest_holdout(folder / f"full_{label}")
        held = bt if held is None else held
        if not bt["week_start"].equals(held["week_start"]):
            raise RuntimeError(f"{name}: the {label} backtest holds out other weeks than the default's")
        scores[label] = Scored(bt["predicted_gmv"].to_numpy(float))
        scores[label].extra.update(backtest_interval(bt))
        metrics = pd.read_csv(folder / f"full_{label}" / "metrics.csv").set_index("predictor")["wape"].to_dict()
        scores[label].extra["tool_metrics_wape"] = {k: float(v) for k, v in metrics.items()}
        log(
            f"  {label}: trained on the full table in {seconds[f'{label}_full']:.1f} s; backtest WAPE "
            f"{wape(bt['actual_gmv'].to_numpy(), bt['predicted_gmv'].to_numpy()):.3f}"
        )
    first_held = held["week_start"].iloc[0]
    if not frame.loc[frame["week_start"] >= first_held, "week_start"].reset_index(drop=True).equals(held["week_start"]):
        raise RuntimeError(f"{name}: the backtest's held-out weeks are not the table's last {h} weeks")
    train = frame.loc[frame["week_start"] < first_held]
    cut_csv = folder / "train.csv"
    train.assign(week_start=train["week_start"].dt.strftime("%Y-%m-%d")).to_csv(cut_csv, index=False)
    future = frame.loc[frame["week_start"] >= first_held].reset_index(drop=True)
    actual = future[table.target].to_numpy(float)
    with_controls = future[["week_start", *table.channels, *table.controls]]
    spend_only = future[["week_start", *table.channels]]
    for label, model in (("default", None), ("forest", "forest")):
        art = folder / f"cut_{label}"
        seconds[f"{label}_cut"] = weekly_cli(table, cut_csv, art, model, None, seed)
        lib = library_predict(art, with_controls)
        scores[label].lower, scores[label].upper = lib["lower"].to_numpy(float), lib["upper"].to_numpy(float)
        scores[label].extra["forecast_wape"] = wape(actual, lib["predicted_gmv"].to_numpy(float))
        via_cli, error = cli_predict(art, spend_only, folder)
        if via_cli is not None:
            scores[label].extra["cli_predict_spend_only"] = {
                "wape": wape(actual, via_cli["predicted_gmv"].to_numpy(float)),
                "coverage": coverage(actual, via_cli["lower"].to_numpy(float), via_cli["upper"].to_numpy(float)),
            }
        else:
            scores[label].extra["cli_predict_spend_only"] = {"error": error}
        try:
            _, error = cli_predict(art, with_controls, folder)
            scores[label].extra["cli_predict_with_controls"] = error or "accepted"
        except Exception as exc:  # noqa: BLE001 - recorded, not fatal
            scores[label].extra["cli_predict_with_controls"] = str(exc)[:300]
        log(
            f"  {label}: trained on the {len(train)} training weeks in {seconds[f'{label}_cut']:.1f} s; forecast WAPE "
            f"{scores[label].extra['forecast_wape']:.3f}, 80% coverage "
            f"{coverage(actual, scores[label].lower, scores[label].upper):.2f}"
        )
    series = train.set_index("week_start")[table.target].astype(float).dropna()
    scores.update(baselines(series, h, use_ets))
    return summarise(name, "real", actual, scores, seconds, n_weeks=n, holdout=h, train_weeks=len(series), note=table.note)


# ---------------------------------------------------------------------------------------------- generated worlds


LEVERS = ("product_mrp", "discount", "sla", "procurement_sla", "sale_days", "holidays", "nps")


def world_files(world: str, seed: int, cache: Path) -> dict[str, Path]:
    from gmvplanner.synth import SynthConfig, ensure_default_data

    return ensure_default_data(
        cache / f"{world}_seed{seed}_{WORLD_ORDERS}", SynthConfig(seed=seed, n_orders=WORLD_ORDERS, world=world)
    )


def orders_cli(paths: dict[str, Path], art: Path, model: str | None, holdout: int | None, end: str, seed: int) -> float:
    args = ["ecommerce_training.py", "--orders", str(paths["orders"]), "--media", str(paths["media_weekly"])]
    args += ["--sale-calendar", str(paths["sales"]), "--nps", str(paths["nps"]), "--holidays", str(paths["holidays"])]
    args += ["--start", WORLD_WINDOW[0], "--end", end, "--artifacts", str(art), "--seed", str(seed), "--quiet"]
    if holdout is not None:
        args += ["--holdout-weeks", str(holdout)]
    if model:
        args += ["--model", model]
    return cli(args)


def run_world(name: str, world: str, world_seed: int, cap: int, seed: int, work: Path, cache: Path, use_ets: bool) -> dict:
    paths = world_files(world, world_seed, cache)
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    weeks = pd.date_range(pd.Timestamp(WORLD_WINDOW[0]).to_period("W-SUN").start_time, WORLD_WINDOW[1], freq="7D")
    h = holdout_weeks(len(weeks), cap)
    log(f"{name}: world '{world}' seed {world_seed}, {WORLD_ORDERS} orders, {len(weeks)} weeks, holding out the last {h}")
    scores: dict[str, Scored] = {}
    seconds: dict[str, float] = {}
    held = None
    for label, model in (("default", None), ("forest", "forest")):
        seconds[f"{label}_full"] = orders_cli(paths, folder / f"full_{label}", model, h, WORLD_WINDOW[1], seed)
        bt = backtest_holdout(folder / f"full_{label}").sort_values(["subcategory", "week_start"]).reset_index(drop=True)
        held = bt if held is None else held
        scores[label] = Scored(bt["predicted_gmv"].to_numpy(float))
        scores[label].extra.update(backtest_interval(bt))
        log(
            f"  {label}: trained in {seconds[f'{label}_full']:.1f} s; backtest WAPE "
            f"{wape(bt['actual_gmv'].to_numpy(), bt['predicted_gmv'].to_numpy()):.3f}"
        )
    actual = held["actual_gmv"].to_numpy(float)
    first_held = held["week_start"].min()
    history = pd.read_csv(folder / "full_default" / "history.csv", parse_dates=["week_start"])
    company = pd.read_csv(folder / "full_default" / "company_spend.csv", parse_dates=["week_start"]).set_index("week_start")
    channels = [c for c in company.columns if c != "days"]
    spend = company[channels].div(company["days"], axis=0).mul(7).loc[lambda f: f.index >= first_held]  # full weeks
    rows = []
    for _, row in held.iterrows():
        h_row = history.loc[(history["subcategory"] == row["subcategory"]) & (history["week_start"] == row["week_start"])].iloc[0]
        scen = {"week_start": row["week_start"], "subcategory": row["subcategory"], **spend.loc[row["week_start"]].to_dict()}
        scen.update({lever: float(h_row[lever]) for lever in LEVERS})
        scen["prepaid_share"] = float(h_row["mix_payment_Prepaid"])
        rows.append(scen)
    scenario = pd.DataFrame(rows)
    end_cut = (first_held - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    for label, model in (("default", None), ("forest", "forest")):
        art = folder / f"cut_{label}"
        seconds[f"{label}_cut"] = orders_cli(paths, art, model, None, end_cut, seed)
        predicted, error = cli_predict(art, scenario, folder)
        if predicted is None:
            raise RuntimeError(f"{name}: ecommerce_testing.py predict failed: {error}")
        predicted = predicted.merge(held[["subcategory", "week_start", "days"]], on=["subcategory", "week_start"], how="right")
        scale = predicted["days"].to_numpy(float) / 7.0  # a partial last week: the scenario predicts 7 days
        scores[label].lower = predicted["lower"].to_numpy(float) * scale
        scores[label].upper = predicted["upper"].to_numpy(float) * scale
        scores[label].extra["forecast_wape"] = wape(actual, predicted["predicted_gmv"].to_numpy(float) * scale)
        log(
            f"  {label}: trained to {end_cut} in {seconds[f'{label}_cut']:.1f} s; forecast WAPE "
            f"{scores[label].extra['forecast_wape']:.3f}, 80% coverage "
            f"{coverage(actual, scores[label].lower, scores[label].upper):.2f}"
        )
    pooled: dict[str, list[Scored]] = {}
    train_weeks = 0
    for sub, rows_sub in held.groupby("subcategory", sort=False):
        h_sub = history.loc[history["subcategory"] == sub].set_index("week_start").sort_index()
        rate = (h_sub["gmv"] / h_sub["days"] * 7).loc[lambda s: s.index < first_held].dropna()
        train_weeks = len(rate)
        for key, scored in baselines(rate, len(rows_sub), use_ets).items():
            pooled.setdefault(key, []).append((scored, rows_sub["days"].to_numpy(float) / 7.0))
    for key, parts in pooled.items():
        joined = [
            np.concatenate([getattr(s, part) * sc for s, sc in parts]) if getattr(parts[0][0], part) is not None else None
            for part in ("predicted", "lower", "upper")
        ]
        scores[key] = Scored(joined[0], joined[1], joined[2], note=parts[0][0].note)
    return summarise(
        name,
        "generated",
        actual,
        scores,
        seconds,
        n_weeks=len(weeks),
        holdout=h,
        train_weeks=train_weeks,
        note=f"gmvplanner.synth world '{world}', seed {world_seed}, 3 subcategories pooled",
    )


# ---------------------------------------------------------------------------------------------- report


def summarise(name: str, kind: str, actual: np.ndarray, scores: dict[str, Scored], seconds: dict, **info) -> dict:
    row = {"dataset": name, "kind": kind, **info, "actual_mean": float(np.mean(actual)), "seconds": seconds}
    for key in PREDICTORS:
        s = scores.get(key)
        if s is None or np.isnan(s.predicted).all():
            row[key] = {"wape": None, "coverage": None, "note": s.note if s else "not run"}
            continue
        row[key] = {
            "wape": wape(actual, s.predicted),
            "coverage": coverage(actual, s.lower, s.upper),
            "predicted_mean": float(np.mean(s.predicted)),
            "interval_width_rel": float(np.mean((s.upper - s.lower) / np.abs(actual))) if s.lower is not None else None,
            "note": s.note,
            **s.extra,
        }
    return row


def code_version(code: Path) -> dict:
    """Which code was measured: the git commit of this checkout and a digest of the package files benchmarked."""
    digest = hashlib.sha256()
    for path in sorted((code / "gmvplanner").rglob("*.py")):
        digest.update(str(path.relative_to(code)).encode() + b"\0" + path.read_bytes())
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"path": str(code), "checkout_head": head, "gmvplanner_sha256": digest.hexdigest()}


def table(rows: list[dict]) -> str:
    head = "| data set | weeks (train/held) | " + " | ".join(f"{p} WAPE % / cov %" for p in PREDICTORS) + " |"
    lines = [head, "|" + "---|" * (2 + len(PREDICTORS))]
    for r in rows:
        cells = []
        for p in PREDICTORS:
            w, c = r[p]["wape"], r[p]["coverage"]
            cells.append("n/a" if w is None else f"{100 * w:.1f} / " + ("-" if c is None else f"{100 * c:.0f}"))
        lines.append(f"| {r['dataset']} | {r['train_weeks']}/{r['holdout']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    names = [*TABLES, *WORLDS]
    parser.add_argument(
        "--datasets", default="all", help=f"comma-separated, or 'all', 'real', 'worlds' (default: all): {', '.join(names)}"
    )
    parser.add_argument("--holdout", type=int, default=26, help="held-out weeks, at most 15%% of a table's weeks (default: 26)")
    parser.add_argument("--seed", type=int, default=42, help="training seed passed to the CLI (default: 42)")
    parser.add_argument("--out", type=Path, default=None, help="JSON results (default: bench/results/forecast[_TAG].json)")
    parser.add_argument("--tag", default="", help="suffix of the default results file")
    parser.add_argument("--work", type=Path, default=None, help="keep artifacts and generated worlds here (default: temporary)")
    parser.add_argument("--no-ets", action="store_true", help="skip the statsforecast model")
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="checkout whose CLI and package are benchmarked, e.g. a frozen copy made with `git archive HEAD | tar -x "
        "-C DIR` (default: this one, as it is on disk, uncommitted edits included)",
    )
    args = parser.parse_args()
    global CODE
    CODE = args.code.resolve()
    sys.path.insert(0, str(CODE))
    chosen = {"all": names, "real": list(TABLES), "worlds": list(WORLDS)}.get(args.datasets, args.datasets.split(","))
    unknown = [d for d in chosen if d not in names]
    if unknown:
        parser.error(f"unknown data set(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    out = args.out or RESULTS / (f"forecast_{args.tag}.json" if args.tag else "forecast.json")
    np.random.seed(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_forecast_"))
    cache = (args.work or Path(tempfile.gettempdir())) / "gmvplanner_forecast_worlds"
    start = time.perf_counter()
    rows = []
    try:
        for name in chosen:
            if name in TABLES:
                rows.append(run_table(name, TABLES[name], args.holdout, args.seed, work, not args.no_ets))
            else:
                world, world_seed = WORLDS[name]
                rows.append(run_world(name, world, world_seed, args.holdout, args.seed, work, cache, not args.no_ets))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - start
    print()
    print(table(rows))
    print(
        f"\nheld-out WAPE % (lower is better) / share of held-out weeks inside the 80% interval (ideal 80); {total / 60:.1f} min"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "code": code_version(CODE),
                "holdout_cap": args.holdout,
                "seed": args.seed,
                "total_seconds": round(total, 1),
                "rows": rows,
            },
            indent=1,
            default=lambda o: o.isoformat() if hasattr(o, "isoformat") else str(o),
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
