"""Model report page: the backtest, held-out metrics beside naive baselines, feature importance, the cleaning report."""

from __future__ import annotations

import streamlit as st

from app_pages.candidates import candidates_ui
from app_pages.common import cached_report, current, get_artifacts, page_header
from gmvplanner.analysis.version_compare import VersionComparison, compare_versions
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.reporting import charts
from gmvplanner.service import planner, retraining

IMPORTANCE_VS_EFFECT = (
    "Importance is how much the forecast moves with a feature from week to week; it is not the GMV a channel adds. "
    "A channel whose spend swings a lot can rank high here and still add little GMV (or the reverse): the "
    "Channels page gives each channel's incremental GMV and ROI with their intervals."
)


def main() -> None:
    """The page: the backtest, metrics against naive baselines, feature importance and data adequacy."""
    art, key = current()
    manifest = art.manifest
    page_header(
        "Model report",
        f"Model: {manifest.model}; window {manifest.window.start} to {manifest.window.end} "
        f"({manifest.window.weeks} weeks); trained {manifest.created}.",
    )
    st.download_button(
        "Download the one-pager (HTML)",
        data=lambda: cached_report(art, key),
        file_name="gmv_planner_one_pager.html",
        mime="text/html",
        on_click="ignore",
        key="download_one_pager",
        help="One self-contained file to send: fit and holdout, where the GMV came from, ROI with intervals, response "
        "curves, carry-over and the recommended split of the recent budget. Built when you press (a few seconds).",
    )
    sub = st.selectbox("Subcategory", art.subcategories, key="report_sub")
    events = planner.event_weeks(art, sub)
    st.plotly_chart(charts.backtest_figure(art.table("backtest"), sub, money=art.money, events=events), key="backtest_chart")
    gap = planner.missing_weeks_note(art, sub)
    if gap:
        st.info(gap)
    st.subheader("Held-out weeks: the model beside two naive baselines")
    verdict = planner.baseline_verdict(art, sub)
    if verdict:
        st.warning(verdict)
    st.caption("Scored on the held-out full weeks (a partial last week would flatter every predictor).")
    st.dataframe(
        planner.metrics_table(art, sub),
        hide_index=True,
        key="metrics_table",
        column_config={
            "WAPE %": st.column_config.NumberColumn(format="%.2f"),
            "MAPE %": st.column_config.NumberColumn(format="%.2f"),
            "R²": st.column_config.NumberColumn(format="%.3f"),
            "weeks in the 80% interval %": st.column_config.NumberColumn(format="%.0f"),
        },
    )
    choice = planner.forecaster_table(art)
    if choice is not None:
        st.subheader("Which forecaster the weekly figures use")
        st.caption(
            "Each candidate forecast the last 3 × 8 training weeks from the weeks "
            "before them (time-ordered cross-validation); the forecasts use the blend with the lowest error, and an "
            "alternative must beat the model by half a point to take weight from it. Channel effects, curves and "
            "budgets always come from the model's media part. The 80% interval is set from the same folds' errors."
        )
        st.dataframe(
            choice,
            hide_index=True,
            key="forecaster_table",
            column_config={"CV WAPE %": st.column_config.NumberColumn(format="%.2f")},
        )
    st.plotly_chart(charts.importance_figure(art.table("feature_importances"), sub), key="importance_chart")
    st.caption(IMPORTANCE_VS_EFFECT)
    st.subheader("Data adequacy: is there enough in the data to measure each channel?")
    caution = planner.identification_caution(art)
    if caution:
        st.warning(caution)
    st.caption(
        "Counted as Meridian does: data points (weeks, or months when spend moves only monthly) per estimated "
        "effect; about 15 give directional answers. Channels whose spend moves together cannot be told apart."
    )
    st.dataframe(planner.adequacy_table(art, sub), hide_index=True, key="adequacy_table")
    if (art.path / "cleaning_report.csv").exists():
        st.subheader("Cleaning report")
        st.dataframe(art.table("cleaning_report"), hide_index=True, key="cleaning_table")
    compare_ui(art, key)
    candidates_ui(art, key)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_version_comparison(_a: Artifacts, key_a: str, _b: Artifacts, key_b: str, budget: float) -> VersionComparison:
    """`compare_versions` of two versions, once per pair of manifests and budget."""
    return compare_versions(_a, _b, budget)


def compare_ui(art: Artifacts, key: str) -> None:
    """This version beside another: holdout error, ROI with intervals, the split of one budget, what changed."""
    versions = [v for v in retraining.list_versions(planner.app_artifacts_dir()) if v.path.resolve() != art.path.resolve()]
    st.subheader("Compare with another model version")
    if not versions:
        st.caption("Only one model version exists; retrain on the Data & retrain page to compare two.")
        return
    labels = [v.label for v in versions]
    picked = st.selectbox("The other version (B; this one is A)", ["(pick one)", *labels], key="compare_version")
    if picked == "(pick one)":
        return
    other_path = versions[labels.index(picked)].path
    other = get_artifacts(str(other_path), planner.artifacts_key(other_path))
    budget = planner.recent_budget(art)
    with st.spinner("Comparing (each version optimises the same budget)..."):
        try:
            compared = cached_version_comparison(art, key, other, planner.artifacts_key(other_path), budget)
        except ValueError as exc:
            st.error(f"These versions cannot be compared: {exc}.")
            return
    st.markdown("**What changed between them**")
    st.markdown("\n".join(f"- {c}" for c in compared.changes) or "Nothing in their inputs or settings differs.")
    st.markdown("**Held-out error** (lower WAPE is better; 80% coverage near 80% is honest)")
    st.dataframe(compared.holdout, hide_index=True, key="compare_holdout")
    st.markdown(f"**Recommended split of the recent budget, {art.money.format(art.money.to_base(budget))}**")
    st.dataframe(compared.split, hide_index=True, key="compare_split")
    st.markdown("**Channel ROI with intervals**")
    st.dataframe(compared.roi, hide_index=True, key="compare_roi")


main()
