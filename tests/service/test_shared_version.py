"""The version everyone opens: a file beside the versions, written atomically, ignored once its version is gone."""

import os
import shutil
from pathlib import Path

import pytest

from gmvplanner.model.artifacts import MANIFEST
from gmvplanner.service.retraining import prune_versions, versions_dir
from gmvplanner.service.shared_version import default_file, default_version, set_default_version


def _version(base: Path, name: str) -> Path:
    """A folder that looks like a model version (a manifest is all `default_version` reads)."""
    path = versions_dir(base) / name
    path.mkdir(parents=True)
    (path / MANIFEST).write_text("{}", encoding="utf-8")
    return path


@pytest.fixture
def base(tmp_path):
    base = tmp_path / "artifacts"
    base.mkdir()
    (base / MANIFEST).write_text("{}", encoding="utf-8")
    return base


def test_without_a_choice_sessions_open_the_original(base):
    assert default_version(base) is None
    _version(base, "20260101-000000-000000")
    assert default_version(base) is None


def test_a_chosen_version_is_what_new_sessions_open(base):
    older, newer = _version(base, "20260101-000000-000000"), _version(base, "20260201-000000-000000")
    assert set_default_version(base, older) == older
    assert default_version(base) == older
    assert default_file(base).read_text(encoding="utf-8") == "20260101-000000-000000\n"
    set_default_version(base, newer)
    assert default_version(base) == newer
    assert [p.name for p in versions_dir(base).iterdir() if p.is_file()] == ["DEFAULT"]  # no temporary file left


def test_choosing_the_original_removes_the_choice(base):
    set_default_version(base, _version(base, "20260101-000000-000000"))
    assert set_default_version(base, base) is None
    assert default_version(base) is None and not default_file(base).exists()


def test_a_pruned_or_broken_default_falls_back_to_the_original(base):
    chosen = _version(base, "20260101-000000-000000")
    set_default_version(base, chosen)
    for i in range(4):
        _version(base, f"2026030{i}-000000-000000")
    assert chosen in prune_versions(base, keep=3)  # the oldest goes, the DEFAULT file stays
    assert default_file(base).exists() and default_version(base) is None
    default_file(base).write_text("../../elsewhere\n", encoding="utf-8")  # never a path outside the versions
    assert default_version(base) is None
    default_file(base).write_text("\n", encoding="utf-8")
    assert default_version(base) is None


def test_only_a_version_of_these_artifacts_can_be_chosen(base, tmp_path):
    stranger = tmp_path / "other-versions" / "20260101-000000-000000"
    stranger.mkdir(parents=True)
    (stranger / MANIFEST).write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="is not a model version of"):
        set_default_version(base, stranger)
    half = _version(base, "20260101-000000-000000")
    shutil.rmtree(half)
    half.mkdir()  # a folder without a manifest (a failed retrain) is not a version
    with pytest.raises(ValueError, match="is not a model version of"):
        set_default_version(base, half)
    assert not default_file(base).exists()


def test_the_choice_is_readable_by_an_app_running_as_another_user(base):
    version = _version(base, "20260101-000000-000000")
    old = os.umask(0o022)
    try:
        set_default_version(base, version)
    finally:
        os.umask(old)
    assert default_file(base).stat().st_mode & 0o777 == 0o644
