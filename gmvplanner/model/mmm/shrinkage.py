"""How strongly channel ROIs are pooled, estimated from the data (empirical Bayes) instead of a fixed constant.

A hierarchical media-mix model (Meridian, PyMC-Marketing) says each channel's ROI in a subcategory is drawn around
the channel's shared ROI with a spread tau_c, and the shared ROIs around one common ROI ("channels return alike")
with a spread tau. Fitting that spread is what lets the pooling be strong where subcategories truly share a
channel's effect and weak where they do not; a constant cannot be right for both kinds of data (issue 31).

Here the spreads are estimated by the method of moments on the unpooled fit: each group's ROI estimate per channel
and its sampling variance (from a few moving-block bootstrap refits) give, per channel, the between-group variance
left once sampling noise is taken out (DerSimonian-Laird style), and across channels the variance of their pooled
ROIs left once their own noise is taken out. A prior of spread tau in the least-squares rows of `solver` is a
pooling weight of sigma^2 / (n tau^2) per week of data (sigma: the relative residual spread).

Pure numpy on the solver's blocks: nothing here knows a channel name.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...config import NUMERIC_FLOOR
from .solver import Block, Pooling, moving_block_indices, solve_blocks

__all__ = ["ShrinkageEstimate", "estimate_pooling", "SPREAD_DRAWS", "MIN_SPREAD", "MIN_POOLING"]

SPREAD_DRAWS = 20  # unpooled bootstrap refits behind each ROI estimate's sampling variance
# a spread estimated at (or near) zero means "the groups share this channel's ROI": pool strongly, but as if ROIs
# still differed by 5% of the data's average ROI (data units), so a lift test or a prior can still move one
# channel, and the least-squares rows stay well scaled
MIN_SPREAD = 0.05
MIN_POOLING = 1e-7  # a spread far above the estimates' own: as good as no pooling, but the shared ROI stays defined


class ShrinkageEstimate(NamedTuple):
    """The estimated spreads and the pooling weights they imply.

    Attributes:
        pooling: the weights for `solver.fit_jointly` (per channel across groups; one across channels).
        group_spread: per channel, the between-group standard deviation of its ROI (data units; NaN: unused channel).
        channel_spread: the between-channel standard deviation of the channels' shared ROIs (data units).
    """

    pooling: Pooling
    group_spread: np.ndarray
    channel_spread: float


def _rois(blocks: list[Block], solution: list[np.ndarray], n_media: int) -> np.ndarray:
    """Each group's ROI per channel (data units), shape (groups, channels)."""
    per_coef = [b.roi_per_coef if b.roi_per_coef is not None else np.zeros(n_media) for b in blocks]
    return np.array([coef[1 : 1 + n_media] * r for r, coef in zip(per_coef, solution)])


def roi_per_coef_positive(blocks: list[Block], n_media: int) -> np.ndarray:
    """Which channels have spend in each group (their ROI is estimated there), shape (groups, channels)."""
    return np.array([b.roi_per_coef > 0 if b.roi_per_coef is not None else np.zeros(n_media, bool) for b in blocks])


def _relative_noise(blocks: list[Block], solution: list[np.ndarray]) -> float:
    """The week rows' mean squared relative residual (the solver's rows are in units of each group's mean |y|)."""
    out = []
    for b, coef in zip(blocks, solution):
        scale = max(float(np.abs(b.y).mean()), NUMERIC_FLOOR)
        out.append(float((((b.y - b.A @ coef) / scale) ** 2).mean()))
    return float(np.mean(out))


def _sampling_variance(blocks: list[Block], n_media: int, block_weeks: int, seed: int) -> np.ndarray:
    """The variance of each group's unpooled ROI estimate over SPREAD_DRAWS moving-block refits."""
    rng = np.random.default_rng([seed, 3])  # apart from the main bootstrap's stream
    draws = []
    for _ in range(SPREAD_DRAWS):
        resampled = []
        for b in blocks:
            idx = moving_block_indices(len(b.y), block_weeks, rng)
            resampled.append(b._replace(A=b.A[idx], y=b.y[idx]))
        draws.append(_rois(resampled, solve_blocks(resampled, n_media), n_media))
    return np.var(np.array(draws), axis=0, ddof=1)


def _between_variance(estimates: np.ndarray, noise: np.ndarray) -> float:
    """Method of moments: the spread of `estimates` beyond their own sampling `noise` (variances), never below 0."""
    if len(estimates) < 2:
        return np.inf  # one estimate says nothing about how alike they are: do not pool on it
    return max(float(np.var(estimates, ddof=1) - noise.mean()), 0.0)


def _weight(noise: float, n: float, spread_variance: float) -> float:
    """The pooling weight per week of a prior with this variance (at least MIN_SPREAD squared), at least
    MIN_POOLING."""
    if not np.isfinite(spread_variance):
        return MIN_POOLING
    return float(max(noise / (n * max(spread_variance, MIN_SPREAD**2)), MIN_POOLING))


def estimate_pooling(blocks: list[Block], n_media: int, block_weeks: int = 6, seed: int = 0) -> ShrinkageEstimate:
    """The pooling weights a hierarchical model would use, estimated from these blocks (empirical Bayes).

    With one group there is nothing to share across groups: the group weight only ties the shared ROI to the
    group's own, and the channels are still pulled towards a common ROI by their estimated spread."""
    unpooled = solve_blocks(blocks, n_media)
    roi = _rois(blocks, unpooled, n_media)
    variance = _sampling_variance(blocks, n_media, block_weeks, seed)
    sigma2 = _relative_noise(blocks, unpooled)
    n_group = float(np.mean([len(b.y) for b in blocks]))
    used = roi_per_coef_positive(blocks, n_media)
    group_var = np.full(n_media, np.nan)
    weights = np.full(n_media, MIN_POOLING)
    shared, shared_var = [], []
    for c in range(n_media):
        rows = used[:, c]
        if not rows.any():
            continue
        tau2 = _between_variance(roi[rows, c], variance[rows, c])
        group_var[c] = tau2
        weights[c] = _weight(sigma2, n_group, tau2 if len(blocks) > 1 else 0.0)
        precision = 1.0 / (variance[rows, c] + (tau2 if np.isfinite(tau2) else 0.0) + NUMERIC_FLOOR)
        shared.append(float((precision * roi[rows, c]).sum() / precision.sum()))
        shared_var.append(float(1.0 / precision.sum()))
    channel_var = _between_variance(np.array(shared), np.array(shared_var)) if shared else np.inf
    n_all = float(sum(len(b.y) for b in blocks))
    pooling = Pooling(groups=weights, channels=_weight(sigma2, n_all, channel_var))
    return ShrinkageEstimate(pooling, np.sqrt(group_var), float(np.sqrt(channel_var)))
