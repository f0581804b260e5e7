"""The least-squares solves behind the media-mix regression: one block per group, partial pooling of channel ROI,
calibration rows from experiments, and the moving-block bootstrap of the coefficients.

Pure numpy/scipy on prepared matrices: nothing here knows a data frame, a channel name or an estimator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.optimize import lsq_linear, nnls

from ...config import NUMERIC_FLOOR

__all__ = [
    "Block",
    "Pooling",
    "LiftRow",
    "CalibrationRow",
    "Bootstrap",
    "GroupCoefficients",
    "fit_jointly",
    "roi_in_data_units",
    "calibration_rows",
    "solve_blocks",
    "solve_one",
    "common_roi",
    "ProjectedSolve",
    "moving_block_indices",
]

BVLS_MAX_COLUMNS = 400  # scipy's exact bounded solver up to this many unknowns; the trust-region one above
PIN_WEIGHT = 1e3  # a row this heavy (per root week of data) holds the common ROI where the fit without tests put it


class Block(NamedTuple):
    """One group's rows of the joint least-squares problem."""

    A: np.ndarray  # weeks x [1, saturated media columns, standardised controls]
    y: np.ndarray  # GMV per day, per week
    n_controls: int
    roi_per_coef: np.ndarray | None  # each channel's ROI per unit of its coefficient (None: no pooling rows)
    ridge: float  # shrinkage of the standardised controls
    signs: np.ndarray | None = None  # per control: -1 coefficient <= 0, +1 >= 0, 0 free (None: all free)


class Pooling(NamedTuple):
    """Partial pooling weights (per week of data, relative to the squared relative error of one week)."""

    groups: float | np.ndarray = 0.0  # a channel's ROI in a group towards its ROI shared by all groups (or per channel)
    channels: float = 0.0  # those shared ROIs towards one common media ROI

    def scaled(self, factor: float) -> Pooling:
        return Pooling(self.groups * factor, self.channels * factor)

    @property
    def pools_groups(self) -> bool:
        return bool(np.any(np.asarray(self.groups) > 0))


class LiftRow(NamedTuple):
    """An experiment: the sum over groups of the channel's coefficient times z was measured as delta_gmv ± sigma."""

    channel: int  # the channel's position among the media columns
    z_by_group: dict[int, float]  # group position -> GMV per unit coefficient the test's extra spend adds
    delta_gmv: float
    sigma: float


class CalibrationRow(NamedTuple):
    """A weighted least-squares row over every block's coefficients, and its target."""

    row: np.ndarray
    target: float


@dataclass(frozen=True)
class Bootstrap:
    """Moving-block bootstrap refits of the coefficients (transforms held fixed).

    Attributes:
        draws: number of refits (0: none).
        block_weeks: weeks per block; the same week positions for every group.
        seed: seeds the resampling.
        pooling_range: each refit's pooling weights times a factor log-uniform in this range.
        blocks_for_draw: refit i's own blocks and lift rows (its media columns saturated with its drawn curves);
            None: every refit resamples the fitted blocks.
    """

    draws: int = 0
    block_weeks: int = 6
    seed: int = 0
    pooling_range: tuple[float, float] = (1.0, 1.0)
    blocks_for_draw: Callable[[int], tuple[list[Block], list[LiftRow] | None]] | None = None


class GroupCoefficients(NamedTuple):
    """One group's fitted coefficients [intercept, media, controls], residual spread and bootstrap refits."""

    coef: np.ndarray
    resid_std: float
    draws: np.ndarray | None  # (draws, coefficients), None without a bootstrap


def roi_in_data_units(blocks: list[Block], mean_spend: list[np.ndarray]) -> list[Block]:
    """The blocks with ROI per coefficient in units of the data's GMV per unit of total spend, so the pooling weights
    mean the same in any currency (`mean_spend`: each block's mean spend per day per channel)."""
    gmv = sum(float(b.y.sum()) for b in blocks)
    spend = sum(float(s.sum()) * len(b.y) for b, s in zip(blocks, mean_spend))
    reference = gmv / max(spend, NUMERIC_FLOOR)
    return [b._replace(roi_per_coef=None if b.roi_per_coef is None else b.roi_per_coef / reference) for b in blocks]


def fit_jointly(
    blocks: list[Block],
    n_media: int,
    pooling: Pooling = Pooling(),
    lift: list[LiftRow] | None = None,
    bootstrap: Bootstrap | None = None,
) -> list[GroupCoefficients]:
    """Fit several groups' regressions in one least-squares problem, with partial pooling of channel ROI.

    Each group keeps its own intercept, media and control coefficients. A channel's average ROI in a group (its
    GMV per day at mean spend, divided by that spend) is pulled towards the channel's ROI shared by all groups with
    weight `pooling.groups`, and those shared ROIs towards one common media ROI with weight `pooling.channels`;
    0 means no pooling, and with one group only `pooling.channels` has an effect. Pooling is what a hierarchical
    Bayesian media-mix model does with a prior: a channel whose effect in one group is swamped by noise borrows
    strength from the others instead of landing at zero or at ten times its true ROI by chance.

    `lift` calibrates with experiments: each becomes one least-squares row, weighted against the week rows by
    their residual spread (from a first fit without it), as a likelihood would. The common ROI stays where the
    fit without them put it, so a test moves the channel it measured (in every group), not the others through
    the pull towards "channels return alike" (issue 31: a test that moved every channel made the advice worse).

    With a `bootstrap`, the coefficients are also refitted on moving-block resamples of the weeks (the same week
    positions for every group): the estimation uncertainty of every channel answer and of the optimiser's plans.
    Each refit also draws its pooling weights times a factor log-uniform in `bootstrap.pooling_range`: how much
    the subcategories share is itself uncertain (three groups say little about it), as a hierarchical model's
    posterior over its pooling variance would be.
    """
    solution = solve_blocks(blocks, n_media, pooling)
    extra = None
    if lift:
        extra = calibration_rows(lift, blocks, solution)
        solution = solve_blocks(blocks, n_media, pooling, extra, common_roi(blocks, n_media, pooling))
    draws = None
    if bootstrap and bootstrap.draws > 0:
        draws = _bootstrap_draws(blocks, n_media, pooling, extra, bootstrap, solution)
    out = []
    for g, (block, coef) in enumerate(zip(blocks, solution)):
        resid = block.y - block.A @ coef
        resid_std = float(np.sqrt((resid**2).sum() / max(len(block.y) - len(coef), 1)))
        out.append(GroupCoefficients(coef, resid_std, None if draws is None else np.array([d[g] for d in draws])))
    return out


def calibration_rows(lift: list[LiftRow], blocks: list[Block], solution: list[np.ndarray]) -> list[CalibrationRow]:
    """Each experiment as a row over all blocks' coefficients, weighted by the week rows' mean relative residual
    spread over the experiment's standard error."""
    spread = np.mean(
        [np.sqrt(((b.y - b.A @ c) ** 2).mean()) / max(float(np.abs(b.y).mean()), NUMERIC_FLOOR) for b, c in zip(blocks, solution)]
    )
    starts = np.cumsum([0] + [b.A.shape[1] for b in blocks])
    rows = []
    for test in lift:
        row = np.zeros(starts[-1])
        for g, z in test.z_by_group.items():
            row[starts[g] + 1 + test.channel] = z
        weight = spread / test.sigma
        rows.append(CalibrationRow(row * weight, test.delta_gmv * weight))
    return rows


def _bootstrap_draws(
    blocks: list[Block],
    n_media: int,
    pooling: Pooling,
    extra: list[CalibrationRow] | None,
    bootstrap: Bootstrap,
    solution: list[np.ndarray],
) -> list[list[np.ndarray]]:
    """Every refit's coefficients per block (see `fit_jointly`); with `bootstrap.blocks_for_draw`, each refit
    resamples its own blocks and calibrates on its own lift rows (weighted by the fit's residual spread)."""
    rng = np.random.default_rng(bootstrap.seed)
    low, high = bootstrap.pooling_range
    samples = []
    for i in range(bootstrap.draws):
        own, own_extra = blocks, extra
        if bootstrap.blocks_for_draw is not None:
            own, lift = bootstrap.blocks_for_draw(i)
            own_extra = calibration_rows(lift, blocks, solution) if lift else None
        resampled = []
        for block in own:
            idx = moving_block_indices(len(block.y), bootstrap.block_weeks, rng)
            resampled.append(block._replace(A=block.A[idx], y=block.y[idx]))
        factor = float(np.exp(rng.uniform(np.log(low), np.log(high))))
        scaled = pooling.scaled(factor)
        pin = common_roi(resampled, n_media, scaled) if own_extra else None
        samples.append(solve_blocks(resampled, n_media, scaled, own_extra, pin))
    return samples


def moving_block_indices(n: int, block: int, rng: np.random.Generator) -> np.ndarray:
    """Row positions of one circular moving-block bootstrap resample of `n` consecutive weeks."""
    block = max(1, min(block, n))
    starts = rng.integers(0, n, size=-(-n // block))
    return ((starts[:, None] + np.arange(block)[None, :]) % n).ravel()[:n]


def solve_blocks(
    blocks: list[Block],
    n_media: int,
    pooling: Pooling = Pooling(),
    extra: list[CalibrationRow] | None = None,
    pin_common: float | None = None,
) -> list[np.ndarray]:
    """The one bounded least-squares solve behind every fit: per block, non-negative media coefficients,
    ridge-shrunk controls and the pooling rows described in `fit_jointly`; then the calibration rows. Rows are in
    units of each block's mean |y|, so groups of different size weigh alike. Returns each block's coefficients.

    `pin_common` holds the common media ROI (towards which the channels' shared ROIs are pulled) at that value, so
    calibration rows move only the channels they measured (see `fit_jointly`)."""
    sizes = [b.A.shape[1] for b in blocks]
    solution = _solve_all(blocks, n_media, pooling, extra, pin_common)
    return [solution[end - size : end] for end, size in zip(np.cumsum(sizes), sizes)]


def common_roi(blocks: list[Block], n_media: int, pooling: Pooling) -> float | None:
    """The common media ROI of the fit without calibration rows (None when the channels are not pooled)."""
    if not pooling.pools_groups or pooling.channels <= 0:
        return None
    return float(_solve_all(blocks, n_media, pooling, None, None)[-1])


def _solve_all(
    blocks: list[Block],
    n_media: int,
    pooling: Pooling,
    extra: list[CalibrationRow] | None,
    pin_common: float | None,
) -> np.ndarray:
    """`solve_blocks`' solve: every block's coefficients, then the shared channel ROIs and the common ROI (0 where
    not in the problem)."""
    sizes = [b.A.shape[1] for b in blocks]
    shared = sum(sizes)
    n_cols = shared + n_media + 1  # + shared channel ROIs + common ROI
    rows: list[np.ndarray] = []
    rhs: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []
    offset = 0
    for block, size in zip(blocks, sizes):
        block_rows, block_rhs = _block_rows(block, offset, size, shared, n_cols, n_media, pooling.groups)
        rows += block_rows
        rhs += block_rhs
        signs = block.signs if block.signs is not None else np.zeros(block.n_controls)
        lower += [-np.inf] + [0.0] * n_media + list(np.where(signs > 0, 0.0, -np.inf))
        upper += [np.inf] * (1 + n_media) + list(np.where(signs < 0, 0.0, np.inf))
        offset += size
    n_all = sum(len(b.y) for b in blocks)
    if pooling.channels > 0:
        pool = np.zeros((n_media, n_cols))
        pool[:, shared : shared + n_media] = np.sqrt(pooling.channels * n_all) * np.eye(n_media)
        pool[:, -1] = -np.sqrt(pooling.channels * n_all)
        rows.append(pool)
        rhs.append(np.zeros(n_media))
    if pin_common is not None and pooling.channels > 0 and pooling.pools_groups:
        pin = np.zeros((1, n_cols))
        pin[0, -1] = PIN_WEIGHT * np.sqrt(n_all)
        rows.append(pin)
        rhs.append(np.array([PIN_WEIGHT * np.sqrt(n_all) * pin_common]))
    for row, target in extra or []:  # calibration rows over the blocks' coefficients (see fit_jointly)
        rows.append(np.r_[row, np.zeros(n_cols - len(row))][None, :])
        rhs.append(np.array([target]))
    lower += [0.0] * (n_media + 1)
    upper += [np.inf] * (n_media + 1)
    used = np.ones(n_cols, bool)
    if not pooling.pools_groups:
        used[shared:] = False  # no pooling: the shared ROIs are not in the problem
    elif pooling.channels <= 0:
        used[-1] = False
    solution = sign_constrained_lstsq(np.vstack(rows)[:, used], np.concatenate(rhs), np.array(lower)[used], np.array(upper)[used])
    full = np.zeros(n_cols)
    full[used] = solution
    return full


def sign_constrained_lstsq(A: np.ndarray, b: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """argmin ||Ax - b|| where each coefficient is free, >= 0 or <= 0 (`lower`/`upper` of -inf, 0 or inf).

    Variable projection, as `ProjectedSolve` does for one block: the free columns are projected out, the others
    (those held <= 0 flipped) solve scipy's NNLS on what is left, and the free ones follow. The same optimum as
    lsq_linear's BVLS, about four times faster on the joint fit's problems (0.69 against 2.89 s for the 232 solves
    of one default training); lsq_linear where the bounds are of another kind, the problem is too wide for an
    exact active set, or NNLS does not converge."""
    free = np.isneginf(lower) & np.isposinf(upper)
    non_negative = (lower == 0) & np.isposinf(upper)
    non_positive = np.isneginf(lower) & (upper == 0)
    flip = np.where(non_positive, -1.0, 1.0)
    if not np.all(free | non_negative | non_positive) or A.shape[1] >= BVLS_MAX_COLUMNS or A.shape[0] < A.shape[1]:
        return _lsq_linear(A, b, lower, upper)
    basis = _column_basis(A[:, free])
    bounded = A[:, ~free] * flip[~free]
    x = np.zeros(A.shape[1])
    if bounded.shape[1]:
        try:
            x[~free] = nnls(bounded - basis @ (basis.T @ bounded), b - basis @ (basis.T @ b), maxiter=50 * bounded.shape[1])[0]
        except RuntimeError:  # NNLS ran out of iterations
            return _lsq_linear(A, b, lower, upper)
        x[~free] *= flip[~free]
    if free.any():
        x[free] = np.linalg.lstsq(A[:, free], b - A[:, ~free] @ x[~free], rcond=None)[0]
    return x


def _column_basis(columns: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns' span: a QR's, or where the columns are (nearly) dependent, the SVD's
    leading vectors (so a repeated column adds nothing)."""
    if not columns.shape[1]:
        return np.zeros((columns.shape[0], 0))
    q, r = np.linalg.qr(columns)
    diagonal = np.abs(np.diag(r))
    tolerance = max(columns.shape) * np.finfo(float).eps
    if diagonal.min() > tolerance * diagonal.max():
        return q
    u, s, _ = np.linalg.svd(columns, full_matrices=False)
    return u[:, s > s[0] * tolerance]


def _lsq_linear(A: np.ndarray, b: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """scipy's bounded least squares: the exact BVLS up to BVLS_MAX_COLUMNS unknowns, the trust-region one above."""
    return lsq_linear(A, b, bounds=(lower, upper), method="bvls" if A.shape[1] < BVLS_MAX_COLUMNS else "trf").x


def _block_rows(
    block: Block, offset: int, size: int, shared: int, n_cols: int, n_media: int, pool_groups: float | np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One block's week rows, ridge rows and (with pooling) rows pulling its channel ROIs to the shared ones."""
    n = len(block.y)
    scale = max(float(np.abs(block.y).mean()), NUMERIC_FLOOR)
    weeks = np.zeros((n, n_cols))
    weeks[:, offset : offset + size] = block.A / scale
    shrink = np.zeros((block.n_controls, n_cols))
    shrink[:, offset + 1 + n_media : offset + size] = np.sqrt(block.ridge * n) * np.eye(block.n_controls) / scale
    rows, rhs = [weeks, shrink], [block.y / scale, np.zeros(block.n_controls)]
    if np.any(np.asarray(pool_groups) > 0):
        if block.roi_per_coef is None:
            raise ValueError("pooling across groups needs each block's ROI per coefficient")
        weight = np.sqrt(np.broadcast_to(np.asarray(pool_groups, float), (n_media,)) * n)
        pool = np.zeros((n_media, n_cols))
        pool[:, offset + 1 : offset + 1 + n_media] = np.diag(weight * block.roi_per_coef)
        pool[:, shared : shared + n_media] = -np.diag(weight)
        rows.append(pool)
        rhs.append(np.zeros(n_media))
    return rows, rhs


class ProjectedSolve:
    """One block's bounded least squares without pooling, with everything that does not depend on the media columns
    worked out once, so many media choices can be tried on the same rows (the CV search's inner loop).

    Variable projection: the free columns (intercept and ridge-shrunk controls) are projected out, the media
    coefficients solve a non-negative least-squares problem on what is left (scipy's NNLS), and the free ones
    follow. Same rows and weights as `solve_blocks`, so the same optimum.
    """

    def __init__(self, free: np.ndarray, y: np.ndarray, ridge: float):
        """`free`: the rows' intercept and standardised control columns; `y`: GMV per day."""
        n, n_free = free.shape
        self.scale = max(float(np.abs(y).mean()), NUMERIC_FLOOR)
        shrink = np.zeros((n_free - 1, n_free))
        shrink[:, 1:] = np.sqrt(ridge * n) * np.eye(n_free - 1)
        full = np.vstack([free, shrink]) / self.scale
        target = np.r_[y / self.scale, np.zeros(n_free - 1)]
        self.n = n
        self.q = np.linalg.qr(full)[0]
        self.projected_target = target - self.q @ (self.q.T @ target)
        pinv = np.linalg.pinv(full)
        self.free_of_target, self.pinv_rows = pinv @ target, pinv[:, :n]

    def solve(self, media: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The non-negative media coefficients and the free ones, for these media columns (rows x channels)."""
        m = media / self.scale
        coef = np.zeros(m.shape[1])
        if m.shape[1]:
            projected = -self.q @ (self.q[: self.n].T @ m)  # the media columns are zero in the ridge rows
            projected[: self.n] += m
            coef = nnls(projected, self.projected_target, maxiter=50 * m.shape[1])[0]
        return coef, self.free_of_target - self.pinv_rows @ (m @ coef)


def solve_one(A: np.ndarray, y: np.ndarray, n_media: int, ridge: float) -> np.ndarray:
    """`solve_blocks` for one block without pooling, about twenty times faster (`ProjectedSolve`); `A` is
    [1, media columns, standardised controls]."""
    free = np.r_[0, np.arange(1 + n_media, A.shape[1])]
    media_cols = np.arange(1, 1 + n_media)
    media_coef, free_coef = ProjectedSolve(A[:, free], y, ridge).solve(A[:, media_cols])
    coef = np.empty(A.shape[1])
    coef[free], coef[media_cols] = free_coef, media_coef
    return coef
