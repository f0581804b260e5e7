import numpy as np
import pandas as pd
import pytest

from gmvplanner.analysis.budget import historical_split, load_bounds, optimise_budget
from gmvplanner.errors import InputError
from gmvplanner.model.artifacts import load_artifacts

from ..helpers import optimize_cli, run_cli


def test_total_met_exactly_and_bounds_respected(mmm_art):
    bounds = {"SEM": (0.01, 0.02), "TV": (0.005, 0.005), "Sponsorship": (0.0, 0.001)}
    result = optimise_budget(mmm_art, 0.1, 8, bounds=bounds)
    plan = result.table.set_index("channel")
    assert plan["recommended_crore"].sum() == pytest.approx(0.1, abs=1e-12)
    for channel, (lo, hi) in bounds.items():
        assert lo - 1e-12 <= plan.loc[channel, "recommended_crore"] <= hi + 1e-12
    assert (plan["recommended_crore"] >= -1e-12).all()
    hist = historical_split(mmm_art)
    np.testing.assert_allclose(plan["historical_crore"], hist.reindex(plan.index) * 0.1)
    assert result.recommended_gmv[0] >= result.historical_gmv[0] - 1e-6


def test_recommendation_does_not_return_the_start_split(mmm_art):
    result = optimise_budget(mmm_art, 0.1, 13)
    change = result.table["change_crore"].abs().sum()
    assert change > 0.01 * 0.1  # it moved money
    assert result.uplift > 0


def test_infeasible_bounds_are_refused(mmm_art):
    with pytest.raises(InputError, match="minimums add up to"):
        optimise_budget(mmm_art, 0.1, 4, bounds={"SEM": (0.2, 0.3)})
    with pytest.raises(InputError, match="maximums add up to"):
        optimise_budget(mmm_art, 0.1, 4, bounds={c: (0.0, 0.001) for c in mmm_art.channels})


def test_bounds_file_errors_name_the_row(tmp_path, mmm_art):
    path = tmp_path / "bounds.csv"
    path.write_text("channel,min_crore,max_crore\nSEM,0,1\nBillboards,0,1\n")
    with pytest.raises(InputError, match=r"row 3, column 'channel': unknown channel 'Billboards'"):
        load_bounds(path, mmm_art.channels, mmm_art.money)
    path.write_text("channel,min_crore,max_crore\nSEM,2,1\n")
    with pytest.raises(InputError, match="row 2"):
        load_bounds(path, mmm_art.channels, mmm_art.money)


def test_optimize_cli_writes_the_split_and_prints_both_gmvs(trained_mmm, tmp_path):
    result, out = optimize_cli(trained_mmm, tmp_path, "channel,min_crore,max_crore\nTV,0.01,0.02\n", "0.1", "8")
    assert result.returncode == 0, result.stderr
    assert "expected GMV, historical split" in result.stdout and "80% interval" in result.stdout
    assert "not the uncertainty in each channel's estimated effect" in result.stdout
    import pandas as pd

    split = pd.read_csv(out)
    assert {"channel", "historical_crore", "recommended_crore"} <= set(split.columns)
    assert split["recommended_crore"].sum() == pytest.approx(0.1)
    tv = split.set_index("channel").loc["TV", "recommended_crore"]
    assert 0.01 - 1e-9 <= tv <= 0.02 + 1e-9


@pytest.mark.parametrize("which", ["trained", "trained_mmm"])
def test_plan_scorer_equals_the_scenario_predictor(which, request):
    import pandas as pd

    from gmvplanner.analysis.budget import PlanScorer, even_plan
    from gmvplanner.analysis.scenarios import scenario_totals

    art = load_artifacts(request.getfixturevalue(which))
    weeks = pd.date_range("2016-07-04", periods=6, freq="7D")
    rng = np.random.default_rng(0)
    plans = rng.uniform(0, 0.05, (4, len(art.channels)))
    scorer = PlanScorer(art, weeks, art.channels)
    expected = [scenario_totals(art, even_plan(weeks, art.channels, x))[0] for x in plans]
    np.testing.assert_allclose(scorer.totals(plans), expected, rtol=1e-9)


def test_feasible_start_keeps_the_total_and_the_bounds():
    from gmvplanner.analysis.budget import feasible_start

    share = np.array([0.7, 0.2, 0.1])
    lo, hi = np.array([0.0, 3.0, 0.0]), np.array([4.0, 10.0, 10.0])
    x = feasible_start(share, lo, hi, 10.0)
    assert x.sum() == pytest.approx(10.0) and (x >= lo - 1e-9).all() and (x <= hi + 1e-9).all()
    assert x[0] == pytest.approx(4.0)  # capped at its maximum
    np.testing.assert_allclose(feasible_start(share, np.zeros(3), np.full(3, 10.0), 10.0), share * 10.0)


def test_exact_total_removes_rounding_within_bounds():
    from gmvplanner.analysis.budget import exact_total

    lo, hi = np.zeros(3), np.array([5.0, 5.0, 0.5])
    x = exact_total(np.array([4.9, 4.0, 0.5]), lo, hi, 10.0)
    assert x.sum() == pytest.approx(10.0, abs=1e-12) and (x <= hi).all()
    assert x[2] == 0.5  # no room left there
    y = exact_total(np.array([6.0, 4.0, 0.5]), lo, np.full(3, 10.0), 10.0)
    assert y.sum() == pytest.approx(10.0, abs=1e-12) and (y >= 0).all()


def test_bounds_follow_their_channel_names_in_any_order(trained_mmm, tmp_path):
    """Regression for a bug all three peers had: bounds listed in another order than the model's channels
    must still bind the channel they name."""
    art = load_artifacts(trained_mmm)
    channels = art.channels  # not alphabetical: TV, Digital, Sponsorship, ...
    listed = sorted(channels, reverse=True)
    limits = {c: (0.001 * (i + 1), 0.001 * (i + 1) + 0.002) for i, c in enumerate(listed)}
    path = tmp_path / "bounds.csv"
    path.write_text("channel,min_crore,max_crore\n" + "".join(f"{c},{lo},{hi}\n" for c, (lo, hi) in limits.items()))
    bounds = load_bounds(path, channels, art.money)
    assert bounds.keys() == limits.keys()
    assert all(bounds[c] == pytest.approx(limits[c]) for c in limits)  # read from text: equal to the last digit or so
    budget = sum(lo for lo, _ in limits.values()) + 0.005
    table = optimise_budget(art, budget, 8, bounds=bounds, max_change=None).table.set_index("channel")
    for channel, (lo, hi) in limits.items():
        assert lo - 1e-9 <= table.loc[channel, "recommended_crore"] <= hi + 1e-9, channel
        assert (table.loc[channel, "min_crore"], table.loc[channel, "max_crore"]) == pytest.approx((lo, hi))
    assert table["recommended_crore"].sum() == pytest.approx(budget)


def test_uplift_interval_probability_and_risk_aversion(trained_mmm):
    art = load_artifacts(trained_mmm)
    neutral = optimise_budget(art, 0.1, 8)
    lo, hi = neutral.uplift_interval
    assert lo <= hi and 0.0 <= neutral.p_beats_historical <= 1.0
    cautious = optimise_budget(art, 0.1, 8, risk_aversion=5.0)
    # caution moves less money away from the historical split
    assert cautious.table["change_crore"].abs().sum() <= neutral.table["change_crore"].abs().sum() + 1e-9
    assert cautious.recommended_gmv[0] <= neutral.recommended_gmv[0] + 1e-6  # caution costs expected GMV, never adds


def test_max_change_keeps_every_channel_near_its_history(trained_mmm):
    art = load_artifacts(trained_mmm)
    result = optimise_budget(art, 0.1, 8, max_change=0.3)
    table = result.table
    assert (table["recommended_crore"] >= 0.7 * table["historical_crore"] - 1e-9).all()
    assert (table["recommended_crore"] <= 1.3 * table["historical_crore"] + 1e-9).all()
    assert table["recommended_crore"].sum() == pytest.approx(0.1)
    with pytest.raises(InputError, match="--max-change.*'TV' cannot stay within 30%"):
        optimise_budget(art, 0.1, 8, bounds={"TV": (0.0, 0.0)}, max_change=0.3)


def test_target_roi_finds_the_budget_where_the_marginal_roi_reaches_it(trained_mmm):
    """The budget found is the largest whose next unit, in the historical mix, still earns the target; it is split."""
    from gmvplanner.analysis.budget import BudgetCurve, budget_for_target_roi

    art = load_artifacts(trained_mmm)
    free = {"max_change": None}
    curve = BudgetCurve(art, 8, None, None)
    target = curve.marginal_roi(0.1)
    found = budget_for_target_roi(art, target, 8, **free)
    assert found.met and found.result is not None
    assert found.budget >= 0.1 * 0.999  # the largest: S-shaped curves can keep the marginal ROI up further on
    assert curve.marginal_roi(found.budget) >= target > curve.marginal_roi(found.budget * 1.01)
    assert found.result.table["recommended_crore"].sum() == pytest.approx(found.budget)


def test_optimize_cli_with_a_target_roi(trained_mmm):
    result = run_cli("ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--target-roi", "0.15", "--weeks", "8")
    assert result.returncode == 0, result.stderr
    assert "largest budget with a marginal ROI of at least 0.15" in result.stdout
    both = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--target-roi", "1", "--budget", "1", "--weeks", "8"
    )
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_a_target_roi_no_budget_meets_is_refused_with_no_split(trained_mmm, tmp_path):
    """A goal that cannot be met says so and shows no split (issue 32 item 5), in the API and the CLI."""
    from gmvplanner.analysis.budget import budget_for_target_roi

    art = load_artifacts(trained_mmm)
    found = budget_for_target_roi(art, 1e9, 8)
    assert not found.met and found.result is None and "no budget from" in found.note
    out = tmp_path / "split.csv"
    refused = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--target-roi", "1e9", "--weeks", "8", "--out", out
    )
    assert refused.returncode == 2 and "--target-roi" in refused.stderr and "no budget from" in refused.stderr
    assert "largest budget" not in refused.stdout and not out.exists()


def test_weighing_new_customers_moves_the_budget_towards_channels_that_bring_them(trained_mmm):
    """With new customers' GMV counted 4 times, the split's expected first-order GMV is at least that of the plain
    split (the weighted objective prefers it), the budget is still spent exactly, and weight 1 is the plain split."""
    from gmvplanner.analysis.budget import PlanScorer
    from gmvplanner.analysis.new_customers import channel_shares

    art = load_artifacts(trained_mmm)
    expected = {"max_change": None, "quantile": None, "trust_region": False}  # the objective's optimum, not the robust move
    plain = optimise_budget(art, 0.1, 8, **expected)
    weighted = optimise_budget(art, 0.1, 8, **expected, new_customer_weight=4.0)
    same = optimise_budget(art, 0.1, 8, **expected, new_customer_weight=1.0)
    assert weighted.table["recommended_crore"].sum() == pytest.approx(0.1)
    assert weighted.new_customer_gain >= plain.new_customer_gain - 1e-6 * abs(plain.new_customer_gain)
    scorer = PlanScorer(art, plain.weeks, art.channels)
    both = np.vstack([plain.table["recommended_crore"], weighted.table["recommended_crore"]])
    gmv_plain, gmv_weighted = scorer.draws(both).mean(axis=1)
    assert gmv_weighted <= gmv_plain + 1e-6 * abs(gmv_plain)  # the plain split is the best for expected GMV alone
    assert "new customers' GMV counted 4x" in weighted.method
    np.testing.assert_allclose(same.table["recommended_crore"], plain.table["recommended_crore"])
    # money moves towards the channels with the larger shares of first orders
    shares = channel_shares(art.table("new_customer_effects"), art.channels)
    moved = (weighted.table["recommended_crore"] - plain.table["recommended_crore"]).to_numpy()
    assert moved @ shares >= -1e-9


def test_new_customer_weight_out_of_range_is_refused(mmm_art):
    with pytest.raises(InputError, match="--new-customer-weight.*from 0 to 100"):
        optimise_budget(mmm_art, 0.1, 8, new_customer_weight=101.0)


def test_optimize_cli_reports_new_customers(trained_mmm):
    result = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--budget", "0.1", "--weeks", "8",
        "--new-customer-weight", "3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "expected change in GMV from new customers' first orders" in result.stdout
    assert "their GMV counted 3x" in result.stdout


def test_own_limits_follow_each_channels_own_uncertainty(trained_mmm):
    """`--max-change own` on a model with intervals: each channel moves at most
    MOVE_SCALE over its relative standard error (within MOVE_RANGE), so the surer channel may move further; the
    split keeps those limits."""
    from gmvplanner.analysis.budget.bounds import uncertainty_limits
    from gmvplanner.config import MOVE_RANGE, MOVE_SCALE

    art = load_artifacts(trained_mmm)
    strong, weak = uncertainty_limits(art, weak=False), uncertainty_limits(art, weak=True)
    assert strong is not None and ((strong >= MOVE_RANGE[0]) & (strong <= MOVE_RANGE[1])).all()
    assert (weak <= strong).all() and (weak[strong < MOVE_RANGE[1]] < strong[strong < MOVE_RANGE[1]]).any()
    table = (
        art.table("contributions").groupby("channel")[["incremental_gmv", "incremental_gmv_lower", "incremental_gmv_upper"]].sum()
    )
    relative = (table["incremental_gmv_upper"] - table["incremental_gmv_lower"]) / (2 * 1.2816) / table["incremental_gmv"]
    relative = relative.reindex(art.channels).to_numpy()
    inner = (strong > MOVE_RANGE[0]) & (strong < MOVE_RANGE[1])
    np.testing.assert_allclose(strong[inner], MOVE_SCALE / relative[inner], rtol=1e-3)
    order = np.argsort(relative)
    assert (np.diff(strong[order]) <= 1e-12).all()  # less sure, less room
    from gmvplanner.analysis.adequacy import evidence_is_weak

    weak_evidence = evidence_is_weak(art.table("adequacy"))
    auto = optimise_budget(art, 0.1, 8)  # auto: one blanket limit on weak evidence, none on strong, never own limits
    assert auto.channel_limits is None and (auto.max_change is not None) == weak_evidence
    result = optimise_budget(art, 0.1, 8, max_change="own")
    assert result.channel_limits is not None and "own uncertainty" in result.method
    limits = np.array([result.channel_limits[c] for c in art.channels])
    t = result.table.set_index("channel").loc[art.channels]
    hist, rec = t["historical_crore"].to_numpy(), t["recommended_crore"].to_numpy()
    assert (np.abs(rec - hist) <= limits * hist + 1e-9).all()
    assert limits == pytest.approx(weak if weak_evidence else strong)


def test_margins_score_plans_on_profit_and_move_the_split_to_the_profitable_subcategory(mmm_art):
    """Margins weigh each subcategory's GMV: a uniform margin scales every score (same best split); a margin on one
    subcategory only makes the split the best for that subcategory's GMV alone."""
    from gmvplanner.analysis.budget import PlanScorer

    art = mmm_art
    weeks = pd.date_range(art.next_week, periods=8, freq="7D")
    plans = np.array([[0.01] * len(art.channels), [0.02 * (i + 1) for i in range(len(art.channels))]])
    plain = PlanScorer(art, weeks, art.channels).totals(plans)
    quarter = PlanScorer(art, weeks, art.channels, {s: 0.25 for s in art.subcategories}).totals(plans)
    np.testing.assert_allclose(quarter, 0.25 * plain)
    first = art.subcategories[0]
    only_first = PlanScorer(art, weeks, art.channels, {first: 1.0}).totals(plans)
    with_first = [d for d in PlanScorer(art, weeks, art.channels).designs if d.bundle.subcategory == first]
    assert len(with_first) == 1 and not np.allclose(only_first, plain)
    expected = {"max_change": None, "quantile": None, "trust_region": False}  # the objective's optimum, not the robust move
    gmv = optimise_budget(art, 0.1, 8, **expected)
    uniform = optimise_budget(art, 0.1, 8, **expected, margins={s: 0.3 for s in art.subcategories})
    np.testing.assert_allclose(uniform.table["recommended_crore"], gmv.table["recommended_crore"], atol=2e-3)
    profit_first = optimise_budget(art, 0.1, 8, **expected, margins={first: 1.0})
    scorer = PlanScorer(art, weeks, art.channels, {first: 1.0})
    best, other = scorer.totals(np.vstack([profit_first.table["recommended_crore"], gmv.table["recommended_crore"]]))
    assert best >= other - 1e-9 * abs(other)  # the profit split is at least as good for the profitable subcategory


def test_max_profit_cli_spends_until_the_last_rupee_just_pays(trained_mmm):
    result = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--max-profit", "--margin", "0.9", "--weeks", "8"
    )
    from gmvplanner.analysis.budget import budget_for_target_roi

    art = load_artifacts(trained_mmm)
    found = budget_for_target_roi(art, 1.0, 8, margins={s: 0.9 for s in art.subcategories})
    if found.met:  # the CLI prints the same budget the API finds
        assert result.returncode == 0, result.stderr
        assert "the budget that maximises profit" in result.stdout and f"{found.budget:,.4g}" in result.stdout
    else:  # no budget pays back its last rupee on this model: said, no split, exit 2
        assert result.returncode == 2 and "--max-profit" in result.stderr and "no budget from" in result.stderr
        assert "Traceback" not in result.stderr
    missing = run_cli("ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--max-profit", "--weeks", "8")
    assert missing.returncode == 2 and "needs --margin" in missing.stderr
    bad = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--budget", "1", "--margin", "Drones=0.2", "--weeks", "8"
    )
    assert bad.returncode == 2 and "no subcategory Drones in this model" in bad.stderr
    over = run_cli(
        "ecommerce_testing.py", "optimize", "--artifacts", trained_mmm, "--budget", "1", "--margin", "1.5", "--weeks", "8"
    )
    assert over.returncode == 2 and "at most 1" in over.stderr


def test_the_trust_region_keeps_every_channel_within_the_spend_levels_seen(mmm_art):
    from gmvplanner.analysis.budget import seen_range

    company = mmm_art.table("company_spend")
    budget = float(company[mmm_art.channels].iloc[-13:].to_numpy().sum())
    result = optimise_budget(mmm_art, budget, 13, max_change=None)
    low, high = seen_range(mmm_art, 13)
    x = result.table.set_index("channel").loc[mmm_art.channels, "recommended_crore"].to_numpy()
    assert (x >= low - 1e-9).all() and (x <= high + 1e-9).all()
    assert result.outside_seen == () and result.seen_note == ""
    assert "within the weekly spend levels the training data have shown" in result.method
    # without it, the same split may go beyond them; an analyst's bounds beyond them are kept, and said
    j = int(np.argmax(high))
    bigger = max(budget, high[j] * 1.6)
    forced = {mmm_art.channels[j]: (high[j] * 1.5, bigger)}
    pushed = optimise_budget(mmm_art, bigger, 13, bounds=forced, max_change=None)
    assert mmm_art.channels[j] in pushed.outside_seen


def test_the_printed_figures_come_from_one_set_of_refits(mmm_art):
    """Expected uplift, its interval and P(beats) agree: the headline lies inside its own interval."""
    result = optimise_budget(mmm_art, 0.1, 8)
    lo, hi = result.uplift_interval
    assert lo - 1e-9 <= result.uplift <= hi + 1e-9
    assert (result.uplift > 0) == (result.p_beats_historical > 0.5) or result.uplift == pytest.approx(0.0, abs=1e-9)
    for k in range(3):
        assert result.recommended_gmv[k] - result.historical_gmv[k] == pytest.approx(result.uplift, rel=1e-9, abs=1e-6)


class _Scorer:
    """A stand-in for PlanScorer: linear channel responses with the given ROI per draw (input unit = base unit)."""

    def __init__(self, roi: np.ndarray):
        self.roi = roi  # (draws, channels)

    def totals(self, plans):
        return np.atleast_2d(plans) @ self.roi.mean(axis=0)

    def draws(self, plans):
        return np.atleast_2d(plans) @ self.roi.T


@pytest.mark.parametrize("spread, moves", [(3.0, False), (0.01, True)])
def test_the_historical_split_is_returned_when_every_channels_evidence_is_weak(mmm_art, monkeypatch, spread, moves):
    """Channels whose ROI differ on average but whose refits scatter widely (weak evidence) keep the historical
    split with the note saying why; the same averages known sharply move money."""
    from gmvplanner.analysis.budget import search as optimise

    n = len(mmm_art.channels)
    rng = np.random.default_rng(0)
    mean_roi = np.linspace(0.5, 1.5, n)
    roi = mean_roi + spread * rng.standard_normal((200, n)) * mean_roi
    monkeypatch.setattr(optimise, "PlanScorer", lambda *args, **kwargs: _Scorer(roi))
    monkeypatch.setattr(optimise, "scenario_totals", lambda *args: (0.0, -1.0, 1.0))
    result = optimise.optimise_budget(mmm_art, 0.1, 8, max_change=None, trust_region=False)
    moved = result.table["change_crore"].abs().sum()
    if moves:
        assert moved > 0.01 and result.note == "" and result.p_beats_historical > 0.8
    else:
        assert moved == pytest.approx(0.0, abs=1e-12)
        assert result.note == optimise.HISTORICAL_NOTE


def test_fewer_monthly_spend_levels_than_effects_keep_every_channel_no_test_informs(mmm_art, monkeypatch):
    """Issue 31: when spend moves only monthly and the data hold fewer spend levels than effects, the data cannot
    tell the channels apart, so the split keeps every channel's historical amount, except a channel a lift test or
    prior informed, which may move within the weak-evidence limit; the method says why."""
    from gmvplanner.analysis.budget import bounds
    from gmvplanner.config import AUTO_MAX_CHANGE

    tested = mmm_art.channels[0]
    monkeypatch.setattr(bounds, "under_identified", lambda adequacy: True)
    monkeypatch.setattr(bounds, "pinned_channels", lambda artifacts: {tested})
    result = optimise_budget(mmm_art, 0.1, 8, trust_region=False)
    table = result.table.set_index("channel").loc[mmm_art.channels]
    hist, rec = table["historical_crore"].to_numpy(), table["recommended_crore"].to_numpy()
    others = np.arange(len(hist)) != 0
    np.testing.assert_allclose(rec[others], hist[others], rtol=1e-9, atol=1e-12)
    assert abs(rec[0] - hist[0]) <= AUTO_MAX_CHANGE * hist[0] + 1e-9
    assert "cannot tell the channels apart" in result.method and f"only {tested} may move" in result.method
    monkeypatch.setattr(bounds, "pinned_channels", lambda artifacts: set())
    held = optimise_budget(mmm_art, 0.1, 8, trust_region=False).table.set_index("channel").loc[mmm_art.channels]
    np.testing.assert_allclose(held["recommended_crore"], held["historical_crore"], rtol=1e-9, atol=1e-12)


def test_the_channels_a_lift_test_or_prior_informed_come_from_the_manifest():
    from types import SimpleNamespace

    from gmvplanner.analysis.budget.bounds import pinned_channels

    config = {
        "lift_tests": {"source": "t.csv", "tests": 2, "channels": ["SEM", "TV"]},
        "roi_priors": {"source": "p.csv", "priors": [{"channel": "Radio", "roi_low": 0.2, "roi_high": 1.0}]},
    }
    art = SimpleNamespace(manifest=SimpleNamespace(train_config=config))
    assert pinned_channels(art) == {"SEM", "TV", "Radio"}
    assert pinned_channels(SimpleNamespace(manifest=SimpleNamespace(train_config={"lift_tests": None}))) == set()
