import hashlib

import numpy as np
import pandas as pd

from gmvplanner.config import ORDER_COLUMNS
from gmvplanner.synth import SynthConfig, TrueProcess, write_dataset


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_files(tmp_path):
    a = write_dataset(tmp_path / "a", SynthConfig(n_orders=8000, seed=3))
    b = write_dataset(tmp_path / "b", SynthConfig(n_orders=8000, seed=3))
    c = write_dataset(tmp_path / "c", SynthConfig(n_orders=8000, seed=4))
    assert _digest(a["orders"]) == _digest(b["orders"])
    assert _digest(a["orders"]) != _digest(c["orders"])


def test_orders_have_real_layout_and_faults(small_data):
    raw = pd.read_csv(small_data["orders"], dtype=str, keep_default_na=False)
    assert tuple(raw.columns) == ORDER_COLUMNS
    assert (raw["gmv"] == "").sum() > 50  # blank GMV
    assert raw.duplicated().sum() > 50  # exact duplicates
    assert (raw["deliverybdays"] == "\\N").mean() > 0.5
    dates = pd.to_datetime(raw["order_date"], format="%Y-%m-%d %H:%M:%S")
    assert ((dates < "2014-07-01") | (dates >= "2016-07-01")).sum() > 50  # outside the window
    assert raw["product_analytic_sub_category"].nunique() >= 5
    assert {"CameraAccessory", "HomeAudio", "GamingAccessory"} <= set(raw["product_analytic_sub_category"])


def test_monthly_media_layout_matches_eleckart(small_data):
    media = pd.read_csv(small_data["media"])
    assert list(media.columns[:3]) == ["Year", "Month", "Total Investment"]
    assert " Affiliates" in media.columns  # the stray space of the real header
    assert len(media) == 24
    channels = media.columns[3:]
    assert len(channels) == 9
    np.testing.assert_allclose(media[channels].fillna(0).sum(axis=1), media["Total Investment"], atol=1e-5)


def test_true_process_zero_spend_has_no_effect(small_data):
    truth = TrueProcess.from_files(small_data["truth"], small_data["media_weekly"])
    effect = truth.media_gmv(truth.weekly_spend_crore * 0.0, "HomeAudio")
    assert (effect.to_numpy() == 0).all()
    more = truth.media_gmv(truth.weekly_spend_crore * 2.0, "HomeAudio").sum()
    base = truth.media_gmv(truth.weekly_spend_crore, "HomeAudio").sum()
    assert (more > base).all() and (more < 2 * base).all()  # diminishing returns


def test_the_confounded_world_spends_more_in_sale_weeks_and_the_festive_season():
    """The `confounded` world's spend follows the sale calendar and the festive months, as real plans do, while the
    `today` world's spend does not (issue 31: a world where spend is confounded with the calendar)."""
    from gmvplanner.synth.tables import generate
    from gmvplanner.synth.world import SALES_2014, SALES_2015

    sale_days = pd.DatetimeIndex([d for first, n, _ in SALES_2014 + SALES_2015 for d in pd.date_range(first, periods=n)])
    ratios = {}
    for name in ("today", "confounded"):
        tables, _ = generate(SynthConfig(seed=3, n_orders=5_000, world=name, messy=False))
        weekly = tables["media_weekly"].set_index("date").sum(axis=1)
        sale_week = weekly.index.isin(sale_days.to_period("W-SUN").start_time)
        festive = weekly.index.month.isin((10, 11))
        plain = weekly[~sale_week & ~festive].mean()
        ratios[name] = (weekly[sale_week & ~festive].mean() / plain, weekly[festive & ~sale_week].mean() / plain)
    assert ratios["confounded"][0] > 1.3 and ratios["confounded"][1] > 1.3, ratios
    assert 0.7 < ratios["today"][0] < 1.3 and 0.7 < ratios["today"][1] < 1.3, ratios
