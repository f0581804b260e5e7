"""How long each run of the app takes on the server, whole-page runs and fragment reruns alike, for the load bench.

A fragment rerun (`st.fragment`: a Predict, an edit of the plan) runs only the fragment's function, never app.py's
`main`, so timing `main` alone would miss exactly the runs fragments make cheap. `timed` wraps both: the outermost
timed block of a run writes one line; a fragment drawn inside a whole-page run is part of that run's line.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import streamlit as st

__all__ = ["RERUN_LOG_ENV", "timed", "fragment"]

RERUN_LOG_ENV = "GMV_RERUN_LOG"  # set by bench/bench_load.py: a CSV of (unix time, seconds, "app" or "fragment")

F = TypeVar("F", bound=Callable[..., Any])
_running = threading.local()  # each session's script runs in its own thread: is a timed block open in this one?


@contextlib.contextmanager
def timed(kind: str) -> Iterator[None]:
    """Time the block and, with $GMV_RERUN_LOG set, append `time,seconds,kind`; a block inside another timed block
    (a fragment drawn by a whole-page run, a fragment inside a fragment) is counted in the outer one only."""
    if getattr(_running, "open", False):
        yield
        return
    _running.open = True
    started = time.perf_counter()
    try:
        yield
    finally:
        _running.open = False
        target = os.environ.get(RERUN_LOG_ENV)
        if target:
            with open(target, "a", encoding="utf-8") as log:
                log.write(f"{time.time():.3f},{time.perf_counter() - started:.4f},{kind}\n")


def fragment(func: F | None = None, *, run_every: float | None = None) -> Any:
    """`st.fragment` whose reruns are timed like whole-page runs (`timed`); use it instead of `st.fragment`."""

    def decorate(f: F) -> F:
        @functools.wraps(f)  # Streamlit names a fragment by its function's module and qualified name
        def run(*args: Any, **kwargs: Any) -> Any:
            with timed("fragment"):
                return f(*args, **kwargs)

        return st.fragment(run, run_every=run_every)

    return decorate(func) if func is not None else decorate
