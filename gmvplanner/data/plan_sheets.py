"""Plans from spreadsheets: the plan sheet of an .xlsx workbook read as a scenario file's text cells, and a block
pasted from a spreadsheet (tab-separated) read as spend per channel; errors name the file, sheet, column and row."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputError
from . import readers

__all__ = [
    "PLAN_SHEET",
    "TOTALS_SHEET",
    "NOTES_SHEET",
    "WORKBOOK_SUFFIXES",
    "PASTED",
    "is_workbook",
    "sheet_label",
    "read_plan_sheet",
    "PastedBlock",
    "read_pasted",
]

PLAN_SHEET, TOTALS_SHEET, NOTES_SHEET = "plan", "totals", "notes"  # the sheets an exported workbook holds
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # Excel's own workbooks (openpyxl reads them; the old binary .xls it cannot)
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
PASTED = "the pasted block"  # what errors call a block pasted into the planner
ROW_LABELS = ("week_start", "week")  # a pasted column of week starts

# a number as a spreadsheet copies it: digits with an optional decimal point, commas only between groups of three
# digits (thousands); 1e-05 as Excel copies a small number. "0,5" is refused rather than read as 5
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?([eE][+-]?\d+)?$|^[+-]?\.\d+([eE][+-]?\d+)?$")


def is_workbook(path: Path | str) -> bool:
    """Whether `path` names an Excel workbook (.xlsx or .xlsm) rather than a CSV or Parquet file."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def sheet_label(path: Path | str, sheet: str = PLAN_SHEET) -> str:
    """How errors name a sheet of a workbook: `plan.xlsx, sheet 'plan'` (rows are the sheet's own)."""
    return f"{path}, sheet '{sheet}'"


def read_plan_sheet(path: Path | str) -> tuple[pd.DataFrame, str]:
    """The plan sheet of the workbook at `path` (the sheet named 'plan', else the first) as text cells, as a CSV is
    read (`readers.read_frame`: dates as YYYY-MM-DD, numbers written exactly, blanks as ''), and the label its
    errors use (`sheet_label`). Row 1 is the header; trailing blank rows and columns are dropped, blank rows inside
    are kept so row numbers stay the sheet's."""
    readers.check_file(path)
    with open(path, "rb") as fh:
        if fh.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
            raise InputError(path, "is not an .xlsx workbook (an .xlsx file is a zip archive); save it from Excel as .xlsx")
    from openpyxl import load_workbook  # imported here: only workbooks need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(path, f"not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = PLAN_SHEET if PLAN_SHEET in book.sheetnames else book.sheetnames[0]
        rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    label = sheet_label(path, sheet)
    return _sheet_frame(label, rows), label


def _sheet_frame(label: str, rows: list[list[object]]) -> pd.DataFrame:
    """Rows of cell values (the first the header) as a frame of text cells, checked as `readers.read_table` checks
    a CSV: named, unique columns and at least one data row."""
    while rows and all(_blank(c) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(label, "the sheet is empty")
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]
    while width and all(_blank(r[width - 1]) for r in rows):
        width -= 1
    header = [str(c).strip() if not _blank(c) else "" for c in rows[0][:width]]
    for position, name in enumerate(header, start=1):
        if not name:
            raise InputError(label, f"column {position} has no name in row 1; give every column a header")
    readers.check_names(label, header)
    if len(rows) < 2:
        raise InputError(label, "has a header but no data rows")
    cells = [[_text(c) for c in r[:width]] for r in rows[1:]]
    return pd.DataFrame(cells, columns=header, dtype=object)


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: object) -> str:
    """A cell as a CSV would hold it: a date as YYYY-MM-DD (with the time when it has one), a number in the
    shortest form that reads back as the same float, text stripped, blank as ''."""
    if _blank(cell):
        return ""
    if isinstance(cell, dt.datetime):
        return f"{cell:%Y-%m-%d}" if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return f"{cell:%Y-%m-%d}"
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


class PastedBlock(NamedTuple):
    """A block pasted from a spreadsheet: spend per channel by row (input money unit), the weeks the rows name
    (None when the block has no week column: the rows are the grid's weeks in order) and whether it had a header."""

    spend: pd.DataFrame
    weeks: pd.DatetimeIndex | None
    header: bool


def read_pasted(text: str, channels: list[str]) -> PastedBlock:
    """Read a tab-separated block copied from a spreadsheet: a header row is optional (without one, the columns are
    the channels in the grid's order, after an optional first column of week starts); numbers with a decimal point
    and commas as thousands separators; a blank cell is 0. Errors name the block's row (1 = its first line) and
    column."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputError(PASTED, "is empty; copy the cells in the spreadsheet and paste them here")
    rows = [line.split("\t") for line in lines]
    header = not all(_looks_like_value(c) for c in rows[0])
    names = [c.strip() for c in rows[0]] if header else _unnamed_columns(rows[0], channels)
    _check_pasted_names(names, channels)
    body = rows[1:] if header else rows
    if not body:
        raise InputError(PASTED, "has a header but no rows of spend")
    first = 2 if header else 1
    for number, row in enumerate(body, start=first):
        if len(row) != len(names):
            raise InputError(PASTED, f"has {len(row)} cells where the first row has {len(names)}", row=number)
    weeks = None
    label = next((n for n in names if n.lower() in ROW_LABELS), None)
    if label is not None:
        weeks = _pasted_weeks([row[names.index(label)] for row in body], label, first)
    spend = {
        name: [_amount(row[j], name, number) for number, row in enumerate(body, start=first)]
        for j, name in enumerate(names)
        if name != label
    }
    return PastedBlock(pd.DataFrame(spend, columns=[n for n in names if n != label]), weeks, header)


def _looks_like_value(cell: str) -> bool:
    """A cell of a data row (a number, a blank or a date), not a column name."""
    text = cell.strip().replace("\u00a0", "")
    if not text or _NUMBER.match(text):
        return True
    return bool(re.match(r"^\d{4}-\d{1,2}-\d{1,2}", text))


def _unnamed_columns(first: list[str], channels: list[str]) -> list[str]:
    """The columns of a block without a header: the channels in order, after a column of dates if it has one."""
    dated = bool(re.match(r"^\d{4}-\d{1,2}-\d{1,2}", first[0].strip()))
    names = ["week_start", *channels] if dated else list(channels)
    if len(first) != len(names):
        what = "a week column and " if dated else ""
        raise InputError(
            PASTED,
            f"has {len(first)} columns and no header row; without one it needs {what}{len(channels)} columns, the "
            f"channels in the grid's order ({', '.join(channels)}), or copy the header row too",
        )
    return names


def _check_pasted_names(names: list[str], channels: list[str]) -> None:
    """Every column of the block a channel of the model or the week column, each once."""
    readers.check_names(PASTED, names)
    for name in names:
        if name not in channels and name.lower() not in ROW_LABELS:
            raise InputError(
                PASTED, f"'{name}' is not a channel of this model ({', '.join(channels)}) or week_start", column=name
            )


def _amount(cell: str, column: str, row: int) -> float:
    """One pasted spend cell as a number (blank: 0); anything else, or a negative amount, names its row."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return 0.0
    if not _NUMBER.match(text):
        hint = " (commas are read as thousands separators: write 0.5, not 0,5)" if "," in text else ""
        raise InputError(PASTED, f"cannot read number '{cell.strip()}'{hint}", column=column, row=row)
    value = float(text.replace(",", ""))
    if not np.isfinite(value) or value < 0:
        raise InputError(PASTED, f"{cell.strip()} is not a spend of 0 or more", column=column, row=row)
    return value


def _pasted_weeks(cells: list[str], column: str, first: int) -> pd.DatetimeIndex:
    """The block's week column as dates (YYYY-MM-DD), naming the first row that is not one."""
    dates = pd.to_datetime(pd.Series([c.strip() for c in cells]), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise InputError(PASTED, f"'{cells[i].strip()}' is not a date (YYYY-MM-DD)", column=column, row=first + i)
    return pd.DatetimeIndex(dates)
