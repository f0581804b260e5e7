"""The first start of a fresh install, as the page shows it: the stages of training the default model, each with
its seconds, while every session opening the app watches the one training (`gmvplanner.service.first_start`)."""

from __future__ import annotations

import time

import streamlit as st

from gmvplanner.errors import ArtifactError, InputError
from gmvplanner.service.first_start import FirstStartView, first_start

__all__ = ["REDRAW_SECONDS", "ICONS", "stage_lines", "first_start_ui"]

REDRAW_SECONDS = 0.5  # how often the stages and the clock are drawn again while training runs
# Streamlit's own icon font: emoji need a font the analyst's machine may not have (headless chromium draws boxes)
ICONS = {"done": ":material/check_circle:", "running": ":material/hourglass_top:", "waiting": ":material/radio_button_unchecked:"}


def stage_lines(view: FirstStartView) -> list[str]:
    """One line per stage: done with its seconds, running with its seconds so far and what it is doing, or to come."""
    lines = []
    for stage in view.stages:
        if stage.state == "done":
            lines.append(f"{ICONS['done']} {stage.label}: {stage.seconds:.1f} s")
        elif stage.state == "running":
            lines.append(f"{ICONS['running']} **{stage.label}**: {stage.seconds:.0f} s so far ({view.detail})")
        else:
            lines.append(f"{ICONS['waiting']} {stage.label}")
    return lines


def first_start_ui(path) -> None:
    """Wait for the default model to be trained into `path`, drawing its stages every REDRAW_SECONDS; raise what
    the training raised (the frame shows it) or return once the artifacts are there."""
    job = first_start(path)
    slot = st.empty()
    while True:
        view = job.view()
        with slot.container():
            st.subheader("First start: training the default model")
            st.caption(
                "A fresh install trains once on the embedded default data (1.6M generated orders), about 35 s on an "
                "idle 2-core machine; later starts load the saved model in a second. Everyone opening the app now "
                "watches this one training."
            )
            st.progress(view.fraction, text=f"{view.fraction:.0%} · {view.seconds:.0f} s")
            st.markdown("  \n".join(stage_lines(view)))
        if view.state != "running":
            break
        time.sleep(REDRAW_SECONDS)
    slot.empty()
    if view.state == "failed":
        if isinstance(job.failure, (InputError, ArtifactError)):
            raise job.failure
        raise ArtifactError(f"training the default model failed: {view.error}")
