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

import pandas as pd

from .errors import ArtifactError, InputError
from .manifest import Manifest
from .model.artifacts import MANIFEST
from .model.train_config import TrainConfig

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
]

KEEP_VERSIONS = 3  # retrained versions kept beside the original


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


def versions_dir(base: Path) -> Path:
    """Where retrained versions of the artifacts folder `base` go (a sibling folder, never inside it)."""
    base = Path(base)
    return base.parent / f"{base.name}-versions"


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
) -> RetrainJob:
    """Start training a new version of `base` from the uploaded `files` in a background thread; returns its job.

    The files are copied first into a folder the job owns (and removes when it ends), so uploading another file
    meanwhile cannot pull one from under it. Errors name the user's own file names, not that folder.
    """
    from .planner import retrain  # planner is the app-facing layer this module builds on

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
            retrain(own, destination, subcategories, config=config, start=start, end=end, progress=job.progress)
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
