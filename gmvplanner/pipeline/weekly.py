"""Training from a weekly table the analyst brings (one model per group, or one named 'all')."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pandas as pd

from ..config import ARTIFACTS_DIR, RECENT_WEEKS, spend_column
from ..data.weekly_input import load_weekly_table, missing_weeks
from ..errors import InputError
from ..features.design import FeatureSpec
from ..manifest import TrainingWindow
from ..model.artifacts import check_destination, write_artifacts
from ..model.train_config import TrainConfig
from ..model.training import Progress
from ..units import OWN_UNITS
from .outputs import TrainingResult, build_manifest, output_tables, train_and_log

__all__ = ["train_weekly", "FOURIER_PAIRS"]

FOURIER_PAIRS = 2  # yearly sine/cosine pairs of the date: a weekly table brings no sale or holiday calendar

log = logging.getLogger("gmvplanner.pipeline")


def train_weekly(
    path: Path,
    date_col: str,
    target: str,
    channels: list[str],
    controls: list[str],
    group_col: str | None,
    artifacts_dir: Path = ARTIFACTS_DIR,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
    days_col: str | None = None,
) -> TrainingResult:
    """Train from a weekly table (one model per group, or one named 'all'); same artifacts as from orders.

    Spend columns are in the table's own currency units; seasonality comes from two yearly Fourier pairs
    of the date plus a linear trend, since a weekly table brings no sale or holiday calendar. Weeks may start
    on any weekday, the first and last may be partial and weeks may be missing (see `data.weekly_input`):
    missing weeks are predicted, reported in the manifest's window and the log, and not fitted.
    """
    check_destination(artifacts_dir)
    config = config or TrainConfig()
    if config.lift_tests is not None:
        raise InputError("--lift-tests", "calibrates training from orders and media; a weekly table cannot use it yet")
    report = progress or (lambda msg, frac: None)
    started = time.perf_counter()
    report("loading the weekly table", 0.0)
    weekly = load_weekly_table(path, date_col, target, channels, controls, group_col, days_col)
    groups = {g: rows.reset_index(drop=True) for g, rows in weekly.groupby("subcategory", sort=False)}
    if config.roi_priors is not None:
        config.roi_priors.check_names(list(channels), list(groups))
    _check_weeks_with_gmv(path, groups, config)
    gaps = missing_weeks(weekly)
    for group, weeks in gaps.items():
        log.warning(
            "%s: %d week(s) without GMV (%s) are predicted but not fitted; carry-over runs on through them",
            group,
            len(weeks),
            ", ".join(weeks),
        )
    templates = {
        g: FeatureSpec(
            channels=list(channels), decay={}, controls=list(controls), calendar=False, fourier=FOURIER_PAIRS, trend=True
        )
        for g in groups
    }
    trained = train_and_log(groups, templates, config, _spend_shares(weekly, channels, list(groups)), report)
    tables = output_tables(trained, groups)
    tables.update({"history": weekly, "company_spend": _company_spend(weekly, channels)})
    manifest = build_manifest(
        trained,
        config,
        kind="weekly",
        money=OWN_UNITS,
        window=_window(weekly, gaps),
        inputs={"weekly": Path(path)},
        weekly_columns={
            "date": date_col,
            "target": target,
            "channels": list(channels),
            "controls": list(controls),
            "group": group_col,
            "days": days_col,
        },
    )
    written = write_artifacts(Path(artifacts_dir), {g: t.model for g, t in trained.items()}, {}, tables, manifest)
    report("written", 1.0)
    return TrainingResult(
        artifacts=written,
        manifest=manifest,
        metrics=tables["metrics"],
        seconds={"total": round(time.perf_counter() - started, 3)},
    )


def _spend_shares(weekly: pd.DataFrame, channels: list[str], groups: list[str]) -> dict[str, float]:
    """Each group's share of the last RECENT_WEEKS' spend (even shares when there was none)."""
    spend_cols = [spend_column(c) for c in channels]
    recent = weekly.loc[weekly["week_start"] > weekly["week_start"].max() - pd.Timedelta(weeks=RECENT_WEEKS)]
    by_group = recent.groupby("subcategory")[spend_cols].sum().sum(axis=1)
    return (by_group / by_group.sum()).to_dict() if by_group.sum() > 0 else {g: 1 / len(groups) for g in groups}


def _company_spend(weekly: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
    """Spend per week summed over the groups, with the days of each week."""
    company = weekly.groupby("week_start")[[spend_column(c) for c in channels]].sum()
    company.columns = list(channels)
    company.insert(0, "days", weekly.groupby("week_start")["days"].max())
    return company.reset_index()


def _window(weekly: pd.DataFrame, gaps: dict[str, list[str]]) -> TrainingWindow:
    """The table's first and last day, its weeks and the weeks without GMV."""
    last_days = weekly["week_start"] + pd.to_timedelta(weekly["days"] - 1, unit="D")
    return TrainingWindow(
        str(weekly["week_start"].min().date()),
        str(last_days.max().date()),
        int(weekly["week_start"].nunique()),
        "weekly table",
        missing_weeks=gaps,
    )


def _check_weeks_with_gmv(path: Path, groups: dict[str, pd.DataFrame], config: TrainConfig) -> None:
    """Every group needs `min_train_weeks` weeks with GMV before the holdout and at least one inside it."""
    for group, rows in groups.items():
        has_gmv = rows["gmv"].notna().to_numpy()
        n_train = int(has_gmv[: len(rows) - config.holdout_weeks].sum())
        if n_train < config.min_train_weeks:
            raise InputError(
                path,
                f"'{group}' has {n_train} weeks with GMV before its last {config.holdout_weeks} (held out); "
                f"at least {config.min_train_weeks} are needed for training",
            )
        if not has_gmv[len(rows) - config.holdout_weeks :].any():
            raise InputError(
                path, f"'{group}' has no GMV in its last {config.holdout_weeks} weeks, which are held out to score the model"
            )
