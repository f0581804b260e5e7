"""The one-pager: the real CLI writes one self-contained HTML file holding every section; the decomposition in it
adds up to the model's prediction."""

import re

import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.effects import weekly_decomposition
from gmvplanner.features.design import design_matrix
from gmvplanner.model.artifacts import load_artifacts

from ..helpers import run_cli

SECTIONS = (
    "Fit and held-out weeks against naive baselines",
    "weekly GMV, baseline and each channel's part",
    "share of spend vs share of effect",
    "ROI by channel",
    "response curves (dot: current spend, star: recommended split)",
    "Carry-over per channel",
    "Recommended split",
)


def test_the_report_command_writes_one_self_contained_page(trained_mmm, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("ecommerce_testing.py", "report", "--artifacts", trained_mmm, "--out", out)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in page, section
    for sub in load_artifacts(trained_mmm).subcategories:
        assert f"<h2>{sub}</h2>" in page
    assert page.count("Plotly.newPlot") == 5 * 3 + 2  # per subcategory 5 charts, then carry-over and the split
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js inlined once: opens without a network
    assert page.count("plotly.js v") == 1


def test_report_refuses_an_out_inside_the_artifacts(trained_mmm):
    result = run_cli("ecommerce_testing.py", "report", "--artifacts", trained_mmm, "--out", trained_mmm / "r.html")
    assert result.returncode == 2 and "inside the artifacts folder" in result.stderr


def test_the_weekly_decomposition_adds_up_to_the_prediction(mmm_art):
    history = mmm_art.table("history")
    for sub, model in mmm_art.models.items():
        weekly = history.loc[history["subcategory"] == sub].reset_index(drop=True)
        parts = weekly_decomposition(model, weekly)
        assert list(parts["part"].unique()) == ["baseline", *mmm_art.channels]
        per_week = parts.groupby("week_start", sort=False)["gmv"].sum().to_numpy()
        predicted = model.estimator.predict(design_matrix(weekly, model.spec)) * weekly["days"].to_numpy(float)
        np.testing.assert_allclose(per_week, predicted, rtol=1e-9)
        channel_parts = parts.loc[parts["part"] != "baseline"]
        assert (channel_parts["gmv"] >= -1e-6).all()  # non-negative media effects
        totals = channel_parts.groupby("part")["gmv"].sum()
        incremental = mmm_art.table("contributions").query("subcategory == @sub").set_index("channel")["incremental_gmv"]
        assert totals.sum() == pytest.approx(float(pd.Series(incremental).sum()), rel=0.05)  # about the same media GMV
