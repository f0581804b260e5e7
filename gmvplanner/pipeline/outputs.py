"""What every training path shares: training the groups, the tables written beside the models, the manifest."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analysis.adequacy import ADEQUACY_COLUMNS, data_adequacy
from ..analysis.effects import channel_contributions, response_curves
from ..config import RECENT_WEEKS
from ..data.ingest import order_sources
from ..dates import week_start
from ..features.design import FeatureSpec
from ..manifest import Manifest, TrainingWindow
from ..model.artifacts import file_sha256
from ..model.forecast_choice import ForecastChoice
from ..model.metrics import feature_importances
from ..model.train_config import TrainConfig
from ..model.training import Progress, TrainedSubcategory, train_groups
from ..units import RUPEES_IN_CRORE, MoneyUnit

__all__ = ["TrainingResult", "train_and_log", "output_tables", "build_manifest", "input_sha256", "company_weekly_crore"]

log = logging.getLogger("gmvplanner.pipeline")


@dataclass
class TrainingResult:
    """Where the artifacts went and the headline numbers."""

    artifacts: Path
    manifest: Manifest
    metrics: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)


def company_weekly_crore(daily: pd.DataFrame, money: MoneyUnit = RUPEES_IN_CRORE) -> pd.DataFrame:
    """Company spend per ISO week in the input unit (crore for ElecKart), with the number of the week's days inside
    the window."""
    weeks = week_start(daily.index)
    out = money.from_base(daily).groupby(weeks).sum()
    out.insert(0, "days", daily.groupby(weeks).size())
    return out.rename_axis("week_start").reset_index()


def train_and_log(
    groups: dict[str, pd.DataFrame],
    templates: dict[str, FeatureSpec],
    config: TrainConfig,
    spend_shares: dict[str, float],
    report: Progress,
) -> dict[str, TrainedSubcategory]:
    """Train every group with the configured model kind and log each group's holdout figures."""
    trained = train_groups(groups, templates, config, spend_shares, report)
    _log_choice(next(iter(trained.values())).choice)
    for group, result in trained.items():
        _log_metrics(group, result)
    return trained


def _log_choice(choice: ForecastChoice) -> None:
    """Each forecaster's time-ordered CV WAPE on the training weeks and the weights chosen."""
    if not choice.cv_wape:
        log.info("forecaster: the model alone (too few training weeks for time-ordered CV folds)")
        return
    parts = ", ".join(f"{c} {choice.cv_wape[c]:.3f}" for c in choice.cv_wape)
    chosen = " + ".join(f"{w:.2f} {c}" for c, w in choice.weights.items() if w > 0)
    log.info("forecaster CV WAPE on the training weeks: %s; forecasts use %s", parts, chosen)


def _log_metrics(group: str, trained: TrainedSubcategory) -> None:
    m = trained.metrics
    log.info(
        "%s: holdout WAPE %.3f, %.0f%% of weeks inside the 80%% interval (last week %.3f, %d-week mean %.3f)",
        group,
        m["model"]["wape"],
        100 * float(m["model"].get("coverage", float("nan"))),
        m["last_week"]["wape"],
        RECENT_WEEKS,
        m[f"mean_{RECENT_WEEKS}_weeks"]["wape"],
    )


def _json_setting(value):
    """A training setting as it is written to the manifest."""
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "to_json"):  # FixedTransforms, LiftTests
        return value.to_json()
    return value


def input_sha256(path: Path | str) -> str:
    """SHA-256 of an input: of the file, or for a folder or glob of Parquet files, of their names and checksums."""
    if Path(path).is_file():
        return file_sha256(Path(path))
    _kind, files = order_sources(path)
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{Path(file).name}:{file_sha256(Path(file))}\n".encode())
    return digest.hexdigest()


def build_manifest(
    trained: dict[str, TrainedSubcategory],
    config: TrainConfig,
    *,
    kind: str,
    money: MoneyUnit,
    window: TrainingWindow,
    inputs: dict[str, Path],
    weekly_columns: dict | None = None,
    columns: dict | None = None,
) -> Manifest:
    """The one place a manifest is built (the writer only stamps checksums and versions on it)."""
    models = {g: t.model for g, t in trained.items()}
    return Manifest(
        kind=kind,
        model=config.model,
        subcategories=list(trained),
        channels=list(next(iter(models.values())).spec.channels),
        money=money,
        window=window,
        inputs={role: {"path": str(p), "sha256": input_sha256(p)} for role, p in inputs.items()},
        feature_names={g: m.feature_names for g, m in models.items()},
        media_params={
            g: {
                "decay": m.spec.decay,
                "half_saturation": m.spec.half_saturation,
                "slope": m.spec.slope,
                "ridge": None,
                "pooling": None,
                **m.estimator.settings(),
            }
            for g, m in models.items()
        },
        metrics={g: t.metrics for g, t in trained.items()},
        train_config={k: _json_setting(v) for k, v in config.__dict__.items()},
        created=pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        weekly_columns=weekly_columns,
        columns=columns,
    )


# the channel tables' columns, written empty by a training without spend data (orders alone)
CONTRIBUTION_COLUMNS = ["subcategory", "channel", "spend", "incremental_gmv", "roi", "mroi", "share", "flag"]
CURVE_COLUMNS = ["subcategory", "channel", "multiplier", "spend", "gmv"]


def _channel_tables(models: dict, weekly: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contributions and response curves of every group; empty (with their columns) when no channel was modelled."""
    if not next(iter(models.values())).spec.channels:
        return pd.DataFrame(columns=CONTRIBUTION_COLUMNS), pd.DataFrame(columns=CURVE_COLUMNS)
    contributions = pd.concat([channel_contributions(m, weekly[g]) for g, m in models.items()], ignore_index=True)
    curves = pd.concat([response_curves(m, weekly[g]) for g, m in models.items()], ignore_index=True)
    return contributions, curves


def output_tables(trained: dict[str, TrainedSubcategory], weekly: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables every training path writes (orders or weekly table); without channels the channel tables are
    empty."""
    models = {g: t.model for g, t in trained.items()}
    contributions, curves = _channel_tables(models, weekly)
    metric_rows = [
        {"subcategory": g, "predictor": name, **{k: v.get(k, float("nan")) for k in ("wape", "mape", "r2", "coverage")}}
        for g, t in trained.items()
        for name, v in t.metrics.items()
    ]
    tables = {
        "backtest": pd.concat([t.backtest for t in trained.values()], ignore_index=True),
        "metrics": pd.DataFrame(metric_rows),
        "feature_importances": pd.concat([feature_importances(m) for m in models.values()], ignore_index=True),
        "contributions": contributions,
        "response_curves": curves,
        "forecast_choice": next(iter(trained.values())).choice.table(),
    }
    adequacy = [
        data_adequacy(weekly[g], m.spec.channels, 1 + len(m.feature_names)).assign(subcategory=g)
        for g, m in models.items()
        if m.spec.channels
    ]
    columns = ["subcategory", *ADEQUACY_COLUMNS]
    tables["adequacy"] = pd.concat(adequacy, ignore_index=True)[columns] if adequacy else pd.DataFrame(columns=columns)
    for g, rows in tables["adequacy"].groupby("subcategory", sort=False):
        if rows["data_warning"].iloc[0]:
            log.warning("%s: data adequacy: %s", g, rows["data_warning"].iloc[0])
    flagged = contributions.loc[contributions["flag"] != ""]
    for row in flagged.itertuples():
        log.info("%s / %s: %s", row.subcategory, row.channel, row.flag)
    return tables
