"""Candidate models beside a trained one: its weekly history (`history.csv`) refitted with other carry-over, curves,
pooling or model kind, each scored on the same held-out weeks and asked the same channel questions (ROI ranking, the
split of the recent budget, what a lift test of each channel would measure).

An explicit step (`ecommerce_testing.py candidates`), never part of training: each candidate is a training's worth
of fitting. The artifacts are only read; `candidate_files` writes the result beside them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..analysis.budget import PlanScorer, optimise_budget, recent_budget
from ..analysis.candidates import ERROR_COLUMNS, TEST_WEEKS, CandidateSet, company_roi, holdout_comparison, move_direction
from ..analysis.experiments import expected_sigma, experiment_weeks, run_rates
from ..config import MMM_POOLING_FIXED, PLAN_WEEKS
from ..dates import DAYS_PER_WEEK
from ..errors import InputError
from ..features.design import FeatureSpec
from ..manifest import Manifest
from ..model.artifacts import Artifacts
from ..model.base import model_kind
from ..model.fixed_transforms import FixedTransforms
from ..model.train_config import TrainConfig
from ..model.training import Progress, TrainedSubcategory, train_groups
from .outputs import output_tables

__all__ = [
    "CANDIDATE_DRAWS",
    "LONG_DECAY",
    "STRONG_POOLING",
    "Variant",
    "VARIANTS",
    "RefitInputs",
    "trained_config",
    "candidate_configs",
    "refit_inputs",
    "fit_candidate",
    "build_candidates",
]

# bootstrap refits per candidate (the trained model keeps 100): the optimiser's 20% quantile and the intervals need
# a few dozen; 30 keeps each candidate to about one training's fitting
CANDIDATE_DRAWS = 30
LONG_DECAY = 0.8  # "long carry-over": the decay grid's top, a half-life of about three weeks
STRONG_POOLING = 100 * MMM_POOLING_FIXED  # "strong pooling": 100x the weight time-ordered CV chose before issue 31
OTHER_KIND = {"hybrid": "mmm", "mmm": "hybrid"}

log = logging.getLogger("gmvplanner.pipeline")


@dataclass(frozen=True)
class Variant:
    """One candidate: its name, what differs from the trained model in words, and how it changes the settings."""

    name: str
    differs: str
    change: Callable[[TrainConfig, list[str]], TrainConfig]


def _fixed_decay(decay: float) -> Callable[[TrainConfig, list[str]], TrainConfig]:
    """Every channel's carry-over fixed at `decay`, except those the analyst fixed (--transforms), which stay."""

    def change(config: TrainConfig, channels: list[str]) -> TrainConfig:
        own = config.transforms
        kept = own.decay if own else {}
        fixed = FixedTransforms(
            source=f"candidate: carry-over {decay:g}",
            decay={c: kept.get(c, decay) for c in channels},
            half_saturation_multiple=dict(own.half_saturation_multiple) if own else {},
        )
        return replace(config, transforms=fixed)

    return change


VARIANTS = (
    Variant("as trained", "the trained model's own settings", lambda c, _ch: c),
    Variant("no carry-over", "carry-over 0: spend acts only in its own week", _fixed_decay(0.0)),
    Variant(
        "long carry-over",
        f"carry-over {LONG_DECAY:g} a week for every channel (half-life about 3 weeks)",
        _fixed_decay(LONG_DECAY),
    ),
    Variant(
        "plain curves",
        "diminishing returns from the first rupee only (Hill slope 1, no S-shaped curve)",
        lambda c, _ch: replace(c, slope_grid=(1.0,)),
    ),
    Variant("no pooling", "each subcategory's channel ROI on its own (pooling 0)", lambda c, _ch: replace(c, pooling=0.0)),
    Variant(
        "strong pooling",
        f"channel ROI pulled hard towards its ROI across subcategories (pooling {STRONG_POOLING:g})",
        lambda c, _ch: replace(c, pooling=STRONG_POOLING),
    ),
    Variant(
        "other model kind",
        "the media-mix regression alone if the model is the hybrid; the hybrid if it is the media-mix regression",
        lambda c, _ch: replace(c, model=OTHER_KIND.get(c.model, c.model)),
    ),
)


def trained_config(manifest: Manifest) -> TrainConfig:
    """The settings the model was trained with, read back from its manifest. Refuses a model a refit from its weekly
    history cannot reproduce: one without a media part, or one calibrated with lift tests or ROI priors."""
    saved = dict(manifest.train_config)
    if not model_kind(str(saved.get("model", manifest.model))).has_media_part:
        raise InputError(
            "--artifacts",
            f"candidates vary carry-over, curves and pooling, which the '{manifest.model}' model does not have; "
            "train with --model hybrid or --model mmm",
        )
    for key, option in (("lift_tests", "--lift-tests"), ("roi_priors", "--roi-priors")):
        if saved.get(key):
            raise InputError(
                "--artifacts",
                f"this model was calibrated with {option}, which the weekly history does not carry: candidates would "
                "leave the calibration out and could not be compared with it",
            )
    values: dict = {}
    for item in fields(TrainConfig):
        if item.name not in saved or item.name in ("lift_tests", "roi_priors", "transforms"):
            continue
        value = saved[item.name]
        if item.name == "monotone":
            value = tuple((str(c), int(s)) for c, s in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[item.name] = value
    own = saved.get("transforms")
    if own:
        values["transforms"] = FixedTransforms(own["source"], dict(own["decay"]), dict(own["half_saturation_multiple"]))
    return TrainConfig(**values)


def candidate_configs(base: TrainConfig, channels: list[str]) -> list[tuple[Variant, TrainConfig]]:
    """Each variant's settings; a variant that changes nothing (the trained model already has it) is left out."""
    out = [(VARIANTS[0], base)]
    for variant in VARIANTS[1:]:
        config = variant.change(base, channels)
        if config != base:
            out.append((variant, config))
    return out


class RefitInputs(NamedTuple):
    """What training gave `train_groups`, rebuilt from the artifacts: each group's weeks, its feature template and its
    share of company spend."""

    groups: dict[str, pd.DataFrame]
    templates: dict[str, FeatureSpec]
    shares: dict[str, float]


def refit_inputs(art: Artifacts) -> RefitInputs:
    """Each group's weeks from `history.csv` and its template from the trained model's feature spec."""
    history = art.table("history")
    history["subcategory"] = history["subcategory"].astype(str)
    groups = {g: history.loc[history["subcategory"] == g].reset_index(drop=True) for g in art.subcategories}
    templates = {}
    for g, bundle in art.models.items():
        spec = bundle.spec
        templates[g] = FeatureSpec(
            channels=list(spec.channels),
            decay={},
            controls=list(spec.controls),
            calendar=spec.calendar,
            fourier=spec.fourier,
            trend=spec.trend,
        )
    return RefitInputs(groups, templates, {g: m.spend_share for g, m in art.models.items()})


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Training's per-group log lines (adequacy, flags) said once by the trained model, not again per candidate."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def fit_candidate(art: Artifacts, inputs: RefitInputs, config: TrainConfig) -> tuple[Artifacts, dict[str, TrainedSubcategory]]:
    """One candidate, fitted as training fits (tuned and scored on the held-out weeks, then fitted on every week) and
    held in memory as artifacts beside `art`: its own models and channel tables, `art`'s history and spend."""
    with _quiet(log):
        trained = train_groups(inputs.groups, inputs.templates, config, inputs.shares)
        tables = output_tables(trained, inputs.groups)
    manifest = replace(art.manifest, model=config.model, metrics={g: t.metrics for g, t in trained.items()})
    own = {name: art.table(name) for name in ("history", "company_spend")}
    models = {g: t.model for g, t in trained.items()}
    return Artifacts(art.path, manifest, models, art.encoders, {**own, **tables}), trained


def _holdout_errors(name: str, trained: dict[str, TrainedSubcategory]) -> pd.DataFrame:
    """The scored held-out weeks of every group, as `_holdout_scores` scores them: full weeks with GMV (per day when
    fewer than two full weeks are held out)."""
    frames = []
    for group, result in trained.items():
        hold = result.backtest.loc[(result.backtest["split"] == "holdout") & result.backtest["actual_gmv"].notna()]
        full = hold["days"] == DAYS_PER_WEEK
        rows = hold.loc[full] if full.sum() >= 2 else hold
        scale = 1.0 if full.sum() >= 2 else 1.0 / rows["days"].to_numpy(float)
        frames.append(
            pd.DataFrame(
                {
                    "candidate": name,
                    "subcategory": group,
                    "week_start": rows["week_start"].to_numpy(),
                    "actual": rows["actual_gmv"].to_numpy(float) * scale,
                    "predicted": rows["predicted_gmv"].to_numpy(float) * scale,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[list(ERROR_COLUMNS)]


def _channel_rows(name: str, cand: Artifacts, budget: float) -> pd.DataFrame:
    """The candidate's ROI and rank per channel, and its split of `budget` over PLAN_WEEKS against the historical one."""
    money = cand.money
    split = optimise_budget(cand, budget, PLAN_WEEKS).table.set_index("channel")
    roi = company_roi(cand.table("contributions")).set_index("channel")
    historical, recommended = split[money.column("historical")], split[money.column("recommended")]
    return pd.DataFrame(
        {
            "candidate": name,
            "channel": cand.channels,
            "roi": roi["roi"].reindex(cand.channels).to_numpy(),
            "rank": roi["rank"].reindex(cand.channels).to_numpy(),
            "historical_share": (historical / budget).reindex(cand.channels).to_numpy(),
            "recommended_share": (recommended / budget).reindex(cand.channels).to_numpy(),
            "direction": [move_direction(historical[c], recommended[c]) for c in cand.channels],
        }
    )


class _TestDesign(NamedTuple):
    """Lift tests of one length: their weeks, the plans (the run rate first, then a raise and a cut per channel with
    spend), each test's channel and spend change, and the standard error of a measurement over those weeks."""

    weeks: pd.DatetimeIndex
    plans: np.ndarray
    moves: list[tuple[str, float]]
    sigma: float


def _test_designs(art: Artifacts) -> list[_TestDesign]:
    """Each channel's test, doubled or stopped for each of TEST_WEEKS, sized as `experiments` sizes its proposals;
    the standard error from the trained model's residual noise."""
    rate = run_rates(art).reindex(art.channels).to_numpy(float)
    designs = []
    for n in TEST_WEEKS:
        weeks = experiment_weeks(art, n)
        base = rate * DAYS_PER_WEEK * n
        moves, plans = [], [base]
        for j, channel in enumerate(art.channels):
            if rate[j] <= 0:
                continue
            for delta in (base[j], -base[j]):
                plan = base.copy()
                plan[j] += delta
                plans.append(plan)
                moves.append((channel, float(delta)))
        sigma = expected_sigma(PlanScorer(art, weeks, art.channels))
        designs.append(_TestDesign(weeks, np.vstack(plans), moves, sigma))
    return designs


def _test_rows(name: str, cand: Artifacts, designs: list[_TestDesign]) -> pd.DataFrame:
    """What each test would measure under this candidate: the extra GMV over its weeks (₹)."""
    rows = []
    for design in designs:
        gmv = PlanScorer(cand, design.weeks, cand.channels).totals(design.plans)
        end = design.weeks[-1] + pd.Timedelta(days=DAYS_PER_WEEK - 1)
        for k, (channel, delta) in enumerate(design.moves, start=1):
            rows.append(
                {
                    "channel": channel,
                    "candidate": name,
                    "weeks": len(design.weeks),
                    "start": design.weeks[0].strftime("%Y-%m-%d"),
                    "end": end.strftime("%Y-%m-%d"),
                    "delta_spend": delta,
                    "predicted_gmv": float(gmv[k] - gmv[0]),
                    "sigma": design.sigma,
                }
            )
    return pd.DataFrame(rows)


def build_candidates(art: Artifacts, key: str, draws: int = CANDIDATE_DRAWS, report: Progress | None = None) -> CandidateSet:
    """Refit every variant of the model in `art` (`key`: its manifest's checksum), score each on the held-out weeks
    and ask each the same channel questions. `report(message, fraction)` is told each candidate and its seconds."""
    report = report or (lambda msg, frac: None)
    art.require_spend("candidate models")
    started = time.perf_counter()
    base = replace(trained_config(art.manifest), bootstrap_draws=draws, choose_forecaster=False)
    configs = candidate_configs(base, art.channels)
    inputs = refit_inputs(art)
    budget = recent_budget(art, PLAN_WEEKS)
    designs = _test_designs(art)
    rows, errors, channels, tests = [], [], [], []
    for i, (variant, config) in enumerate(configs):
        report(f"candidate {i + 1}/{len(configs)}: {variant.name}", i / len(configs))
        clock = time.perf_counter()
        cand, trained = fit_candidate(art, inputs, config)
        errors.append(_holdout_errors(variant.name, trained))
        channels.append(_channel_rows(variant.name, cand, budget))
        tests.append(_test_rows(variant.name, cand, designs))
        seconds = round(time.perf_counter() - clock, 1)
        rows.append({"candidate": variant.name, "differs": variant.differs, "model": config.model, "seconds": seconds})
        report(f"candidate {i + 1}/{len(configs)}: {variant.name} done in {seconds:.1f} s", (i + 1) / len(configs))
    table = pd.DataFrame(rows).merge(holdout_comparison(pd.concat(errors, ignore_index=True)), on="candidate")
    meta = {
        "manifest_sha256": key,
        "created": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "budget": budget,
        "plan_weeks": PLAN_WEEKS,
        "bootstrap_draws": draws,
        "money": art.money.name,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return CandidateSet(meta, table, pd.concat(channels, ignore_index=True), pd.concat(tests, ignore_index=True))
