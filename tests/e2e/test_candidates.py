"""Candidate models end to end (issue 35 item 6): `ecommerce_testing.py candidates` refits the media-mix artifacts'
variants beside them, and the Model report shows them, or makes them in the background when there are none."""

from __future__ import annotations

import shutil
import time

import pytest
from streamlit.testing.v1 import AppTest

from gmvplanner.analysis.candidates import company_roi
from gmvplanner.cli import testing_main as run_testing
from gmvplanner.model.artifacts import MANIFEST, file_sha256, load_artifacts
from gmvplanner.pipeline.candidate_files import candidates_dir, read_candidates
from gmvplanner.pipeline.candidates import VARIANTS
from gmvplanner.service import candidates as candidate_models

from ..helpers import ROOT, snapshot


@pytest.fixture(scope="module")
def copied(trained_mmm, tmp_path_factory):
    """A private copy of the media-mix artifacts: the candidates are written beside it."""
    dest = tmp_path_factory.mktemp("candidates") / "artifacts"
    shutil.copytree(trained_mmm, dest)
    return dest


@pytest.fixture(scope="module")
def made(copied):
    """The candidates made by the real CLI (its exit code and the artifacts' files before and after)."""
    before = snapshot(copied)
    code = run_testing(["candidates", "--artifacts", str(copied), "--quiet"])
    return code, before, snapshot(copied)


def test_the_cli_writes_every_variant_beside_the_artifacts_and_leaves_them_byte_identical(copied, made):
    code, before, after = made
    assert code == 0 and before == after
    key = file_sha256(copied / MANIFEST)
    found = read_candidates(candidates_dir(copied), key)
    assert found is not None and found.meta["manifest_sha256"] == key
    assert list(found.candidates["candidate"]) == [v.name for v in VARIANTS]
    kinds = found.candidates.set_index("candidate")["model"]
    assert kinds["as trained"] == "mmm" and kinds["other model kind"] == "hybrid"
    art = load_artifacts(copied)
    # the 'as trained' candidate is the trained model refitted: the same point estimates of each channel's ROI
    own = found.channels.loc[found.channels["candidate"] == "as trained"].set_index("channel")["roi"]
    trained = company_roi(art.table("contributions")).set_index("channel")["roi"]
    assert own.reindex(art.channels).to_numpy() == pytest.approx(trained.reindex(art.channels).to_numpy(), rel=1e-9)
    shares = found.channels.groupby("candidate")["recommended_share"].sum()
    assert shares.to_numpy() == pytest.approx(1.0, abs=1e-6)  # every candidate splits the same whole budget
    assert found.candidates["about_as_well"].any() and (found.candidates["gap"] >= 0).all()
    tests = found.tests
    assert set(tests["weeks"]) == {4, 8, 13, 26} and (tests["sigma"] > 0).all()


def test_the_cli_refuses_to_write_inside_the_artifacts_folder(copied, capsys):
    before = snapshot(copied)
    assert run_testing(["candidates", "--artifacts", str(copied), "--out", str(copied / "candidates")]) == 2
    assert "inside the artifacts folder" in capsys.readouterr().err
    assert snapshot(copied) == before


def _app(artifacts, monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("GMV_ARTIFACTS", str(artifacts))
    monkeypatch.setenv("GMV_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.switch_page("app_pages/model_report.py").run()
    assert not at.exception, at.exception
    return at


def test_the_model_report_shows_the_candidates_and_where_they_agree(copied, made, monkeypatch, tmp_path):
    at = _app(copied, monkeypatch, tmp_path)
    found = read_candidates(candidates_dir(copied), file_sha256(copied / MANIFEST))
    table = next(d.value for d in at.dataframe if "fits about as well" in d.value.columns)
    assert list(table["candidate"]) == list(found.candidates["candidate"])
    art = load_artifacts(copied)
    assert set(art.channels) <= set(table.columns)
    agreement = next(d.value for d in at.dataframe if "candidates agree" in d.value.columns)
    assert list(agreement["channel"]) == art.channels
    words = " ".join(m.value for m in at.markdown)
    assert f"{len(found.fitting)} of {len(found.candidates)} candidates fit the held-out weeks" in words


def test_without_candidates_the_page_says_how_to_make_them_and_its_button_makes_them(copied, monkeypatch, tmp_path):
    fresh = tmp_path / "artifacts"
    shutil.copytree(copied, fresh)
    at = _app(fresh, monkeypatch, tmp_path)
    assert any(f"python ecommerce_testing.py candidates --artifacts {fresh}" in c.value for c in at.caption)
    assert not any("fits about as well" in d.value.columns for d in at.dataframe)
    next(b for b in at.button if b.label == "Make the candidates").click().run()
    job = candidate_models.candidates_job(file_sha256(fresh / MANIFEST))
    assert job is not None
    deadline = time.time() + 600
    while job.state == "running" and time.time() < deadline:
        time.sleep(1)
    assert job.state == "done", job.error
    at.run()
    assert not at.exception
    assert any("fits about as well" in d.value.columns for d in at.dataframe)
