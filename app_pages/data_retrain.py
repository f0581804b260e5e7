"""Data & retrain page: upload files in the ElecKart layout, check each on upload, retrain in the background into a
new model version that this session can switch to (other sessions keep theirs)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import streamlit as st

from app_pages.auth import may
from app_pages.common import current, job_ui, page_header, plain, upload_folder
from gmvplanner import planner, retraining
from gmvplanner.access import Action
from gmvplanner.config import DEFAULT_MODEL, HOLDOUT_WEEKS
from gmvplanner.dates import WEEKS_PER_YEAR
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.model.base import MODEL_KINDS, model_names
from gmvplanner.model.train_config import TrainConfig

ROLES = {
    "orders": ("Orders (ConsumerElectronics layout)", ["csv", "parquet"]),
    "media": ("Media spend (monthly or dated, crore ₹)", ["csv", "parquet"]),
    "sale_calendar": ("Special-sale calendar (optional)", ["csv", "parquet"]),
    "nps": ("Monthly NPS (optional)", ["csv", "parquet"]),
    "holidays": ("Holidays (optional)", ["csv", "parquet"]),
    "transforms": ("Fixed carry-over and saturation (optional: channel, decay, half_saturation_multiple)", ["csv"]),
    "lift_tests": ("Lift tests (optional: channel, start, end, delta_spend, delta_gmv, sigma)", ["csv"]),
}


def uploads_ui() -> dict[str, Path]:
    """One uploader per role; each new file is saved and checked once, with a spinner while it is checked. A checked
    file stays for the session (leaving the page keeps it) until it is replaced or removed. Returns the roles whose
    file passed."""
    folder = upload_folder()
    valid = st.session_state.setdefault("valid_uploads", {})
    for role, (label, types) in ROLES.items():
        uploaded = st.file_uploader(label, type=types, key=f"upload_{role}")
        if uploaded is not None and st.session_state.get(f"upload_id_{role}") != uploaded.file_id:
            check_upload(folder, role, uploaded)
        kind, message = st.session_state.get(f"upload_msg_{role}", ("", ""))
        if uploaded is None and role in valid:
            kept_ui(role, valid)
        elif kind == "ok":
            st.success(message)
        elif kind == "error" and uploaded is not None:
            st.error(message)
    return valid


def check_upload(folder: Path, role: str, uploaded) -> None:
    """Save and check one new file. Its result is recorded only once the check ends, so a check cut short (another
    upload reruns the page meanwhile) is simply run again instead of leaving an empty error."""
    valid = st.session_state["valid_uploads"]
    path = folder / role / Path(uploaded.name).name  # the user's own file name, in messages too
    shutil.rmtree(folder / role, ignore_errors=True)  # the file it replaces
    valid.pop(role, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(uploaded.getvalue())
    size = path.stat().st_size / 1e6
    with st.spinner(f"Checking {uploaded.name} ({size:,.1f} MB): reading every row, dates and amounts…"):
        try:
            check = planner.validate_upload(path, role)
            outcome = ("ok", f"{uploaded.name}: {check.summary}")
        except InputError as exc:
            outcome = ("error", f"{uploaded.name} cannot be used: {plain(str(exc))}")  # no temporary paths shown
            check = None
    if check is not None:
        valid[role] = path
        if role == "orders":
            st.session_state["upload_subcategories"] = list(check.subcategories)
    st.session_state[f"upload_msg_{role}"] = outcome
    st.session_state[f"upload_id_{role}"] = uploaded.file_id


def kept_ui(role: str, valid: dict[str, Path]) -> None:
    """A file checked earlier in this session whose uploader was reset (the page was left): it is still used."""
    kind, message = st.session_state.get(f"upload_msg_{role}", ("ok", valid[role].name))
    c1, c2 = st.columns([5, 1])
    c1.success(f"Kept from earlier in this session: {message}")
    if c2.button("Remove", key=f"remove_upload_{role}"):
        shutil.rmtree(valid.pop(role).parent, ignore_errors=True)
        st.session_state.pop(f"upload_msg_{role}", None)
        st.session_state.pop(f"upload_id_{role}", None)
        st.rerun()


class RetrainOptions(NamedTuple):
    """What to retrain: the model settings, the subcategories and the window's first and last day (None: the data's)."""

    config: TrainConfig
    subcategories: list[str]
    start: str | None
    end: str | None


def options_ui(art: Artifacts, valid: dict[str, Path]) -> RetrainOptions:
    """Model kind, holdout weeks, window and subcategories (from the uploaded orders, most GMV first)."""
    c1, c2, c3, c4 = st.columns(4)
    names = model_names()
    model = c1.selectbox(
        "Model",
        names,
        index=names.index(DEFAULT_MODEL),
        key="retrain_model",
        help="; ".join(f"{n}: {MODEL_KINDS[n].description}" for n in names),
    )
    holdout = c2.number_input("Held-out weeks", min_value=1, max_value=WEEKS_PER_YEAR, value=HOLDOUT_WEEKS, key="retrain_holdout")
    start = c3.date_input("First day (blank: the data's)", value=None, key="retrain_start")
    end = c4.date_input("Last day (blank: the data's)", value=None, key="retrain_end")
    available = st.session_state.get("upload_subcategories", []) if "orders" in valid else []
    default = [s for s in art.subcategories if s in available] or available[:3]
    subs = st.multiselect(
        "Subcategories to model (from the uploaded orders, most GMV first)",
        available,
        default=default,
        key=f"retrain_subs_{len(available)}",
        placeholder="upload an orders file to choose",
    )
    return RetrainOptions(
        config=TrainConfig(model=model, holdout_weeks=int(holdout)),
        subcategories=subs,
        start=str(start) if start else None,
        end=str(end) if end else None,
    )


def main() -> None:
    """The page (rerun every second while a retrain runs): uploads, options, the Retrain button and the job."""
    art, _ = current()
    page_header(
        "Data & retrain",
        "Upload your own files in the ElecKart layout (CSV or Parquet). Each file is checked when uploaded. "
        "Training runs in the background into a new model version; the version in use is never changed under you "
        "or anyone else.",
    )
    valid = uploads_ui()
    options = options_ui(art, valid)
    job = retraining.get_job(st.session_state.get("retrain_job"))
    running = job is not None and job.state == "running"
    ready = "orders" in valid and "media" in valid and bool(options.subcategories)
    allowed = may(Action.RETRAIN, "Retraining")  # for viewers and planners, a note stands where the button would
    if allowed and st.button("Retrain", type="primary", disabled=not ready or running, key="retrain"):
        job = retraining.start_retrain(
            dict(valid),
            planner.app_artifacts_dir(),
            options.subcategories,
            options.config,
            start=options.start,
            end=options.end,
        )
        st.session_state["retrain_job"] = job.id
        st.rerun()  # redraw with the button disabled and the progress shown
    if job is not None:
        job_ui(job)
    if allowed and ("orders" not in valid or "media" not in valid):
        st.info("Upload at least an orders file and a media file to retrain.")


main()
