import numpy as np
import pandas as pd
import pytest

from gmvplanner.features.transforms import geometric_adstock, hill
from gmvplanner.model.mmm import (
    Block,
    Bootstrap,
    LiftRow,
    MediaMixModel,
    MediaMixRegression,
    Pooling,
    SearchGroup,
    choose_media_params,
)

fit_many = MediaMixRegression.fit_many


def _data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 4, n), rng.uniform(0, 4, n)
    season = np.sin(np.arange(n) / 8)
    y = 100 + 50 * hill(a, 2.0) + 0 * b + 10 * season + rng.normal(0, 1, n)
    X = pd.DataFrame({"adstock_a": a, "adstock_b": b, "season": season})
    return X, y


def test_recovers_coefficients_and_keeps_absent_effect_at_zero():
    X, y = _data()
    model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0}).fit(X, y)
    assert model.media_coef_[0] == pytest.approx(50, rel=0.05)
    assert model.media_coef_[1] == pytest.approx(0.0, abs=1.0)
    assert (model.media_coef_ >= 0).all()
    mean, lo, hi = MediaMixModel(model).predictive(X).interval(0.8)
    assert (lo < mean).all() and (mean < hi).all()
    assert np.mean((y >= lo) & (y <= hi)) == pytest.approx(0.8, abs=0.1)


def test_cv_search_finds_the_true_carry_over():
    rng = np.random.default_rng(1)
    n = 160
    spend = rng.uniform(0, 2, n)
    stock = geometric_adstock(spend, 0.6, initial=spend[0])
    y = 500 + 200 * hill(stock, 1.0) + rng.normal(0, 2, n)
    rates = pd.DataFrame({"tv": spend})
    controls = pd.DataFrame({"one": np.ones(n)})
    decay, mult, ridge = choose_media_params([SearchGroup(rates, controls, y, np.full(n, 7.0))])[:3]
    assert decay["tv"] == 0.6
    assert ridge > 0


def _groups(roi_b: tuple[float, ...], n=104, noise=3.0, seed=5):
    """Groups sharing channel a's effect; channel b's true effect differs by group, its spend barely moves."""
    rng = np.random.default_rng(seed)
    out = []
    for effect_b in roi_b:
        a = rng.uniform(0, 4, n)
        b = rng.uniform(1.8, 2.2, n)  # little variation: b is hard to measure in any one group
        y = 200 + 60 * hill(a, 2.0) + effect_b * hill(b, 2.0) + rng.normal(0, noise, n)
        out.append((pd.DataFrame({"adstock_a": a, "adstock_b": b, "trend": np.arange(n) / 52}), y))
    return out


def _estimators(k, half=2.0):
    return [MediaMixRegression(channels=("a", "b"), half_saturation={"a": half, "b": half}) for _ in range(k)]


def _roi(est, X):
    """Average ROI of each channel: GMV per day at mean spend over that spend."""
    media = np.column_stack([hill(X[f"adstock_{c}"].to_numpy(), est.half_saturation[c]) for c in est.channels])
    spend = np.array([X[f"adstock_{c}"].mean() for c in est.channels])
    return est.media_coef_ * media.mean(axis=0) / spend


def test_joint_fit_without_pooling_equals_separate_fits():
    groups = _groups((10.0, 30.0, 50.0))
    joint = fit_many(_estimators(3), [X for X, _ in groups], [y for _, y in groups])
    for est, (X, y) in zip(joint, groups):
        alone = _estimators(1)[0].fit(X, y)
        np.testing.assert_allclose(est.media_coef_, alone.media_coef_, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(est.predict(X), alone.predict(X), rtol=1e-10)


def test_pooling_pulls_a_channels_roi_towards_the_other_groups():
    groups = _groups((0.0, 40.0, 80.0), noise=6.0)
    Xs, ys = [X for X, _ in groups], [y for _, y in groups]
    spread = []
    for weight in (0.0, 1e-3, 1e-1, 10.0):
        fitted = fit_many(_estimators(3), Xs, ys, Pooling(groups=weight))
        rois = np.array([_roi(est, X) for est, X in zip(fitted, Xs)])
        spread.append(rois[:, 1].std())
        # the well-measured channel keeps its effect whatever the pooling
        np.testing.assert_allclose([est.media_coef_[0] for est in fitted], 60, rtol=0.1)
    assert spread[0] > 0.01
    assert spread == sorted(spread, reverse=True)
    assert spread[-1] < 0.05 * spread[0]


def test_pooling_weight_means_the_same_in_any_currency():
    groups = _groups((0.0, 40.0, 80.0), noise=6.0)
    in_rupees = fit_many(_estimators(3), [X for X, _ in groups], [y for _, y in groups], Pooling(1e-2, 1e-3))
    thousand = [X.assign(adstock_a=X["adstock_a"] * 1000, adstock_b=X["adstock_b"] * 1000) for X, _ in groups]
    in_thousands = fit_many(_estimators(3, half=2000.0), thousand, [y for _, y in groups], Pooling(1e-2, 1e-3))
    for a, b, X, X1000 in zip(in_rupees, in_thousands, [X for X, _ in groups], thousand):
        np.testing.assert_allclose(a.predict(X), b.predict(X1000), rtol=1e-6)


def test_fixed_transforms_are_kept_and_the_rest_searched():
    """An analyst's off-grid decay and multiple for one channel come back as given; the other is searched."""
    rng = np.random.default_rng(2)
    n = 160
    rates = pd.DataFrame({"tv": rng.uniform(0, 2, n), "sem": rng.uniform(0, 2, n)})
    stock = geometric_adstock(rates["sem"].to_numpy(), 0.6, initial=rates["sem"].iloc[0])
    y = 500 + 100 * hill(rates["tv"].to_numpy(), 1.0) + 200 * hill(stock, 1.0) + rng.normal(0, 2, n)
    controls = pd.DataFrame({"one": np.ones(n)})
    decay, mult, _ = choose_media_params(
        [SearchGroup(rates, controls, y, np.full(n, 7.0))], fixed_decay={"tv": 0.33}, fixed_multiple={"tv": 1.7}
    )[:3]
    assert (decay["tv"], mult["tv"]) == (0.33, 1.7)
    assert decay["sem"] == 0.6


def test_bootstrap_refits_scatter_around_the_fit():
    from gmvplanner.model.mmm import moving_block_indices

    X, y = _data()
    model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0})
    fit_many([model], [X], [y], bootstrap=Bootstrap(draws=50, block_weeks=6, seed=3))
    assert model.coef_draws_.shape == (50, 1 + 2 + 1)
    assert (model.coef_draws_[:, 1:3] >= 0).all()
    assert model.coef_draws_[:, 1].mean() == pytest.approx(model.media_coef_[0], rel=0.05)
    assert 0 < model.coef_draws_[:, 1].std() < 5
    draws = model.predict_draws(X)
    assert draws.shape == (50, len(X)) and np.allclose(draws.mean(axis=0), model.predict(X), rtol=0.02)
    idx = moving_block_indices(20, 6, np.random.default_rng(0))
    assert len(idx) == 20 and all((b - a) % 20 == 1 for a, b in zip(idx[:5], idx[1:6]))


def test_no_draws_unless_asked():
    X, y = _data()
    model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0}).fit(X, y)
    assert model.predict_draws(X) is None


def test_a_lift_test_pulls_its_channel_towards_the_measured_lift():
    X, y = _data()

    def fitted(lift=None):
        model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0})
        return fit_many([model], [X], [y], lift=lift)[0]

    free = fitted()
    z = 10.0  # GMV per unit coefficient the test's extra spend adds over its days
    measured = 1.5 * free.media_coef_[0] * z
    sharp = fitted([LiftRow(0, {0: z}, measured, 0.01 * measured)])
    sharper = fitted([LiftRow(0, {0: z}, measured, 1e-4 * measured)])
    vague = fitted([LiftRow(0, {0: z}, measured, 1e6 * measured)])
    gaps = [abs(m.media_coef_[0] * z - measured) for m in (free, sharp, sharper)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 0.05 * measured  # the surer the test, the closer
    assert vague.media_coef_[0] == pytest.approx(free.media_coef_[0], rel=1e-3)  # a vague test changes nothing


def test_the_fast_single_block_solve_matches_the_general_one():
    from gmvplanner.model.mmm import solve_blocks, solve_one

    rng = np.random.default_rng(4)
    for n_media, n_ctrl in ((1, 0), (4, 3), (9, 12)):
        n = 80
        A = np.column_stack([np.ones(n), rng.uniform(0, 1, (n, n_media)), rng.normal(size=(n, n_ctrl))])
        beta = np.r_[100, rng.uniform(-20, 40, n_media), rng.normal(0, 5, n_ctrl)]  # some media effects negative
        y = A @ beta + rng.normal(0, 3, n)
        fast, general = solve_one(A, y, n_media, 0.03), solve_blocks([Block(A, y, n_ctrl, None, 0.03)], n_media)[0]
        assert (fast[1 : 1 + n_media] >= 0).all()
        np.testing.assert_allclose(A @ fast, A @ general, rtol=1e-9)


def test_the_sign_constrained_solve_finds_lsq_linears_optimum():
    """The joint fit's solver (variable projection and NNLS) against scipy's BVLS on problems with free, >= 0 and
    <= 0 coefficients, a free column repeated and coefficients that want the wrong sign."""
    from scipy.optimize import lsq_linear

    from gmvplanner.model.mmm.solver import sign_constrained_lstsq

    rng = np.random.default_rng(7)
    for n_free, n_pos, n_neg in ((0, 3, 0), (5, 0, 0), (4, 6, 2), (12, 20, 5)):
        n = 120
        A = rng.normal(size=(n, n_free + n_pos + n_neg))
        if n_free > 1:
            A[:, 1] = A[:, 0]  # a repeated free column: the projection must not count it twice
        y = A @ rng.normal(0, 2, A.shape[1]) + rng.normal(0, 1, n)  # about half the signs are wrong
        lower = np.r_[np.full(n_free, -np.inf), np.zeros(n_pos), np.full(n_neg, -np.inf)]
        upper = np.r_[np.full(n_free + n_pos, np.inf), np.zeros(n_neg)]
        ours = sign_constrained_lstsq(A, y, lower, upper)
        reference = lsq_linear(A, y, bounds=(lower, upper), method="bvls").x
        assert (ours >= lower).all() and (ours <= upper).all()
        assert np.sum((A @ ours - y) ** 2) == pytest.approx(np.sum((A @ reference - y) ** 2), rel=1e-9)
        np.testing.assert_allclose(A @ ours, A @ reference, rtol=1e-7, atol=1e-7)


def _s_shaped(slope=3.0, n=208, seed=4, noise=2.0):
    """Weekly spend of one channel with GMV from an S-shaped curve (half-saturation at its mean spend)."""
    rng = np.random.default_rng(seed)
    spend = rng.uniform(0, 2, n)
    y = 500 + 200 * hill(spend, 1.0, slope) + rng.normal(0, noise, n)
    return SearchGroup(pd.DataFrame({"tv": spend}), pd.DataFrame({"one": np.ones(n)}), y, np.full(n, 7.0))


@pytest.mark.parametrize("slope", [1.0, 3.0])
def test_cv_search_recovers_the_slope_of_the_curve(slope):
    """On a world with a known slope the search picks it within one grid step (a steeper slope is taken only when it
    lowers the CV error by `min_gain`), the true curve is among the near ties the bootstrap redraws, and the
    half-saturation is the one the data were made with (mean positive spend is ~1.0, so multiple 1.0)."""
    params = choose_media_params([_s_shaped(slope)])
    assert abs(params.slope["tv"] - slope) <= 1.0 and params.slope["tv"] > 1.0 if slope > 1 else params.slope["tv"] == 1.0
    assert params.half_saturation_multiple["tv"] == 1.0
    assert (1.0, slope) in params.near_ties["tv"]


def test_near_ties_are_the_curves_the_noise_cannot_separate():
    sharp = choose_media_params([_s_shaped(2.0, noise=0.5)])
    noisy = choose_media_params([_s_shaped(2.0, noise=40.0)])
    assert len(noisy.near_ties["tv"]) > len(sharp.near_ties["tv"])
    chosen = (noisy.half_saturation_multiple["tv"], noisy.slope["tv"])
    tighter = choose_media_params([_s_shaped(2.0, noise=40.0)], near_tie_wape=0.0).near_ties["tv"]
    assert chosen in tighter and set(tighter) < set(noisy.near_ties["tv"])


def test_bootstrap_refits_that_redraw_the_curves_give_wider_media_intervals():
    from gmvplanner.model.mmm import CurveDraws

    X, y = _data()
    boot = Bootstrap(draws=60, block_weeks=6, seed=3)

    def refits(curves=None):
        model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0})
        fit_many([model], [X], [y], bootstrap=boot, curves=curves)
        more = X.assign(adstock_a=X["adstock_a"] * 3)  # a large move of channel a: where the curve matters
        return (model.predict_draws(more) - model.predict_draws(X)).sum(axis=1), model

    fixed, _ = refits()
    rng = np.random.default_rng(0)
    half = np.column_stack([rng.choice([1.0, 2.0, 4.0], 60), np.full(60, 2.0)])
    slope = np.column_stack([rng.choice([1.0, 2.0], 60), np.ones(60)])
    redrawn, model = refits([CurveDraws(half, slope)])
    assert redrawn.std() > 1.5 * fixed.std()
    assert model.media_coef_[0] == pytest.approx(refits()[1].media_coef_[0])  # the point fit keeps its own curve


def _prior_world(n=104, seed=8):
    """Weekly rows of one group: channel a's spend moves a lot (the data pin it), b's barely (the data are silent)."""
    from gmvplanner.features.design import FeatureSpec

    rng = np.random.default_rng(seed)
    rate_a, rate_b = rng.uniform(0, 4, n), rng.uniform(1.9, 2.1, n)
    y = 200 + 60 * hill(rate_a, 2.0) + 30 * hill(rate_b, 2.0) + rng.normal(0, 2.0, n)
    weekly = pd.DataFrame({"gmv": y * 7, "days": 7.0, "spend_a": rate_a * 7, "spend_b": rate_b * 7})
    X = pd.DataFrame({"adstock_a": rate_a, "adstock_b": rate_b, "trend": np.arange(n) / 52})
    spec = FeatureSpec(channels=["a", "b"], decay={"a": 0.0, "b": 0.0}, controls=[], half_saturation={"a": 2.0, "b": 2.0})
    return weekly, X, y, spec


def _roi_with(priors_csv, tmp_path):
    from gmvplanner.data.roi_priors import load_roi_priors
    from gmvplanner.model.mmm import prior_rows

    weekly, X, y, spec = _prior_world()
    rows = None
    if priors_csv:
        (tmp_path / "priors.csv").write_text(priors_csv)
        rows = prior_rows(load_roi_priors(tmp_path / "priors.csv"), {"g": weekly}, {"g": spec})
    model = MediaMixRegression(channels=("a", "b"), half_saturation={"a": 2.0, "b": 2.0})
    fit_many([model], [X], [y], lift=rows)
    z = (7 * hill(X[["adstock_a", "adstock_b"]].to_numpy(), 2.0)).sum(axis=0)
    return dict(zip("ab", model.media_coef_ * z / weekly[["spend_a", "spend_b"]].sum().to_numpy()))


def test_roi_priors_move_a_channel_the_data_are_silent_on_and_not_one_they_pin(tmp_path):
    free = _roi_with(None, tmp_path)
    # ranges far from what the data say: three to four times each channel's free ROI
    ranges = {c: (3 * free[c], 4 * free[c]) for c in "ab"}
    priors = "channel,roi_low,roi_high\n" + "".join(f"{c},{lo},{hi}\n" for c, (lo, hi) in ranges.items())
    held = _roi_with(priors, tmp_path)
    low_b, high_b = ranges["b"]
    assert low_b <= held["b"] <= high_b  # silent data: the prior decides
    assert abs(held["a"] - free["a"]) < 0.1 * (ranges["a"][0] - free["a"])  # strong data: the prior barely moves it


def test_roi_priors_file_errors_name_the_row(tmp_path):
    from gmvplanner.data.roi_priors import load_roi_priors
    from gmvplanner.errors import InputError

    path = tmp_path / "p.csv"
    for body, words in (
        ("channel,roi_low,roi_high\nTV,2,1\n", "row 2.*not above"),
        ("channel,roi_low,roi_high\nTV,1,abc\n", "row 2.*cannot read number 'abc'"),
        ("channel,roi_low,roi_high\nTV,1,2\nTV,1,3\n", "row 3.*second range"),
        ("channel,roi_low\nTV,1\n", "roi_high"),
    ):
        path.write_text(body)
        with pytest.raises(InputError, match=words):
            load_roi_priors(path)
    path.write_text("channel,roi_low,roi_high,subcategory\nTV,1,2,\nTV,0.5,1,HomeAudio\n")
    priors = load_roi_priors(path)
    assert priors.for_group("TV", "HomeAudio") == (0.5, 1.0) and priors.for_group("TV", "Other") == (1.0, 2.0)
    with pytest.raises(InputError, match="unknown channel 'TV'"):
        priors.check_names(["SEM"], ["HomeAudio"])
