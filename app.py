"""GMV Planner in the browser: `streamlit run app.py`.

This file is the frame: page config, the trained artifacts (on a fresh machine it first trains on the embedded
default data, showing the training's stages: app_pages/first_start.py), the sidebar, and `st.navigation` over one
file per page in `app_pages/`. Pages hold widgets only; every number comes from the gmvplanner package.
"""

from __future__ import annotations

import streamlit as st

from app_pages.auth import default_version_ui, require_user, sidebar_user_ui
from app_pages.common import CurrentModel, current, current_path, get_artifacts, use_version
from app_pages.first_start import first_start_ui
from app_pages.reruns import page_errors, timed
from gmvplanner.errors import ArtifactError, InputError
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.service import planner, retraining

PAGES = (  # (file, title) in the order of the page list; the first opens by default
    ("app_pages/predict.py", "Predict"),
    ("app_pages/scenario_planner.py", "Scenario planner"),
    ("app_pages/channels.py", "Channels"),
    ("app_pages/budget_optimiser.py", "Budget optimiser"),
    ("app_pages/experiments.py", "Experiments"),
    ("app_pages/customers.py", "Customers"),
    ("app_pages/model_report.py", "Model report"),
    ("app_pages/data_retrain.py", "Data & retrain"),
)


def load_or_train() -> CurrentModel:
    """The served artifacts and their key; trains on the default data first when there are none yet."""
    path = planner.app_artifacts_dir()
    key = planner.artifacts_key(path)
    if key:
        try:
            return CurrentModel(get_artifacts(str(path), key), key)  # the usual case: verified once, then cached
        except ArtifactError:
            pass  # default-data artifacts that no longer load are retrained below; any others raise there
    first_start_ui(path)  # one training per install, in the background, its stages on every waiting session's page
    get_artifacts.clear()
    key = planner.artifacts_key(path)
    return CurrentModel(get_artifacts(str(path), key), key)


def sidebar_frame(art: Artifacts) -> None:
    """The title, what this session's model covers, and the model version picker, under the page list."""
    st.sidebar.title("GMV Planner")
    st.sidebar.caption(
        f"{len(art.subcategories)} subcategories · {len(art.channels)} channels · model: "
        f"{art.manifest.model} · money in {art.money.name}"
    )
    versions = retraining.list_versions(planner.app_artifacts_dir())
    if len(versions) < 2:
        return
    mine = current_path().resolve()
    paths = [v.path.resolve() for v in versions]
    index = paths.index(mine) if mine in paths else 0
    labels = [v.label for v in versions]
    picked = st.sidebar.selectbox("Model version", labels, index=index, key=f"version_pick_{index}_{len(labels)}")
    if labels.index(picked) != index:
        use_version(versions[labels.index(picked)].path)
        st.rerun()
    default_version_ui(mine)
    if index > 0 and not versions[index].original and versions[0].created > versions[index].created:
        st.sidebar.info("A newer model version is available: pick it above.")
    elif index > 0 and versions[index].original:
        st.sidebar.info("Retrained versions are available: pick one above.")


def main() -> None:
    """Run the frame, timed for the load bench like every fragment rerun (app_pages/reruns.py)."""
    with timed("app"):
        frame()


def frame() -> None:
    """Page config, the session's model, the sidebar, then the chosen page."""
    st.set_page_config(page_title="GMV Planner", page_icon="📈", layout="wide")
    user = require_user()  # sign-in when secrets.toml configures it; else local-only (app_pages/auth.py)
    try:
        load_or_train()  # the app's own artifacts: trained on the default data on a fresh machine
        art, _ = current()  # this session's version of them
    except (InputError, ArtifactError) as exc:
        st.error(f"The trained model cannot be used: {exc}")
        st.stop()
    note = st.session_state.pop("version_note", None)
    if note:
        st.sidebar.warning(note)
    page = st.navigation([st.Page(path, title=title) for path, title in PAGES])
    sidebar_frame(art)
    sidebar_user_ui(user)
    with page_errors():  # never a raw traceback in front of an analyst; fragments do the same (app_pages/reruns.py)
        page.run()


main()
