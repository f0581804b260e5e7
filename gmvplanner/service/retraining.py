"""Retraining that is safe for many users: every retrain writes a new model version, in the background.

- A version is a complete artifacts folder. The original (the app's artifacts folder, e.g. the default model) is
  never touched by a retrain; each retrain writes `<artifacts>-versions/<UTC time stamp>/`, and the newest
  `KEEP_VERSIONS` retrained versions are kept. A session keeps the version it opened until its user picks another,
  so a retrain never swaps the model under someone else.
- A retrain runs in a background thread of the server process (`RetrainJob`): leaving the page does not stop it,
  and the page shows its progress and result again on return. Jobs live in this module, not in a session.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..errors import ArtifactError, InputError
from ..manifest import Manifest
from ..model.artifacts import MANIFEST, Artifacts, file_sha256, versions_dir
from ..model.train_config import TrainConfig
from .uploads import OrdersLayout

__all__ = [
    "ModelVersion",
    "KEEP_VERSIONS",
    "versions_dir",
    "list_versions",
    "new_version_path",
    "prune_versions",
    "RetrainJob",
    "start_retrain",
    "get_job",
    "CalibratedRetrain",
    "calibrated_retrain",
    "start_calibrated_retrain",
]

KEEP_VERSIONS = 3  # retrained versions kept beside the original
# the settings a calibrated retrain takes over from the model it calibrates (the rest are files or tuples)
KEPT_SETTINGS = (
    "holdout_weeks",
    "model",
    "n_estimators",
    "min_samples_leaf",
    "max_features",
    "seed",
    "cv_splits",
    "cv_estimators",
    "min_train_weeks",
    "pooling",
    "backfit_rounds",
    "hybrid_min_leaf",
    "bootstrap_draws",
    "bootstrap_block_weeks",
)
REQUIRED_ROLES = ("orders", "media")


@dataclass(frozen=True)
class ModelVersion:
    """One loadable artifacts folder and what the version picker says about it."""

    path: Path
    created: str
    model: str
    subcategories: list[str]
    original: bool

    @property
    def label(self) -> str:
        """The version as the picker shows it: original or retrained, when, model, subcategories."""
        when = pd.Timestamp(self.created).strftime("%Y-%m-%d %H:%M UTC") if self.created else "unknown time"
        kind = "original" if self.original else "retrained"
        return f"{kind}, {when}: {self.model}, {len(self.subcategories)} subcategories"


def _version(path: Path, original: bool) -> ModelVersion | None:
    try:
        manifest = Manifest.from_json(json.loads((path / MANIFEST).read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return ModelVersion(path, manifest.created, manifest.model, list(manifest.subcategories), original)


def list_versions(base: Path) -> list[ModelVersion]:
    """Every version with a readable manifest: retrained ones newest first, then the original."""
    found = []
    folder = versions_dir(base)
    if folder.is_dir():
        for path in sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True):
            version = _version(path, original=False)
            if version is not None:
                found.append(version)
    original = _version(Path(base), original=True)
    return found + ([original] if original is not None else [])


def new_version_path(base: Path) -> Path:
    """A fresh, not yet existing folder for the next version (UTC time stamp, sortable)."""
    stamp = pd.Timestamp.now(tz="UTC").strftime("%Y%m%d-%H%M%S-%f")
    return versions_dir(base) / stamp


def prune_versions(base: Path, keep: int = KEEP_VERSIONS) -> list[Path]:
    """Delete all but the newest `keep` retrained versions (and folders of failed ones); returns what went."""
    folder = versions_dir(base)
    if not folder.is_dir():
        return []
    kept = {v.path for v in list_versions(base) if not v.original}
    newest = sorted(kept, reverse=True)[:keep]
    removed = []
    for path in folder.iterdir():
        if path.is_dir() and path not in newest:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@dataclass
class RetrainJob:
    """A retrain running (or finished) in a background thread; every field is safe to read from any session."""

    id: str
    started: float
    message: str = "starting"
    fraction: float = 0.0
    state: str = "running"  # "running", "done" or "failed"
    result: Path | None = None  # the new version's folder once done
    error: str = ""
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, message: str, fraction: float) -> None:
        """Record the stage and the share done (clipped to 0-1); training calls it as it goes."""
        with self.lock:
            self.message, self.fraction = message, min(max(float(fraction), 0.0), 1.0)


_JOBS: dict[str, RetrainJob] = {}
_JOBS_LOCK = threading.Lock()


def get_job(job_id: str | None) -> RetrainJob | None:
    """The job with this id (None when unknown, e.g. after a server restart)."""
    with _JOBS_LOCK:
        return _JOBS.get(job_id or "")


def start_retrain(
    files: dict[str, Path],
    base: Path,
    subcategories: list[str],
    config: TrainConfig,
    start: str | None = None,
    end: str | None = None,
    layout: OrdersLayout | None = None,
) -> RetrainJob:
    """Start training a new version of `base` from the uploaded `files` in a background thread; returns its job.
    `layout`: the orders' column mapping and currency (None: the ElecKart layout in ₹).

    The files are copied first into a folder the job owns (and removes when it ends), so uploading another file
    meanwhile cannot pull one from under it. Errors name the user's own file names, not that folder.
    """
    from .app_model import retrain  # the app's model: this module runs its retraining in the background

    job = RetrainJob(id=uuid.uuid4().hex, started=time.time())
    destination = new_version_path(base)
    workdir = Path(tempfile.mkdtemp(prefix="gmv-retrain-"))
    own = {}
    for role, path in files.items():
        own[role] = workdir / role / Path(path).name
        own[role].parent.mkdir(parents=True)
        shutil.copy2(path, own[role])

    def plain(message: str) -> str:
        for path in own.values():
            message = message.replace(f"{path.parent}/", "")
        return message

    def work() -> None:
        try:
            retrain(own, destination, subcategories, config=config, start=start, end=end, progress=job.progress, layout=layout)
            with job.lock:
                job.seconds = time.time() - job.started
                job.state, job.result, job.fraction, job.message = "done", destination, 1.0, "trained"
            prune_versions(base)
        except (InputError, ArtifactError) as exc:
            with job.lock:
                job.seconds = time.time() - job.started
                job.state, job.error = "failed", plain(str(exc))
            shutil.rmtree(destination, ignore_errors=True)
        except Exception as exc:  # a background thread has no one to raise to: report it to the page
            with job.lock:
                job.seconds = time.time() - job.started
                job.state, job.error = "failed", plain(f"{type(exc).__name__}: {exc}")
            shutil.rmtree(destination, ignore_errors=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    with _JOBS_LOCK:
        _JOBS[job.id] = job
    threading.Thread(target=work, name=f"retrain-{job.id[:8]}", daemon=True).start()
    return job


class CalibratedRetrain(NamedTuple):
    """What a calibrated retrain trains on: the files by role (lift tests included), the subcategories, the
    settings and the window's first and last day (None: the data's)."""

    files: dict[str, Path]
    subcategories: list[str]
    config: TrainConfig
    start: str | None
    end: str | None


def _input_files(manifest: Manifest, uploads: dict[str, Path]) -> dict[str, Path]:
    """The model's own input files where they are still there unchanged, replaced by `uploads` for their roles."""
    files = dict(uploads)
    for role, recorded in manifest.inputs.items():
        if role in files or not recorded.get("path"):
            continue
        path = Path(recorded["path"])
        if path.is_file() and file_sha256(path) == recorded.get("sha256"):
            files[role] = path
        elif role in REQUIRED_ROLES:
            raise InputError(role, f"the {role} file this model was trained on ({path.name}) is gone or changed; upload it")
    return files


def calibrated_retrain(artifacts: Artifacts, lift_tests: Path, uploads: dict[str, Path] | None = None) -> CalibratedRetrain:
    """The retrain that calibrates `artifacts` with the lift tests in `lift_tests`: the same model kind, settings,
    subcategories and first day, on the model's own input files or the newer `uploads` (orders and media that
    cover the tests' weeks). Raises InputError in plain words when the tests cannot enter the fit."""
    from ..data.lift_tests import load_lift_tests

    manifest = artifacts.manifest
    if manifest.kind != "orders":
        raise InputError("lift tests", "calibrate training from orders and media; this model was trained from a weekly table")
    tests = load_lift_tests(lift_tests)
    tests.check_names(artifacts.channels, artifacts.subcategories)
    uploads = uploads or {}
    new_data = any(role in uploads for role in REQUIRED_ROLES)
    last_day = pd.Timestamp(manifest.window.end)
    if not new_data and tests.table["end"].max() > last_day:
        raise InputError(
            "lift tests",
            f"the tests run to {tests.table['end'].max().date()} but this model's data end on {last_day.date()}: "
            "upload orders and media that cover the tests' weeks",
        )
    kept = {k: v for k, v in manifest.train_config.items() if k in KEPT_SETTINGS}
    config = TrainConfig(
        **kept,
        decay_grid=tuple(manifest.train_config.get("decay_grid", TrainConfig.decay_grid)),
        bootstrap_pooling_range=tuple(manifest.train_config.get("bootstrap_pooling_range", TrainConfig.bootstrap_pooling_range)),
        monotone=tuple((str(c), int(s)) for c, s in manifest.train_config.get("monotone", TrainConfig.monotone)),
    )
    files = {**_input_files(manifest, uploads), "lift_tests": Path(lift_tests)}
    end = None if new_data else manifest.window.end
    return CalibratedRetrain(files, artifacts.subcategories, config, manifest.window.start, end)


def start_calibrated_retrain(
    artifacts: Artifacts, base: Path, lift_tests: Path, uploads: dict[str, Path] | None = None
) -> RetrainJob:
    """Start the calibrated retrain of `artifacts` (see `calibrated_retrain`) as a new version of `base`."""
    plan = calibrated_retrain(artifacts, lift_tests, uploads)
    return start_retrain(plan.files, base, plan.subcategories, plan.config, start=plan.start, end=plan.end)
