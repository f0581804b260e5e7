"""A shop's export read as the ElecKart columns the cleaning SQL knows: the column mapping as DuckDB SQL.

`row_sql` renames and derives row by row (the error path rescans it in file order to name a bad cell's row);
`sql` adds whether each line's order is cancelled (by an order-id prefix, or by a status on any of the order's
lines). The export's own columns are kept under `source:<name>`, so exact duplicates are still identical in every
column of the file.
"""

from __future__ import annotations

from typing import NamedTuple

from .columns import ALL_GROUP, CANCELLED_STATUSES, ELECKART, SOURCE_PREFIX, ColumnMapping
from .names import CANCELLED
from .order_sql import DUCKDB_SQL

__all__ = ["MappedSource", "mapped_source"]

_NULL = "CAST(NULL AS VARCHAR)"
_OFFSET = r"\s*[+-]\d{2}:?\d{2}$"  # a trailing time-zone offset: dropped, so days are the shop's local days
# the ElecKart columns a mapping fills with neutral values when its role is absent
_NEUTRAL = {"subcategory": f"'{ALL_GROUP}'", "units": "'1'"}


class MappedSource(NamedTuple):
    """row_sql: the mapped rows in file order; sql: with the cancelled flag; names: the columns of `sql`."""

    row_sql: str
    sql: str
    names: list[str]


def _cell(column: str) -> str:
    return DUCKDB_SQL.ident(column)


def _number(column: str) -> str:
    return f"TRY_CAST(trim({_cell(column)}) AS DOUBLE)"


def _date(mapping: ColumnMapping) -> str:
    """The order date as YYYY-MM-DD hh:mm:ss when it reads in the mapping's format; else the cell as it is (so an
    unreadable date is named as the file wrote it)."""
    cell = _cell(mapping.columns["order_date"])
    if mapping.date_format is None:
        return cell
    fmt = DUCKDB_SQL.literal(mapping.date_format)
    parsed = f"try_strptime(regexp_replace(trim({cell}), '{_OFFSET}', ''), {fmt})"
    return f"COALESCE(strftime({parsed}, '%Y-%m-%d %H:%M:%S'), {cell})"


def _gmv(mapping: ColumnMapping) -> str:
    """The line amount: the gmv column, or price x units. A price that is not a number is passed on as written
    (the cleaning names it as unreadable); a missing price or unreadable units leave the amount missing."""
    if "gmv" in mapping.columns:
        return _cell(mapping.columns["gmv"])
    price = mapping.columns["price"]
    units = _number(mapping.columns["units"]) if "units" in mapping.columns else "1.0"
    return (
        f"CASE WHEN {_number(price)} IS NULL THEN {_cell(price)} WHEN {units} IS NULL THEN {_NULL} "
        f"ELSE CAST({_number(price)} * {units} AS VARCHAR) END"
    )


def _cancelled(mapping: ColumnMapping) -> str | None:
    """Whether a line's order is cancelled, as SQL over the mapped rows; None when the mapping cannot tell."""
    parts = []
    if mapping.cancelled_prefix:
        parts.append(f"COALESCE(starts_with(trim({_cell('order_id')}), {DUCKDB_SQL.literal(mapping.cancelled_prefix)}), false)")
    if "status" in mapping.columns:
        statuses = ", ".join(DUCKDB_SQL.literal(s) for s in CANCELLED_STATUSES)
        status = f"COALESCE(lower(trim({_cell(SOURCE_PREFIX + mapping.columns['status'])})) IN ({statuses}), false)"
        # an export may write the status on an order's first line only: it cancels all of the order's lines
        parts.append(f"bool_or({status}) OVER (PARTITION BY {_cell('order_id')})" if "order_id" in mapping.columns else status)
    return " OR ".join(parts) if parts else None


def mapped_source(source_sql: str, names: list[str], mapping: ColumnMapping) -> MappedSource:
    """SQL reading `source_sql` (text columns `names`, checked against the mapping) as the ElecKart columns."""
    columns = {ELECKART["order_date"]: _date(mapping), ELECKART["gmv"]: _gmv(mapping)}
    for role, internal in ELECKART.items():
        if internal in columns:
            continue
        if role in mapping.columns:
            columns[internal] = _cell(mapping.columns[role])
        elif role in _NEUTRAL:
            columns[internal] = _NEUTRAL[role]
        elif role not in ("customer_id", "order_id"):
            columns[internal] = _NULL
    selected = [f"{expr} AS {_cell(name)}" for name, expr in columns.items()]
    selected += [f"{_cell(n)} AS {_cell(SOURCE_PREFIX + n)}" for n in names]
    row_sql = f"SELECT {', '.join(selected)} FROM ({source_sql}) AS export"
    out_names = [*columns, *(SOURCE_PREFIX + n for n in names)]
    cancelled = _cancelled(mapping)
    if cancelled is None:
        return MappedSource(row_sql, row_sql, out_names)
    return MappedSource(row_sql, f"SELECT *, {cancelled} AS {_cell(CANCELLED)} FROM raw_rows", [*out_names, CANCELLED])
