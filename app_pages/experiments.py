"""Experiments page: the lift tests worth running next for the loaded model, then their results and a calibrated
retrain in the background into a new model version (as Data & retrain retrains)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from app_pages.auth import can_upload, may
from app_pages.common import current, job_ui, page_header, plain, spend_needed, upload_folder
from app_pages.scenario_library import author, library, may_save
from gmvplanner.analysis.experiments import PROPOSAL_COLUMNS, ExperimentRules, Proposals, propose_experiments
from gmvplanner.analysis.lift_readout import FinishedTest, LiftReadout, read_out, readout_words
from gmvplanner.data.lift_tests import LIFT_COLUMNS
from gmvplanner.errors import InputError
from gmvplanner.library import LibraryError
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting.tables import experiments_table
from gmvplanner.service import planner, retraining
from gmvplanner.service.access import Action
from gmvplanner.service.saved_plans import model_key, model_label

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # a test's days (the widget's own default: 10 years back)
MEASURED = ("delta_gmv", "sigma")  # what the analyst adds to a proposal once its test is done
NEW_DATA = {
    "orders": ("Newer orders covering the tests' weeks (optional)", ["csv", "parquet"]),
    "media": ("Newer media spend covering the tests' weeks (optional)", ["csv", "parquet"]),
}


@st.cache_data(show_spinner="Weighing a raise and a cut of each channel over the bootstrap refits…", max_entries=16)
def cached_proposals(_artifacts: Artifacts, key: str, n: int, max_weeks: int, max_change: float) -> Proposals:
    """`propose_experiments` for these rules, cached per artifacts version."""
    return propose_experiments(_artifacts, ExperimentRules(n=n, max_weeks=max_weeks, max_change=max_change))


def rules_ui() -> ExperimentRules:
    """How many tests, how long, how large a move (one form, one rerun)."""
    with st.form("experiment_rules"):
        c1, c2, c3 = st.columns(3)
        n = c1.number_input("Tests to propose", min_value=1, max_value=9, value=3, key="exp_n")
        weeks = c2.number_input("Weeks per test", min_value=1, max_value=26, value=8, key="exp_weeks")
        change = c3.number_input(
            "Largest move (share of the channel's run rate)",
            min_value=0.05,
            max_value=3.0,
            value=1.0,
            step=0.05,
            key="exp_change",
            help="1 doubles the channel's recent daily spend, or stops it for a cut",
        )
        st.form_submit_button("Propose tests")
    return ExperimentRules(n=int(n), max_weeks=int(weeks), max_change=float(change))


def proposals_ui(art: Artifacts, key: str, rules: ExperimentRules) -> pd.DataFrame | None:
    """The proposals with their cost, length, precision and value, and why each; None when the model has no refits."""
    try:
        proposals = cached_proposals(art, key, rules.n, rules.max_weeks, rules.max_change)
    except InputError as exc:
        st.info(f"No tests can be proposed for this model: {exc}")
        return None
    st.subheader("Proposed tests")
    st.caption(
        f"Ranked by the expected extra GMV of {proposals.decision}, once the test's result is known "
        f"({proposals.n_draws} bootstrap refits). Precision: the test's standard error from the model's own weekly "
        "noise over its weeks. Cost: the extra spend of a raise, or the GMV a cut is expected to forgo."
    )
    st.dataframe(experiments_table(proposals.table, art.money), hide_index=True, width="stretch", key="exp_table")
    for row in proposals.table.itertuples():
        st.markdown(f"- **{row.channel}**: {row.why}")
    for note in proposals.notes:
        st.caption(note)
    st.caption("When a test is done, **Read out a finished test** below measures its delta_gmv and sigma from the orders.")
    st.download_button(
        "Download the proposals (CSV)",
        proposals.table.to_csv(index=False),
        file_name="experiments.csv",
        mime="text/csv",
        key="exp_download",
    )
    return proposals.table


class ReadoutRequest(NamedTuple):
    """What the readout form asks: the test, the tested subcategories and the orders and media to read."""

    test: FinishedTest
    scope: list[str]
    orders: Path | None
    media: Path | None


def _training_file(art: Artifacts, role: str) -> Path | None:
    """The file the model was trained on, when it is still where the manifest says."""
    entry = (getattr(art.manifest, "inputs", None) or {}).get(role) or {}
    path = Path(entry["path"]) if entry.get("path") else None
    return path if path is not None and path.is_file() else None


def _saved_upload(uploaded, role: str) -> Path | None:
    """An uploaded file saved in the session's folder (None when nothing was uploaded)."""
    if uploaded is None:
        return None
    path = upload_folder() / "readout" / role / Path(uploaded.name).name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(uploaded.getvalue())
    return path


def readout_form_ui(art: Artifacts) -> ReadoutRequest | None:
    """The finished test (channel, days, extra spend), whose GMV it moved and the data covering it, once submitted."""
    with st.form("readout_form"):
        c1, c2, c3, c4 = st.columns(4)
        channel = c1.selectbox("Channel", art.channels, key="readout_channel")
        start = c2.date_input("First day", value=None, min_value=EARLIEST, max_value=LATEST, key="readout_start")
        end = c3.date_input("Last day", value=None, min_value=EARLIEST, max_value=LATEST, key="readout_end")
        delta = c4.number_input(f"Extra spend ({art.money.name})", value=0.0, format="%.4f", key="readout_delta")
        everything = "all modelled subcategories"
        scope = st.selectbox("Tested subcategories", [everything, *art.subcategories], key="readout_scope")
        orders = media = None
        if can_upload():
            orders = st.file_uploader(
                "Orders covering the test and half a year before it", type=["csv", "parquet"], key="readout_orders"
            )
            media = st.file_uploader("Media spend over the same weeks (optional)", type=["csv"], key="readout_media")
        if not st.form_submit_button("Read out the test"):
            return None
    if start is None or end is None or end < start or delta == 0:
        st.error("Give the test's first and last day (the last on or after the first) and its extra spend (not 0).")
        return None
    test = FinishedTest(str(channel), pd.Timestamp(start), pd.Timestamp(end), float(delta))
    subs = list(art.subcategories) if scope == everything else [scope]
    orders_path = _saved_upload(orders, "orders") or _training_file(art, "orders")
    media_path = _saved_upload(media, "media") or _training_file(art, "media")
    return ReadoutRequest(test, subs, orders_path, media_path)


def readout_ui(art: Artifacts) -> None:
    """Read out a finished test: delta_gmv and sigma against a counterfactual, the checks, and the row to add."""
    with st.expander("Read out a finished test"):
        st.caption(
            "The tested subcategories' weekly GMV against a counterfactual: a structural time series (statsmodels' "
            "UnobservedComponents, as CausalImpact) fitted on the weeks before the test with the largest untested "
            "subcategories as regressors, forecast over the test's weeks. delta_gmv = actual - counterfactual; sigma "
            "from the forecast's variance. Placebo windows of the same length before the test check the design."
        )
        request = readout_form_ui(art)
        if request is not None:
            if request.orders is None:
                st.error("Upload the orders covering the test (the model's own orders file is not on this server).")
            else:
                try:
                    with st.spinner("Reading the orders and fitting the counterfactual…"):
                        st.session_state["exp_readout"] = read_out(
                            request.orders, request.test, art.money, request.scope, request.media, art.week_starts_on
                        )
                except InputError as exc:
                    st.error(f"The test cannot be read out: {plain(str(exc))}")
        found: LiftReadout | None = st.session_state.get("exp_readout")
        if found is None:
            return
        st.dataframe(found.row, hide_index=True, key="readout_row")
        for sentence in readout_words(found, art.money):
            st.markdown(f"- {sentence}")
        st.download_button(
            "Download the row for --lift-tests (CSV)",
            found.row.to_csv(index=False),
            file_name="lift_test.csv",
            mime="text/csv",
            key="readout_download",
        )


def results_ui(proposals: pd.DataFrame | None) -> pd.DataFrame | None:
    """The tests' results: the proposals with delta_gmv and sigma filled in here, or an uploaded lift-test CSV."""
    st.subheader("Results")
    uploaded = None
    if can_upload():  # viewers enter results below but send no files
        uploaded = st.file_uploader(
            "Upload results (the proposals' CSV with delta_gmv and sigma added, or any lift-test file)",
            type=["csv"],
            key="exp_results_upload",
        )
    if uploaded is not None:
        try:
            return pd.read_csv(uploaded)
        except (ValueError, UnicodeDecodeError) as exc:  # pandas' parser and empty-file errors are ValueErrors
            st.error(f"{uploaded.name} cannot be read as a CSV table: {exc}")
            return None
    if proposals is None:
        return None
    unit = current()[0].money.symbol or "units"
    st.caption(
        f"Or enter each test's measured extra GMV ({unit}, of either sign) and its standard error ({unit}); rows left "
        "blank are skipped."
    )
    blank = proposals[list(PROPOSAL_COLUMNS[:4])].assign(delta_gmv=None, sigma=None)
    edited = st.data_editor(
        blank.astype({"delta_gmv": float, "sigma": float}),
        key="exp_results_editor",
        hide_index=True,
        width="stretch",
        disabled=list(PROPOSAL_COLUMNS[:4]),
    )
    done = edited.dropna(subset=list(MEASURED), how="all")
    return done if len(done) else None


def library_ui(art: Artifacts, results: pd.DataFrame | None) -> pd.DataFrame | None:
    """Tests and their results kept in the team's library: save the ones entered here, or use saved ones instead."""
    lib = library()
    if lib is None:
        return results
    with st.expander("Team library: saved tests and results"):
        if results is not None and may_save():
            c1, c2 = st.columns([3, 1])
            name = c1.text_input("Name for these results", key="exp_save_name", placeholder="e.g. Q3 TV and SEM tests")
            if c2.button("Save to the library", key="exp_save"):
                try:
                    lib.save_experiment(name, results, author=author(), model_version=model_label(art), model_key=model_key(art))
                    st.success(f"Saved '{name.strip()}' ({len(results)} tests).")
                except LibraryError as exc:
                    st.error(str(exc))
        saved = lib.experiments()
        if saved.empty:
            st.caption("No saved tests yet.")
            return results
        st.dataframe(saved.drop(columns="created"), hide_index=True, key="exp_library_table")
        pick = st.selectbox("Use saved results instead", ["(none)", *saved["name"]], key="exp_library_pick")
        if pick == "(none)":
            return results
        chosen = lib.experiment(pick)
        if chosen.model_key != model_key(art):
            st.caption(f"'{pick}' was saved on another model version ({chosen.model_version}).")
        return chosen.tests


class NewData(NamedTuple):
    """Uploaded newer orders and media (role -> saved file) and whether an upload failed."""

    files: dict[str, Path]
    failed: bool


def new_data_ui() -> NewData:
    """Optional newer orders and media: the tests must lie inside the data the retrain reads."""
    folder = upload_folder() / "experiments"
    files: dict[str, Path] = {}
    failed = False
    for role, (label, types) in NEW_DATA.items():
        uploaded = st.file_uploader(label, type=types, key=f"exp_upload_{role}")
        if uploaded is None:
            continue
        path = folder / role / Path(uploaded.name).name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(uploaded.getvalue())
        try:
            st.success(f"{uploaded.name}: {planner.validate_upload(path, role).summary}")
            files[role] = path
        except InputError as exc:
            st.error(f"{uploaded.name} cannot be used: {plain(str(exc))}")
            failed = True
    return NewData(files, failed)


def start_ui(art: Artifacts, results: pd.DataFrame, data: NewData) -> None:
    """Check the results as a lift-test file and start the calibrated retrain; errors in plain words."""
    if not may(Action.RETRAIN, "Retraining with these results"):
        return
    running = (job := retraining.get_job(st.session_state.get("retrain_job"))) is not None and job.state == "running"
    if not st.button("Retrain with these results", type="primary", disabled=running or data.failed, key="exp_retrain"):
        return
    path = upload_folder() / "experiments" / "lift_tests.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    missing = [c for c in LIFT_COLUMNS if c not in results.columns]
    if missing:
        st.error(f"The results need the columns {list(LIFT_COLUMNS)}; missing {missing}")
        return
    results.to_csv(path, index=False)
    try:
        job = retraining.start_calibrated_retrain(art, planner.app_artifacts_dir(), path, data.files)
    except InputError as exc:
        st.error(f"The results cannot be used: {plain(str(exc).replace(str(path), 'the results'))}")
        return
    st.session_state["retrain_job"] = job.id
    st.rerun()


def main() -> None:
    """The page: rules, proposals, results, optional newer data, the calibrated retrain and its progress."""
    art, key = current()
    page_header(
        "Experiments",
        "Which lift test to run next, how large, for how long, and what it is worth: from the model's bootstrap "
        "refits of the channel effects. When the tests are done, enter their results and retrain: the results "
        "calibrate the channel effects in a new model version, trained in the background.",
    )
    if spend_needed(art, "Proposing experiments"):
        return
    proposals = proposals_ui(art, key, rules_ui())
    readout_ui(art)
    results = library_ui(art, results_ui(proposals))
    data = NewData({}, False)
    if can_upload():
        with st.expander("Newer data (needed when the tests ran after the model's data end)"):
            data = new_data_ui()
    if results is not None:
        start_ui(art, results, data)
    else:
        st.info("Enter or upload the results of at least one test to retrain with them.")
    job = retraining.get_job(st.session_state.get("retrain_job"))
    if job is not None:
        job_ui(job)


main()
