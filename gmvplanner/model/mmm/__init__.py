"""The media-mix model kind (`--model mmm`) and the pieces the hybrid shares: the CV search of carry-over and
saturation (`search`), the pooled least-squares solver with its bootstrap (`solver`), lift-test calibration
(`calibration`), and the estimator and model kind (`model`)."""

from .calibration import lift_rows, prior_rows
from .model import CurveDraws, FittedMedia, MediaMixModel, MediaMixRegression
from .search import HALF_SATURATION_GRID, RIDGE_GRID, MediaParams, SearchGroup, choose_media_params
from .solver import Block, Bootstrap, LiftRow, Pooling, fit_jointly, moving_block_indices, solve_blocks, solve_one

__all__ = [
    "MediaMixModel",
    "MediaMixRegression",
    "FittedMedia",
    "CurveDraws",
    "MediaParams",
    "SearchGroup",
    "choose_media_params",
    "HALF_SATURATION_GRID",
    "RIDGE_GRID",
    "Block",
    "Bootstrap",
    "LiftRow",
    "Pooling",
    "fit_jointly",
    "lift_rows",
    "prior_rows",
    "moving_block_indices",
    "solve_blocks",
    "solve_one",
]
