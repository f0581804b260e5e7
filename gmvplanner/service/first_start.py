"""The app's first start: the default model trained once per artifacts folder, in the background, with stages that
every session waiting for it can show.

On a fresh install the first sessions (and, behind a load balancer, every server process sharing the folder) would
each train the same model at once. Here one thread per process trains, the others' sessions watch its stages, and
a lock file beside the artifacts folder makes a second process wait for the first one's model instead of training
its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import ArtifactError, InputError
from ..model.artifacts import MANIFEST
from .app_model import GENERATING_DEFAULT_DATA, ensure_trained

__all__ = ["STAGES", "StageView", "FirstStartView", "FirstStart", "first_start", "lock_path"]

# (the name the training pipeline reports when the stage ends, what it does in words, its usual seconds); "data" ends
# when the pipeline reports its first step. The names are the pipeline's `_Stopwatch.done` stages (pipeline/orders.py);
# the seconds only weigh the bar (their ratios matter, not their sum): the default training's own stage clock on the
# idle 2-core machine after the training fits side by side (0.7.1), the data from its first generation.
STAGES = (
    ("data", "Generate the default data (1.6M orders, once)", 9.2),
    ("load", "Read and clean the orders", 2.9),
    ("clean", "Choose the weeks and subcategories", 0.1),
    ("allocate", "Spread the spend over days, weeks and subcategories", 0.1),
    ("features", "Build the weekly features", 0.1),
    ("train", "Train and backtest each subcategory's model", 4.2),
    ("write", "Write the artifacts", 0.5),
)
RUNNING_CAP = 0.95  # a stage running longer than usual fills at most this share of its part of the bar
WAITING = "another server process is training the default model; waiting for its artifacts"


class StageView(NamedTuple):
    """One stage as the page shows it: its words, its state ("done", "running", "waiting") and its seconds (done:
    how long it took; running: so far)."""

    label: str
    state: str
    seconds: float


class FirstStartView(NamedTuple):
    """A consistent copy of the job for the page: its state ("running", "done", "failed"), the stages, what the
    running stage is doing now, the share done (0-1), seconds since it started and the error when it failed."""

    state: str
    stages: list[StageView]
    detail: str
    fraction: float
    seconds: float
    error: str


@dataclass
class FirstStart:
    """Training the default model into `path` in a background thread; every method is safe from any session."""

    path: Path
    started: float = field(default_factory=time.time)
    state: str = "running"
    done: dict[str, float] = field(default_factory=dict)  # stage name -> seconds it took
    detail: str = "starting"
    error: str = ""
    failure: Exception | None = None  # what the training raised, for the page to show as the frame shows it
    trained: bool = False  # False when another process's model (or one already there) was used
    _stage_started: float = field(default_factory=time.time)
    _generating: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, message: str, fraction: float) -> None:
        """The training's progress callback: a stage name ends that stage (and any before it not yet ended: a
        pipeline that skips one); any other message says what the running stage is doing now. `fraction`, the
        pipeline's own share done, is not used: the bar weighs the stages by their usual seconds (STAGES)."""
        now = time.time()
        names = [name for name, _, _ in STAGES]
        with self.lock:
            if message == GENERATING_DEFAULT_DATA:
                self._generating = True
            elif "data" not in self.done and message != WAITING:
                self._end_stage("data", now)  # the pipeline's first message: the data are there
            if message in names:
                for name in names[: names.index(message) + 1]:
                    if name not in self.done:
                        self._end_stage(name, now)
            else:
                self.detail = message

    def _end_stage(self, name: str, now: float) -> None:
        self.done[name] = round(now - self._stage_started, 1)
        self._stage_started = now

    def view(self) -> FirstStartView:
        """A copy of the job's state for drawing (`FirstStartView`); the share done weighs each stage by its usual
        seconds, a running one by its time so far (at most RUNNING_CAP of its part), so the bar moves while the
        longest stage runs. Data that were there already take no part of the bar."""
        now = time.time()
        with self.lock:
            stages, running, weight, filled = [], False, 0.0, 0.0
            for name, label, usual in STAGES:
                if name == "data" and not self._generating and name in self.done:
                    usual = 0.0
                weight += usual
                if name in self.done:
                    stages.append(StageView(label, "done", self.done[name]))
                    filled += usual
                elif not running and self.state == "running":
                    so_far = round(now - self._stage_started, 1)
                    stages.append(StageView(label, "running", so_far))
                    filled += min(so_far, RUNNING_CAP * usual)
                    running = True
                else:
                    stages.append(StageView(label, "waiting", 0.0))
            fraction = 1.0 if self.state == "done" else filled / weight
            return FirstStartView(self.state, stages, self.detail, fraction, round(now - self.started, 1), self.error)

    def run(self) -> None:
        """Train unless the artifacts are there (another process may have trained them while this one waited for
        the lock); record the result. Runs in the job's thread."""
        try:
            with _process_lock(lock_path(self.path), lambda: self.progress(WAITING, 0.0)):
                self.trained = ensure_trained(self.path, progress=self.progress)
            with self.lock:
                self.state, self.detail = "done", "trained" if self.trained else "ready"
        except (InputError, ArtifactError) as exc:
            with self.lock:
                self.state, self.error, self.failure = "failed", str(exc), exc
        except Exception as exc:  # a background thread has no one to raise to: report it to the page
            with self.lock:
                self.state, self.error, self.failure = "failed", f"{type(exc).__name__}: {exc}", exc


def lock_path(path: Path) -> Path:
    """The lock file of the first training into `path`: beside it, so every process sharing the folder sees it."""
    path = Path(path).resolve()
    return path.parent / f".{path.name}.first-start.lock"


@contextlib.contextmanager
def _process_lock(file: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """An exclusive lock on `file` between processes (fcntl); `waiting` is called once if another one holds it."""
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_JOBS: dict[Path, FirstStart] = {}
_JOBS_LOCK = threading.Lock()


def first_start(path: Path) -> FirstStart:
    """The job training the default model into `path`: the running one if a session started it already (every
    session waiting on a fresh install watches the same training), else a new one started now. A failed job is
    replaced by a new attempt."""
    key = Path(path).resolve()
    with _JOBS_LOCK:
        job = _JOBS.get(key)
        if job is None or job.state == "failed" or (job.state == "done" and not (key / MANIFEST).exists()):
            job = FirstStart(Path(path))
            _JOBS[key] = job
            threading.Thread(target=job.run, name="first-start", daemon=True).start()
    return job
