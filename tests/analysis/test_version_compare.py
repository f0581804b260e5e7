"""Two model versions side by side: every figure read from the versions themselves, and the changes between them."""

import pytest

from gmvplanner.analysis.version_compare import compare_versions, data_changes, holdout_table, roi_table
from gmvplanner.model.artifacts import load_artifacts


@pytest.fixture(scope="module")
def both(trained, trained_mmm):
    return load_artifacts(trained), load_artifacts(trained_mmm)


def test_holdout_and_roi_are_each_versions_own(both):
    forest, mmm = both
    holdout = holdout_table(forest, mmm).set_index("subcategory")
    for sub in forest.subcategories:
        assert holdout.loc[sub, "WAPE A (%)"] == round(100 * forest.manifest.metrics[sub]["model"]["wape"], 1)
        assert holdout.loc[sub, "WAPE B (%)"] == round(100 * mmm.manifest.metrics[sub]["model"]["wape"], 1)
    roi = roi_table(forest, mmm).set_index(["subcategory", "channel"])
    mine = mmm.table("contributions").set_index(["subcategory", "channel"])
    assert roi["ROI B"].to_dict() == mine["roi"].round(2).to_dict()
    assert roi.loc[mine.index[0], "ROI B, 80% interval"] == f"{mine['roi_lower'].iloc[0]:.2f} to {mine['roi_upper'].iloc[0]:.2f}"


def test_the_changes_between_versions_in_words(both):
    forest, mmm = both
    changes = data_changes(forest, mmm)
    assert "Model kind: forest in A, mmm in B." in changes
    assert "Input 'media': a different file in B." in changes  # monthly media for one, weekly for the other
    assert not any("'orders'" in c for c in changes)  # the same orders file
    assert data_changes(mmm, mmm) == []


def test_both_versions_split_the_same_budget(both):
    forest, mmm = both
    compared = compare_versions(mmm, mmm, budget=0.05, weeks=8)
    assert compared.split["recommended A (%)"].sum() == pytest.approx(100, abs=0.5)
    assert compared.split["recommended A (%)"].tolist() == compared.split["recommended B (%)"].tolist()
