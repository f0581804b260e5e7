"""Media spend files: monthly and dated layouts spread over days; bad spend names its row."""

import pandas as pd
import pytest

from gmvplanner.data.media import load_media
from gmvplanner.errors import InputError

from .files import write


def test_monthly_media_spread_over_days(tmp_path):
    path = write(
        tmp_path, "media.csv", "Year,Month,Total Investment,TV, Affiliates,Radio\n2015,7,3.1,3.1,0,\n2015,8,6.2,0,6.2,\n"
    )
    media = load_media(path)
    assert media.layout == "monthly" and media.channels == ["TV", "Affiliates", "Radio"]
    assert media.start == pd.Timestamp("2015-07-01") and media.end == pd.Timestamp("2015-08-31")
    assert media.daily_crore.loc["2015-07-05", "TV"] == pytest.approx(0.1)
    assert media.daily_crore.sum().sum() == pytest.approx(9.3)


def test_dated_media_rows_cover_until_next_date(tmp_path):
    path = write(tmp_path, "weekly.csv", "date,TV,SEM\n2016-01-04,7,14\n2016-01-11,0,7\n")
    media = load_media(path)
    assert media.layout == "dated" and len(media.daily_crore) == 14
    assert media.daily_crore["SEM"].sum() == pytest.approx(21.0)


def test_media_without_period_columns(tmp_path):
    path = write(tmp_path, "media.csv", "when,TV\nJuly,1\n")
    with pytest.raises(InputError, match="needs 'Year' and 'Month'"):
        load_media(path)


def test_negative_spend_names_row_and_channel(tmp_path):
    path = write(tmp_path, "media.csv", "Year,Month,TV,SEM\n2015,7,1,2\n2015,8,-3,1\n")
    with pytest.raises(InputError) as err:
        load_media(path)
    assert str(err.value) == "media.csv row 3, column 'TV': negative spend -3.0 for 'TV'".replace("media.csv", str(path))
