"""Plans from spreadsheets: an .xlsx plan sheet read through the scenario checks (errors naming file, sheet, column
and row), and a block pasted from a spreadsheet read to the unit."""

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from gmvplanner.data.plan_sheets import read_pasted
from gmvplanner.data.scenario_files import load_scenario, scenario_columns
from gmvplanner.errors import InputError

CHANNELS = ["TV", "Digital", "Sponsorship", "Content Marketing", "Online marketing", "Affiliates", "SEM", "Radio", "Other"]
WEEKS = pd.date_range("2016-07-04", periods=13, freq="7D")


def rupee_plan(seed: int = 3) -> pd.DataFrame:
    """13 weeks x 9 channels of spend in crore, each a whole number of rupees (as a planning team writes a plan)."""
    rng = np.random.default_rng(seed)
    rupees = np.round(rng.lognormal(15, 1.5, (len(WEEKS), len(CHANNELS))))
    rupees[2, 0] = 0.0  # a week without TV
    rupees[5, 6] = 123_456_789_012.0  # 12,345.6789012 crore: thousands separators when copied
    return pd.DataFrame({"week_start": WEEKS, **dict(zip(CHANNELS, (rupees / 1e7).T))})


def assert_same_plan(read: pd.DataFrame, plan: pd.DataFrame) -> None:
    """The same weeks and every spend cell the same float (no tolerance)."""
    assert list(read.columns) == list(plan.columns)
    assert list(read["week_start"]) == list(plan["week_start"])
    np.testing.assert_array_equal(read[CHANNELS].to_numpy(float), plan[CHANNELS].to_numpy(float))


def write_sheet(path, rows, title="plan"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_hand_made_workbook_is_read_as_its_csv_would_be(tmp_path):
    plan = rupee_plan()
    rows = [["week_start", *CHANNELS]] + [[w.to_pydatetime(), *plan.loc[i, CHANNELS]] for i, w in enumerate(WEEKS)]
    path = write_sheet(tmp_path / "plan.xlsx", rows + [[None] * 10, [None] * 10])  # trailing blank rows are dropped
    assert_same_plan(load_scenario(path, CHANNELS), plan)
    assert scenario_columns(path) == ["week_start", *CHANNELS]


@pytest.mark.parametrize(
    "change, message",
    [
        ((4, 3, -1.0), "sheet 'Sheet1' row 5, column 'Sponsorship': negative spend -1.0"),
        ((6, 2, "lots"), "sheet 'Sheet1' row 7, column 'Digital': cannot read number 'lots'"),
        ((0, 8, "SEM "), "column 'SEM' appears twice"),
        ((0, 2, "Digtal"), "'Digtal' is not a channel the model knows"),
    ],
)
def test_errors_name_the_file_sheet_column_and_row(tmp_path, change, message):
    plan = rupee_plan()
    rows = [["week_start", *CHANNELS]] + [[f"{w:%Y-%m-%d}", *plan.loc[i, CHANNELS]] for i, w in enumerate(WEEKS)]
    row, column, value = change
    rows[row][column] = value
    path = write_sheet(tmp_path / "mine.xlsx", rows, title="Sheet1")
    with pytest.raises(InputError) as caught:
        load_scenario(path, CHANNELS)
    assert str(caught.value).startswith(f"{path}, sheet"), str(caught.value)
    assert message in str(caught.value)


def test_a_file_named_xlsx_that_is_not_a_workbook_says_so(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("week_start,TV\n2016-07-04,1\n")
    with pytest.raises(InputError, match="is not an .xlsx workbook"):
        load_scenario(path, ["TV"])


def test_a_pasted_block_with_a_header_reads_every_cell_exactly():
    plan = rupee_plan()
    text = plan.to_csv(sep="\t", index=False, date_format="%Y-%m-%d")
    block = read_pasted(text, CHANNELS)
    assert block.header and list(block.weeks) == list(WEEKS)
    np.testing.assert_array_equal(block.spend[CHANNELS].to_numpy(), plan[CHANNELS].to_numpy())


def test_a_pasted_block_without_a_header_with_thousands_separators():
    plan = rupee_plan()
    # as a spreadsheet copies cells shown with a thousands separator and seven decimals (to the rupee)
    text = "\r\n".join("\t".join(f"{v:,.7f}" for v in row) for row in plan[CHANNELS].to_numpy()) + "\r\n"
    block = read_pasted(text, CHANNELS)
    assert not block.header and block.weeks is None
    assert block.spend.loc[5, "SEM"] == 12_345.6789012
    np.testing.assert_array_equal(block.spend.to_numpy(), plan[CHANNELS].to_numpy())


@pytest.mark.parametrize(
    "text, message",
    [
        ("TV\tRadio\n0,5\t1\n", "the pasted block row 2, column 'TV': cannot read number '0,5' (commas are read as"),
        ("TV\tRadio\n1\t-2\n", "row 2, column 'Radio': -2 is not a spend of 0 or more"),
        ("TV\tRadoi\n1\t2\n", "'Radoi' is not a channel of this model"),
        ("1\t2\t3\n", "has 3 columns and no header row; without one it needs 9 columns"),
        ("TV\tRadio\n1\t2\n3\n", "the pasted block row 3: has 1 cells where the first row has 2"),
        ("\n\n", "is empty"),
    ],
)
def test_a_block_that_cannot_be_read_says_where(text, message):
    with pytest.raises(InputError) as caught:
        read_pasted(text, CHANNELS)
    assert message in str(caught.value)
