"""Property-based tests of the readers (Hypothesis): any table a user could save gives either a clean result or one
`InputError`, never a traceback and never a silent NaN or infinite number."""

from __future__ import annotations

import string
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmvplanner.data import date_cells, readers
from gmvplanner.data.media import load_media
from gmvplanner.errors import InputError

TYPED_NAN = ["nan", "NaN", "NAN", "NA", "null", "NULL", "None", " nan "]  # typed, not blank: refused, never read as missing
CELLS = st.one_of(
    st.sampled_from(TYPED_NAN),
    st.sampled_from(["", "\\N", "inf", "-inf", "1e400", "-1", "0", "2.5", "1e20", "abc", "2015-02-30", '"', "1,5"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**12), 10**12).map(str),
    st.text(string.printable, max_size=8),
)
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _csv(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n"


@PROPERTIES
@given(rows=st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=1, max_size=6))
def test_numbers_are_finite_or_refused(tmp_path, rows):
    path = tmp_path / "t.csv"
    path.write_text(_csv(["a", "b"], [[*r, "", ""][:2] for r in rows]), encoding="utf-8", errors="replace")
    try:
        frame = readers.read_frame(path, ["a", "b"])
        values = readers.numeric(path, "a", frame["a"])
    except InputError as exc:
        assert str(exc).startswith(str(path))
        return
    assert not np.isinf(values).any()
    assert len(values) == len(frame)
    blank = frame["a"].str.strip().isin(readers.MISSING)
    assert (values.isna() == blank).all()  # only a blank cell or \\N is missing; a typed NaN never gets here


@PROPERTIES
@given(spelling=st.sampled_from(TYPED_NAN), row=st.integers(0, 4))
def test_a_typed_nan_is_refused_naming_its_row(tmp_path, spelling, row):
    path = tmp_path / "t.csv"
    cells = [["1", "x"] for _ in range(5)]
    cells[row][0] = spelling
    path.write_text(_csv(["a", "b"], cells))
    frame = readers.read_frame(path, ["a", "b"])
    with pytest.raises(InputError, match=f"row {row + 2}, column 'a': cannot read number .*not a number"):
        readers.numeric(path, "a", frame["a"])


@PROPERTIES
@given(cells=st.lists(CELLS, min_size=1, max_size=6))
def test_dates_are_real_or_refused(tmp_path, cells):
    path = tmp_path / "d.csv"
    path.write_text(_csv(["date", "x"], [[c, "1"] for c in cells]), encoding="utf-8", errors="replace")
    try:
        frame = readers.read_frame(path, ["date"])
        parsed = date_cells.dates(path, "date", frame["date"])
    except InputError:
        return
    for text, day in zip(frame["date"].str.strip(), parsed):
        assert day == _strict(text)  # Python's own strptime agrees, so no impossible date was rolled over


def _strict(text: str) -> pd.Timestamp | None:
    for fmt in date_cells.DATE_FORMATS:
        try:
            return pd.Timestamp(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


@PROPERTIES
@given(spend=st.lists(CELLS, min_size=2, max_size=5))
def test_media_spend_is_finite_non_negative_or_refused(tmp_path, spend):
    path = tmp_path / "m.csv"
    rows = [["2015", str(month), cell, "1"] for month, cell in enumerate(spend, start=1)]
    path.write_text(_csv(["Year", "Month", "TV", "SEM"], rows), encoding="utf-8", errors="replace")
    try:
        media = load_media(path)
    except InputError:
        return
    daily = media.daily_crore.to_numpy()
    assert np.isfinite(daily).all() and (daily >= 0).all()
    assert isinstance(media.daily_crore, pd.DataFrame)
