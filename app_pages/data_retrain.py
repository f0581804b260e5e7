"""Data & retrain page: upload files (orders in the ElecKart layout or a shop's own export, mapped column by column),
check each on upload, retrain in the background into a new model version that this session can switch to (other
sessions keep theirs)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import NamedTuple

import streamlit as st

from app_pages.auth import may
from app_pages.common import current, job_ui, page_header, plain, upload_folder
from gmvplanner.config import DEFAULT_MODEL, HOLDOUT_WEEKS
from gmvplanner.data.columns import ROLES as COLUMN_ROLES
from gmvplanner.data.columns import ColumnMapping, guess_mapping, parse_columns
from gmvplanner.data.currency_guess import guess_currency, region_values
from gmvplanner.data.preview import orders_header, preview_orders
from gmvplanner.dates import WEEKS_PER_YEAR
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import Artifacts
from gmvplanner.model.base import MODEL_KINDS, model_names
from gmvplanner.model.train_config import TrainConfig
from gmvplanner.reporting.orders_preview import preview_table
from gmvplanner.service import planner, retraining
from gmvplanner.service.access import Action
from gmvplanner.units import SPEND_UNITS, MoneyUnit

ROLES = {
    "orders": ("Orders (ElecKart ConsumerElectronics layout, or your shop's export: map its columns below)", ["csv", "parquet"]),
    "media": ("Media spend (optional: monthly or dated, in the spend unit below)", ["csv", "parquet"]),
    "sale_calendar": ("Special-sale calendar (optional)", ["csv", "parquet"]),
    "nps": ("Monthly NPS (optional)", ["csv", "parquet"]),
    "holidays": ("Holidays (optional)", ["csv", "parquet"]),
    "transforms": ("Fixed carry-over and saturation (optional: channel, decay, half_saturation_multiple)", ["csv"]),
    "lift_tests": ("Lift tests (optional: channel, start, end, delta_spend, delta_gmv, sigma)", ["csv"]),
}


NOT_IN_FILE = "(not in this file)"  # a role's choice when the export has no column for it


def _mapping_text(mapping: ColumnMapping | None) -> str:
    """A mapping as one line of role=column pairs, then its settings (how a choice is remembered per header)."""
    if mapping is None:
        return ""
    pairs = [f"{r}={c}" for r, c in mapping.columns.items()]
    pairs += [f"{k}={v}" for k, v in (("date_format", mapping.date_format), ("cancelled_prefix", mapping.cancelled_prefix)) if v]
    return ",".join(pairs)


def _start_from(header: list[str], key: str) -> None:
    """Fill the mapping step's widgets of this header when they are not drawn yet (first upload, or back on the page):
    the choice made before for this header, else the guess."""
    if f"{key}_order_date" in st.session_state:
        return
    remembered = st.session_state.setdefault("column_mappings", {}).get(tuple(header))
    try:
        start = parse_columns(remembered, "column mapping") if remembered else guess_mapping(header)
    except InputError:
        start = guess_mapping(header)
    columns = start.columns if start is not None else {}
    for role in COLUMN_ROLES:
        st.session_state[f"{key}_{role}"] = columns.get(role, NOT_IN_FILE)
    st.session_state[f"{key}_date_format"] = (start.date_format if start else None) or ""
    st.session_state[f"{key}_cancelled_prefix"] = (start.cancelled_prefix if start else None) or ""


def roles_ui(header: list[str], key: str) -> ColumnMapping:
    """A select box per role, filled from the file's header (required roles first), and the two settings; the
    mapping they make (InputError naming what is wrong, e.g. no date column)."""
    _start_from(header, key)
    st.markdown("**Columns of the orders file**: pick the column that plays each role.")
    cells = st.columns(4)
    columns = {}
    for i, (role, meaning) in enumerate(COLUMN_ROLES.items()):
        picked = cells[i % 4].selectbox(role, [NOT_IN_FILE, *header], key=f"{key}_{role}", help=meaning)
        if picked != NOT_IN_FILE:
            columns[role] = picked
    c1, c2 = st.columns(2)
    date_format = c1.text_input(
        "Date format (blank: YYYY-MM-DD hh:mm:ss)", key=f"{key}_date_format", help="strptime codes, e.g. %m/%d/%Y %H:%M"
    )
    prefix = c2.text_input("Cancelled orders: order ids starting with (blank: none)", key=f"{key}_cancelled_prefix")
    pairs = [f"{r}={c}" for r, c in columns.items()]
    pairs += [f"{k}={v.strip()}" for k, v in (("date_format", date_format), ("cancelled_prefix", prefix)) if v.strip()]
    text = ",".join(pairs)
    st.session_state["column_mappings"][tuple(header)] = text
    return parse_columns(text, "column mapping")


def currency_ui(path: Path, mapping: ColumnMapping, key: str) -> str:
    """The currency box, filled with the guess from the country column and the preset (kept once the user edits)."""
    guess = guess_currency(mapping, region_values(path, mapping))
    if st.session_state.get(f"{key}_currency_guess") != guess.code or f"{key}_currency" not in st.session_state:
        st.session_state[f"{key}_currency"] = st.session_state[f"{key}_currency_guess"] = guess.code  # a new guess refills
    currency = st.text_input("Currency (ISO 4217, e.g. INR, GBP, USD, EUR)", key=f"{key}_currency")
    st.caption(f"Guessed {guess.code}: {guess.reason}.")
    return currency


def mapping_ui(path: Path) -> tuple[planner.OrdersLayout, str]:
    """The mapping step after an orders upload: a guess from the header (or the choice made before for the same
    header), editable role by role, with the currency guessed and a preview of the first rows as the model will
    read them. Returns the layout and a key that changes whenever the choice does."""
    header = orders_header(path)
    key = "orders_mapping_" + hashlib.sha256("\x1f".join(header).encode()).hexdigest()[:12]
    mapping = roles_ui(header, key)
    c1, c2, c3 = st.columns(3)
    with c1:
        currency = currency_ui(path, mapping, key)
    units = list(SPEND_UNITS)
    spend_unit = c2.selectbox("Spend unit of the media file", ["default", *units], key="orders_spend_unit")
    net = c3.checkbox("GMV net of returns", key="orders_net", help="default: gross; returns and cancellations dropped")
    money = MoneyUnit.for_currency(currency, None if spend_unit == "default" else spend_unit)
    st.caption("The first rows as the model will read them:")
    st.dataframe(preview_table(preview_orders(path, mapping)), hide_index=True, key="orders_preview")
    layout = planner.OrdersLayout(mapping=mapping, money=money, net_of_returns=net)
    return layout, f"{_mapping_text(mapping)}|{money}|{net}"


def _layout_ui(path: Path) -> tuple[planner.OrdersLayout | None, str]:
    """The mapping step, with a bad mapping shown as an error (the upload then does not pass)."""
    try:
        return mapping_ui(path)
    except (InputError, ValueError) as exc:
        st.error(f"Column mapping: {plain(str(exc))}")
        return None, "bad"


def uploads_ui() -> dict[str, Path]:
    """One uploader per role; each new file (or, for orders, new mapping) is saved and checked once, with a spinner
    while it is checked. A checked file stays for the session (leaving the page keeps it) until it is replaced or
    removed. Returns the roles whose file passed; the orders' layout goes to the session's `orders_layout`."""
    folder = upload_folder()
    valid = st.session_state.setdefault("valid_uploads", {})
    for role, (label, types) in ROLES.items():
        uploaded = st.file_uploader(label, type=types, key=f"upload_{role}")
        if uploaded is None:
            if role in valid:
                kept_ui(role, valid)
            continue
        path = folder / role / Path(uploaded.name).name  # the user's own file name, in messages too
        if st.session_state.get(f"upload_saved_{role}") != uploaded.file_id:
            shutil.rmtree(folder / role, ignore_errors=True)  # the file it replaces
            valid.pop(role, None)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(uploaded.getvalue())
            st.session_state[f"upload_saved_{role}"] = uploaded.file_id
        layout, choice = _layout_ui(path) if role == "orders" else (None, "")
        if role == "orders":
            st.session_state["orders_layout"] = layout
        check_id = f"{uploaded.file_id}|{choice}"
        if st.session_state.get(f"upload_id_{role}") != check_id:
            check_upload(path, role, uploaded.name, layout, check_id)
        kind, message = st.session_state.get(f"upload_msg_{role}", ("", ""))
        if kind == "ok":
            st.success(message)
        elif kind == "error":
            st.error(message)
    return valid


def check_upload(path: Path, role: str, name: str, layout: planner.OrdersLayout | None, check_id: str) -> None:
    """Check one saved file (orders through their mapping). The result is recorded only once the check ends, so a
    check cut short (another upload reruns the page meanwhile) is simply run again instead of leaving an empty
    error."""
    valid = st.session_state["valid_uploads"]
    valid.pop(role, None)
    size = path.stat().st_size / 1e6
    check = None
    with st.spinner(f"Checking {name} ({size:,.1f} MB): reading every row, dates and amounts…"):
        try:
            if role == "orders" and layout is None:
                raise InputError("column mapping", "fix the column mapping above")
            check = planner.validate_upload(path, role, layout)
            outcome = ("ok", f"{name}: {check.summary}")
        except InputError as exc:
            outcome = ("error", f"{name} cannot be used: {plain(str(exc))}")  # no temporary paths shown
    if check is not None:
        valid[role] = path
        if role == "orders":
            st.session_state["upload_subcategories"] = list(check.subcategories)
    st.session_state[f"upload_msg_{role}"] = outcome
    st.session_state[f"upload_id_{role}"] = check_id


def kept_ui(role: str, valid: dict[str, Path]) -> None:
    """A file checked earlier in this session whose uploader was reset (the page was left): it is still used."""
    kind, message = st.session_state.get(f"upload_msg_{role}", ("ok", valid[role].name))
    c1, c2 = st.columns([5, 1])
    c1.success(f"Kept from earlier in this session: {message}")
    if c2.button("Remove", key=f"remove_upload_{role}"):
        shutil.rmtree(valid.pop(role).parent, ignore_errors=True)
        for state in ("msg", "id", "saved"):
            st.session_state.pop(f"upload_{state}_{role}", None)
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
        "Upload your own files (CSV or Parquet): orders in the ElecKart layout or your shop's own export, whose "
        "columns you map after the upload. Each file is checked when uploaded. "
        "Training runs in the background into a new model version; the version in use is never changed under you "
        "or anyone else.",
    )
    valid = uploads_ui() if may(Action.UPLOAD, "Uploading files") else {}
    options = options_ui(art, valid)
    job = retraining.get_job(st.session_state.get("retrain_job"))
    running = job is not None and job.state == "running"
    ready = "orders" in valid and bool(options.subcategories)
    allowed = may(Action.RETRAIN, "Retraining")  # for viewers and planners, a note stands where the button would
    if allowed and st.button("Retrain", type="primary", disabled=not ready or running, key="retrain"):
        job = retraining.start_retrain(
            dict(valid),
            planner.app_artifacts_dir(),
            options.subcategories,
            options.config,
            start=options.start,
            end=options.end,
            layout=st.session_state.get("orders_layout"),
        )
        st.session_state["retrain_job"] = job.id
        st.rerun()  # redraw with the button disabled and the progress shown
    if job is not None:
        job_ui(job)
    if allowed and "orders" not in valid:
        st.info("Upload at least an orders file to retrain (add a media spend file for channel answers and budgets).")


main()
