import numpy as np
import pandas as pd
import pytest

from gmvplanner.data.allocate import daily_spend_rupees, monthly_gmv_shares, weekly_allocated_spend
from gmvplanner.data.media import load_media
from gmvplanner.dates import week_start
from gmvplanner.errors import InputError
from gmvplanner.units import CRORE


@pytest.fixture
def media(tmp_path):
    path = tmp_path / "media.csv"
    path.write_text("Year,Month,TV,SEM\n2015,7,3.1,1\n2015,8,6.2,0.5\n")
    return load_media(path)


def test_week_start_is_monday():
    assert list(week_start(pd.to_datetime(["2015-07-01", "2015-07-05", "2015-07-06"]))) == [
        pd.Timestamp("2015-06-29"),
        pd.Timestamp("2015-06-29"),
        pd.Timestamp("2015-07-06"),
    ]


def test_totals_preserved_through_days_weeks_and_subcategories(media):
    start, end = media.start, media.end
    orders = pd.DataFrame(
        {
            "order_date": pd.to_datetime(["2015-07-03", "2015-07-20", "2015-08-09"]),
            "subcategory": ["A", "B", "A"],
            "gmv": [300.0, 100.0, 50.0],
        }
    )
    daily = daily_spend_rupees(media, start, end)
    shares = monthly_gmv_shares(orders, start, end)
    assert shares.loc[pd.Period("2015-07"), "A"] == pytest.approx(0.75)
    assert shares.loc[pd.Period("2015-08"), "B"] == 0.0
    weekly = weekly_allocated_spend(daily, shares)
    assert weekly["TV"].sum() == pytest.approx(9.3 * CRORE, rel=1e-12)
    assert weekly["SEM"].sum() == pytest.approx(1.5 * CRORE, rel=1e-12)
    july_a = weekly.loc[(weekly["subcategory"] == "A") & (weekly["week_start"] < "2015-07-27"), "TV"].sum()
    assert july_a == pytest.approx(3.1 * CRORE * 0.75 * 26 / 31)
    # every week: subcategories add up to the company's spend in that week
    company = daily.groupby(week_start(daily.index)).sum()
    back = weekly.groupby("week_start")[["TV", "SEM"]].sum()
    np.testing.assert_allclose(back.to_numpy(), company.to_numpy(), rtol=1e-12)


def test_month_without_gmv_splits_evenly(media):
    orders = pd.DataFrame(
        {"order_date": pd.to_datetime(["2015-07-03", "2015-07-04"]), "subcategory": ["A", "B"], "gmv": [1.0, 3.0]}
    )
    shares = monthly_gmv_shares(orders, media.start, media.end)
    assert shares.loc[pd.Period("2015-08")].tolist() == [0.5, 0.5]


def test_window_outside_media_is_refused(media):
    with pytest.raises(InputError, match="covers 2015-07-01 to 2015-08-31"):
        daily_spend_rupees(media, pd.Timestamp("2015-06-01"), media.end)
