"""The first rows of an orders file as the model will read them, under a column mapping (the app's mapping step)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from ..errors import InputError
from .columns import ELECKART, ColumnMapping
from .ingest import source_sql
from .mapped_source import mapped_source
from .order_files import csv_header, order_sources

__all__ = ["orders_header", "preview_orders", "PREVIEW_ROWS"]

PREVIEW_ROWS = 8  # rows the mapping step shows
# the roles the preview shows, under their role names, in this order (from the ElecKart names the SQL reads)
SHOWN = ("order_date", "gmv", "units", "subcategory", "customer_id", "order_id", "payment_type", "vertical", "product_mrp")


def orders_header(path: Path | str) -> list[str]:
    """The column names of an orders file (CSV, gzip'd CSV or Parquet)."""
    kind, files = order_sources(path)
    if kind == "parquet":
        try:
            return list(pq.read_schema(files[0]).names)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise InputError(files[0], f"not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    return csv_header(files[0])


def preview_orders(path: Path | str, mapping: ColumnMapping, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first `rows` rows of `path` as the cleaning reads them: dates as YYYY-MM-DD hh:mm:ss, GMV (price x units
    when the export has a unit price), units, the group, and the other roles the mapping gives; raises InputError
    when the mapping names a column the file lacks."""
    source = source_sql(path, "utf-8", mapping)
    mapped = mapped_source(source.sql, source.names, mapping)
    given = {*mapping.columns, "gmv", "units", "subcategory"}
    by_role = {role: ELECKART[role] for role in SHOWN if role in given and ELECKART[role] in mapped.names}
    columns = ", ".join(f'"{internal}" AS "{role}"' for role, internal in by_role.items())
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT {columns} FROM ({mapped.row_sql}) AS mapped LIMIT {int(rows)}").df()
    except duckdb.Error as exc:
        raise InputError(path, f"not a readable table ({str(exc).splitlines()[0]})") from None
    finally:
        con.close()
