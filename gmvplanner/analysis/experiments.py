"""Which lift test to run next: candidate tests per channel, their power, and the expected value of information.

A candidate test raises (or cuts) one channel's company-wide spend by `max_change` times its run rate (mean daily
spend over the last RECENT_WEEKS weeks) for `max_weeks` weeks from the week after the data. Under bootstrap refit r
of the channel effects its true effect is theta_r, the extra GMV over the test's days (carry-over after the test
not counted, as a lift test measures it). Its standard error comes from the model's own residual noise over those
weeks (a power calculation). Its worth is the preposterior expected value of information for the next budget
decision: how much more GMV the chosen split is expected to earn once the test's result is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import PLAN_WEEKS, RECENT_WEEKS, SEED
from ..dates import DAYS_PER_WEEK, WEEK_FREQ, week_start
from ..errors import InputError
from ..model.artifacts import Artifacts
from .budget import PlanScorer, historical_split, optimise_budget, recent_budget

__all__ = [
    "ExperimentRules",
    "Candidate",
    "Proposals",
    "PROPOSAL_COLUMNS",
    "SHIFT_MULTIPLES",
    "NOISE_DRAWS",
    "MAX_TEST_WEEKS",
    "experiment_weeks",
    "run_rates",
    "expected_sigma",
    "value_of_information",
    "propose_experiments",
]

PROPOSAL_COLUMNS = ("channel", "start", "end", "delta_spend", "expected_sigma", "expected_value", "cost", "why")
# the budget plans a test's result could make the analyst choose between, besides the historical and recommended
# splits: each channel at these multiples of its historical amount, the others rescaled to keep the budget
# (within the 0.25x-3x range the optimiser's benchmarks allow a channel)
SHIFT_MULTIPLES = (0.25, 0.5, 2.0, 3.0)
NOISE_DRAWS = 32  # simulated measurements per bootstrap refit in the preposterior analysis
# a lift test longer than a year measures the season, not the channel; and every week of it is simulated per refit
# (a million weeks took 24 GB in issue 32)
MAX_TEST_WEEKS = 52
SPREAD_QUANTILES = (0.1, 0.9)  # the 80% range of a test's true effect over the refits, as `why` states it


@dataclass(frozen=True)
class ExperimentRules:
    """What a proposed test may do.

    Attributes:
        n: at most this many tests are proposed.
        max_weeks: each test lasts this many weeks.
        max_change: each test moves its channel's spend by this fraction of the channel's run rate (a cut never
            below zero spend).
        subcategories: the subcategories whose GMV the test measures (None: every modelled one).
        seed: the seed of the simulated measurements.
    """

    n: int = 3
    max_weeks: int = 8
    max_change: float = 1.0
    subcategories: tuple[str, ...] | None = None
    seed: int = SEED

    def __post_init__(self) -> None:
        if self.n < 1 or self.max_weeks < 1:
            raise InputError("experiments", f"--n and --max-weeks must be 1 or more; got {self.n} and {self.max_weeks}")
        if self.max_weeks > MAX_TEST_WEEKS:
            raise InputError("--max-weeks", f"a test lasts from 1 to {MAX_TEST_WEEKS} weeks; got {self.max_weeks}")
        if not (np.isfinite(self.max_change) and self.max_change > 0):
            raise InputError("--max-change", f"give a fraction above 0 (1 = the channel's whole run rate); got {self.max_change}")


@dataclass(frozen=True)
class Candidate:
    """One possible test: channel, spend change over the whole test (input money unit, negative for a cut), the
    true effect under every refit (theta, ₹) and the standard error of its measurement (sigma, ₹)."""

    channel: str
    delta_spend: float
    theta: np.ndarray
    sigma: float


@dataclass(frozen=True)
class Value:
    """What measuring a candidate is worth: the expected extra GMV of the next budget decision (₹) and the share
    of outcomes in which the result changes which split is chosen."""

    expected: float
    p_switch: float


@dataclass(frozen=True)
class Proposals:
    """The proposed tests (`table`: PROPOSAL_COLUMNS) and what the analysis assumed, for the printout."""

    table: pd.DataFrame
    n_draws: int
    decision: str  # the budget decision whose value the tests are ranked by, in words
    notes: tuple[str, ...] = ()


def experiment_weeks(artifacts: Artifacts, max_weeks: int) -> pd.DatetimeIndex:
    """The test's weeks: `max_weeks` weeks from the week after the data."""
    first = week_start([artifacts.next_week], artifacts.week_starts_on)[0]
    return pd.date_range(first, periods=max_weeks, freq=WEEK_FREQ)


def run_rates(artifacts: Artifacts) -> pd.Series:
    """Each channel's mean daily company spend over the last RECENT_WEEKS weeks (input money unit per day)."""
    company = artifacts.table("company_spend").sort_values("week_start").iloc[-RECENT_WEEKS:]
    days = float(company["days"].sum())
    return company[artifacts.channels].sum() / max(days, 1.0)


def _scorer(artifacts: Artifacts, weeks: pd.DatetimeIndex, subcategories: tuple[str, ...] | None) -> PlanScorer:
    """A plan scorer over these weeks, measuring only `subcategories` when given; refuses a model without refits."""
    scorer = PlanScorer(artifacts, weeks, artifacts.channels)
    if subcategories is not None:
        unknown = sorted(set(subcategories) - set(artifacts.subcategories))
        if unknown:
            raise InputError("--subcategories", f"'{unknown[0]}' is not modelled; modelled: {artifacts.subcategories}")
        if 1 < len(set(subcategories)) < len(artifacts.subcategories):
            raise InputError(
                "--subcategories",
                "a lift test measures one subcategory or all modelled ones; name one, or leave the option out",
            )
        scorer.designs = [d for d in scorer.designs if d.bundle.subcategory in subcategories]
    if scorer.draws(np.zeros(len(artifacts.channels))) is None:
        raise InputError(
            "--artifacts",
            f"the '{artifacts.manifest.model}' model has no bootstrap refits of the channel effects to weigh tests "
            "with; retrain with --model hybrid or --model mmm",
        )
    return scorer


def expected_sigma(scorer: PlanScorer) -> float:
    """The standard error (₹) of a test's measured GMV over the scorer's weeks: the models' residual noise per
    week, independent across weeks and subcategories (the residual weekly sd times the square root of the weeks)."""
    variance = 0.0
    for design in scorer.designs:
        noise = design.bundle.predictive(design.X).noise_sd * design.days
        variance += float((noise**2).sum())
    return float(np.sqrt(variance))


def _candidates(artifacts: Artifacts, rules: ExperimentRules) -> tuple[list[Candidate], list[str]]:
    """A raise and a cut per channel with spend to move; notes name the channels left out."""
    weeks = experiment_weeks(artifacts, rules.max_weeks)
    scorer = _scorer(artifacts, weeks, rules.subcategories)
    sigma = expected_sigma(scorer)
    rate = run_rates(artifacts).reindex(artifacts.channels).to_numpy(float)
    days = DAYS_PER_WEEK * len(weeks)
    base = rate * days
    moves = []
    for j, channel in enumerate(artifacts.channels):
        if rate[j] <= 0:
            continue
        for delta in (rules.max_change * base[j], -min(rules.max_change, 1.0) * base[j]):
            moves.append((channel, j, delta))
    if not moves:
        raise InputError("--artifacts", "no channel had spend in the last weeks of the data, so no test can be sized")
    plans = np.repeat(base[None, :], len(moves) + 1, axis=0)
    for k, (_channel, j, delta) in enumerate(moves, start=1):
        plans[k, j] += delta
    gmv = scorer.draws(plans)
    assert gmv is not None  # checked by _scorer
    found = [Candidate(c, float(d), gmv[k] - gmv[0], sigma) for k, (c, _j, d) in enumerate(moves, start=1)]
    idle = [c for j, c in enumerate(artifacts.channels) if rate[j] <= 0]
    notes = [f"no spend on {', '.join(idle)} in the last {RECENT_WEEKS} weeks: no test there can be sized"] if idle else []
    return found, notes


def _decision_plans(artifacts: Artifacts, rules: ExperimentRules) -> tuple[np.ndarray, str]:
    """U[plan, r]: the true uplift over the historical split of each candidate budget plan under refit r (₹), for
    the next PLAN_WEEKS weeks at the run-rate budget: the recommended split, and each channel shifted to the
    SHIFT_MULTIPLES of its historical amount. Also the decision in words."""
    channels = artifacts.channels
    budget = recent_budget(artifacts, PLAN_WEEKS)  # the one "recent budget" the Budget page and the planner use too
    share = historical_split(artifacts).reindex(channels).to_numpy(float)
    historical = share * budget
    start = artifacts.next_week + pd.Timedelta(weeks=rules.max_weeks)  # the decision follows the test
    weeks = pd.date_range(week_start([start], artifacts.week_starts_on)[0], periods=PLAN_WEEKS, freq=WEEK_FREQ)
    plans = [historical, _recommended(artifacts, budget, weeks[0], historical)]
    for j in range(len(channels)):
        for multiple in SHIFT_MULTIPLES:
            plans.append(_shifted(historical, j, multiple))
    gmv = PlanScorer(artifacts, weeks, channels).draws(np.vstack(plans))
    assert gmv is not None  # the candidates' scorer has checked the model has refits
    words = f"the split of {budget:,.4g} ({artifacts.money.name}) over the {PLAN_WEEKS} weeks after the test"
    return gmv - gmv[0], words


def _recommended(artifacts: Artifacts, budget: float, start: pd.Timestamp, fallback: np.ndarray) -> np.ndarray:
    """The optimiser's split of this budget over PLAN_WEEKS weeks from `start` (the historical one if the
    optimiser refuses the budget)."""
    column = artifacts.money.column("recommended")
    try:
        result = optimise_budget(artifacts, budget, PLAN_WEEKS, start)
    except InputError:
        return fallback
    return result.table.set_index("channel").loc[artifacts.channels, column].to_numpy(float)


def _shifted(historical: np.ndarray, j: int, multiple: float) -> np.ndarray:
    """The historical split with channel j at `multiple` times its amount and the others rescaled to keep the total."""
    plan = historical.copy()
    total, rest = historical.sum(), historical.sum() - historical[j]
    plan[j] = min(historical[j] * multiple, total)
    if rest > 0:
        plan[np.arange(len(plan)) != j] *= (total - plan[j]) / rest
    return plan


def value_of_information(theta: np.ndarray, sigma: float, uplift: np.ndarray, noise: np.ndarray) -> Value:
    """The preposterior expected value of measuring theta with standard error sigma, for choosing among plans.

    theta: the test's true effect under each refit, shape (R,), ₹. uplift: U[plan, r], ₹. noise: standard normal
    draws, shape (R, S). For each true refit r and simulated result y = theta_r + sigma * noise, the refits are
    reweighted by the likelihood N(y; theta_r', sigma), the plan with the best weighted mean uplift is chosen, and
    it earns U[chosen, r]. The value is the mean of that over (r, y) less the best prior mean uplift.
    """
    y = (theta[:, None] + sigma * noise).ravel()
    truth = np.repeat(np.arange(len(theta)), noise.shape[1])
    log_w = -0.5 * ((y[:, None] - theta[None, :]) / sigma) ** 2
    weights = np.exp(log_w - log_w.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    chosen = np.argmax(weights @ uplift.T, axis=1)
    prior_best = int(np.argmax(uplift.mean(axis=1)))
    earned = uplift[chosen, truth].mean()
    return Value(float(earned - uplift[prior_best].mean()), float((chosen != prior_best).mean()))


def _why(candidate: Candidate, value: Value, artifacts: Artifacts) -> str:
    """The proposal in plain words: how unsure the channel's effect is and what the measurement would change."""
    fmt = artifacts.money.format
    low, high = np.quantile(candidate.theta, SPREAD_QUANTILES)
    move = "raising" if candidate.delta_spend > 0 else "cutting"
    return (
        f"over the refits, {move} {candidate.channel}'s spend changes GMV over the test by {fmt(float(low))} to "
        f"{fmt(float(high))} (80%); a result measured to ±{fmt(candidate.sigma)} changes the best budget split in "
        f"{value.p_switch:.0%} of outcomes"
    )


def _cost(candidate: Candidate, artifacts: Artifacts) -> float:
    """What a test puts at stake (input money unit): its extra spend for a raise, the GMV it is expected to forgo
    for a cut."""
    forgone = max(-float(candidate.theta.mean()), 0.0)
    return max(candidate.delta_spend, 0.0) + float(artifacts.money.from_base(forgone))


def propose_experiments(artifacts: Artifacts, rules: ExperimentRules = ExperimentRules()) -> Proposals:
    """Up to `rules.n` tests, one per channel, ranked by the expected value of information for the next budget
    decision (ties: the channel whose effect the refits disagree on most). Seeded: the same artifacts and rules
    give the same proposals."""
    candidates, notes = _candidates(artifacts, rules)
    if artifacts.manifest.kind != "orders":
        notes.append("these artifacts come from a weekly table: --lift-tests calibrates training from orders and media only")
    uplift, decision = _decision_plans(artifacts, rules)
    noise = np.random.default_rng(rules.seed).standard_normal((uplift.shape[1], NOISE_DRAWS))
    best: dict[str, tuple[Candidate, Value]] = {}
    for candidate in candidates:
        value = value_of_information(candidate.theta, candidate.sigma, uplift, noise)
        kept = best.get(candidate.channel)
        if kept is None or value.expected > kept[1].expected:
            best[candidate.channel] = (candidate, value)
    ranked = sorted(best.values(), key=lambda cv: (round(cv[1].expected, 2), float(cv[0].theta.std())), reverse=True)
    weeks = experiment_weeks(artifacts, rules.max_weeks)
    rows = [_row(c, v, weeks, artifacts, rules) for c, v in ranked[: rules.n]]
    return Proposals(pd.DataFrame(rows, columns=_columns(rules)), uplift.shape[1], decision, tuple(notes))


def _columns(rules: ExperimentRules) -> list[str]:
    """The output's columns: PROPOSAL_COLUMNS, then `subcategory` when the test measures one subcategory."""
    one = rules.subcategories is not None and len(rules.subcategories) == 1
    return [*PROPOSAL_COLUMNS, *(["subcategory"] if one else [])]


def _row(candidate: Candidate, value: Value, weeks: pd.DatetimeIndex, artifacts: Artifacts, rules: ExperimentRules) -> dict:
    """One proposal as a row of the output (spend and cost in the input money unit, sigma and value in ₹)."""
    row = {
        "channel": candidate.channel,
        "start": weeks[0].strftime("%Y-%m-%d"),
        "end": (weeks[-1] + pd.Timedelta(days=6)).strftime("%Y-%m-%d"),
        "delta_spend": round(candidate.delta_spend, 6),
        "expected_sigma": round(candidate.sigma, 2),
        "expected_value": round(max(value.expected, 0.0), 2),
        "cost": round(_cost(candidate, artifacts), 6),
        "why": _why(candidate, value, artifacts),
    }
    if rules.subcategories is not None and len(rules.subcategories) == 1:
        row["subcategory"] = rules.subcategories[0]
    return row
