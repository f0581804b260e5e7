"""Read and validate the user's files: orders, media spend and calendars.

Errors are `InputError`s naming the file, column and row. Row numbers are spreadsheet rows:
the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pac
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import InputError

__all__ = [
    "ORDER_FIELDS",
    "MediaSpend",
    "read_table",
    "read_spend",
    "load_orders",
    "load_media",
    "load_sale_calendar",
    "load_nps",
    "load_holidays",
    "FixedTransforms",
    "load_transforms",
]

# column in the ElecKart file -> name used inside the pipeline
ORDER_FIELDS = {
    "order_date": "order_date",
    "gmv": "gmv",
    "units": "units",
    "sla": "sla",
    "product_mrp": "product_mrp",
    "product_procurement_sla": "procurement_sla",
    "s1_fact.order_payment_type": "payment_type",
    "product_analytic_sub_category": "subcategory",
    "product_analytic_vertical": "vertical",
}
NUMERIC_ORDER_FIELDS = ("gmv", "units", "sla", "product_mrp", "product_procurement_sla")
MISSING = ("\\N", "", "NA", "NaN", "nan", "null", "NULL")


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


def _require(path: Path, found: list[str], needed: list[str]) -> None:
    """Raise naming the first missing column, with the nearest name found."""
    for col in needed:
        if col not in found:
            near = (
                [f for f in found if f.strip().lower() == col.lower()]
                or [f for f in found if col.lower() in f.lower()]
                or difflib.get_close_matches(col, found, n=1)
            )
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            err = InputError(path, f"column '{col}' missing{hint}; found {found}")
            err.column = col
            raise err


def _numeric(path: Path, name: str, values: pd.Series) -> pd.Series:
    """Text cells to numbers; blanks and \\N become NaN; anything else unreadable names its row."""
    if values.dtype.kind in "fiu":
        return values.astype(float)
    text = values.astype(object)
    missing = text.isna() | text.isin(MISSING)
    number = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = number.isna() & ~missing
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(path, f"cannot read number '{text.iloc[i]}'", column=name, row=i + 2)
    return number.astype(float)


def read_spend(path: Path, name: str, values: pd.Series) -> pd.Series:
    """A spend column: numbers, blank meaning 0; a negative amount names its row."""
    spend = _numeric(path, name, values).fillna(0.0)
    if (spend < 0).any():
        i = int(np.flatnonzero((spend < 0).to_numpy())[0])
        raise InputError(path, f"negative spend {spend.iloc[i]} for '{name}'", column=name, row=i + 2)
    return spend


def _dates(path: Path, name: str, values: pd.Series, formats: tuple[str, ...]) -> pd.Series:
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
    bad = parsed.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(path, f"cannot read date '{text.iloc[i]}'; expected {' or '.join(formats)}", column=name, row=i + 2)
    return parsed


def _arrow_numeric(path: Path, name: str, column: pa.ChunkedArray) -> np.ndarray:
    """Fast path for numbers in text cells; falls back to `_numeric` to name a bad row."""
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return column.to_numpy(zero_copy_only=False).astype(float)
    cleaned = pac.if_else(pac.is_in(column, pa.array(MISSING)), pa.scalar(None, column.type), column)
    try:
        return pac.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _numeric(path, name, pd.Series(column.to_numpy(zero_copy_only=False))).to_numpy()


def _arrow_dates(path: Path, name: str, column: pa.ChunkedArray) -> np.ndarray:
    """Fast path for `YYYY-MM-DD HH:MM:SS` (or a date alone); names the first unreadable row."""
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return column.to_numpy(zero_copy_only=False).astype("datetime64[ns]")
    text = pac.utf8_trim_whitespace(column)
    full = pac.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    if full.null_count:
        short = pac.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        full = pac.coalesce(full, short)
    if full.null_count:
        i = int(np.flatnonzero(full.is_null().to_numpy(zero_copy_only=False))[0])
        raise InputError(path, f"cannot read date '{text[i].as_py()}'; expected YYYY-MM-DD HH:MM:SS", column=name, row=i + 2)
    return full.to_numpy(zero_copy_only=False).astype("datetime64[ns]")


def _codes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Integer code per value (equal values, equal codes)."""
    encoded = pac.dictionary_encode(values)
    encoded = encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded
    return encoded.indices.to_numpy(zero_copy_only=False)


def _repeats(codes: np.ndarray) -> np.ndarray:
    """True where a code has appeared earlier."""
    _, first = np.unique(codes, return_index=True)
    repeat = np.ones(len(codes), dtype=bool)
    repeat[first] = False
    return repeat


def _exact_duplicates(table: pa.Table) -> np.ndarray:
    """True for each row identical in every column to an earlier row.

    Exact copies share every cell, so only rows whose short key (order_item_id) occurs more
    than once are compared in full; that keeps this near a second on 1.6 million rows.
    """
    key = "order_item_id" if "order_item_id" in table.column_names else table.column_names[0]
    codes = _codes(pac.cast(table[key], pa.string()))
    candidates = np.flatnonzero(np.bincount(codes)[codes] > 1)
    duplicate = np.zeros(table.num_rows, dtype=bool)
    if len(candidates):
        sub = table.take(pa.array(candidates))
        text = [pac.fill_null(pac.cast(sub[c], pa.string()), "\x00") for c in sub.column_names]
        duplicate[candidates] = _repeats(_codes(pac.binary_join_element_wise(*text, "\x1f")))
    return duplicate


def load_orders(path: Path | str) -> pd.DataFrame:
    """Order rows with pipeline names, numbers parsed, the spreadsheet `row` and an `exact_duplicate` flag.

    Messy-but-legal content (blank GMV, duplicates, odd values) is kept for the cleaning stage.
    """
    path = Path(path)
    table = read_table(path)
    _require(path, table.column_names, list(ORDER_FIELDS))
    out = pd.DataFrame({"order_date": _arrow_dates(path, "order_date", table["order_date"])})
    for col in NUMERIC_ORDER_FIELDS:
        out[ORDER_FIELDS[col]] = _arrow_numeric(path, col, table[col])
    for col in ("s1_fact.order_payment_type", "product_analytic_sub_category", "product_analytic_vertical"):
        column = pac.cast(table[col], pa.string())
        column = pac.if_else(pac.is_in(column, pa.array(MISSING)), pa.scalar(None, pa.string()), column)
        out[ORDER_FIELDS[col]] = pd.Categorical(column.to_numpy(zero_copy_only=False))
    out["row"] = np.arange(2, table.num_rows + 2)
    out["exact_duplicate"] = _exact_duplicates(table)
    return out


@dataclass(frozen=True)
class MediaSpend:
    """Company spend per channel in crore per day, over the days the media file covers."""

    daily_crore: pd.DataFrame  # index: every covered day; columns: channels
    source: str
    layout: str  # "monthly" or "dated"

    @property
    def channels(self) -> list[str]:
        return list(self.daily_crore.columns)

    @property
    def start(self) -> pd.Timestamp:
        return self.daily_crore.index[0]

    @property
    def end(self) -> pd.Timestamp:
        return self.daily_crore.index[-1]


def load_media(path: Path | str) -> MediaSpend:
    """Monthly (`Year, Month[, Total Investment], channels`) or dated (`date, channels`) spend in crore."""
    path = Path(path)
    raw = read_table(path).to_pandas()
    raw.columns = [str(c).strip() for c in raw.columns]
    lower = {c.lower(): c for c in raw.columns}
    if "year" in lower and "month" in lower:
        layout = "monthly"
        year = _numeric(path, lower["year"], raw[lower["year"]])
        month = _numeric(path, lower["month"], raw[lower["month"]])
        for name, series, lo, hi in ((lower["year"], year, 1900, 2200), (lower["month"], month, 1, 12)):
            bad = series.isna() | (series < lo) | (series > hi) | (series != series.round())
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(path, f"'{raw[name].iloc[i]}' is not a valid {name.lower()}", column=name, row=i + 2)
        starts = pd.to_datetime({"year": year.astype(int), "month": month.astype(int), "day": 1})
        ends = starts + pd.offsets.MonthBegin(1)
        skip = {lower["year"], lower["month"]}
    elif "date" in lower or "week_start" in lower:
        layout = "dated"
        date_col = lower.get("date", lower.get("week_start"))
        starts = _dates(path, date_col, raw[date_col], ("%Y-%m-%d", "%m/%d/%Y", "%d-%m-%Y"))
        order = np.argsort(starts.to_numpy(), kind="stable")
        if (order != np.arange(len(order))).any():
            i = int(np.flatnonzero(order != np.arange(len(order)))[0])
            raise InputError(path, "dates must be in increasing order", column=date_col, row=i + 2)
        gaps = starts.diff().dropna()
        last_gap = gaps.median() if len(gaps) else pd.Timedelta(days=7)
        ends = pd.concat([starts.iloc[1:], pd.Series([starts.iloc[-1] + last_gap])], ignore_index=True)
        skip = {date_col}
    else:
        raise InputError(
            path, f"needs 'Year' and 'Month' columns (monthly) or a 'date' column (dated); found {list(raw.columns)}"
        )
    dup = pd.Series(starts).duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(path, "this period appears twice", row=i + 2)
    channels = [c for c in raw.columns if c not in skip and c.lower() != "total investment"]
    if not channels:
        raise InputError(path, "no channel columns found (e.g. TV, Digital, SEM)")
    spend = pd.DataFrame({c: read_spend(path, c, raw[c]) for c in channels})
    starts = pd.Series(pd.to_datetime(starts).to_numpy())
    ends = pd.Series(pd.to_datetime(ends).to_numpy())
    n_days = ((ends - starts).dt.days).to_numpy()
    day_index = pd.DatetimeIndex(
        np.concatenate([pd.date_range(s, periods=n, freq="D").to_numpy() for s, n in zip(starts, n_days)])
    )
    if day_index.has_duplicates:
        raise InputError(path, "periods overlap")
    per_day = np.repeat(spend.to_numpy() / n_days[:, None], n_days, axis=0)
    daily = pd.DataFrame(per_day, index=day_index, columns=channels)
    full = pd.date_range(day_index.min(), day_index.max(), freq="D")
    if len(full) != len(day_index):
        missing = full.difference(day_index)
        raise InputError(path, f"no spend row covers {missing[0].date()} (a gap between periods)")
    return MediaSpend(daily_crore=daily.sort_index(), source=str(path), layout=layout)


def _calendar(path: Path | str, value_col: str) -> pd.DataFrame:
    path = Path(path)
    raw = read_table(path).to_pandas()
    raw.columns = [str(c).strip() for c in raw.columns]
    _require(path, list(raw.columns), ["Date", value_col])
    dates = _dates(path, "Date", raw["Date"], ("%m/%d/%Y", "%Y-%m-%d"))
    return pd.DataFrame({"date": dates.to_numpy(), value_col: raw[value_col].to_numpy()})


def load_sale_calendar(path: Path | str) -> pd.DataFrame:
    """Special-sale days: `Date` (m/d/Y), `Sales Name` -> columns date, Sales Name."""
    return _calendar(path, "Sales Name")


def load_holidays(path: Path | str) -> pd.DataFrame:
    """Public holidays: `Date` (m/d/Y), `Holiday` -> columns date, Holiday."""
    return _calendar(path, "Holiday")


def load_nps(path: Path | str) -> pd.DataFrame:
    """Monthly NPS: `Date` (m/d/Y, first of month), `NPS` -> columns date, NPS (a number)."""
    frame = _calendar(path, "NPS")
    frame["NPS"] = _numeric(Path(path), "NPS", pd.Series(frame["NPS"]))
    return frame


@dataclass(frozen=True)
class FixedTransforms:
    """Carry-over and saturation an analyst fixes for some channels (media-mix model), for example from a
    lift test or an earlier study; the time-ordered CV search chooses the rest."""

    source: str
    decay: dict[str, float]  # channel -> weekly carry-over decay in [0, 1)
    half_saturation_multiple: dict[str, float]  # channel -> half-saturation / mean spend in weeks with spend

    def check_channels(self, channels: list[str]) -> None:
        """Raise naming the file when it names a channel the data does not have."""
        unknown = sorted((set(self.decay) | set(self.half_saturation_multiple)) - set(channels))
        if unknown:
            raise InputError(self.source, f"unknown channel(s) {unknown}; the data has {channels}", column="channel")

    def to_json(self) -> dict:
        return {"source": self.source, "decay": self.decay, "half_saturation_multiple": self.half_saturation_multiple}


TRANSFORM_COLUMNS = ("channel", "decay", "half_saturation_multiple")


def load_transforms(path: Path | str) -> FixedTransforms:
    """Read `channel,decay,half_saturation_multiple`; a blank cell leaves that value to the CV search.

    The half-saturation multiple is the spend (as a multiple of the channel's mean spend in the weeks it
    ran) at which the channel gives half its maximum effect; 1 means half-saturated at typical spend.
    """
    path = Path(path)
    raw = read_table(path).to_pandas()
    raw.columns = [str(c).strip() for c in raw.columns]
    _require(path, list(raw.columns), list(TRANSFORM_COLUMNS))
    decay = _numeric(path, "decay", raw["decay"])
    multiple = _numeric(path, "half_saturation_multiple", raw["half_saturation_multiple"])
    fixed_decay, fixed_multiple, seen = {}, {}, set()
    for i, name in enumerate(raw["channel"].astype(str).str.strip()):
        if name in seen:
            raise InputError(path, f"channel '{name}' appears twice", column="channel", row=i + 2)
        seen.add(name)
        if not np.isnan(decay.iloc[i]):
            if not 0 <= decay.iloc[i] < 1:
                raise InputError(path, f"decay {decay.iloc[i]} is not in [0, 1)", column="decay", row=i + 2)
            fixed_decay[name] = float(decay.iloc[i])
        if not np.isnan(multiple.iloc[i]):
            if not multiple.iloc[i] > 0:
                raise InputError(
                    path, f"{multiple.iloc[i]} is not a positive multiple", column="half_saturation_multiple", row=i + 2
                )
            fixed_multiple[name] = float(multiple.iloc[i])
    return FixedTransforms(source=str(path), decay=fixed_decay, half_saturation_multiple=fixed_multiple)
