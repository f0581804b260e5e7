"""Sale, holiday and NPS calendars in the real file format."""

import pandas as pd
import pytest

from gmvplanner.data.calendars import load_nps, load_sale_calendar
from gmvplanner.errors import InputError

from .files import write


def test_calendars_parse_real_format(tmp_path):
    sales = load_sale_calendar(write(tmp_path, "s.csv", "Date,Sales Name\n7/18/2015,Eid sale\n"))
    assert sales["date"].iloc[0] == pd.Timestamp("2015-07-18")
    nps = load_nps(write(tmp_path, "n.csv", "Date,NPS\n7/1/2015,54.6\n"))
    assert nps["NPS"].iloc[0] == pytest.approx(54.6)
    with pytest.raises(InputError, match=r"row 2, column 'Date'"):
        load_sale_calendar(write(tmp_path, "bad.csv", "Date,Sales Name\n31/31/2015,x\n"))
