"""Lift tests: the reader's contract (file, row and column in every error) and how extra spend is spread."""

import pandas as pd
import pytest

from gmvplanner.data.lift_tests import load_lift_tests
from gmvplanner.errors import InputError
from gmvplanner.units import RUPEES_IN_CRORE

HEADER = "channel,start,end,delta_spend,delta_gmv,sigma,subcategory\n"
GOOD = "SEM,2016-02-01,2016-02-28,0.5,900000,150000,\n"


def _file(tmp_path, *rows, header=HEADER):
    path = tmp_path / "lift.csv"
    path.write_text(header + "".join(rows))
    return path


def test_a_good_file_reads_with_blank_subcategory_meaning_all(tmp_path):
    tests = load_lift_tests(_file(tmp_path, GOOD, "TV,2016-03-07,2016-03-20,1,2e6,3e5,HomeAudio\n"))
    table = tests.table
    assert table["start"].iloc[0] == pd.Timestamp("2016-02-01") and table["delta_gmv"].iloc[1] == 2e6
    assert pd.isna(table["subcategory"].iloc[0]) and table["subcategory"].iloc[1] == "HomeAudio"


def test_a_result_against_the_sign_of_the_spend_change_is_evidence_and_kept(tmp_path):
    rows = ("SEM,2016-02-01,2016-02-28,0.5,-190000,500000,\n", "TV,2016-03-07,2016-03-20,-1,4e5,3e5,\n")
    tests = load_lift_tests(_file(tmp_path, *rows))
    assert tests.table["delta_gmv"].tolist() == [-190000, 4e5] and tests.table["delta_spend"].tolist() == [0.5, -1]


@pytest.mark.parametrize(
    "row, expected",
    [
        ("SEM,2016-02-30,2016-03-01,0.5,9e5,1e5,\n", "row 2, column 'start': cannot read date '2016-02-30'"),
        ("SEM,2016-03-01,2016-02-01,0.5,9e5,1e5,\n", "row 2, column 'end': the test ends before it starts"),
        ("SEM,2016-02-01,2016-02-28,0.5,9e5,0,\n", "row 2, column 'sigma': sigma must be above 0"),
        ("SEM,2016-02-01,2016-02-28,0,9e5,1e5,\n", "row 2, column 'delta_spend': delta_spend is 0"),
        ("SEM,2016-02-01,2016-02-28,inf,9e5,1e5,\n", "row 2, column 'delta_spend': 'inf' is not a finite number"),
        (",2016-02-01,2016-02-28,0.5,9e5,1e5,\n", "row 2, column 'channel': the channel is blank"),
        ("SEM,2016-02-01,2016-02-28,half,9e5,1e5,\n", "row 2, column 'delta_spend': cannot read number 'half'"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, row, expected):
    path = _file(tmp_path, row, GOOD)
    with pytest.raises(InputError) as err:
        load_lift_tests(path)
    assert str(err.value).startswith(str(path)) and expected in str(err.value)


def test_missing_column_and_unknown_names(tmp_path):
    with pytest.raises(InputError, match="column 'sigma' missing"):
        load_lift_tests(
            _file(tmp_path, "SEM,2016-02-01,2016-02-28,0.5,9e5\n", header="channel,start,end,delta_spend,delta_gmv\n")
        )
    tests = load_lift_tests(_file(tmp_path, GOOD, "Billboards,2016-02-01,2016-02-28,0.5,9e5,1e5,Drones\n"))
    with pytest.raises(InputError, match=r"row 3, column 'channel': unknown channel 'Billboards'"):
        tests.check_names(["SEM", "TV"], ["HomeAudio"])


def test_extra_spend_is_spread_over_days_and_split_by_month_share(tmp_path):
    tests = load_lift_tests(_file(tmp_path, "SEM,2016-01-25,2016-02-07,1.4,9e5,1e5,\n"))  # 7 January + 7 February days
    shares = pd.DataFrame({"A": [0.25, 0.5], "B": [0.75, 0.5]}, index=pd.PeriodIndex(["2016-01", "2016-02"], freq="M"))
    (spread,) = tests.weekly_extra_spend(shares, RUPEES_IN_CRORE)
    a, b = spread["groups"]["A"], spread["groups"]["B"]
    assert a["extra"].sum() + b["extra"].sum() == pytest.approx(1.4e7)  # every rupee of the test, once
    assert a["extra"].tolist() == pytest.approx([0.25 * 0.7e7, 0.5 * 0.7e7])
    assert a["test_days"].tolist() == [7, 7] and list(a["week_start"]) == list(pd.to_datetime(["2016-01-25", "2016-02-01"]))
