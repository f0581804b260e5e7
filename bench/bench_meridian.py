"""Google Meridian beside the tool on the pysimmmulator worlds (issue 31, item 2: "Meridian side by side").

Three steps, so each environment does only what it can:

    cd bench
    PYTHONPATH=.. python3 bench_meridian.py export [--configs ...] [--seeds 23,24]       # the project's python
    /work/venv-peers/bin/python bench_meridian.py fit [--configs ...] [--seeds 23,24]    # requirements-peers.txt venv
    PYTHONPATH=.. python3 bench_meridian.py score [--configs ...] [--seeds 23,24]        # the project's python

export: per world x seed, into bench/results/meridian/<world>_seed<N>/:
  - data.csv: one row per full Monday week of the training window (DATA_START..DATA_END; the two partial weeks at its
    ends, 6 and 4 days, are left out because Meridian needs equal periods): company spend per channel in RUPEES (the
    weekly file `MediaInvestmentWeekly.csv`, crore x 1e7), the KPI = GMV in rupees summed over the world's modelled
    subcategories (national; the valid orders the tool itself keeps, read and cleaned by the tool's own loader, so the
    ~5% of rows it drops as "GMV above units x MRP" are dropped here too), and `sale_days` = the week's number of days
    in the sale calendar (`SpecialSale.csv`), used as Meridian's only control.
  - meta.json: the budget (crore and rupees), the historical split, the per-channel bounds and the plan's first week,
    computed exactly as `bench_simmm.optimiser_vs_world` does: budget = the last 13 rows of the tool's
    `company_spend` table (weekly spend pro-rated to the days inside the window, so its last row is a 4-day week),
    historical split = `historical_split(art)` = each channel's share over the last 52 rows (its default
    `weeks=WEEKS_PER_YEAR`, not 13), bounds 0.25x-3x of split x budget. Where a trained artifact of the world is kept
    (bench/results/simmm_art/*/<world>_seed<N>_weekly) the numbers are checked against it.

fit (peers venv): Meridian national, weekly, revenue KPI, media = spend (the tool sees no impressions either),
  `PriorDistribution()` defaults with media_prior_type 'roi', ModelSpec defaults except `knots` (see --knots),
  NUTS via `sample_posterior`. Then `BudgetOptimizer().optimize` with a fixed budget over the last 13 full weeks of
  history, budget = export's, pct_of_spend = export's historical split, spend_constraint_lower 0.75 and upper 2.0
  (Meridian's bounds are (1 - lower) x and (1 + upper) x budget x pct_of_spend, so 0.25x-3x), and the posterior-mean
  ROI per channel over the whole window (`Analyzer.roi`). Writes meridian.json there.

score: the recommended shares x the budget, scored with the world's truth exactly as `optimiser_vs_world` does
  (captured_pct, truly_beats), and the rank correlation of Meridian's national ROI with each subcategory's true ROI,
  averaged (as the tool's roi_rho), plus with the national true ROI (media GMV of all subcategories / spend). Writes
  bench/results/meridian_simmm.json and bench/results/meridian_simmm.md (Meridian beside the tool's weekly rows of
  simmm_eb_rescored_final.json, the current tool on seeds 23-24, and of simmm_base.json, the earlier base run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
OUT = RESULTS / "meridian"
MAIN_RESULTS = Path("/work/main/bench/results")  # the shared checkout's caches (worlds and kept artifacts), if present
DEFAULT_CONFIGS = "example,strong_saturation,long_carryover"
DEFAULT_SEEDS = "23,24"
BUDGET_WEEKS = 13
HIST_WEEKS = 52  # historical_split's default window (WEEKS_PER_YEAR)
BOUNDS_RANGE = (0.25, 3.0)
RUPEES_PER_CRORE = 1e7
# the tool's weekly rows: the current tool (empirical-Bayes run, rescored with the final optimiser; seeds 23-24) and the
# earlier base run (main at 80b2edc, seeds 21-24)
OUR_RESULTS = ("simmm_eb_rescored_final.json", "simmm_base.json")


def _runs(args: argparse.Namespace) -> list[tuple[str, int]]:
    return [(name, int(seed)) for seed in args.seeds.split(",") for name in args.configs.split(",")]


def _folder(name: str, seed: int) -> Path:
    return OUT / f"{name}_seed{seed}"


# --- export (the project's python) ---------------------------------------------------------------------------------


def _world(name: str, seed: int):
    """The world's files and truth, from this checkout's cache, else the shared checkout's, else generated."""
    import simmm_worlds  # noqa: PLC0415

    local = simmm_worlds.CACHE / f"{name}_seed{seed}_{simmm_worlds.N_ORDERS}"
    shared = MAIN_RESULTS / "simmm"
    if not (local / "world.pkl").exists() and (shared / local.name / "world.pkl").exists():
        simmm_worlds.CACHE = shared
    return simmm_worlds.world_dataset(name, seed)


def _kept_artifact(name: str, seed: int) -> Path | None:
    for root in (RESULTS / "simmm_art", MAIN_RESULTS / "simmm_art"):
        for tag in ("eb", "base"):
            art = root / tag / f"{name}_seed{seed}_weekly"
            if (art / "company_spend.csv").exists():
                return art
    return None


def export_one(name: str, seed: int) -> dict:
    from simmm_worlds import DATA_END, DATA_START  # noqa: PLC0415

    from gmvplanner.pipeline.orders import TrainingInputs, _covered_window, _load  # noqa: PLC0415

    paths, world = _world(name, seed)
    inputs = TrainingInputs.from_dataset(paths, DATA_START, DATA_END, weekly_media=True)
    loaded = _load(inputs)  # the tool's own reading and cleaning of the orders (one pass)
    start, end = _covered_window(inputs, loaded.media, loaded.aggregate)
    subs = list(world.subcategories)
    daily = loaded.aggregate.valid_daily(start, end)
    daily = daily.loc[daily["subcategory"].isin(subs)]
    channels = list(loaded.media.channels)

    # weekly spend (crore) as the file has it, and pro-rated to the window's days as the tool's company_spend is
    weekly = pd.read_csv(paths["media_weekly"], parse_dates=["date"]).set_index("date")[channels]
    days_in = pd.Series(
        [int(((pd.date_range(w, periods=7) >= start) & (pd.date_range(w, periods=7) <= end)).sum()) for w in weekly.index],
        index=weekly.index,
    )
    company = weekly.mul(days_in / 7.0, axis=0).loc[days_in > 0]
    budget = float(company.iloc[-BUDGET_WEEKS:].sum().sum())
    hist = company.iloc[-HIST_WEEKS:].sum()
    split = hist / hist.sum()
    check = {}
    art_dir = _kept_artifact(name, seed)
    if art_dir is not None:
        from gmvplanner.analysis.budget import historical_split  # noqa: PLC0415
        from gmvplanner.model.artifacts import load_artifacts  # noqa: PLC0415

        art = load_artifacts(art_dir)
        their_budget = float(art.table("company_spend")[channels].iloc[-BUDGET_WEEKS:].sum().sum())
        their_split = historical_split(art).reindex(channels)
        check = {
            "artifact": str(art_dir),
            "budget_rel_gap": abs(their_budget / budget - 1),
            "split_max_abs_gap": float((their_split - split).abs().max()),
        }
        if check["budget_rel_gap"] > 1e-6 or check["split_max_abs_gap"] > 1e-6:
            raise SystemExit(f"{name} seed {seed}: budget/split differ from the kept artifact's: {check}")

    # the full weeks only, for Meridian
    full = days_in.index[days_in == 7]
    gmv = daily.groupby(pd.to_datetime(daily["day"]).dt.to_period("W-SUN").dt.start_time)["gmv"].sum()
    sale_dates = set(pd.to_datetime(loaded.sales["date"]).dt.normalize()) if loaded.sales is not None else set()
    data = pd.DataFrame({"time": [w.strftime("%Y-%m-%d") for w in full]})
    for c in channels:
        data[f"spend_{c}"] = weekly.loc[full, c].to_numpy() * RUPEES_PER_CRORE
    data["gmv"] = gmv.reindex(full).to_numpy()
    data["sale_days"] = [sum(d in sale_dates for d in pd.date_range(w, periods=7)) for w in full]
    if data["gmv"].isna().any():
        raise SystemExit(f"{name} seed {seed}: weeks without GMV")
    spent = [c for c in channels if split[c] > 0]
    meta = {
        "world": name,
        "seed": seed,
        "window": [str(start.date()), str(end.date())],
        "weeks_for_meridian": [data["time"].iloc[0], data["time"].iloc[-1], len(data)],
        "subcategories": subs,
        "channels": channels,
        "spent_channels": spent,
        "budget_crore": budget,
        "budget_rupees": budget * RUPEES_PER_CRORE,
        "budget_weeks": BUDGET_WEEKS,
        "historical_split": split.to_dict(),
        "historical_crore": (split * budget).to_dict(),
        "bounds_crore": {c: [BOUNDS_RANGE[0] * split[c] * budget, BOUNDS_RANGE[1] * split[c] * budget] for c in channels},
        "plan_first_week": str((end + pd.offsets.Week(weekday=0)).date()),
        "optimise_window": [data["time"].iloc[-BUDGET_WEEKS], data["time"].iloc[-1]],
        "check_vs_artifact": check,
        "units": "spend and GMV in rupees (crore x 1e7)",
        "control": "sale_days: days of the week in SpecialSale.csv (0-7)",
    }
    folder = _folder(name, seed)
    folder.mkdir(parents=True, exist_ok=True)
    data.to_csv(folder / "data.csv", index=False)
    (folder / "meta.json").write_text(json.dumps(meta, indent=1))
    print(
        f"{name} seed {seed}: {len(data)} weeks {meta['weeks_for_meridian'][:2]}, budget {budget:.4f} crore, "
        f"GMV {data['gmv'].sum() / 1e7:.2f} crore, sale weeks {int((data['sale_days'] > 0).sum())}, check {check}",
        flush=True,
    )
    return meta


# --- fit (the peers venv) ------------------------------------------------------------------------------------------


def fit_one(name: str, seed: int, args: argparse.Namespace) -> dict:
    from meridian import constants  # noqa: PLC0415
    from meridian.analysis import analyzer, optimizer  # noqa: PLC0415
    from meridian.data import data_frame_input_data_builder as dfb  # noqa: PLC0415
    from meridian.model import model, prior_distribution, spec  # noqa: PLC0415

    folder = _folder(name, seed)
    meta = json.loads((folder / "meta.json").read_text())
    data = pd.read_csv(folder / "data.csv")
    spent = meta["spent_channels"]
    builder = (
        dfb.DataFrameInputDataBuilder(kpi_type=constants.REVENUE)
        .with_kpi(data, kpi_col="gmv", time_col="time")
        .with_media(
            data,
            media_cols=[f"spend_{c}" for c in spent],
            media_spend_cols=[f"spend_{c}" for c in spent],
            media_channels=spent,
            time_col="time",
        )
    )
    if args.control == "sale_days":
        builder = builder.with_controls(data, control_cols=["sale_days"], time_col="time")
    input_data = builder.build()
    knots = None if args.knots == "default" else int(args.knots)
    model_spec = spec.ModelSpec(prior=prior_distribution.PriorDistribution(), media_prior_type="roi", knots=knots)
    mmm = model.Meridian(input_data=input_data, model_spec=model_spec)
    t0 = time.perf_counter()
    mmm.sample_posterior(n_chains=args.chains, n_adapt=args.adapt, n_burnin=args.burnin, n_keep=args.keep, seed=seed)
    seconds = time.perf_counter() - t0
    an = analyzer.Analyzer(mmm)  # its positional `meridian` argument is deprecated in 2.1 but works
    rhat = {k: float(np.nanmax(np.asarray(v))) for k, v in an.get_rhat().items() if np.asarray(v).size}
    roi_draws = np.asarray(an.roi())  # (chains, draws, channels): whole window, national
    roi = dict(zip(spent, roi_draws.reshape(-1, roi_draws.shape[-1]).mean(axis=0).tolist()))
    split = np.array([meta["historical_split"][c] for c in spent])
    split = split / split.sum()
    t1 = time.perf_counter()
    res = optimizer.BudgetOptimizer(mmm).optimize(
        start_date=meta["optimise_window"][0],
        end_date=meta["optimise_window"][1],
        fixed_budget=True,
        budget=meta["budget_rupees"],
        pct_of_spend=split.tolist(),
        spend_constraint_lower=1.0 - BOUNDS_RANGE[0],
        spend_constraint_upper=BOUNDS_RANGE[1] - 1.0,
        gtol=args.gtol,
    )
    opt_seconds = time.perf_counter() - t1
    opt = res.optimized_data
    non = res.nonoptimized_data
    optimized = opt["spend"].sel(channel=spent).to_numpy().astype(float)
    out = {
        "world": name,
        "seed": seed,
        "meridian_version": __import__("meridian").__version__,
        "draws": {"n_chains": args.chains, "n_adapt": args.adapt, "n_burnin": args.burnin, "n_keep": args.keep},
        "knots": args.knots,
        "control": args.control,
        "gtol": args.gtol,
        "sample_seconds": seconds,
        "optimise_seconds": opt_seconds,
        "rhat_max": max(rhat.values()),
        "rhat_max_by_param": rhat,
        "roi_posterior_mean": roi,
        "optimized_spend_rupees": dict(zip(spent, optimized.tolist())),
        "nonoptimized_spend_rupees": dict(zip(spent, non["spend"].sel(channel=spent).to_numpy().astype(float).tolist())),
        "recommended_share": dict(zip(spent, (optimized / optimized.sum()).tolist())),
        "optimized_total_incremental_outcome": float(opt.attrs.get("total_incremental_outcome", np.nan)),
        "nonoptimized_total_incremental_outcome": float(non.attrs.get("total_incremental_outcome", np.nan)),
    }
    (folder / f"meridian{args.tag}.json").write_text(json.dumps(out, indent=1))
    print(
        f"{name} seed {seed}: sampled in {seconds:.0f} s, R-hat max {out['rhat_max']:.3f}, optimised in {opt_seconds:.0f} s; "
        f"share x historical: "
        + ", ".join(f"{c} {out['recommended_share'][c] / s:.2f}" for c, s in zip(spent, split))
        + "; ROI "
        + ", ".join(f"{c} {v:.2f}" for c, v in roi.items()),
        flush=True,
    )
    return out


# --- score (the project's python) ----------------------------------------------------------------------------------


def _into_box(x: np.ndarray, lows: np.ndarray, highs: np.ndarray, total: float) -> np.ndarray:
    """`x` clipped into [lows, highs] with its sum kept at `total`: the excess or shortfall is spread over the channels
    with room, in proportion to their room."""
    x = np.clip(x, lows, highs)
    for _ in range(20):
        gap = total - x.sum()
        if abs(gap) <= 1e-12 * total:
            break
        room = (highs - x) if gap > 0 else (x - lows)
        x = np.clip(x + gap * room / room.sum(), lows, highs)
    return x


def score_one(name: str, seed: int, tag: str = "") -> dict:
    from bench_simmm import true_best  # noqa: PLC0415
    from scipy.stats import spearmanr  # noqa: PLC0415

    folder = _folder(name, seed)
    meta = json.loads((folder / "meta.json").read_text())
    fit = json.loads((folder / f"meridian{tag}.json").read_text())
    _, world = _world(name, seed)
    channels, budget = meta["channels"], meta["budget_crore"]
    historical = np.array([meta["historical_crore"][c] for c in channels])
    bounds = [tuple(meta["bounds_crore"][c]) for c in channels]
    share = np.array([fit["recommended_share"].get(c, 0.0) for c in channels])
    lows, highs = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    raw = share / share.sum() * budget
    # Meridian's grid rounds spend to its step (10,000 rupees at gtol 1e-3) and its total to a rounded budget, so the
    # shares x the exact budget can sit a little outside a bound: project back into the box (recorded, below 2% of a
    # channel's historical amount on every run)
    outside = float(np.max(np.maximum(lows - raw, raw - highs) / np.maximum(historical, 1e-12)))
    recommended = _into_box(raw, lows, highs, budget)
    response = world.plan_response(pd.Timestamp(meta["plan_first_week"]), BUDGET_WEEKS, meta["subcategories"])
    base, rec = response.gmv(channels, historical), response.gmv(channels, recommended)
    best_x, opt = true_best(response, channels, budget, bounds, [historical, recommended])
    captured = (rec - base) / (opt - base) * 100 if opt > base else float("nan")
    # ROI ranks: Meridian's national ROI against each subcategory's true ROI (averaged, as the tool's roi_rho) and
    # against the national true ROI (media GMV of the modelled subcategories / company spend)
    true = world.true_roi()
    spent = [c for c in world.channels if c in fit["roi_posterior_mean"]]
    est = pd.Series(fit["roi_posterior_mean"]).reindex(spent)
    rhos = {s: float(spearmanr(est, true.loc[s, spent]).statistic) for s in meta["subcategories"]}
    window = (world.days >= pd.Timestamp(meta["window"][0])) & (world.days <= pd.Timestamp(meta["window"][1]))
    national = sum(world.ad_revenue(s).loc[window].sum() for s in meta["subcategories"]) / world.spend.loc[window].sum()
    row = {
        "world": name,
        "seed": seed,
        "captured_pct": captured,
        "truly_beats": float(rec > base),
        "true_uplift_pct_of_base": (rec - base) / base * 100,
        "best_uplift_pct_of_base": (opt - base) / base * 100,
        "roi_rho": float(np.nanmean(list(rhos.values()))),
        "roi_rho_by_sub": rhos,
        "roi_rho_national": float(spearmanr(est, national.reindex(spent)).statistic),
        "bounds_max_violation_x_hist": max(outside, 0.0),
        "recommended_x": dict(zip(channels, (recommended / np.maximum(historical, 1e-12)).round(3).tolist())),
        "best_x": dict(zip(channels, (best_x / np.maximum(historical, 1e-12)).round(3).tolist())),
        "meridian_roi": fit["roi_posterior_mean"],
        "true_roi_national": national.reindex(spent).round(4).to_dict(),
        "rhat_max": fit["rhat_max"],
        "sample_seconds": fit["sample_seconds"],
        "draws": fit["draws"],
        "knots": fit["knots"],
        "control": fit["control"],
    }
    print(
        f"{name} seed {seed}: captured {captured:.1f}%, truly beats {rec > base}, rho {row['roi_rho']:.2f} "
        f"(national {row['roi_rho_national']:.2f}); x historical: "
        + ", ".join(f"{c} {v:.2f}" for c, v in row["recommended_x"].items() if meta["historical_split"][c] > 0)
        + "; true best: "
        + ", ".join(f"{c} {v:.2f}" for c, v in row["best_x"].items() if meta["historical_split"][c] > 0),
        flush=True,
    )
    return row


def _ours() -> dict[str, pd.DataFrame]:
    """The tool's weekly rows per results file of OUR_RESULTS (world, seed index)."""
    out = {}
    for fname in OUR_RESULTS:
        for path in (RESULTS / fname, MAIN_RESULTS / fname):
            if path.exists():
                d = json.loads(path.read_text())
                rows = pd.DataFrame(d["rows"] if isinstance(d, dict) else d)
                out[fname] = rows.loc[rows["media"] == "weekly"].set_index(["world", "seed"])
                break
    return out


def _cell(frame: pd.DataFrame | None, key: tuple, column: str, fmt: str) -> str:
    if frame is None or key not in frame.index:
        return "-"
    value = frame.loc[key, column]
    if fmt == "yes":
        return "yes" if value else "no"
    return format(value, fmt) + ("%" if column == "captured_pct" else "")


def table(rows: pd.DataFrame) -> str:
    """Meridian beside the tool: the current tool (eb, rescored with the final optimiser) and the earlier base run."""
    ours = _ours()
    eb, base = ours.get(OUR_RESULTS[0]), ours.get(OUR_RESULTS[1])
    lines = [
        "| world | seed | captured: Meridian | tool eb | tool base | truly beats: Meridian | tool eb | tool base "
        "| ROI rho: Meridian by sub / national | tool eb | tool base | Meridian R-hat max |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows.itertuples():
        key = (r.world, r.seed)
        lines.append(
            f"| {r.world} | {r.seed} | {r.captured_pct:.1f}% | {_cell(eb, key, 'captured_pct', '.1f')} | "
            f"{_cell(base, key, 'captured_pct', '.1f')} | {'yes' if r.truly_beats else 'no'} | "
            f"{_cell(eb, key, 'truly_beats', 'yes')} | {_cell(base, key, 'truly_beats', 'yes')} | "
            f"{r.roi_rho:.2f} / {r.roi_rho_national:.2f} | {_cell(eb, key, 'roi_rho', '.2f')} | "
            f"{_cell(base, key, 'roi_rho', '.2f')} | {r.rhat_max:.3f} |"
        )
    for label, subset in (("mean, seeds 23-24", rows["seed"].isin([23, 24])), ("mean, all seeds run", rows["seed"] > 0)):
        part = rows.loc[subset]
        if part.empty:
            continue
        keys = list(zip(part["world"], part["seed"]))

        def mean(frame, column, keys=keys):
            have = [k for k in keys if frame is not None and k in frame.index]
            return f"{frame.loc[have, column].mean():.1f}%" if len(have) == len(keys) else "-"

        def rho(frame, keys=keys):
            have = [k for k in keys if frame is not None and k in frame.index]
            return f"{frame.loc[have, 'roi_rho'].mean():.2f}" if len(have) == len(keys) else "-"

        lines.append(
            f"| **{label}** | | {part['captured_pct'].mean():.1f}% | {mean(eb, 'captured_pct')} | "
            f"{mean(base, 'captured_pct')} | {int(part['truly_beats'].sum())}/{len(part)} | | | "
            f"{part['roi_rho'].mean():.2f} / {part['roi_rho_national'].mean():.2f} | {rho(eb)} | {rho(base)} | |"
        )
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["export", "fit", "score"])
    parser.add_argument("--configs", default=DEFAULT_CONFIGS)
    parser.add_argument("--seeds", default=DEFAULT_SEEDS)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--adapt", type=int, default=500)
    parser.add_argument("--burnin", type=int, default=500)
    parser.add_argument("--keep", type=int, default=500)
    parser.add_argument(
        "--knots", default="default", help="'default' (Meridian's: 1 for a national model) or an integer number of knots"
    )
    parser.add_argument(
        "--gtol",
        type=float,
        default=1e-3,
        help="optimize(gtol=): the spend grid's step is 10^n rupees, n the smallest "
        "with budget rounding error <= gtol x budget (Meridian's default 1e-4 gives 1,000-rupee steps and ~10x the time)",
    )
    parser.add_argument("--control", default="sale_days", choices=["sale_days", "none"])
    parser.add_argument("--tag", default="", help="fit: writes meridian<TAG>.json (score reads it), to keep settings apart")
    parser.add_argument("--out", default="", help="score: results file stem under bench/results/ (meridian_simmm<TAG>)")
    args = parser.parse_args(argv)
    if args.step == "export":
        for name, seed in _runs(args):
            export_one(name, seed)
    elif args.step == "fit":
        for name, seed in _runs(args):
            fit_one(name, seed, args)
    else:
        rows = pd.DataFrame([score_one(name, seed, args.tag) for name, seed in _runs(args)])
        args.out = args.out or f"meridian_simmm{args.tag}"
        md = table(rows)
        print(md)
        (RESULTS / f"{args.out}.json").write_text(json.dumps({"rows": rows.to_dict("records")}, indent=1, default=str))
        (RESULTS / f"{args.out}.md").write_text(md + "\n")
        print(f"wrote {RESULTS / (args.out + '.json')} and .md")


if __name__ == "__main__":
    sys.exit(main())
