"""The Model report's candidate models: the variants that fit about as well, what each would advise, where they
agree, and the lift test that would decide where they do not (made by `ecommerce_testing.py candidates` or here)."""

from __future__ import annotations

import streamlit as st

from app_pages.auth import may
from app_pages.common import progress_ui
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting.candidates import (
    THRESHOLD_NOTE,
    agreement_table,
    candidate_sentences,
    candidates_table,
    deciding_table,
)
from gmvplanner.service import candidates as candidate_models
from gmvplanner.service.access import Action

__all__ = ["candidates_ui"]


def _make_ui(art: Artifacts, key: str, note: str) -> None:
    """No candidates to show: why, the command that makes them, and a button that makes them in the background."""
    job = candidate_models.candidates_job(key)
    if job is not None and job.state == "running":
        progress_ui(
            job,
            "Fitting candidate models in the background",
            "About a training's time per candidate; you can leave this page meanwhile.",
        )
        return
    st.caption(
        f"{note} Candidates refit this model with other carry-over, curves, pooling and model kind (about half a "
        f"minute on the default data). From a terminal: `{candidate_models.candidates_command(art)}`."
    )
    if job is not None and job.state == "failed":
        st.error(f"Making the candidates failed: {job.error}")
    if not art.has_spend:
        return
    if may(Action.RETRAIN, "Making candidate models") and st.button("Make the candidates", key="make_candidates"):
        candidate_models.start_candidates(art, key)
        st.rerun()


def candidates_ui(art: Artifacts, key: str) -> None:
    """The candidates of the model version `key`, or how to make them."""
    st.subheader("Candidate models: which variants fit about as well, and what each would advise")
    view = candidate_models.load_candidates(art, key)
    if view.found is None:
        _make_ui(art, key, view.note)
        return
    found = view.found
    st.markdown("\n".join(f"- {line}" for line in candidate_sentences(found)))
    st.caption(
        "Per channel: its ROI rank among the channels (#1 the highest), its share of the recommended split of "
        f"{art.money.format(art.money.to_base(float(found.meta['budget'])))} over {found.meta['plan_weeks']} weeks, "
        "and its move against the historical share (↑ up, ↓ down, = hold)."
    )
    st.dataframe(candidates_table(found), hide_index=True, key="candidates_table")
    st.markdown("**Where the candidates that fit about as well agree**")
    st.dataframe(agreement_table(found), hide_index=True, key="candidates_agreement")
    tests = deciding_table(found, art.money)
    if len(tests):
        st.markdown("**The lift test that would decide each channel they disagree on**")
        st.dataframe(tests, hide_index=True, key="candidates_tests")
    st.caption(f"{THRESHOLD_NOTE} Made {found.meta['created']} in {found.meta['seconds']:.0f} s.")
