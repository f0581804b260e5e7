"""Pure maths of media response: carry-over (geometric adstock) and saturation (the Hill curve, with a slope)."""

from __future__ import annotations

import numpy as np

__all__ = ["geometric_adstock", "hill", "adstock_state"]


def geometric_adstock(spend: np.ndarray, decay: float, initial: float | np.ndarray = 0.0) -> np.ndarray:
    """Carry-over normalised so that a constant spend x settles at x: a_t = (1-d)*x_t + d*a_{t-1}.

    `initial` is the stock before the first period (a_{-1}). `spend` may be 1-D (periods) or
    2-D (periods x channels, with `decay` and `initial` broadcastable to the channels).
    """
    x = np.asarray(spend, dtype=float)
    d = np.asarray(decay, dtype=float)
    if np.any((d < 0) | (d >= 1)):
        raise ValueError(f"decay must be in [0, 1); got {decay}")
    out = np.empty_like(x)
    prev = np.broadcast_to(np.asarray(initial, dtype=float), x.shape[1:]).astype(float)
    for t in range(x.shape[0]):
        prev = (1.0 - d) * x[t] + d * prev
        out[t] = prev
    return out


def adstock_state(spend: np.ndarray, decay: float, initial: float = 0.0) -> float | np.ndarray:
    """The stock after the last period, to carry into a following scenario."""
    stock = geometric_adstock(spend, decay, initial)
    return stock[-1] if len(stock) else np.asarray(initial, dtype=float)


def hill(x: np.ndarray, half_saturation: float | np.ndarray, slope: float | np.ndarray = 1.0) -> np.ndarray:
    """Saturation in [0, 1): x^s / (x^s + K^s); zero spend gives zero, spend K gives one half.

    Slope s = 1 is plain diminishing returns; s > 1 is S-shaped (small spend does little until it nears K), the
    Hill curve of Robyn, Meridian and PyMC-Marketing. Computed as 1 / (1 + (K/x)^s), which does not overflow.
    """
    x = np.asarray(x, dtype=float)
    k = np.asarray(half_saturation, dtype=float)
    s = np.asarray(slope, dtype=float)
    if np.any(k <= 0):
        raise ValueError(f"half_saturation must be positive; got {half_saturation}")
    if np.any(s <= 0):
        raise ValueError(f"slope must be positive; got {slope}")
    x = np.clip(x, 0.0, None)
    if np.all(s == 1.0):
        return x / (x + k)
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.where(x > 0, k / np.where(x > 0, x, 1.0), np.inf)
        return 1.0 / (1.0 + ratio**s)
