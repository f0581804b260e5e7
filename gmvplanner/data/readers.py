"""The one input contract: read a user's table and check it, with file, column and row in every error.

Every loader (orders, media, calendars, weekly tables, scenarios, bounds, transforms) reads through here.
Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import difflib
import errno
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pac
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError
from .limits import MAX_AMOUNT

__all__ = [
    "check_scope_names",
    "refuse_misspelt_columns",
    "binary_problem",
    "MISSING",
    "SNIFF_BYTES",
    "PARQUET_MAGIC",
    "read_table",
    "path_problem",
    "check_path",
    "check_file",
    "check_names",
    "records",
    "csv_error",
    "ragged_row_error",
    "read_frame",
    "require_columns",
    "spreadsheet_row",
    "fail_at_first",
    "numeric",
    "spend",
]

log = logging.getLogger(__name__)

MISSING = ("\\N", "")  # cells read as missing: blank, and MySQL's \N as ElecKart exports it; a typed NaN is refused
SNIFF_BYTES = 1 << 16  # the start of a file read to tell binary from text and guess its encoding
PARQUET_MAGIC = b"PAR1"  # the first bytes of every Parquet file
UTF8, LATIN1 = "utf8", "latin-1"  # the encodings a CSV is read in (Arrow's names)
MAX_CHARACTER_BYTES = 4  # a UTF-8 character takes up to 4 bytes: a decoding error closer to the sample's end may be a cut
CSV_BLOCK_BYTES = 1 << 24  # Arrow's CSV block size


def path_problem(path: Path | str) -> str | None:
    """What stops `path` being opened, in plain words (a symlink loop, a link to nothing, no permission), or None
    when nothing does or it simply does not exist (the caller says what it expected there)."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symlink loop (a link that leads back to itself); point it at a real file or folder"
        if os.path.islink(path):
            return f"is a link to {os.readlink(path)}, which does not exist"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        return f"cannot be opened ({exc.strerror or exc})"
    except ValueError as exc:  # a NUL byte or a path too long for the system
        return f"is not a usable path ({exc})"
    return None


def check_path(path: Path | str) -> None:
    """Raise InputError when `path` cannot be opened at all (see `path_problem`)."""
    problem = path_problem(path)
    if problem is not None:
        raise InputError(path, problem)


def check_file(path: Path | str) -> None:
    """A file that exists, is not a folder, can be read and is not empty; else InputError."""
    path = Path(path)
    check_path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not a CSV or Parquet file")
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty")


def read_table(path: Path | str, *, as_strings: bool = True, min_columns: int = 2) -> pa.Table:
    """Read a CSV or Parquet file into an Arrow table (CSV cells as text), or raise `InputError`.

    A table has at least `min_columns` columns (fewer usually means another separator); a file that may hold one
    column alone (a scenario of weeks for a model without spend) passes 1.

    Checked here for every input: duplicate or empty column names (an empty-named column with no values, as a
    trailing comma on every line leaves, is dropped), rows with more or fewer cells than the header, quoted cells
    that run over several lines (an unclosed quote), and the text encoding (UTF-8, else read as Latin-1 with a
    warning naming the file).
    """
    path = Path(path)
    check_file(path)
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head[: len(PARQUET_MAGIC)] == PARQUET_MAGIC:
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise InputError(path, f"not a readable Parquet table ({exc})") from None
        check_names(path, table.column_names)
    else:
        if b"\x00" in head:
            raise InputError(path, binary_problem(head))
        table = _read_csv(path, head, as_strings)
    if table.num_columns < min_columns:
        raise InputError(path, f"not a table: found {table.num_columns} column(s); is it comma-separated?")
    if table.num_rows == 0:
        raise InputError(path, "has a header but no data rows")
    return table


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # how UTF-16 text starts (little- and big-endian), as Excel saves "Unicode text"


def binary_problem(head: bytes) -> str:
    """What is wrong with a file whose first bytes `head` hold NUL bytes: UTF-16 text (a byte-order mark, or a first
    line that reads as UTF-16 with a comma, semicolon or tab in it), or binary data."""
    if head.startswith(UTF16_BOMS) or any(_utf16_table_line(head, encoding) for encoding in ("utf-16-le", "utf-16-be")):
        return "is UTF-16 text, which is not read here: save it as UTF-8 (in Excel: Save As, CSV UTF-8)"
    return "not a table: expected a CSV or Parquet file, found binary data"


def _utf16_table_line(head: bytes, encoding: str) -> bool:
    """Whether `head` starts with a line of a table written in `encoding` (UTF-16 without a byte-order mark)."""
    first = head[: min(len(head), 400) // 2 * 2]  # whole UTF-16 code units
    text = first.decode(encoding, errors="replace").split("\n", 1)[0]
    return len(text) >= 3 and "\ufffd" not in text and "\x00" not in text and any(sep in text for sep in ",;\t")


def check_names(path: Path | str, names: list[str]) -> None:
    """Every column named once; the first repeat names both positions (1-based, as a spreadsheet counts)."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = str(name).strip()
        if key in seen and key:
            raise InputError(
                path, f"column '{key}' appears twice (columns {seen[key]} and {position}); give each column its own name"
            )
        seen[key] = position


class ParsedCsv(NamedTuple):
    """A CSV as Arrow read it, and the encoding it was read in."""

    table: pa.Table
    encoding: str


def _read_csv(path: Path, head: bytes, as_strings: bool) -> pa.Table:
    """A CSV as an Arrow table, read in its encoding, after the checks `read_table` lists."""
    parsed = _parse_csv(path, head, _sniff_encoding(head), as_strings)
    if parsed.encoding != UTF8:
        log.warning("%s is not UTF-8 text; read it as Latin-1 (save it as UTF-8 to be sure of accented names)", path)
    table = parsed.table.rename_columns([str(c).strip() for c in parsed.table.column_names])
    table = _drop_empty_unnamed(path, table)
    _check_one_line_cells(path, table)
    return table


def _sniff_encoding(head: bytes) -> str:
    """UTF-8, unless the start of the file (`head`) has bytes that are not, short of a character cut at its end."""
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - MAX_CHARACTER_BYTES:  # not just a character cut at the end of the sample
            return LATIN1
    return UTF8


def _header(path: Path, head: bytes, encoding: str) -> list[str]:
    """The column names on the first line of `head` (the start of the CSV at `path`), stripped."""
    first_line = head.split(b"\n", 1)[0].decode("utf-8-sig" if encoding == UTF8 else encoding, errors="replace")
    try:
        return [n.strip() for n in next(csv.reader([first_line.rstrip("\r")]), [])]
    except csv.Error as exc:
        raise csv_error(path, exc, row=1) from None


def _parse_csv(path: Path, head: bytes, encoding: str, as_strings: bool) -> ParsedCsv:
    """Read the CSV with Arrow in `encoding`, again as Latin-1 when Arrow finds bytes that are not UTF-8 beyond
    `head`; an unreadable file raises, naming the first ragged row when there is one."""
    for attempt in range(2):
        names = _header(path, head, encoding)
        check_names(path, names)
        try:
            return ParsedCsv(_arrow_csv(path, names, encoding, as_strings), encoding)
        except pa.ArrowInvalid as exc:
            message = str(exc).splitlines()[0]
            if "invalid UTF8" in message and attempt == 0:
                encoding = LATIN1
                continue
            raise _unreadable_csv(path, len(names), encoding, message) from None
    raise AssertionError("unreachable")


def _arrow_csv(path: Path, names: list[str], encoding: str, as_strings: bool) -> pa.Table:
    """Arrow's reading of the CSV: every cell as text (`as_strings`, else Arrow's types), no cell read as null."""
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names} if as_strings else None,
        strings_can_be_null=False,
        null_values=[],
        quoted_strings_can_be_null=False,
    )
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES, encoding=encoding),
        convert_options=convert,
    )


def _unreadable_csv(path: Path, n_columns: int, encoding: str, message: str) -> InputError:
    """The error for a CSV Arrow cannot read: the first row with the wrong number of cells, else Arrow's message."""
    ragged = ragged_row_error(path, n_columns, encoding)
    if ragged is not None:
        return ragged
    return InputError(path, f"not a readable CSV table ({message})")


def _drop_empty_unnamed(path: Path, table: pa.Table) -> pa.Table:
    """The table without columns that have no name and no values (a trailing comma on every line); a column with
    no name but values raises."""
    keep = []
    for i, name in enumerate(table.column_names):
        if name:
            keep.append(i)
            continue
        column = table.column(i)
        filled = pac.sum(pac.invert(pac.or_(pac.is_null(column), pac.equal(pac.cast(column, pa.string()), "")))).as_py()
        if filled:
            raise InputError(path, f"column {i + 1} has no name in the header but holds values; name it or delete it")
    if len(keep) < table.num_columns:
        table = table.select(keep)  # a trailing comma on every line: an empty column, not a channel
    return table


def _check_one_line_cells(path: Path, table: pa.Table) -> None:
    """Raise naming the first text cell that runs over several lines (an unclosed quote swallowed the rows after)."""
    for name in table.column_names:
        column = table[name]
        if pa.types.is_string(column.type) and pac.any(pac.match_substring(column, "\n")).as_py():
            position = int(np.flatnonzero(pac.match_substring(column, "\n").to_numpy(zero_copy_only=False))[0])
            raise InputError(
                path,
                "a quoted cell runs over several lines (an unclosed quote?); close the quote",
                column=name,
                row=spreadsheet_row(position, path),
            )


def records(path: Path, encoding: str = UTF8) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) of every record after the header, blank lines counted as empty rows; a record
    Python's csv module cannot read raises naming the row where it starts (where an unclosed quote opened)."""
    with open(path, newline="", encoding="utf-8-sig" if encoding == UTF8 else encoding, errors="replace") as fh:
        reader = csv.reader(fh, strict=True)
        row = 1  # the record being read: the header, then each data row (a failing one names where it starts)
        try:
            next(reader, None)
            row = 2
            for cells in reader:
                yield row, cells
                row += 1
        except csv.Error as exc:
            raise csv_error(path, exc, row) from None


def csv_error(path: Path | str, exc: csv.Error, row: int) -> InputError:
    """Python's csv error for the record starting at spreadsheet `row`, in plain words."""
    if "field larger than field limit" in str(exc):
        return InputError(
            path,
            f"a cell holds more than {csv.field_size_limit():,} characters, or a quote opened in this row is never "
            "closed; shorten the cell or close the quote",
            row=row,
        )
    return InputError(path, "a quoted cell is never closed; close the quote", row=row)


def ragged_row_error(path: Path, n_columns: int, encoding: str = UTF8) -> InputError | None:
    """The error for the first row whose cell count differs from the header's, naming its row; None if none does."""
    for number, cells in records(path, encoding):
        if cells and len(cells) != n_columns:
            found = f"{len(cells)} cells where the header has {n_columns}; expected one cell per column"
            return InputError(path, found, row=number)
    return None


def read_frame(path: Path | str, required: list[str] | tuple[str, ...] = (), min_columns: int = 2) -> pd.DataFrame:
    """A small table (media, calendar, scenario, bounds, ...) as text cells with stripped column names,
    after checking that it has `min_columns` columns and that the `required` ones are there."""
    frame = read_table(path, min_columns=min_columns).to_pandas()
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


def spreadsheet_row(position: int, path: Path | str | None = None) -> int:
    """The spreadsheet row of the data row at 0-based `position` (the header is row 1).

    With the CSV `path`, blank lines (which the reader skips) are counted as the empty rows a spreadsheet shows;
    that scans the file, so it is done only for a single position, when an error is reported. A name that is no
    file (a workbook's sheet, `plan.xlsx, sheet 'plan'`) has no blank lines skipped: its rows are as counted."""
    if path is None or np.ndim(position) or Path(path).suffix.lower() == ".parquet" or not Path(path).is_file():
        return position + 2
    remaining = int(position)
    try:
        for number, cells in records(Path(path)):
            if cells:
                if remaining == 0:
                    return number
                remaining -= 1
    except (OSError, InputError):
        pass
    return position + 2


def fail_at_first(
    path: Path | str, bad: np.ndarray | pd.Series, message: Callable[[int], str], column: str | None = None
) -> None:
    """Raise for the first True in `bad`, naming its spreadsheet row; `message(i)` describes row position i."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(path, message(i), column=column, row=spreadsheet_row(i, path))


def numeric(path: Path | str, name: str, values: pd.Series, low: float | None = None, high: float | None = None) -> pd.Series:
    """Text cells to finite numbers; blanks and \\N become NaN; anything else unreadable, infinite or outside
    [`low`, `high`] names its row."""
    if values.dtype.kind == "b":
        raise InputError(path, "holds true/false values; expected numbers", column=name)
    if values.dtype.kind in "fiu":
        number = values.astype(float)
        text = values.astype(object)
    else:
        text = values.astype(object)
        missing = text.isna() | text.isin(MISSING)
        number = pd.to_numeric(text.where(~missing), errors="coerce")
        fail_at_first(path, number.isna() & ~missing, lambda i: _not_a_number(text.iloc[i]), name)
        number = number.astype(float)
    fail_at_first(path, np.isinf(number), lambda i: f"'{text.iloc[i]}' is not a finite number", name)
    if low is not None:
        fail_at_first(path, number < low, lambda i: f"{number.iloc[i]:g} is below the smallest plausible value {low:g}", name)
    if high is not None:
        fail_at_first(path, number > high, lambda i: f"{number.iloc[i]:g} is above the largest plausible value {high:g}", name)
    return number


def _not_a_number(cell: object) -> str:
    """The message for a cell that is not a number; a typed NaN or NULL says how to leave a number out."""
    text = str(cell)
    if text.strip().lower() in ("nan", "na", "n/a", "null", "none"):
        return f"cannot read number '{text}': not a number; leave the cell blank (or \\N) for no value"
    return f"cannot read number '{text}'"


def spend(path: Path | str, name: str, values: pd.Series, high: float = MAX_AMOUNT) -> pd.Series:
    """A spend column: finite numbers up to `high`, blank meaning 0; a negative amount names its row."""
    amounts = numeric(path, name, values, high=high).fillna(0.0)
    fail_at_first(path, amounts < 0, lambda i: f"negative spend {amounts.iloc[i]} for '{name}'", name)
    return amounts


def _squashed(name: str) -> str:
    """A column name without case, spaces, underscores or hyphens: 'Sub_Category' -> 'subcategory'."""
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def refuse_misspelt_columns(path: Path | str, found: list[str], known: list[str] | tuple[str, ...]) -> None:
    """Raise naming a column that is not one of `known` but looks like one ('sub_category', 'Subcategory'): read as
    an extra column it would be ignored, and a scope column ignored makes a row apply everywhere."""
    for col in found:
        if col in known:
            continue
        near = [k for k in known if _squashed(k) == _squashed(col)] or difflib.get_close_matches(
            col, list(known), n=1, cutoff=0.8
        )
        if near:
            raise InputError(
                path,
                f"column '{col}' is not one this file takes (did you mean '{near[0]}'?); its columns are {list(known)}",
                column=col,
            )


def check_scope_names(path: Path | str, rows: pd.DataFrame, channels: list[str], subcategories: list[str]) -> None:
    """Raise naming the row when `rows` (columns channel and subcategory, None for every one) name a channel or a
    subcategory the model does not have (lift tests, ROI priors)."""
    fail_at_first(
        path,
        ~rows["channel"].isin(channels),
        lambda i: f"unknown channel '{rows['channel'].iloc[i]}'; the data has {channels}",
        "channel",
    )
    named = rows["subcategory"].notna()
    fail_at_first(
        path,
        named & ~rows["subcategory"].isin(subcategories),
        lambda i: f"subcategory '{rows['subcategory'].iloc[i]}' is not modelled; modelled: {subcategories}",
        "subcategory",
    )
