"""Orders -> cleaned per-day, per-subcategory aggregates and the cleaning report, run on DuckDB (out of core).

This is the one stage that touches every order. DuckDB streams the file (CSV, gzip'd CSV, Parquet, or a folder or
glob of Parquet files) with every core, spills to disk when memory runs short, and hands back only the small
aggregate: one row per day and subcategory (and per day, subcategory and vertical or payment type). Everything
after it (allocation, features, models) works on that aggregate.

The cleaning rules and their SQL are in `order_sql` (one definition for every engine), finding the files and
checking their header in `order_files`; this module runs them (`clean_and_aggregate`) and holds the result
(`OrderAggregate`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from ..errors import InputError
from . import order_sql, readers
from .columns import ColumnMapping
from .customers import CUSTOMER_ID, ORDER_ID, CustomerTables, customer_tables
from .mapped_source import mapped_source
from .order_files import ORDER_FIELDS, csv_header, csv_names, order_sources, parquet_schema
from .order_sql import (
    DUCKDB_SQL,
    ELECKART_RULES,
    MAX_SLA_DAYS,
    REASONS,
    SPARK_SQL,
    CellCheck,
    DropReason,
    LineRules,
    SqlDialect,
    SqlRunner,
    ValueFix,
    kept_codes,
)

__all__ = [
    "OrderAggregate",
    "RowsGmv",
    "DaySpan",
    "WindowChooser",
    "aggregate_orders",
    "clean_and_aggregate",
    "covered_days",
    "source_sql",
    # defined in order_files and order_sql, importable from here as before
    "ORDER_FIELDS",
    "MAX_SLA_DAYS",
    "REASONS",
    "SqlDialect",
    "DUCKDB_SQL",
    "SPARK_SQL",
    "csv_names",
    "order_sources",
    "parquet_schema",
]

log = logging.getLogger(__name__)

# DuckDB's memory cap (it spills to disk beyond it): keeps ingestion of any size within a few GB on one machine
DUCKDB_MEMORY = os.environ.get("GMV_DUCKDB_MEMORY", "3GB")
COVERED_DAY_FLOOR = 0.25  # a day counts as covered with at least this share of the median day's orders


class RowsGmv(NamedTuple):
    """A count of order rows and their GMV (₹)."""

    rows: int
    gmv: float


class DaySpan(NamedTuple):
    """The first and last day of a span."""

    first: pd.Timestamp
    last: pd.Timestamp


@dataclass
class OrderAggregate:
    """What the rest of the pipeline needs from the orders, per day (₹), before any window is applied.

    daily: day, subcategory, gmv, orders, mrp_sum, mrp_n, sla_sum, sla_n, procurement_sla_sum, procurement_sla_n,
        list_value (MRP x units where MRP is known), gmv_listed (GMV where MRP is known), for valid orders;
    mix: day, subcategory, kind ("vertical" or "payment"), value ("unknown" when blank), n (valid orders);
    reasons: day, reason (VALID (0), else a `DropReason` code; OUTSIDE_WINDOW is decided by `report`), rows, gmv,
        fix_<i>_rows / fix_<i>_gmv (valid orders hit by the i-th `ValueFix`);
    duplicates: rows and GMV of the extra copies of exact duplicate rows; rows_read: rows and GMV of the file.
    """

    daily: pd.DataFrame
    mix: pd.DataFrame
    reasons: pd.DataFrame
    duplicates: RowsGmv
    rows_read: RowsGmv
    customers: CustomerTables | None = None  # inside the window, when asked for and the file has cust_id
    rules: LineRules = ELECKART_RULES  # the returns rules the lines were judged by

    @property
    def span(self) -> DaySpan:
        """The first and last day the orders cover (see `covered_days`)."""
        per_day = self.reasons.groupby("day")["rows"].sum()
        return covered_days(per_day)

    def inside(self, frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        """The rows of `frame` whose day is in [start, end]."""
        return frame.loc[(frame["day"] >= start) & (frame["day"] <= end)].reset_index(drop=True)

    def valid_daily(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        """`daily` inside the window [start, end]."""
        return self.inside(self.daily, start, end)

    def valid_mix(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        """`mix` inside the window [start, end]."""
        return self.inside(self.mix, start, end)

    def report(self, start: pd.Timestamp, end: pd.Timestamp, symbol: str = "₹") -> pd.DataFrame:
        """The cleaning report for the window [start, end]: reason, action, rows, gmv, in the rules' order; amounts
        in the labels carry the currency `symbol`. The returns rules' rows appear when they were applied."""
        r = self.reasons
        outside = ~((r["day"] >= start) & (r["day"] <= end))
        # lines outside the window that no earlier rule dropped: the window's rule counts them first
        window_first = outside & r["reason"].isin(DropReason.codes_after(DropReason.OUTSIDE_WINDOW))
        rows = [(DropReason.DUPLICATE.label, "dropped", *self.duplicates)]
        for reason in self._reported_reasons():
            hit = window_first if reason is DropReason.OUTSIDE_WINDOW else (r["reason"] == reason.code) & ~window_first
            label = reason.label.replace("₹", symbol)
            rows.append((label, self._action(reason), int(r.loc[hit, "rows"].sum()), float(r.loc[hit, "gmv"].sum())))
        valid = r["reason"].isin(kept_codes(self.rules)) & ~outside
        for fix in ValueFix:
            hit_rows, hit_gmv = r.loc[valid, fix.rows_column].sum(), r.loc[valid, fix.gmv_column].sum()
            rows.append((fix.label, "kept; value set to missing", int(hit_rows), float(hit_gmv)))
        rows.append(("valid orders", "kept", int(r.loc[valid, "rows"].sum()), float(r.loc[valid, "gmv"].sum())))
        rows.append(("rows read", "total", *self.rows_read))
        return pd.DataFrame(rows, columns=["reason", "action", "rows", "gmv"])

    def _reported_reasons(self) -> list[DropReason]:
        """The rules with a row in the report: every coded one, the returns rules only when they applied."""
        returns_rules = (DropReason.CANCELLED, DropReason.RETURN)
        return [r for r in DropReason if r.code is not None and (self.rules.returns or r not in returns_rules)]

    def _action(self, reason: DropReason) -> str:
        """What happened to a rule's lines: dropped, or net of returns, kept and subtracted."""
        if reason is DropReason.RETURN and self.rules.net:
            return "kept; subtracted (net of returns; counted in valid orders)"
        return "dropped"


# the aggregate -> the first and last day of the modelling window
WindowChooser = Callable[[OrderAggregate], tuple[pd.Timestamp, pd.Timestamp]]


def covered_days(per_day: pd.Series, floor: float = COVERED_DAY_FLOOR) -> DaySpan:
    """The first and last day the orders cover: days with at least `floor` times the median day's orders, so a few
    stray rows dated outside the real span (a common export fault) do not stretch it."""
    busy = per_day.index[per_day >= floor * per_day.median()]
    return DaySpan(pd.Timestamp(busy[0]), pd.Timestamp(busy[-1]))


def clean_and_aggregate(
    run: SqlRunner,
    names: list[str],
    sql: SqlDialect,
    path: Path | str,
    on_unreadable: Callable[[], None],
    window: WindowChooser | None = None,
    rules: LineRules = ELECKART_RULES,
) -> OrderAggregate:
    """The one definition of cleaning and aggregation, as SQL any engine runs (DuckDB here, Spark in
    `spark_ingest`): `run` executes it over a table `raw` of text columns `names`, written in the engine's `sql`
    dialect; `on_unreadable` is called when a cell cannot be read (it raises, naming the row). With `window`
    and a cust_id column, the customer tables of that window (`customers.customer_tables`) come too; `rules` are
    the returns rules of the layout."""
    with_customers = window is not None and CUSTOMER_ID in names
    with_orders = with_customers and ORDER_ID in names  # customers' orders are counted by order id when there is one
    # one pass over the file: one copy of each distinct row goes on, with its count
    run.table("distinct_rows", order_sql.distinct_rows_sql(names, sql, with_customers, with_orders))
    if run.one("SELECT count(*) FROM distinct_rows")[0] == 0:
        raise InputError(path, "has a header but no data rows")
    run.table("judged", order_sql.judged_sql(sql, with_customers, rules, with_orders))
    if run.one("SELECT count(*) FROM judged WHERE unreadable")[0]:
        on_unreadable()
    duplicates = _rows_gmv(run.one(order_sql.DUPLICATES_SQL))
    rows_read = _rows_gmv(run.one(order_sql.ROWS_READ_SQL))
    reasons = _with_types(run.frame(order_sql.reasons_sql()).rename(columns={"row_count": "rows"}))
    run.view("valid", order_sql.valid_sql(rules))
    daily = _with_types(run.frame(order_sql.DAILY_SQL))
    mix = _mix_with_types(run.frame(order_sql.MIX_SQL))
    aggregate = OrderAggregate(daily=daily, mix=mix, reasons=reasons, duplicates=duplicates, rows_read=rows_read, rules=rules)
    if with_customers and window is not None:
        aggregate.customers = customer_tables(run, sql, *window(aggregate), order_ids=with_orders)
    return aggregate


def _rows_gmv(row: tuple) -> RowsGmv:
    """A (row count, GMV) query result; NULL sums (no rows) as 0."""
    return RowsGmv(int(row[0] or 0), float(row[1] or 0.0))


def _with_types(frame: pd.DataFrame) -> pd.DataFrame:
    """`daily` or `reasons` as the engine returned it, with days as timestamps and counts as int64 (engines differ)."""
    frame["day"] = pd.to_datetime(frame["day"])
    for column in frame.columns:
        if column.endswith(("_n", "rows")) or column in ("orders", "reason"):
            frame[column] = frame[column].astype("int64")
    return frame


def _mix_with_types(mix: pd.DataFrame) -> pd.DataFrame:
    """`mix` with days as timestamps, counts as int64 and the rows sorted here (engines collate differently)."""
    mix["day"] = pd.to_datetime(mix["day"])
    mix["n"] = mix["n"].astype("int64")
    return mix.sort_values(["day", "subcategory", "kind", "value"], ignore_index=True)


def aggregate_orders(
    path: Path | str,
    window: WindowChooser | None = None,
    mapping: ColumnMapping | None = None,
    net_of_returns: bool = False,
) -> OrderAggregate:
    """Clean the orders in `path` and aggregate them per day (and subcategory); the window is applied after.

    With `window` (the aggregate -> first and last day of the modelling window), the customer tables of that
    window are computed too, in the same pass, when the file has a customer column. `mapping` reads a shop's own
    export (None or the ElecKart preset: the ElecKart layout, as before), with the returns rules; net of returns,
    negative lines subtract from GMV instead of being dropped."""
    if mapping is not None and mapping.is_eleckart:
        mapping = None
    for encoding in ("utf-8", "latin-1"):
        con = _connect()
        try:
            aggregate = _aggregate(con, path, encoding, window, _Layout(mapping, net_of_returns))
            if encoding != "utf-8":
                log.warning("%s is not UTF-8 text; read it as Latin-1 (save it as UTF-8 to be sure of names)", path)
            return aggregate
        except duckdb.Error as exc:
            if encoding == "utf-8" and _is_encoding_error(exc):
                continue
            raise _plain(path, exc) from None
        finally:
            con.close()
    raise AssertionError("unreachable")


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")  # lets aggregations stream and spill
    con.execute("SET enable_progress_bar = false")  # long queries would print bars into the CLI's output
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    spill = Path(tempfile.gettempdir()) / "gmvplanner-duckdb"
    con.execute(f"SET temp_directory = '{spill.as_posix()}'")
    return con


class SourceSql(NamedTuple):
    """SQL reading the orders as text columns, the file's column names, and the kind of file."""

    sql: str
    names: list[str]
    kind: str


class _Layout(NamedTuple):
    """How to read the lines: the column mapping (None: ElecKart) and whether GMV is net of returns."""

    mapping: ColumnMapping | None
    net: bool

    @property
    def rules(self) -> LineRules:
        """The returns rules: a mapped export's, or ElecKart's as before."""
        if self.mapping is None:
            return ELECKART_RULES
        has_cancel = bool(self.mapping.cancelled_prefix) or "status" in self.mapping.columns
        return LineRules(returns=True, net=self.net, cancelled_column=has_cancel)

    def column(self, internal: str) -> str:
        """The file's column behind a cleaning column, for error messages."""
        return internal if self.mapping is None else self.mapping.source_of(internal)


def source_sql(path: Path | str, encoding: str = "utf-8", mapping: ColumnMapping | None = None) -> SourceSql:
    """The DuckDB SQL reading the orders in `path` as text columns (the export's columns as they are)."""
    kind, files = order_sources(path)
    listed = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    if kind == "parquet":
        return _parquet_source_sql(path, files, listed, mapping)
    names = csv_names(path, files, mapping)
    types = "{" + ", ".join("'" + n.replace("'", "''") + "': 'VARCHAR'" for n in names) + "}"
    sql = (
        f"SELECT * FROM read_csv({listed}, header = true, all_varchar = true, columns = {types}, encoding = '{encoding}', "
        "quote = '\"', escape = '\"', delim = ',', strict_mode = true, null_padding = false)"
    )
    return SourceSql(sql, names, kind)


def _parquet_source_sql(path: Path | str, files: list[str], listed: str, mapping: ColumnMapping | None) -> SourceSql:
    """Parquet columns as text; timestamps as YYYY-MM-DD hh:mm:ss in their local wall time, as the calendars keep it."""
    schema = parquet_schema(path, files, mapping)
    names = list(schema.names)
    columns = []
    for name in names:
        field = schema.field(name)
        quoted = DUCKDB_SQL.ident(name)
        tz = getattr(field.type, "tz", None)
        if tz:  # keep the local wall time of time-zone-aware timestamps, as the calendars do
            expr = f"strftime(timezone('{tz}', {quoted}), '%Y-%m-%d %H:%M:%S')"
        elif str(field.type).startswith(("timestamp", "date")):
            expr = f"strftime({quoted}, '%Y-%m-%d %H:%M:%S')"
        else:
            expr = f"CAST({quoted} AS VARCHAR)"
        columns.append(f"{expr} AS {quoted}")
    return SourceSql(f"SELECT {', '.join(columns)} FROM read_parquet({listed}, union_by_name = true)", names, "parquet")


def _is_encoding_error(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return "unicode" in text or "utf-8" in text or "utf8" in text


def _plain(path: Path | str, exc: duckdb.Error) -> InputError:
    """A DuckDB reading error as one plain line, with the row when it can be found."""
    message = str(exc).splitlines()[0]
    if Path(str(path)).is_file() and not str(path).endswith(".gz"):
        ragged = readers.ragged_row_error(Path(path), len(csv_header(str(path))))
        if ragged is not None:
            return ragged
    return InputError(path, f"not a readable table ({message})")


def _aggregate(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    encoding: str = "utf-8",
    window: WindowChooser | None = None,
    layout: _Layout = _Layout(None, False),
) -> OrderAggregate:
    source = source_sql(path, encoding, layout.mapping)
    names = source.names
    if layout.mapping is None:
        con.execute(f"CREATE TEMP VIEW raw_rows AS {source.sql}")
        con.execute("CREATE TEMP VIEW raw AS SELECT * FROM raw_rows")
    else:
        mapped = mapped_source(source.sql, source.names, layout.mapping)
        con.execute(f"CREATE TEMP VIEW raw_rows AS {mapped.row_sql}")
        con.execute(f"CREATE TEMP VIEW raw AS {mapped.sql}")
        names = mapped.names
    date_hint = layout.mapping.date_format if layout.mapping is not None else None

    def on_unreadable() -> None:
        _first_bad_cell(con, path, source.kind, order_sql.cell_checks(date_hint), layout)

    return clean_and_aggregate(_DuckDBRunner(con), names, DUCKDB_SQL, path, on_unreadable, window, layout.rules)


class _DuckDBRunner:
    """Runs the shared SQL on DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE TEMP VIEW {name} AS {sql}")

    def one(self, sql: str) -> tuple:
        row = self.con.execute(sql).fetchone()
        if row is None:  # the shared SQL asks this only of aggregates, which always return a row
            raise RuntimeError(f"no row from {sql}")
        return row

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


def _first_bad_cell(
    con: duckdb.DuckDBPyConnection, path: Path | str, kind: str, checks: list[CellCheck], layout: _Layout
) -> None:
    """The error path: rescan the file in order and raise for the first bad cell, naming its row and the file's
    column."""
    con.execute("SET preserve_insertion_order = true")
    flags = ", ".join(f"COALESCE({check.condition}, false) AS check_{i}" for i, check in enumerate(checks))
    found = f"WHERE {' OR '.join(f'check_{i}' for i in range(len(checks)))} ORDER BY position LIMIT 1"
    row = con.execute(f"SELECT * FROM (SELECT row_number() OVER () - 1 AS position, *, {flags} FROM raw_rows) {found}").df()
    row = row.iloc[0]
    position = int(row["position"])
    csv_file = kind == "csv" and Path(str(path)).is_file() and not str(path).endswith(".gz")
    for i, check in enumerate(checks):
        if row[f"check_{i}"]:
            where = readers.spreadsheet_row(position, path if csv_file else None)
            raise InputError(path, check.message.format(v=row[check.column]), column=layout.column(check.column), row=where)
