"""The typed manifest: written to JSON and read back into the same object; unknown or missing fields refused."""

import json

import pytest

from gmvplanner.manifest import Manifest, TrainingWindow
from gmvplanner.units import RUPEES_IN_CRORE


def _manifest() -> Manifest:
    return Manifest(
        kind="orders",
        model="mmm",
        subcategories=["HomeAudio"],
        channels=["TV", "SEM"],
        money=RUPEES_IN_CRORE,
        window=TrainingWindow("2014-07-01", "2016-06-30", 105, "dated"),
        inputs={"orders": {"path": "o.csv", "sha256": "0" * 64}},
        feature_names={"HomeAudio": ["adstock_TV", "adstock_SEM"]},
        media_params={"HomeAudio": {"decay": {"TV": 0.4}}},
        metrics={"HomeAudio": {"model": {"wape": 0.1}}},
        train_config={"seed": 42},
        created="2026-11-23T00:00:00+00:00",
    )


def test_round_trip_through_json():
    manifest = _manifest().stamped(files={"model_HomeAudio.joblib": "a" * 64}, feature_schema=4)
    again = Manifest.from_json(json.loads(json.dumps(manifest.to_json())))
    assert again == manifest
    assert again.window.media_layout == "dated" and again.money.column("min") == "min_crore"


def test_unknown_and_missing_fields_are_refused():
    data = _manifest().to_json()
    with pytest.raises(TypeError, match="unknown fields"):
        Manifest.from_json({**data, "spend_factor": 1e7})
    data.pop("channels")
    with pytest.raises(TypeError):
        Manifest.from_json(data)
