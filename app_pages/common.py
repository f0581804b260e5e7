"""What every page shares: the cached artifacts and predictions, the current (artifacts, key), the table editor, and
the view of a background retrain (Data & retrain, Experiments).

Caches live here, in an imported module, so they survive reruns and page switches; the page files themselves
are run afresh by `st.navigation` on every rerun. They are shared by every session of the server process: each is
keyed by the model version (`key`, the manifest's checksum, which changes on retrain) and by every input of the
computation, never by the session, so two analysts on one version compute a figure once, whoever asks first gets
the same number as the second, and a session on another version never reads this one's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import gmvplanner.service.shared_version as shared_version
from app_pages.reruns import fragment
from gmvplanner.analysis.budget import marginal_roi
from gmvplanner.analysis.money_curves import MoneyCurves, money_curves
from gmvplanner.analysis.scenario_summary import PlanFigures, channel_waterfall, plan_figures, summarise
from gmvplanner.analysis.scenarios import default_scenario, predict_scenario
from gmvplanner.model.artifacts import NO_SPEND_HELP, Artifacts, load_artifacts
from gmvplanner.reporting import charts
from gmvplanner.service import planner, retraining
from gmvplanner.service.saved_plans import match_channels
from gmvplanner.service.upload_space import UploadSpace, remove_stale, upload_root

__all__ = [
    "get_artifacts",
    "CurrentModel",
    "Waterfall",
    "current",
    "current_path",
    "use_version",
    "page_header",
    "spend_needed",
    "no_spend_note",
    "cached_predictions",
    "cached_comparison",
    "cached_profit",
    "cached_plan_figures",
    "cached_summary",
    "cached_default_plan",
    "cached_waterfall",
    "table_editor",
    "replace_plan",
    "keep_plan",
    "plan_history",
    "fitted_plan",
    "cached_report",
    "cached_money_curves",
    "cached_money_curves_figure",
    "cached_budget_answer",
    "cached_marginal_roi",
    "cached_budget_curve",
    "remembered",
    "remembered_index",
    "keep",
    "upload_folder",
    "plain",
    "progress_ui",
    "job_ui",
]


@st.cache_resource(show_spinner=False)
def get_artifacts(path: str, key: str) -> Artifacts:
    """Loaded once per artifacts version and shared read-only by every session (`key` changes on retrain)."""
    return load_artifacts(path)


# results made for one model version, dropped when the session switches versions (the plan and library stay)
MODEL_STATE = ("budget_result", "budget_request", "predict_scenario", "predict_warnings")


def current_path() -> Path:
    """The model version this session uses: the one its user picked, else the one everyone opened when this session
    started (a modeller's choice, `shared_version`), else the app's artifacts folder. A version that has since been
    removed (only the newest few are kept) falls back to the original, with a note."""
    base = planner.app_artifacts_dir()
    if "opened_default" not in st.session_state:  # once per session: a later choice never swaps an open session's model
        default = shared_version.default_version(base)
        st.session_state["opened_default"] = str(default or "")
        if default is not None:
            st.session_state.setdefault("artifacts_path", str(default))
    picked = st.session_state.get("artifacts_path")
    if picked and not planner.artifacts_key(Path(picked)):
        st.session_state.pop("artifacts_path")
        st.session_state["version_note"] = "The model version this session used was removed; the original is back."
        picked = None
    return Path(picked) if picked else base


class CurrentModel(NamedTuple):
    """The artifacts a session uses and their key (the manifest's checksum, which changes on retrain)."""

    artifacts: Artifacts
    key: str


def current() -> CurrentModel:
    """The artifacts this session uses and their key (the manifest's checksum), from the shared cache."""
    path = current_path()
    key = planner.artifacts_key(path)
    return CurrentModel(get_artifacts(str(path), key), key)


def use_version(path: Path) -> None:
    """Switch this session (only) to the model version in `path`: results made on the old one go, the plan being
    edited stays (matched to the new version's channels when the Scenario planner opens next)."""
    st.session_state["artifacts_path"] = str(path)
    for name in MODEL_STATE:
        st.session_state.pop(name, None)


def page_header(title: str, explanation: str) -> None:
    """A page's title and one caption saying what it shows and how to read it."""
    st.header(title)
    st.caption(explanation)


def spend_needed(art: Artifacts, what: str) -> bool:
    """For artifacts trained from orders alone: say plainly that `what` needs spend data and how to add it, and
    return True (the page then stops)."""
    if art.has_spend:
        return False
    st.info(f"{what} needs marketing spend data: {NO_SPEND_HELP}.", icon="ℹ️")
    return True


def no_spend_note(page: str) -> None:
    """For artifacts trained from orders alone, on a page that still works without spend (Predict, the Scenario
    planner): say that its forecasts come from the calendar and the levers, with no channel inputs, and how to add
    spend data."""
    st.info(
        f"This model has no marketing spend data, so {page} forecasts from the season, the trend and the calendar and "
        f"levers your data has, with no channel inputs: {NO_SPEND_HELP}.",
        icon="ℹ️",
    )


@st.cache_data(show_spinner=False, max_entries=64)
def cached_predictions(_artifacts: Artifacts, key: str, plan: pd.DataFrame) -> pd.DataFrame:
    """`predict_scenario` for one plan, cached per artifacts version and plan."""
    return predict_scenario(_artifacts, plan)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_comparison(_artifacts: Artifacts, key: str, plans: dict[str, pd.DataFrame]) -> planner.ScenarioComparison:
    """`planner.compare_scenarios` for the saved plans, cached per artifacts version and plans."""
    return planner.compare_scenarios(_artifacts, plans)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_plan_figures(_artifacts: Artifacts, key: str, plan: pd.DataFrame) -> PlanFigures:
    """`plan_figures` of one plan (its GMV over the bootstrap refits, as planned, with no media and 1% more), cached
    per artifacts version and plan: the baseline every session compares with is computed once per version."""
    return plan_figures(_artifacts, plan)


def cached_summary(_artifacts: Artifacts, key: str, plans: dict[str, pd.DataFrame], baseline: str) -> pd.DataFrame:
    """`scenario_summary` of these plans against `baseline`, from each plan's cached figures: after a change to one
    plan only that plan is computed again."""
    return summarise({name: cached_plan_figures(_artifacts, key, plan) for name, plan in plans.items()}, baseline)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_default_plan(_artifacts: Artifacts, key: str, weeks: int, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """`default_scenario` (last year's plan, run-rate scaled) for `weeks` weeks from `start`, per artifacts version."""
    return default_scenario(_artifacts, weeks=weeks, start=start)


class Waterfall(NamedTuple):
    """The steps from a baseline plan's GMV to a plan's (`channel_waterfall`) and both GMVs (base unit)."""

    steps: pd.DataFrame
    base_gmv: float
    plan_gmv: float


@st.cache_data(show_spinner=False, max_entries=16)
def cached_waterfall(_artifacts: Artifacts, key: str, plan: pd.DataFrame, baseline: pd.DataFrame) -> Waterfall:
    """The steps of `channel_waterfall`, the baseline's GMV and the plan's (the point estimates of their cached
    `plan_figures`, as the summary table shows them), cached per artifacts version and plans."""
    base_gmv, plan_gmv = (float(cached_plan_figures(_artifacts, key, p).totals[0, 0]) for p in (baseline, plan))
    return Waterfall(channel_waterfall(_artifacts, plan, baseline), base_gmv, plan_gmv)


@st.cache_data(show_spinner=False, max_entries=4)
def cached_report(_artifacts: Artifacts, key: str) -> str:
    """The one-pager HTML of these artifacts (`planner.report_html`), built once per artifacts version."""
    return planner.report_html(_artifacts)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_money_curves(
    _artifacts: Artifacts, key: str, n_weeks: int, start: pd.Timestamp | None, recommended: tuple, scope: tuple[str, ...]
) -> MoneyCurves:
    """`money_curves` of every channel, cached per artifacts version, horizon, recommended split
    (channel, amount pairs) and the subcategories counted."""
    return money_curves(_artifacts, n_weeks, start, dict(recommended) or None, scope)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_money_curves_figure(
    _artifacts: Artifacts,
    key: str,
    n_weeks: int,
    start: pd.Timestamp | None,
    recommended: tuple,
    scope: tuple[str, ...],
    chosen: tuple[str, ...],
) -> go.Figure:
    """`charts.money_curves_figure` of the `chosen` channels' money curves (`cached_money_curves`), built once per
    artifacts version and inputs: the figure takes longer to build than to copy."""
    curves = cached_money_curves(_artifacts, key, n_weeks, start, recommended, scope)
    return charts.money_curves_figure(curves.curves, curves.points, _artifacts.money, curves.n_weeks, list(chosen))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_budget_answer(_artifacts: Artifacts, key: str, request: planner.BudgetRequest) -> planner.BudgetAnswer:
    """`planner.answer_budget` for one request, per artifacts version and request: the analysts who ask the same
    (the page's defaults, above all) get one computation and the same split."""
    return planner.answer_budget(_artifacts, request)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_profit(_artifacts: Artifacts, key: str, request: planner.BudgetRequest) -> planner.ProfitHeadline | None:
    """`planner.answer_profit` for one request's answer, per artifacts version and request."""
    return planner.answer_profit(_artifacts, request, cached_budget_answer(_artifacts, key, request))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_marginal_roi(_artifacts: Artifacts, key: str, request: planner.BudgetRequest) -> float:
    """What one more unit on the recommended split of `request`'s answer returns (`optimise.marginal_roi`)."""
    answer = cached_budget_answer(_artifacts, key, request)
    if answer.result is None:  # a goal no budget meets has no split to read a marginal return from
        raise ValueError("no recommended split for this request")
    return marginal_roi(_artifacts, answer.result, margins=answer.margins)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_budget_curve(_artifacts: Artifacts, key: str, request: planner.BudgetRequest) -> planner.BudgetCurve:
    """`planner.budget_curve` around `request`'s answer: GMV against the budget in the historical mix."""
    result = cached_budget_answer(_artifacts, key, request).result
    if result is None:  # a goal no budget meets has no split to draw the curve around
        raise ValueError("no recommended split for this request")
    return planner.budget_curve(_artifacts, result)


def fitted_plan(art: Artifacts, plan: pd.DataFrame) -> pd.DataFrame:
    """The session's plan for the model in use: after a switch to a version with other channels, matched to them
    (with a note on the page); otherwise unchanged."""
    made_for = st.session_state.get("plan_channels", art.channels)
    st.session_state["plan_channels"] = art.channels
    if list(made_for) == list(art.channels):
        return plan
    matched = match_channels(plan, art.channels, list(made_for))
    for note in matched.notes:
        st.info(note)
    return matched.plan


def replace_plan(plan: pd.DataFrame, what: str = "plan replaced") -> None:
    """Make `plan` the one the Scenario planner edits, shown in a fresh editor (the old one's edits are in it); the
    plan before is kept in the undo history under `what`."""
    keep_plan(plan, what)
    st.session_state.pop("plan_from_budget", None)  # a plan from elsewhere: the Budget page's note no longer applies


def keep_plan(plan: pd.DataFrame, what: str) -> None:
    """Make `plan` (an edit of the one being edited: `what`) the plan, in a fresh editor, with the plan before it
    in the undo history (`plan_history`)."""
    if "plan" in st.session_state:
        plan_history().push(st.session_state["plan"], what)
    st.session_state["plan"] = plan
    st.session_state["plan_version"] = st.session_state.get("plan_version", 0) + 1


def plan_history() -> planner.PlanHistory:
    """This session's undo history of the plan being edited (`planner.PlanHistory`)."""
    if "plan_history" not in st.session_state:
        st.session_state["plan_history"] = planner.PlanHistory()
    return st.session_state["plan_history"]


def table_editor(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """An editable table whose first column (channel, week or month) labels the rows, stays fixed and is 200 px
    wide; dates show without times."""
    label = frame.columns[0]
    if pd.api.types.is_datetime64_any_dtype(frame[label]):
        config = st.column_config.DateColumn(format="YYYY-MM-DD", width="medium")
    else:
        config = st.column_config.Column(width="medium")
    return st.data_editor(frame, key=key, disabled=[label], hide_index=True, width="stretch", column_config={label: config})


def remembered(key: str, default: Any) -> Any:
    """The value widget `key` had when the analyst last left the page, else `default`: Streamlit forgets the state
    of widgets a run does not draw, so a form would reset on every return."""
    return st.session_state.get(f"_kept_{key}", default)


def remembered_index(key: str, options: list, default: int = 0) -> int:
    """`remembered` for a selectbox: the index of the kept option, else `default`."""
    kept = st.session_state.get(f"_kept_{key}")
    return options.index(kept) if kept in options else default


def keep(*keys: str) -> None:
    """Remember these widgets' values for the next visit (see `remembered`)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[f"_kept_{key}"] = st.session_state[key]


_SWEPT: list[bool] = []  # leftovers are swept once per server process


def upload_folder() -> Path:
    """This session's folder for uploaded files: made on first use, removed when the session ends or the server
    stops (`UploadSpace`); the first session of a server process also removes day-old leftovers."""
    space = st.session_state.get("upload_space")
    if space is None or space.removed:  # setdefault would make a new folder on every rerun
        root = upload_root()
        if not _SWEPT:
            remove_stale(root)
            _SWEPT.append(True)
        space = UploadSpace(root)
        st.session_state["upload_space"] = space
    return space.path


def plain(message: str) -> str:
    """An error without the session's temporary upload folder in it (the user's own file names stay)."""
    space = st.session_state.get("upload_space")
    return message.replace(f"{space.path}/", "") if space is not None else message


@fragment(run_every=1.0)
def progress_ui(
    job: retraining.RetrainJob,
    doing: str = "Training a new model version in the background",
    note: str = "You can leave this page: training goes on, and this page shows the result when you come back.",
) -> None:
    """The running background job's progress (`doing`: what it does, `note`: what the analyst may do meanwhile),
    redrawn every second; the whole page reruns once it ends."""
    with job.lock:
        message, fraction, state = job.message, job.fraction, job.state
    if state != "running":
        st.rerun(scope="app")
    st.progress(fraction, text=f"{doing}: {message}")
    st.caption(note)


def job_ui(job: retraining.RetrainJob) -> None:
    """What the session's last retrain did, and the switch to its version."""
    if job.state == "running":
        progress_ui(job)
    elif job.state == "failed":
        st.error(f"Training failed, the current model is unchanged: {plain(job.error)}")
    elif job.result is not None:
        if current_path().resolve() == job.result.resolve():
            st.success(f"Retrained in {job.seconds:.0f} s; this session now uses the new model version.")
        elif planner.artifacts_key(job.result):
            st.success(
                f"Retrained in {job.seconds:.0f} s into a new model version. Other users keep the version they "
                "opened until they pick it; switch this session to it here or in the sidebar."
            )
            if st.button("Use the new model", type="primary", key="use_new_version"):
                use_version(job.result)
                st.rerun()
