"""Data & retrain page: upload files in the ElecKart layout, check each on upload, retrain without risking the model."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from app_pages.common import current, get_artifacts, page_header
from gmvplanner import planner
from gmvplanner.errors import ArtifactError, InputError

ROLES = {
    "orders": "Orders (ConsumerElectronics layout)",
    "media": "Media spend (monthly or dated, crore ₹)",
    "sale_calendar": "Special-sale calendar (optional)",
    "nps": "Monthly NPS (optional)",
    "holidays": "Holidays (optional)",
}


def uploads_ui() -> dict[str, Path]:
    """One uploader per role; each new file is saved and checked once. Returns the roles whose file passed."""
    if "upload_dir" not in st.session_state:  # one folder per session (setdefault made a new one on every rerun)
        st.session_state["upload_dir"] = tempfile.mkdtemp(prefix="gmv-upload-")
    folder = Path(st.session_state["upload_dir"])
    valid = st.session_state.setdefault("valid_uploads", {})
    for role, label in ROLES.items():
        uploaded = st.file_uploader(label, type=["csv", "parquet"], key=f"upload_{role}")
        if uploaded is None:
            valid.pop(role, None)
            continue
        path = folder / role / Path(uploaded.name).name  # the user's own file name, in messages too
        if st.session_state.get(f"upload_id_{role}") != uploaded.file_id:
            shutil.rmtree(folder / role, ignore_errors=True)  # the file it replaces
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(uploaded.getvalue())
            st.session_state[f"upload_id_{role}"] = uploaded.file_id
            try:
                st.session_state[f"upload_msg_{role}"] = ("ok", f"{uploaded.name}: {planner.validate_upload(path, role)}")
                valid[role] = path
            except InputError as exc:
                reason = str(exc).replace(str(path), uploaded.name)  # no temporary paths in what the user reads
                st.session_state[f"upload_msg_{role}"] = ("error", f"{uploaded.name} cannot be used: {reason}")
                valid.pop(role, None)
        kind, message = st.session_state.get(f"upload_msg_{role}", ("", ""))
        (st.success if kind == "ok" else st.error)(message)
    return valid


def main() -> None:
    art, _ = current()
    page_header(
        "Data & retrain",
        "Upload your own files in the ElecKart layout (CSV or Parquet). Each file is checked when uploaded; "
        "the current model is replaced only when the new training succeeds.",
    )
    valid = uploads_ui()
    subs = st.text_input("Subcategories to model (comma-separated)", value=",".join(art.subcategories), key="retrain_subs")
    ready = "orders" in valid and "media" in valid
    if st.button("Retrain", type="primary", disabled=not ready, key="retrain"):
        bar = st.progress(0.0, text="Training")
        try:
            planner.retrain(
                dict(valid),
                planner.app_artifacts_dir(),
                [s.strip() for s in subs.split(",") if s.strip()],
                progress=lambda msg, frac: bar.progress(min(max(frac, 0.0), 1.0), text=msg),
            )
            get_artifacts.clear()
            st.success("Retrained; every page now uses the new model.")
        except (InputError, ArtifactError) as exc:
            reason = str(exc).replace(str(Path(st.session_state["upload_dir"])) + "/", "")
            st.error(f"Training failed, the current model is unchanged: {reason}")
    if not ready:
        st.info("Upload at least an orders file and a media file to retrain.")


main()
