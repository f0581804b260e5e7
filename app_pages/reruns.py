"""What every run of the app shares, whole-page runs and fragment reruns alike: how long it took (for the load
bench), how its errors are shown, and how it asks to run again.

A fragment rerun (`st.fragment`: a Predict, an edit of the plan) runs only the fragment's function, never app.py's
`main`, so what `main` does around a page must be done by the fragment too: `timed` writes one line per run (the
outermost timed block; a fragment drawn inside a whole-page run is part of that run's line), `page_errors` shows
a failure as a sentence, never a traceback, and `rerun` reruns only the fragment when a fragment rerun asks.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

import streamlit as st

from gmvplanner.errors import ArtifactError, InputError

__all__ = ["RERUN_LOG_ENV", "timed", "page_errors", "rerun", "fragment"]

# set by bench/bench_load.py: a CSV of (unix time, seconds, "app" or "fragment", CPU seconds of the run's thread)
RERUN_LOG_ENV = "GMV_RERUN_LOG"

F = TypeVar("F", bound=Callable[..., Any])
_running = threading.local()  # each session's script runs in its own thread: the kind of its open timed block


@contextlib.contextmanager
def timed(kind: str) -> Iterator[None]:
    """Time the block and, with $GMV_RERUN_LOG set, append `time,seconds,kind,cpu_seconds`: the wall time includes
    waiting for the other sessions' runs (one process, one GIL), the CPU time of the run's thread does not. A block
    inside another timed block (a fragment drawn by a whole-page run, a fragment in a fragment) counts in the outer
    one only."""
    if getattr(_running, "kind", None):
        yield
        return
    _running.kind = kind
    started, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        _running.kind = None
        target = os.environ.get(RERUN_LOG_ENV)
        if target:
            seconds, cpu_seconds = time.perf_counter() - started, time.thread_time() - cpu
            with open(target, "a", encoding="utf-8") as log:
                log.write(f"{time.time():.3f},{seconds:.4f},{kind},{cpu_seconds:.4f}\n")


@contextlib.contextmanager
def page_errors() -> Iterator[None]:
    """A page's failure as a sentence on the page: an input or artifact error as it is, anything else with the
    promise that the inputs are kept (never a raw traceback in front of an analyst)."""
    try:
        yield
    except (InputError, ArtifactError) as exc:
        st.error(str(exc))
    except Exception as exc:
        st.error(
            f"Something went wrong on this page ({type(exc).__name__}: {exc}). Your inputs are kept; "
            "adjust them and try again, or report this message."
        )


def rerun() -> None:
    """Run again after a change kept in the session: only the fragment when this is a fragment rerun (Streamlit
    refuses a fragment-scoped rerun while the whole page runs), else the whole page."""
    st.rerun(scope="fragment" if getattr(_running, "kind", None) == "fragment" else "app")


def fragment(func: F | None = None, *, run_every: float | None = None) -> Any:
    """`st.fragment` whose reruns are timed and show their errors like whole-page runs (`timed`, `page_errors`);
    use it instead of `st.fragment`."""

    def decorate(f: F) -> F:
        @functools.wraps(f)  # Streamlit names a fragment by its function's module and qualified name
        def run(*args: Any, **kwargs: Any) -> Any:
            with timed("fragment"), page_errors():
                return f(*args, **kwargs)

        return cast(F, st.fragment(run, run_every=run_every))

    return decorate(func) if func is not None else decorate
