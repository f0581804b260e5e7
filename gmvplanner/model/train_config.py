"""The training settings (`TrainConfig`): a frozen spec every model kind reads, in a module of its own."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import (
    DECAY_GRID,
    DEFAULT_MODEL,
    FOREST_TREES,
    HOLDOUT_WEEKS,
    MIN_TRAIN_WEEKS,
    MMM_POOLING,
    MONOTONE_CONTROLS,
    NEAR_TIE_WAPE,
    SEED,
    SLOPE_GRID,
)
from ..data.lift_tests import LiftTests
from ..data.roi_priors import RoiPriors
from .fixed_transforms import FixedTransforms
from .registry import check_model_name

__all__ = ["TrainConfig"]


@dataclass(frozen=True)
class TrainConfig:
    """Model and validation settings; `seed` makes every run reproducible.

    Attributes:
        holdout_weeks: last weeks kept out of tuning and fitting, to score the procedure.
        model: a registered model kind (see `base.model_names`).
        n_estimators, min_samples_leaf, max_features: the Random Forest's size and shape.
        seed: seeds every random choice (forests, bootstrap).
        decay_grid: weekly carry-over decays the time-ordered CV search tries (forest: one for all channels;
            media-mix: per channel).
        slope_grid: media-mix: Hill slopes the search tries per channel ((1.0,): plain diminishing returns only).
        near_tie_wape: media-mix: saturation curves within this CV WAPE of the chosen one are redrawn by the
            bootstrap (0: curves held fixed in the refits).
        cv_splits, cv_estimators: the forest's carry-over search (folds, trees per fold).
        min_train_weeks: fewest weeks a model may be trained on.
        pooling: media-mix: pull of a channel's ROI in a subcategory towards its ROI across subcategories; AUTO
            (the default) estimates it per channel from the data (empirical Bayes, `model/mmm/shrinkage.py`).
        transforms: media-mix: carry-over / saturation the analyst fixed for some channels.
        backfit_rounds: hybrid: rounds of (forest on the media part's residual, media part refitted).
        hybrid_min_leaf: hybrid: smallest leaf of the residual forest (it fits noise below this).
        bootstrap_draws: hybrid, media-mix: moving-block bootstrap refits behind intervals and the optimiser.
        bootstrap_block_weeks: weeks per bootstrap block (about three half-lives of a 0.7 weekly carry-over).
        bootstrap_pooling_range: each refit's pooling weight times a log-uniform factor in this range: three
            subcategories cannot pin down how much they share. On generated data the 80% ROI intervals held the
            truth for 46% of channels with the weight fixed and 67% with this range (bench/bench_truth.py
            --pooling-range); the point estimates do not change.
        lift_tests: hybrid, media-mix: experiments that calibrate the channel coefficients.
        roi_priors: hybrid, media-mix: the analyst's 80% ranges for channels' ROI, entering the fit as priors.
        monotone: (control, sign) pairs: GMV may only fall (-1) or only rise (+1) with that control, in every
            forest and in the regression's coefficients; a control not named is free.
        choose_forecaster: blend the model with a forest and exponential smoothing when time-ordered CV on the
            training weeks says so (False: the model alone); either way the folds calibrate the 80% interval.
    """

    holdout_weeks: int = HOLDOUT_WEEKS
    model: str = DEFAULT_MODEL
    n_estimators: int = FOREST_TREES
    min_samples_leaf: int = 2
    max_features: float = 0.6
    seed: int = SEED
    decay_grid: tuple[float, ...] = DECAY_GRID
    slope_grid: tuple[float, ...] = SLOPE_GRID
    near_tie_wape: float = NEAR_TIE_WAPE
    cv_splits: int = 3
    cv_estimators: int = 100
    min_train_weeks: int = MIN_TRAIN_WEEKS
    pooling: float | str = MMM_POOLING
    transforms: FixedTransforms | None = None
    backfit_rounds: int = 2
    hybrid_min_leaf: int = 5
    bootstrap_draws: int = 100
    bootstrap_block_weeks: int = 6
    bootstrap_pooling_range: tuple[float, float] = (0.01, 1.0)
    lift_tests: LiftTests | None = None
    roi_priors: RoiPriors | None = None
    monotone: tuple[tuple[str, int], ...] = tuple(MONOTONE_CONTROLS.items())
    choose_forecaster: bool = True

    def __post_init__(self) -> None:
        check_model_name(self.model)  # an unknown name fails here, listing the valid ones

    def signs(self, columns: list[str]) -> list[int]:
        """Each column's required sign of effect on GMV (-1, +1, or 0 when free), in order."""
        signs = dict(self.monotone)
        return [int(signs.get(c, 0)) for c in columns]
