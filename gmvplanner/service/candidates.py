"""Candidate models for the app: read those made from the model version in use, or make them in the background.

A candidates job runs in a background thread of the server process like a retrain (`retraining.RetrainJob`): leaving
the page does not stop it, and one model version has at most one job running, whoever started it.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import NamedTuple

from ..analysis.candidates import CandidateSet
from ..errors import ArtifactError, InputError
from ..model.artifacts import Artifacts
from ..pipeline.candidate_files import StaleCandidates, candidates_dir, read_candidates, write_candidates
from .retraining import RetrainJob

__all__ = ["CandidatesView", "candidates_command", "load_candidates", "start_candidates", "candidates_job"]


class CandidatesView(NamedTuple):
    """The candidates of the model in use (None when there are none to show) and, when none, why in words."""

    found: CandidateSet | None
    note: str


def candidates_command(art: Artifacts) -> str:
    """The command that makes the candidates of these artifacts where the app looks for them."""
    return f"python ecommerce_testing.py candidates --artifacts {art.path}"


def load_candidates(art: Artifacts, key: str) -> CandidatesView:
    """The candidates made from the model version `key` (its manifest's checksum), read from their default folder."""
    folder = candidates_dir(art.path)
    try:
        found = read_candidates(folder, key)
    except StaleCandidates:
        return CandidatesView(None, "The candidates found were made from an earlier version of this model; make them again.")
    except ArtifactError as exc:
        return CandidatesView(None, f"{exc}.")
    if found is None:
        return CandidatesView(None, "No candidate models have been made for this model version yet.")
    return CandidatesView(found, "")


_JOBS: dict[str, RetrainJob] = {}  # model version (manifest checksum) -> its latest candidates job
_JOBS_LOCK = threading.Lock()


def candidates_job(key: str) -> RetrainJob | None:
    """The latest candidates job of the model version `key` (None when none was started in this server)."""
    with _JOBS_LOCK:
        return _JOBS.get(key)


def start_candidates(art: Artifacts, key: str) -> RetrainJob:
    """Make the candidates of `art` (model version `key`) in a background thread, into their default folder; a job
    already running for this version is returned instead of starting another."""
    from ..pipeline.candidates import build_candidates  # fitting code, loaded when a job starts

    with _JOBS_LOCK:
        running = _JOBS.get(key)
        if running is not None and running.state == "running":
            return running
        job = RetrainJob(id=uuid.uuid4().hex, started=time.time())
        _JOBS[key] = job
    destination = candidates_dir(art.path)

    def work() -> None:
        try:
            found = build_candidates(art, key, report=job.progress)
            write_candidates(found, destination)
            with job.lock:
                job.state, job.result, job.fraction, job.message = "done", Path(destination), 1.0, "done"
        except (InputError, ArtifactError) as exc:
            with job.lock:
                job.state, job.error = "failed", str(exc)
        except Exception as exc:  # a background thread has no one to raise to: report it to the page
            with job.lock:
                job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            with job.lock:
                job.seconds = time.time() - job.started

    threading.Thread(target=work, name=f"candidates-{job.id[:8]}", daemon=True).start()
    return job
