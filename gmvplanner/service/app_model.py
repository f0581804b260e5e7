"""The app's model: where it lives, training it on the default data when missing, retraining on an upload, and the
one-pager."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from ..analysis.budget import optimise_budget
from ..analysis.profit import profit_headline
from ..config import ARTIFACTS_DIR, DATA_DIR, PLAN_WEEKS, RECENT_WEEKS
from ..errors import ArtifactError, InputError
from ..model.artifacts import MANIFEST, Artifacts, file_sha256, load_artifacts
from ..model.base import MODEL_KINDS
from ..model.train_config import TrainConfig
from ..pipeline import Progress, TrainingInputs, TrainingResult, train
from ..reporting.one_pager import one_pager
from ..units import RUPEES_IN_CRORE
from .budget_requests import recent_budget
from .uploads import OrdersLayout

__all__ = ["GENERATING_DEFAULT_DATA", "app_artifacts_dir", "artifacts_key", "ensure_trained", "retrain", "report_html"]

GENERATING_DEFAULT_DATA = "generating the embedded default data (once, about 15 s)"  # ensure_trained's first message


def app_artifacts_dir() -> Path:
    """The folder the app loads: $GMV_ARTIFACTS, else artifacts/."""
    return Path(os.environ.get("GMV_ARTIFACTS", ARTIFACTS_DIR))


def artifacts_key(path: Path) -> str:
    """Changes whenever the artifacts are replaced (the manifest's checksum), to refresh cached models."""
    manifest = Path(path) / MANIFEST
    return file_sha256(manifest) if manifest.exists() else ""


def _trained_on_default(path: Path) -> bool:
    try:
        orders = json.loads((Path(path) / MANIFEST).read_text())["inputs"]["orders"]["path"]
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return Path(orders).resolve().parent == DATA_DIR.resolve()


def ensure_trained(path: Path, progress: Progress | None = None) -> bool:
    """Train on the embedded default data when `path` has no artifacts yet, or has default-data artifacts
    that this version cannot load (other libraries or feature schema); True if it trained.

    Artifacts trained on the user's own files are never replaced here: their errors reach the user.
    """
    if (Path(path) / MANIFEST).exists():
        try:
            load_artifacts(path)
            return False
        except ArtifactError:
            if not _trained_on_default(path):
                raise
    from ..synth import ensure_default_data

    report = progress or (lambda msg, frac: None)
    report(GENERATING_DEFAULT_DATA, 0.0)
    paths = ensure_default_data(DATA_DIR)
    train(TrainingInputs.from_dataset(paths), path, progress=report)
    return True


def retrain(
    files: dict[str, Path],
    artifacts_dir: Path,
    subcategories: list[str],
    progress: Progress | None = None,
    config: TrainConfig | None = None,
    start: str | None = None,
    end: str | None = None,
    layout: OrdersLayout | None = None,
) -> TrainingResult:
    """Train on uploaded files (`transforms` and `lift_tests` files go into `config`; `layout`: the orders' column
    mapping and currency, None: ElecKart in ₹); the artifacts in `artifacts_dir` are replaced only if this succeeds."""
    from ..data.lift_tests import load_lift_tests
    from ..model.fixed_transforms import load_transforms

    if "orders" not in files:
        raise InputError("upload", "an orders file is needed to retrain")
    if not subcategories:
        raise InputError("subcategories", "choose at least one subcategory to model")
    config = config or TrainConfig()
    transforms = load_transforms(files["transforms"]) if "transforms" in files else None
    lift_tests = load_lift_tests(files["lift_tests"]) if "lift_tests" in files else None
    if transforms is not None or lift_tests is not None:
        if not MODEL_KINDS[config.model].has_media_part:
            raise InputError("model", f"transforms and lift tests act on a media part; the {config.model} model has none")
        if transforms is not None:
            config = replace(config, transforms=transforms)
        if lift_tests is not None:
            config = replace(config, lift_tests=lift_tests)
    inputs = TrainingInputs(
        orders=files["orders"],
        media=files.get("media"),
        mapping=layout.mapping if layout else None,
        money=layout.money if layout else RUPEES_IN_CRORE,
        net_of_returns=layout.net_of_returns if layout else False,
        sale_calendar=files.get("sale_calendar"),
        nps=files.get("nps"),
        holidays=files.get("holidays"),
        start=start,
        end=end,
    )
    return train(inputs, artifacts_dir, subcategories, config=config, progress=progress)


def report_html(
    artifacts: Artifacts, budget: float | None = None, weeks: int = PLAN_WEEKS, margins: dict[str, float] | None = None
) -> str:
    """The one-pager (`reporting.one_pager`) with the split of `budget` (input money unit; default: the recent run
    rate over `weeks`) over the `weeks` after the training data; with contribution `margins` (subcategory -> share
    of GMV) the split maximises profit and the summary puts its expected profit first."""
    if not artifacts.has_spend:  # orders alone: forecasts and customers, no channels to split a budget over
        return one_pager(artifacts, None)
    budget = budget if budget is not None else recent_budget(artifacts) * weeks / RECENT_WEEKS
    result = optimise_budget(artifacts, budget, weeks, margins=margins)
    return one_pager(artifacts, result, None if margins is None else profit_headline(artifacts, result, margins))
