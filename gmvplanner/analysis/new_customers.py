"""Which channels bring new customers: each channel's share of first orders in the GMV it brings.

The GMV models already split each week's GMV of the modelled subcategories into a part without media and one part
per channel (`effects.weekly_decomposition`), and recover those parts far better than a second media model fitted
to the noisier new-customer series could. So the weekly GMV of customers' first orders in those subcategories
(`customers_by_subcategory.new_gmv`) is regressed on the parts:

    new_gmv[w] = s_0 * (GMV[w] - media[w]) + sum_c s_c * media_c[w] + noise,   0 <= s <= 1,

where s_c is the share of channel c's GMV that comes from first orders. Channels' parts move together, so each s_c
is shrunk towards the one share of all media; how much is chosen by time-ordered cross-validation
(SHARE_PENALTIES). Its 80% interval comes from a moving-block bootstrap of the weeks. A channel's new-customer GMV
is s_c times its incremental GMV (`contributions.csv`), with an interval that carries both uncertainties; the new
customers it stands for are that over the mean GMV of a first order, and its cost per new customer is the spend
the modelled subcategories received over them. The optimiser's --new-customer-weight W counts a channel's GMV
(1 + (W - 1) s_c) times.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import lsq_linear

from ..config import interval_quantiles
from ..model.artifacts import Artifacts
from ..model.bundle import SubcategoryModel
from ..model.train_config import TrainConfig
from .effects import weekly_decomposition

__all__ = [
    "SHARE_PENALTIES",
    "share_design",
    "fit_shares",
    "choose_penalty",
    "new_customer_effects",
    "channel_shares",
    "first_order_shares",
]

SHARE_PENALTIES = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0)  # shrinkage towards the one media share, tried by CV
CV_FOLDS = 5
Z80 = 1.2816  # the 90th percentile of the standard normal


def share_design(
    models: dict[str, SubcategoryModel], groups: dict[str, pd.DataFrame], by_subcategory: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """(A, y) over the weeks with GMV and first-order GMV: A's columns are the GMV without media, then each
    channel's part (every modelled subcategory summed); y is the first-order GMV of those subcategories."""
    parts, actual = [], []
    for sub, model in models.items():
        weekly = groups[sub].sort_values("week_start").reset_index(drop=True)
        parts.append(weekly_decomposition(model, weekly).pivot(index="week_start", columns="part", values="gmv"))
        actual.append(weekly.set_index("week_start")["gmv"])
    channels = list(next(iter(models.values())).spec.channels)
    media = sum(p[channels] for p in parts)
    gmv = sum(actual).reindex(media.index)
    mine = by_subcategory.loc[by_subcategory["subcategory"].isin(list(models))]
    new_gmv = mine.groupby("week_start")["new_gmv"].sum().reindex(media.index)
    A = np.column_stack([gmv.to_numpy(float) - media.to_numpy(float).sum(axis=1), media.to_numpy(float)])
    y = new_gmv.to_numpy(float)
    keep = np.isfinite(y) & np.isfinite(A).all(axis=1)
    return A[keep], y[keep]


def fit_shares(A: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """Shares in [0, 1] (no-media part first, then channels), channels shrunk by `penalty` towards the share
    fitted to all media together."""
    shares = _solve_shares(A, y, penalty)
    return np.where(shares < 1e-9, 0.0, np.clip(shares, 0.0, 1.0))  # the solver's 1e-18 is a zero


def _solve_shares(A: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    if penalty <= 0:
        return lsq_linear(A, y, bounds=(0.0, 1.0)).x
    pooled = lsq_linear(np.column_stack([A[:, 0], A[:, 1:].sum(axis=1)]), y, bounds=(0.0, 1.0)).x
    k = A.shape[1] - 1
    size = np.sqrt(np.mean((A[:, 1:] ** 2).sum(axis=0)))  # a penalty in units of a typical channel's column
    rows = np.sqrt(penalty) * size * np.eye(k)
    return lsq_linear(
        np.vstack([A, np.column_stack([np.zeros(k), rows])]),
        np.concatenate([y, rows @ np.full(k, pooled[1])]),
        bounds=(0.0, 1.0),
    ).x


def choose_penalty(A: np.ndarray, y: np.ndarray, folds: int = CV_FOLDS) -> float:
    """The SHARE_PENALTIES value with the least squared error on held-out contiguous blocks of weeks."""
    n = len(y)
    cuts = np.linspace(0, n, folds + 1).astype(int)

    def error(penalty: float) -> float:
        total = 0.0
        for a, b in zip(cuts[:-1], cuts[1:]):
            train = np.r_[0:a, b:n]
            total += float(((y[a:b] - A[a:b] @ fit_shares(A[train], y[train], penalty)) ** 2).sum())
        return total

    return min(SHARE_PENALTIES, key=error)


def _bootstrap_shares(A: np.ndarray, y: np.ndarray, penalty: float, config: TrainConfig) -> np.ndarray:
    """Shares refitted on moving-block resamples of the weeks, shape (draws, columns)."""
    rng = np.random.default_rng([config.seed, 16])
    n, block = len(y), max(1, min(config.bootstrap_block_weeks, len(y)))
    draws = []
    for _ in range(config.bootstrap_draws):
        starts = rng.integers(0, n - block + 1, n // block + 1)
        rows = np.concatenate([np.arange(s, s + block) for s in starts])[:n]
        draws.append(fit_shares(A[rows], y[rows], penalty))
    return np.array(draws)


def _split_normal(rng: np.random.Generator, point: float, lower: float, upper: float, size: int) -> np.ndarray:
    """Draws matching a point estimate and its 80% interval (a normal each side, scaled to its bound)."""
    z = rng.standard_normal(size)
    return point + np.where(z < 0, (point - lower), (upper - point)) * z / Z80


def new_customer_effects(
    models: dict[str, SubcategoryModel],
    groups: dict[str, pd.DataFrame],
    by_subcategory: pd.DataFrame,
    contributions: pd.DataFrame,
    config: TrainConfig,
) -> pd.DataFrame:
    """Per channel: share (of its GMV from first orders), spend (received by the modelled subcategories),
    incremental_gmv (new-customer GMV it brought, base unit), new_customers and cost_per_new_customer, each with
    `_lower`/`_upper` (80%), and a flag. attrs: penalty, baseline_share."""
    A, y = share_design(models, groups, by_subcategory)
    penalty = choose_penalty(A, y)
    shares = fit_shares(A, y, penalty)
    draws = _bootstrap_shares(A, y, penalty, config)
    channels = list(next(iter(models.values())).spec.channels)
    contributions = contributions.assign(  # a forest's contributions have no interval: its point stands for both
        incremental_gmv_lower=contributions.get("incremental_gmv_lower", contributions["incremental_gmv"]),
        incremental_gmv_upper=contributions.get("incremental_gmv_upper", contributions["incremental_gmv"]),
    )
    columns = ["spend", "incremental_gmv", "incremental_gmv_lower", "incremental_gmv_upper"]
    per_channel = contributions.groupby("channel", sort=False)[columns].sum().reindex(channels)
    mine = by_subcategory.loc[by_subcategory["subcategory"].isin(list(models))]
    per_customer = float(mine["new_gmv"].sum() / max(mine["new_customers"].sum(), 1))  # mean first-order GMV
    rng = np.random.default_rng([config.seed, 17])
    out = pd.DataFrame({"channel": channels, "share": shares[1:]})
    out["share_lower"], out["share_upper"] = np.quantile(draws[:, 1:], interval_quantiles(), axis=0)
    out["spend"] = per_channel["spend"].to_numpy(float)
    out["incremental_gmv"] = shares[1:] * per_channel["incremental_gmv"].to_numpy(float)
    low, high = [], []
    for j, c in enumerate(channels):  # the share's refits times draws matching the channel's GMV interval
        row = per_channel.loc[c]
        gmv = _split_normal(rng, row["incremental_gmv"], row["incremental_gmv_lower"], row["incremental_gmv_upper"], len(draws))
        product = draws[:, 1 + j] * np.clip(gmv, 0.0, None)
        low.append(np.quantile(product, 0.1))
        high.append(np.quantile(product, 0.9))
    out["incremental_gmv_lower"], out["incremental_gmv_upper"] = low, high
    for suffix in ("", "_lower", "_upper"):
        out[f"new_customers{suffix}"] = out[f"incremental_gmv{suffix}"] / per_customer
    with np.errstate(divide="ignore", invalid="ignore"):
        for suffix, source in (("", ""), ("_lower", "_upper"), ("_upper", "_lower")):  # more customers, lower cost
            customers = out[f"new_customers{source}"]
            out[f"cost_per_new_customer{suffix}"] = np.where(customers > 0, out["spend"] / customers, np.nan)
    out["flag"] = np.where(
        out["incremental_gmv"] <= 0,
        "no new customers found: no first-order GMV attributed to it",
        np.where(out["incremental_gmv_lower"] <= 0, "uncertain: its 80% interval reaches zero", ""),
    )
    out.attrs.update(penalty=penalty, baseline_share=float(shares[0]))
    return out


def channel_shares(effects: pd.DataFrame, channels: list[str]) -> np.ndarray:
    """Each channel's share of first orders, in `channels` order (0 for a channel the table lacks)."""
    return effects.set_index("channel")["share"].reindex(channels).fillna(0.0).to_numpy(float)


def first_order_shares(artifacts: Artifacts) -> np.ndarray | None:
    """Each of the model's channels' share of first orders (`new_customer_effects.csv`); None for a model trained
    without customer ids (a weekly table, or orders without cust_id)."""
    if "new_customer_effects.csv" not in artifacts.manifest.files:
        return None
    return channel_shares(artifacts.table("new_customer_effects"), artifacts.channels)
