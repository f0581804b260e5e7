"""The one input contract: read a user's table and check it, with file, column and row in every error.

Every loader (orders, media, calendars, weekly tables, scenarios, bounds, transforms) reads through here.
Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError

__all__ = [
    "MISSING",
    "DATE_FORMATS",
    "read_table",
    "read_frame",
    "require_columns",
    "spreadsheet_row",
    "fail_at_first",
    "numeric",
    "spend",
    "dates",
]

MISSING = ("\\N", "", "NA", "NaN", "nan", "null", "NULL")  # cells read as missing
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")  # dates of scenarios and weekly tables


def read_table(path: Path | str, *, as_strings: bool = True) -> pa.Table:
    """Read a CSV or Parquet file into an Arrow table (CSV cells as text), or raise `InputError`."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not a CSV or Parquet file")
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty")
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head[:4] == b"PAR1":
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise InputError(path, f"not a readable Parquet table ({exc})") from None
    else:
        if b"\x00" in head:
            raise InputError(path, "not a table: expected a CSV or Parquet file, found binary data")
        try:
            first_line = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
            names = next(csv.reader([first_line]))
            convert = pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names} if as_strings else None,
                strings_can_be_null=False,
                null_values=[],
                quoted_strings_can_be_null=False,
            )
            table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 24), convert_options=convert)
        except pa.ArrowInvalid as exc:
            raise InputError(path, f"not a readable CSV table ({str(exc).splitlines()[0]})") from None
    if table.num_columns < 2:
        raise InputError(path, f"not a table: found {table.num_columns} column(s); is it comma-separated?")
    if table.num_rows == 0:
        raise InputError(path, "has a header but no data rows")
    return table


def read_frame(path: Path | str, required: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """A small table (media, calendar, scenario, bounds, ...) as text cells with stripped column names,
    after checking that the `required` columns are there."""
    frame = read_table(path).to_pandas()
    frame.columns = [str(c).strip() for c in frame.columns]
    require_columns(path, list(frame.columns), list(required))
    return frame


def require_columns(path: Path | str, found: list[str], needed: list[str]) -> None:
    """Raise naming the first missing column, with the nearest name found."""
    for col in needed:
        if col not in found:
            near = (
                [f for f in found if f.strip().lower() == col.lower()]
                or [f for f in found if col.lower() in f.lower()]
                or difflib.get_close_matches(col, found, n=1)
            )
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise InputError(path, f"column '{col}' missing{hint}; found {found}", column=col)


def spreadsheet_row(position: int) -> int:
    """The spreadsheet row of the data row at 0-based `position` (the header is row 1)."""
    return position + 2


def fail_at_first(
    path: Path | str, bad: np.ndarray | pd.Series, message: Callable[[int], str], column: str | None = None
) -> None:
    """Raise for the first True in `bad`, naming its spreadsheet row; `message(i)` describes row position i."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(path, message(i), column=column, row=spreadsheet_row(i))


def numeric(path: Path | str, name: str, values: pd.Series) -> pd.Series:
    """Text cells to numbers; blanks and \\N become NaN; anything else unreadable names its row."""
    if values.dtype.kind in "fiu":
        return values.astype(float)
    text = values.astype(object)
    missing = text.isna() | text.isin(MISSING)
    number = pd.to_numeric(text.where(~missing), errors="coerce")
    fail_at_first(path, number.isna() & ~missing, lambda i: f"cannot read number '{text.iloc[i]}'", name)
    return number.astype(float)


def spend(path: Path | str, name: str, values: pd.Series) -> pd.Series:
    """A spend column: numbers, blank meaning 0; a negative amount names its row."""
    amounts = numeric(path, name, values).fillna(0.0)
    fail_at_first(path, amounts < 0, lambda i: f"negative spend {amounts.iloc[i]} for '{name}'", name)
    return amounts


def dates(path: Path | str, name: str, values: pd.Series, formats: tuple[str, ...] = DATE_FORMATS) -> pd.Series:
    """Parse dates in any of `formats`; the first unreadable cell names its row."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
    text = values.astype(object).str.strip()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    fail_at_first(path, parsed.isna(), lambda i: f"cannot read date '{text.iloc[i]}'; expected {' or '.join(formats)}", name)
    return parsed
