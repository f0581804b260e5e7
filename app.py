"""GMV Planner in the browser: `streamlit run app.py`.

Pages are small functions of widgets; every number comes from the gmvplanner package. On a fresh machine the
app trains on the embedded default data first (with a progress bar), then opens.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from gmvplanner import charts, planner
from gmvplanner.artifacts import Artifacts, load_artifacts
from gmvplanner.errors import ArtifactError, InputError
from gmvplanner.optimize import INTERVAL_SCOPE, historical_split, optimise_budget
from gmvplanner.predict import default_scenario, load_scenario, predict_scenario

MAX_SCENARIOS = 3


@st.cache_resource(show_spinner=False)
def get_artifacts(path: str, key: str) -> Artifacts:
    """Loaded once per artifacts version and shared read-only by every session (`key` changes on retrain)."""
    return load_artifacts(path)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_predictions(_artifacts: Artifacts, key: str, plan: pd.DataFrame) -> pd.DataFrame:
    return predict_scenario(_artifacts, plan)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_comparison(_artifacts: Artifacts, key: str, plans: dict[str, pd.DataFrame]):
    return planner.compare_scenarios(_artifacts, plans)


def load_or_train() -> tuple[Artifacts, str]:
    path = planner.app_artifacts_dir()
    key = planner.artifacts_key(path)
    if key:
        try:
            return get_artifacts(str(path), key), key  # the usual case: verified once, then cached
        except ArtifactError:
            pass  # default-data artifacts that no longer load are retrained below; any others raise there
    bar = st.progress(0.0, text="First start: preparing the default data and training the models (about 30 s)")
    planner.ensure_trained(path, progress=lambda msg, frac: bar.progress(min(max(frac, 0.0), 1.0), text=msg))
    bar.empty()
    get_artifacts.clear()
    key = planner.artifacts_key(path)
    return get_artifacts(str(path), key), key


def money(value: float, art: Artifacts) -> str:
    return planner.format_money(value, art.spend_factor)


# ---------------------------------------------------------------- pages


def table_editor(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """An editable table whose first column (channel, week or month) labels the rows and stays fixed."""
    return st.data_editor(frame, key=key, disabled=[frame.columns[0]], hide_index=True, width="stretch")


def predict_page(art: Artifacts, key: str) -> None:
    st.header("Predict weekly GMV")
    st.caption(
        "Set the week, the product and order levers and the marketing spend; the model predicts weekly GMV "
        "with an 80% interval. Defaults are the last 13 training weeks."
    )
    sub = st.selectbox("Subcategory", art.subcategories, key="predict_sub")
    ranges = planner.lever_ranges(art, sub)
    encoders = art.encoders.get(sub)
    verticals = [v for v in encoders.vertical.categories_[0] if v != "unknown"] if encoders else []
    next_week = max(m.last_week for m in art.models.values()) + pd.Timedelta(weeks=1)
    recent = planner.recent_monthly_spend(art)
    with st.form("predict_form"):
        c1, c2, c3 = st.columns(3)
        first = c1.date_input("Order week (any day in it; weeks start on Monday)", value=next_week.date(), key="predict_week")
        weeks = c1.number_input("Weeks to predict", min_value=1, max_value=13, value=4, key="predict_weeks")
        lever_values = {}
        for column, lever, step in ((c2, "sla", 0.5), (c2, "product_mrp", 10.0), (c2, "procurement_sla", 0.5)):
            if lever in ranges:
                r = ranges[lever]
                lever_values[lever] = column.number_input(
                    f"{r.label[0].upper()}{r.label[1:]} ({r.unit})",
                    min_value=0.0,
                    value=round(r.default, 2),
                    step=step,
                    key=f"predict_{lever}",
                    help=f"Training range {r.low:,.2f} to {r.high:,.2f} {r.unit}.",
                )
        sale = c3.slider("Special-sale days per week", 0, 7, 0, key="predict_sale")
        payment = c3.selectbox(
            "Payment type",
            planner.PAYMENT_CHOICES,
            key="predict_payment",
            help="'recent mix' keeps the last 13 weeks' share of prepaid orders.",
        )
        vertical = c3.selectbox("Product vertical", ["recent mix", *verticals], key="predict_vertical")
        spend = st.number_input(
            f"Marketing spend, monthly total ({art.money_unit})",
            min_value=0.0,
            value=round(recent, 4),
            step=max(round(recent / 20, 3), 0.001),
            format="%.4f",
            key="predict_spend",
            help="Company-wide; split across channels by the table below.",
        )
        split = table_editor(
            pd.DataFrame({"channel": art.channels, "share %": (historical_split(art) * 100).round(2).to_numpy()}),
            "predict_split",
        )
        submitted = st.form_submit_button("Predict", type="primary")
    if submitted:
        shares = dict(zip(split["channel"], split["share %"].fillna(0.0)))
        scenario = planner.form_scenario(
            art,
            pd.Timestamp(first),
            int(weeks),
            sub,
            monthly_spend=spend,
            channel_shares=shares,
            sale_days=sale,
            payment=payment,
            vertical=vertical,
            **lever_values,
        )
        st.session_state["predict_scenario"] = scenario
        st.session_state["predict_warnings"] = planner.extrapolation_warnings(art, sub, lever_values, spend)
    scenario = st.session_state.get("predict_scenario")
    if scenario is None or scenario["subcategory"].iloc[0] != sub:
        st.info("Press **Predict** to see the forecast.")
        return
    for warning in st.session_state.get("predict_warnings", []):
        st.warning(warning)
    result = cached_predictions(art, key, scenario)
    mine = result.loc[result["subcategory"] == sub]
    first_row = mine.iloc[0]
    month = first_row["week_start"].strftime("%B %Y")
    m1, m2 = st.columns(2)
    m1.metric(
        f"Predicted GMV, week of {first_row['week_start'].date()} ({month})",
        money(first_row["predicted_gmv"], art),
        help=f"80% interval {money(first_row['lower'], art)} to {money(first_row['upper'], art)}",
    )
    m2.metric(f"Predicted GMV over {len(mine)} week(s)", money(mine["predicted_gmv"].sum(), art))
    st.caption(f"Week 1 80% interval: {money(first_row['lower'], art)} to {money(first_row['upper'], art)}.")
    history = art.table("backtest").query("subcategory == @sub")[["week_start", "actual_gmv"]]
    st.plotly_chart(charts.forecast_figure(history, mine, sub), key="predict_chart")
    st.dataframe(
        mine.assign(**{c: mine[c] / art.spend_factor for c in ("predicted_gmv", "lower", "upper")}),
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(f"{c} ({art.money_unit})", format="%.4f")
            for c in ("predicted_gmv", "lower", "upper")
        },
    )


def scenario_page(art: Artifacts, key: str) -> None:
    st.header("Scenario planner")
    st.caption(
        f"Spend per channel in {art.money_unit} per week (or month). The default plan is the next 13 weeks at "
        "last year's level for the same weeks, scaled to the recent run rate."
    )
    if "plan" not in st.session_state:
        st.session_state["plan"] = default_scenario(art, weeks=13)
    st.session_state.setdefault("scenarios", {})
    uploaded = st.file_uploader("Upload a scenario CSV (week_start plus one column per channel)", type=["csv"], key="plan_upload")
    if uploaded is not None and st.session_state.get("plan_upload_id") != uploaded.file_id:
        st.session_state["plan_upload_id"] = uploaded.file_id
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / uploaded.name
            path.write_bytes(uploaded.getvalue())
            try:
                st.session_state["plan"] = load_scenario(path, art.channels)
                st.success(f"Loaded {uploaded.name}: {st.session_state['plan']['week_start'].nunique()} weeks.")
            except InputError as exc:
                st.error(f"Could not use this file: {exc}")
    plan = st.session_state["plan"]
    grain = st.radio("Edit spend", ["weekly", "monthly"], horizontal=True, key="plan_grain")
    if grain == "weekly":
        edited = table_editor(plan[["week_start", *art.channels]], "plan_editor")
        edited = edited.assign(week_start=pd.to_datetime(edited["week_start"]))
    else:
        monthly = planner.weekly_to_monthly(plan, art.channels)
        edited_months = table_editor(monthly, "plan_editor_monthly")
        edited = planner.monthly_to_weekly(edited_months, pd.DatetimeIndex(plan["week_start"]), art.channels)
    edited[art.channels] = edited[art.channels].fillna(0.0).clip(lower=0.0)
    predictions = cached_predictions(art, key, edited)
    sub = st.selectbox("Subcategory to chart", art.subcategories, key="plan_sub")
    total = predictions.groupby("subcategory")["predicted_gmv"].sum()
    cols = st.columns(len(total))
    for col, (name, value) in zip(cols, total.items()):
        col.metric(f"{name}, {len(edited)} weeks", money(value, art))
    c1, c2, c3 = st.columns([2, 1, 1])
    name = c1.text_input("Scenario name", value=f"Scenario {len(st.session_state['scenarios']) + 1}", key="scenario_name")
    if c2.button("Save scenario", key="save_scenario"):
        saved = st.session_state["scenarios"]
        if name in saved or len(saved) < MAX_SCENARIOS:
            saved[name] = edited.copy()
            st.success(f"Saved '{name}'.")
        else:
            st.error(f"Up to {MAX_SCENARIOS} scenarios can be saved; clear them to save another.")
    if c3.button("Clear saved scenarios", key="clear_scenarios"):
        st.session_state["scenarios"] = {}
    d1, d2 = st.columns(2)
    d1.download_button(
        "Download this scenario (CSV)",
        edited.to_csv(index=False, date_format="%Y-%m-%d"),
        file_name="scenario.csv",
        mime="text/csv",
        key="download_plan",
    )
    d2.download_button(
        "Download its predictions (CSV)",
        predictions.to_csv(index=False, date_format="%Y-%m-%d"),
        file_name="predictions.csv",
        mime="text/csv",
        key="download_predictions",
    )
    saved = st.session_state["scenarios"]
    if saved:
        st.subheader("Compare saved scenarios")
        compared, totals = cached_comparison(art, key, dict(saved))
        st.plotly_chart(charts.scenario_comparison_figure(compared, sub), key="compare_chart")
        st.caption(f"Totals over the horizon ({art.money_unit}); differences are against the first saved scenario.")
        st.dataframe(totals, hide_index=True, key="compare_table")
    else:
        st.plotly_chart(charts.scenario_comparison_figure(predictions.assign(scenario="current plan"), sub), key="plan_chart")


def channels_page(art: Artifacts, key: str) -> None:
    st.header("What each channel added")
    st.caption(
        "Incremental GMV = the model's GMV with actual spend minus its GMV with that channel's spend removed, "
        "over the training window. ROI = incremental GMV ÷ spend allocated to the subcategory."
    )
    caution = planner.identification_caution(art)
    if caution:
        st.warning(caution)
    sub = st.selectbox("Subcategory", art.subcategories, key="channels_sub")
    contributions = art.table("contributions")
    mine = contributions.loc[contributions["subcategory"] == sub]
    for row in mine.loc[mine["flag"].fillna("") != ""].itertuples():
        st.warning(f"**{row.channel}**: {row.flag}")
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.contribution_figure(contributions, sub), key="contrib_chart")
    c2.plotly_chart(charts.roi_figure(contributions, sub), key="roi_chart")
    st.plotly_chart(charts.response_curve_figure(art.table("response_curves"), sub), key="curve_chart")
    table = mine.assign(spend=mine["spend"] / art.spend_factor, incremental_gmv=mine["incremental_gmv"] / art.spend_factor)
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "spend": st.column_config.NumberColumn(f"spend ({art.money_unit})", format="%.4f"),
            "incremental_gmv": st.column_config.NumberColumn(f"incremental GMV ({art.money_unit})", format="%.4f"),
            "share": st.column_config.NumberColumn("share of media GMV", format="percent"),
        },
    )


def budget_page(art: Artifacts, key: str) -> None:
    st.header("Budget optimiser")
    st.caption(
        "Split a total budget across channels to maximise the predicted GMV of every subcategory, within "
        "per-channel bounds. Each channel's total is spread evenly over the weeks."
    )
    company = art.table("company_spend").sort_values("week_start")
    recent = float(company[art.channels].iloc[-13:].to_numpy().sum())
    with st.form("budget_form"):
        c1, c2 = st.columns(2)
        budget = c1.number_input(
            f"Total budget over the horizon ({art.money_unit})",
            min_value=0.0001,
            value=round(recent, 4),
            format="%.4f",
            key="budget_total",
        )
        weeks = c2.number_input("Horizon (weeks)", min_value=1, max_value=52, value=13, key="budget_weeks")
        bounds = table_editor(pd.DataFrame({"channel": art.channels, "min": 0.0, "max": round(recent, 4)}), "budget_bounds")
        run = st.form_submit_button("Optimise", type="primary")
    if run:
        limits = {r.channel: (float(r.min), float(r.max)) for r in bounds.fillna({"min": 0.0, "max": budget}).itertuples()}
        with st.spinner("Optimising (a few seconds)..."):
            st.session_state["budget_result"] = optimise_budget(art, budget, int(weeks), bounds=limits)
    result = st.session_state.get("budget_result")
    if result is None:
        st.info("Set the budget and bounds, then press **Optimise**.")
        return
    caution = planner.identification_caution(art)
    if caution:
        st.warning(caution)
    if result.note:
        st.info(result.note)
    h, r = result.historical_gmv, result.recommended_gmv
    c1, c2, c3 = st.columns(3)
    c1.metric("Expected GMV, historical split", money(h[0], art), help=f"80% interval {money(h[1], art)} to {money(h[2], art)}")
    c2.metric("Expected GMV, recommended split", money(r[0], art), help=f"80% interval {money(r[1], art)} to {money(r[2], art)}")
    c3.metric("Expected uplift", money(result.uplift, art), delta=f"{result.uplift / h[0] * 100:+.2f}%")
    st.caption(
        f"80% intervals: historical {money(h[1], art)} to {money(h[2], art)}; recommended {money(r[1], art)} to "
        f"{money(r[2], art)}. {INTERVAL_SCOPE} Method: {result.method}."
    )
    st.plotly_chart(charts.split_figure(result.table, art.money_unit), key="split_chart")
    st.dataframe(result.table.round(4), hide_index=True, key="split_table")


def report_page(art: Artifacts, key: str) -> None:
    st.header("Model report")
    manifest = art.manifest
    st.caption(
        f"Model: {manifest['model']}; window {manifest['window']['start']} to {manifest['window']['end']} "
        f"({manifest['window']['weeks']} weeks); trained {manifest['created']}."
    )
    sub = st.selectbox("Subcategory", art.subcategories, key="report_sub")
    st.plotly_chart(charts.backtest_figure(art.table("backtest"), sub), key="backtest_chart")
    metrics = art.table("metrics")
    mine = metrics.loc[metrics["subcategory"] == sub].drop(columns="subcategory")
    st.subheader("Held-out weeks: the model beside two naive baselines")
    st.dataframe(
        mine.assign(wape=mine["wape"] * 100, mape=mine["mape"] * 100),
        hide_index=True,
        key="metrics_table",
        column_config={
            "wape": st.column_config.NumberColumn("WAPE %", format="%.2f"),
            "mape": st.column_config.NumberColumn("MAPE %", format="%.2f"),
            "r2": st.column_config.NumberColumn("R²", format="%.3f"),
        },
    )
    st.plotly_chart(charts.importance_figure(art.table("feature_importances"), sub), key="importance_chart")
    if (art.path / "cleaning_report.csv").exists():
        st.subheader("Cleaning report")
        st.dataframe(art.table("cleaning_report"), hide_index=True, key="cleaning_table")


def data_page(art: Artifacts, key: str) -> None:
    st.header("Data & retrain")
    st.caption(
        "Upload your own files in the ElecKart layout (CSV or Parquet). Each file is checked when uploaded; "
        "the current model is replaced only when the new training succeeds."
    )
    roles = {
        "orders": "Orders (ConsumerElectronics layout)",
        "media": "Media spend (monthly or dated, crore ₹)",
        "sale_calendar": "Special-sale calendar (optional)",
        "nps": "Monthly NPS (optional)",
        "holidays": "Holidays (optional)",
    }
    folder = Path(st.session_state.setdefault("upload_dir", tempfile.mkdtemp(prefix="gmv-upload-")))
    valid = st.session_state.setdefault("valid_uploads", {})
    for role, label in roles.items():
        uploaded = st.file_uploader(label, type=["csv", "parquet"], key=f"upload_{role}")
        if uploaded is None:
            valid.pop(role, None)
            continue
        path = folder / f"{role}{Path(uploaded.name).suffix}"
        if st.session_state.get(f"upload_id_{role}") != uploaded.file_id:
            path.write_bytes(uploaded.getvalue())
            st.session_state[f"upload_id_{role}"] = uploaded.file_id
            try:
                st.session_state[f"upload_msg_{role}"] = ("ok", f"{uploaded.name}: {planner.validate_upload(path, role)}")
                valid[role] = path
            except InputError as exc:
                st.session_state[f"upload_msg_{role}"] = ("error", f"{uploaded.name} cannot be used: {exc}")
                valid.pop(role, None)
        kind, message = st.session_state.get(f"upload_msg_{role}", ("", ""))
        (st.success if kind == "ok" else st.error)(message)
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
            st.error(f"Training failed, the current model is unchanged: {exc}")
    if not ready:
        st.info("Upload at least an orders file and a media file to retrain.")


PAGES = {
    "Predict": predict_page,
    "Scenario planner": scenario_page,
    "Channels": channels_page,
    "Budget optimiser": budget_page,
    "Model report": report_page,
    "Data & retrain": data_page,
}


def main() -> None:
    st.set_page_config(page_title="GMV Planner", page_icon="📈", layout="wide")
    st.sidebar.title("GMV Planner")
    try:
        art, key = load_or_train()
    except (InputError, ArtifactError) as exc:
        st.error(f"The trained model cannot be used: {exc}")
        st.stop()
    page = st.sidebar.radio("Page", list(PAGES), key="page")
    st.sidebar.caption(
        f"{len(art.subcategories)} subcategories · {len(art.channels)} channels · model: "
        f"{art.manifest['model']} · money in {art.money_unit}"
    )
    try:
        PAGES[page](art, key)
    except (InputError, ArtifactError) as exc:
        st.error(str(exc))
    except Exception as exc:  # never a raw traceback in front of an analyst
        st.error(
            f"Something went wrong on this page ({type(exc).__name__}: {exc}). Your inputs are kept; "
            "adjust them and try again, or report this message."
        )


main()
