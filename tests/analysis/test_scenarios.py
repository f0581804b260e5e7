import pandas as pd
import pytest

from gmvplanner.analysis.scenarios import default_scenario, predict_scenario
from gmvplanner.data.scenario_files import load_scenario
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import load_artifacts


def _write(tmp_path, frame):
    path = tmp_path / "scenario.csv"
    frame.to_csv(path, index=False)
    return path


def test_default_scenario_is_next_13_weeks_at_last_years_level(forest_art):
    scenario = default_scenario(forest_art)
    assert len(scenario) == 13
    assert scenario["week_start"].iloc[0] == pd.Timestamp("2016-07-04")
    assert list(scenario.columns[1:]) == forest_art.channels
    assert (scenario[forest_art.channels] >= 0).all().all() and scenario[forest_art.channels].to_numpy().sum() > 0


def test_levers_change_the_prediction_and_defaults_are_recent_history(forest_art, tmp_path):
    base = default_scenario(forest_art, weeks=4)
    plain = predict_scenario(forest_art, load_scenario(_write(tmp_path, base), forest_art.channels))
    sale = base.assign(sale_days=7, discount=0.45)
    on_sale = predict_scenario(forest_art, load_scenario(_write(tmp_path, sale), forest_art.channels))
    assert on_sale["predicted_gmv"].sum() > plain["predicted_gmv"].sum()


def test_missing_channel_column(forest_art, tmp_path):
    path = _write(tmp_path, default_scenario(forest_art, weeks=2).drop(columns="SEM"))
    with pytest.raises(InputError, match="column 'SEM'.*missing"):
        load_scenario(path, forest_art.channels)


def test_out_of_range_lever_names_row(forest_art, tmp_path):
    frame = default_scenario(forest_art, weeks=3).assign(discount=[0.2, 1.7, 0.2])
    with pytest.raises(InputError, match=r"row 3, column 'discount'"):
        load_scenario(_write(tmp_path, frame), forest_art.channels)


def test_weeks_must_be_consecutive(forest_art, tmp_path):
    frame = default_scenario(forest_art, weeks=3).drop(index=1)
    with pytest.raises(InputError, match="weeks must follow each other"):
        load_scenario(_write(tmp_path, frame), forest_art.channels)


def test_a_file_of_named_scenarios_is_checked_plan_by_plan(forest_art, tmp_path):
    base = default_scenario(forest_art, weeks=3)
    two = pd.concat([base.assign(scenario="low"), base.assign(scenario="high", TV=base["TV"] * 2)])
    frame = load_scenario(_write(tmp_path, two), forest_art.channels, named=True)
    assert list(frame["scenario"].unique()) == ["low", "high"]  # the same weeks in two plans are not a conflict
    broken = two.copy()
    broken.iloc[4, broken.columns.get_loc("TV")] = 99.0
    broken = pd.concat([broken, broken.iloc[[4]].assign(TV=1.0)])
    with pytest.raises(InputError, match=r"spend differs between rows of week .* in scenario 'high'"):
        load_scenario(_write(tmp_path, broken), forest_art.channels, named=True)
    blank = two.assign(scenario=["low", "", "low", "high", "high", "high"])
    with pytest.raises(InputError, match=r"row 3, column 'scenario': the scenario name is blank"):
        load_scenario(_write(tmp_path, blank), forest_art.channels, named=True)
    with pytest.raises(InputError, match="'scenario' is not a channel"):
        load_scenario(_write(tmp_path, two), forest_art.channels)  # a single plan has no scenario column


def test_designs_are_kept_per_plan_content_and_a_changed_value_is_a_new_plan(trained_mmm):
    """The planner asks for a plan's designs several times a run: the same content gives the kept designs, one
    changed spend value gives fresh ones (never stale numbers), and only DESIGN_MEMO plans are kept."""
    from gmvplanner.analysis.scenarios import DESIGN_MEMO, default_scenario, predict_scenario, scenario_designs

    art = load_artifacts(trained_mmm)
    plan = default_scenario(art, weeks=6)
    first = scenario_designs(art, plan)
    assert scenario_designs(art, plan.copy()) is first
    changed = plan.copy()
    changed.loc[2, "TV"] += 0.01
    assert scenario_designs(art, changed) is not first
    fresh = load_artifacts(trained_mmm)  # nothing kept: the same numbers computed from scratch
    kept, computed = predict_scenario(art, changed), predict_scenario(fresh, changed)
    pd.testing.assert_frame_equal(kept, computed)
    for i in range(DESIGN_MEMO + 5):
        scenario_designs(art, plan.assign(TV=plan["TV"] + i * 1e-3))
    assert sum(1 for k in art.memo if k[0] == "scenario_designs") == DESIGN_MEMO


def test_a_row_naming_a_subcategory_overrides_the_blank_row_of_its_week(forest_art, tmp_path):
    base = default_scenario(forest_art, weeks=4)
    lever = {"sale_days": 7.0, "discount": 0.45}
    plain = predict_scenario(forest_art, load_scenario(_write(tmp_path, base), forest_art.channels))
    on_sale = predict_scenario(forest_art, load_scenario(_write(tmp_path, base.assign(**lever)), forest_art.channels))
    mixed = pd.concat([base.assign(subcategory=""), base.assign(subcategory="HomeAudio", **lever)])
    scenario = load_scenario(_write(tmp_path, mixed), forest_art.channels, {s: [] for s in forest_art.subcategories})
    result = predict_scenario(forest_art, scenario)
    home = result["subcategory"] == "HomeAudio"
    pd.testing.assert_frame_equal(result.loc[home].reset_index(drop=True), on_sale.loc[home].reset_index(drop=True))
    pd.testing.assert_frame_equal(result.loc[~home].reset_index(drop=True), plain.loc[~home].reset_index(drop=True))


def test_an_unknown_subcategory_among_blank_cells_names_its_own_row(forest_art, tmp_path):
    base = default_scenario(forest_art, weeks=3)
    frame = base.assign(subcategory=["", "", "Phones"])
    with pytest.raises(InputError, match=r"row 4, column 'subcategory': unknown subcategory 'Phones'"):
        load_scenario(_write(tmp_path, frame), forest_art.channels, {s: [] for s in forest_art.subcategories})


def test_a_file_of_weeks_alone_is_a_plan_only_for_a_model_without_channels(tmp_path):
    """Issue 32: without channels, `week_start` alone is a whole scenario; with channels, one column is still
    refused as not a table, with the hint about the separator."""
    weeks = tmp_path / "weeks.csv"
    weeks.write_text("week_start\n2016-07-06\n2016-07-13\n")
    assert load_scenario(weeks, [])["week_start"].dt.strftime("%Y-%m-%d").tolist() == ["2016-07-04", "2016-07-11"]
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("week_start;TV\n2016-07-04;1.0\n")
    with pytest.raises(InputError, match="not a table: found 1 column"):
        load_scenario(semicolons, ["TV"])
