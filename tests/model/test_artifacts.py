import json

import joblib
import pandas as pd
import pytest

from gmvplanner.errors import ArtifactError
from gmvplanner.model.artifacts import file_sha256, load_artifacts
from gmvplanner.model.train_config import TrainConfig
from gmvplanner.pipeline import TrainingInputs, train


def _edit_manifest(folder, change, restamp: bool = True):
    """Change the manifest; `restamp` also rewrites its own checksum, as a writer elsewhere would have."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))
    if restamp:
        (folder / "manifest.sha256").write_text(file_sha256(path) + "\n")


def test_an_edited_manifest_is_refused(artifacts_copy):
    _edit_manifest(artifacts_copy, lambda m: m["channels"].reverse(), restamp=False)
    with pytest.raises(ArtifactError, match="manifest.json was changed after training"):
        load_artifacts(artifacts_copy)


def test_a_model_dropped_from_the_checksums_is_never_unpickled(artifacts_copy, monkeypatch):
    _edit_manifest(artifacts_copy, lambda m: m["files"].pop("model_HomeAudio.joblib"))
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled a file without a checksum"))
    with pytest.raises(ArtifactError, match="model_HomeAudio.joblib of HomeAudio has no checksum"):
        load_artifacts(artifacts_copy)


def test_retraining_keeps_the_users_own_files(artifacts_copy, small_data):
    (artifacts_copy / "my_notes.txt").write_text("why we retrained")
    inputs = TrainingInputs(orders=small_data["orders"], media=small_data["media"])
    train(inputs, artifacts_copy, ["HomeAudio"], TrainConfig(model="forest", n_estimators=10, decay_grid=(0.0,)))
    assert (artifacts_copy / "my_notes.txt").read_text() == "why we retrained"
    assert load_artifacts(artifacts_copy).subcategories == ["HomeAudio"]
    assert not (artifacts_copy / "model_CameraAccessory.joblib").exists()  # what the old training wrote is replaced


def test_loads_clean_artifacts(trained):
    art = load_artifacts(trained)
    assert art.subcategories == ["CameraAccessory", "HomeAudio", "GamingAccessory"]


def test_tampered_model_is_refused(artifacts_copy):
    target = artifacts_copy / "model_HomeAudio.joblib"
    data = bytearray(target.read_bytes())
    data[-10] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="checksum of model_HomeAudio.joblib does not match"):
        load_artifacts(artifacts_copy)


def test_missing_file_is_refused(artifacts_copy):
    (artifacts_copy / "encoders_GamingAccessory.joblib").unlink()
    with pytest.raises(ArtifactError, match="encoders_GamingAccessory.joblib listed in the manifest is missing"):
        load_artifacts(artifacts_copy)


def test_other_library_version_is_refused(artifacts_copy):
    _edit_manifest(artifacts_copy, lambda m: m["libraries"].update({"scikit-learn": "0.24.2"}))
    with pytest.raises(ArtifactError, match="trained with scikit-learn 0.24.2, this machine has"):
        load_artifacts(artifacts_copy)


def test_other_features_are_refused(artifacts_copy):
    _edit_manifest(artifacts_copy, lambda m: m["feature_names"]["HomeAudio"].append("adstock_Billboards"))
    with pytest.raises(ArtifactError, match="HomeAudio was trained with other features.*adstock_Billboards"):
        load_artifacts(artifacts_copy)


def test_other_feature_schema_is_refused(artifacts_copy):
    _edit_manifest(artifacts_copy, lambda m: m.update({"feature_schema": 0}))
    with pytest.raises(ArtifactError, match="feature schema 0"):
        load_artifacts(artifacts_copy)


def test_no_manifest(tmp_path):
    with pytest.raises(ArtifactError, match="no manifest.json; train first"):
        load_artifacts(tmp_path)


def test_failure_while_writing_keeps_old_artifacts(artifacts_copy, small_data, monkeypatch):
    before = {p.name: file_sha256(p) for p in artifacts_copy.iterdir()}

    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", broken_dump)
    inputs = TrainingInputs(orders=small_data["orders"], media=small_data["media"])
    with pytest.raises(OSError, match="disk full"):
        train(inputs, artifacts_copy, ["HomeAudio"], TrainConfig(model="forest", n_estimators=10, decay_grid=(0.0,)))
    assert {p.name: file_sha256(p) for p in artifacts_copy.iterdir()} == before
    assert not [p for p in artifacts_copy.parent.iterdir() if p.name.startswith(".artifacts")]


def test_same_seed_same_models(small_data, tmp_path):
    inputs = TrainingInputs(orders=small_data["orders"], media=small_data["media"])
    config = TrainConfig(model="forest", n_estimators=20, decay_grid=(0.0, 0.5))
    a = train(inputs, tmp_path / "a", ["GamingAccessory"], config)
    b = train(inputs, tmp_path / "b", ["GamingAccessory"], config)
    pd.testing.assert_frame_equal(pd.read_csv(a.artifacts / "backtest.csv"), pd.read_csv(b.artifacts / "backtest.csv"))


def test_refuses_to_replace_a_folder_of_other_files(small_data, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    inputs = TrainingInputs(orders=small_data["orders"], media=small_data["media"])
    with pytest.raises(ArtifactError, match="not GMV Planner artifacts"):
        train(inputs, tmp_path / "mine", ["GamingAccessory"], TrainConfig(model="forest", n_estimators=10, decay_grid=(0.0,)))
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"


def test_an_artifacts_folder_or_manifest_that_cannot_be_read_is_an_artifact_error(tmp_path, monkeypatch):
    """As root no permission stops a read, so the refusals the system gives a user are played here."""
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "manifest.sha256").write_text("0")
    monkeypatch.setattr("os.access", lambda path, mode: False)
    with pytest.raises(ArtifactError, match="no permission to read this folder"):
        load_artifacts(tmp_path)
    monkeypatch.undo()

    def refusing(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr("pathlib.Path.read_text", refusing)
    with pytest.raises(ArtifactError, match=r"manifest.sha256: cannot be read \(Permission denied\); retrain"):
        load_artifacts(tmp_path)
