"""Where the orders are and what they hold: the files behind a path, and the header checks every engine makes."""

from __future__ import annotations

import csv
import glob
import gzip
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError
from . import readers
from .columns import ColumnMapping
from .names import ORDER_FIELDS

__all__ = ["ORDER_FIELDS", "OrderSources", "order_sources", "csv_names", "csv_header", "parquet_schema"]


class OrderSources(NamedTuple):
    """The kind of the order files ('csv' or 'parquet') and the files, in order."""

    kind: str
    files: list[str]


def order_sources(path: Path | str) -> OrderSources:
    """('csv' or 'parquet', the files) for a file, a gzip'd CSV, a folder of Parquet files or a glob."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        files = sorted(glob.glob(text))
        if not files:
            raise InputError(path, "no files match this pattern")
    elif Path(path).is_dir():
        files = sorted(str(p) for p in Path(path).rglob("*.parquet"))
        if not files:
            raise InputError(path, "is a folder without .parquet files; give a CSV or Parquet file, or a folder of Parquet")
    else:
        files = [text]
    kinds = [_file_kind(f) for f in files]
    odd = next((i for i, k in enumerate(kinds) if k != kinds[0]), None)
    if odd is not None:
        raise InputError(
            files[odd], f"is a {kinds[odd]} file among {kinds[0]} files (such as {files[0]}); give the orders in one format"
        )
    return OrderSources(kinds[0], files)


def _file_kind(file: str) -> str:
    """'parquet' or 'csv', by the file's first bytes; a file whose name says Parquet but whose bytes do not is
    refused naming it (a CSV renamed .parquet would otherwise fail deep inside the reader)."""
    readers.check_file(file)
    with open(file, "rb") as fh:
        kind = "parquet" if fh.read(len(readers.PARQUET_MAGIC)) == readers.PARQUET_MAGIC else "csv"
    if kind == "csv" and file.lower().endswith(".parquet"):
        raise InputError(
            file,
            "is named .parquet but is not a Parquet file (it does not start with PAR1; a CSV?); "
            "rename it or export it as Parquet",
        )
    return kind


def csv_names(path: Path | str, files: list[str], mapping: ColumnMapping | None = None) -> list[str]:
    """The header of an orders CSV, after the checks every engine makes: a text table, named columns, the required
    ones present (ElecKart's, or the columns `mapping` names)."""
    names = csv_header(files[0])
    opener = gzip.open if files[0].endswith(".gz") else open
    with opener(files[0], "rb") as fh:
        head = fh.read(readers.SNIFF_BYTES)
    if b"\x00" in head:
        raise InputError(path, readers.binary_problem(head))
    if len(names) < 2:
        raise InputError(path, f"not a table: found {len(names)} column(s); is it comma-separated?")
    readers.check_names(path, names)
    _require(path, names, mapping)
    return names


def _require(path: Path | str, names: list[str], mapping: ColumnMapping | None) -> None:
    """The columns the layout needs are in the header, else an error naming the first missing one."""
    if mapping is None:
        readers.require_columns(path, names, list(ORDER_FIELDS))
    else:
        mapping.check_header(path, names)


def parquet_schema(path: Path | str, files: list[str], mapping: ColumnMapping | None = None) -> pa.Schema:
    """The Arrow schema of an orders Parquet input, after the same checks."""
    try:
        schema = pq.read_schema(files[0])
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError(files[0], f"not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    readers.check_names(path, list(schema.names))
    _require(path, list(schema.names), mapping)
    return schema


def csv_header(path: str) -> list[str]:
    """The column names on the first line of a CSV (or gzip'd CSV), stripped; undecodable bytes replaced."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as fh:
        try:
            return [n.strip() for n in next(csv.reader(fh), [])]
        except csv.Error as exc:  # a header cell beyond the csv module's limit, or a quote never closed
            raise readers.csv_error(path, exc, row=1) from None
