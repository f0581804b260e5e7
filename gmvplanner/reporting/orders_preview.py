"""The mapping step's preview as a person reads it: each column formatted by its role's type (dates as dates,
money to cents, whole quantities without decimals, ids as the text they are), never Python's float repr."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MONEY_ROLES", "ID_ROLES", "preview_table", "id_text"]

MONEY_ROLES = ("gmv", "product_mrp", "price")  # shown to 2 decimals: 15.299999999999999 is 15.30
ID_ROLES = ("customer_id", "order_id", "line_id", "sku")  # shown as text: an id read as 17850.0 is 17850
COUNT_ROLES = ("units", "sla", "procurement_sla")  # whole numbers shown without decimals
MAX_DECIMALS = 3  # a quantity that is not whole (kilos, metres) keeps this many


def id_text(value: object) -> str:
    """An id as text: a number written as a float by the export (17850.0) without its '.0'; blanks as ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    text = str(value).strip()
    whole, dot, decimals = text.partition(".")
    if dot and whole.lstrip("-").isdigit() and set(decimals) <= {"0"}:
        return whole
    return text


def _money(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")


def _count(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.map(lambda v: "" if pd.isna(v) else f"{v:,.0f}" if float(v).is_integer() else f"{v:,.{MAX_DECIMALS}f}")


def _date(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, errors="coerce")
    with_time = (stamps.dropna().dt.normalize() != stamps.dropna()).any()
    return stamps.dt.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d").fillna("")


def preview_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (columns named by role, as `data.preview.preview_orders` returns them) as text formatted by role."""
    shown = {}
    for role in frame.columns:
        values = frame[role]
        if role == "order_date":
            shown[role] = _date(values)
        elif role in MONEY_ROLES:
            shown[role] = _money(values)
        elif role in COUNT_ROLES:
            shown[role] = _count(values)
        elif role in ID_ROLES:
            shown[role] = values.map(id_text)
        else:
            shown[role] = values.astype("string").fillna("")
    return pd.DataFrame(shown, index=frame.index)
