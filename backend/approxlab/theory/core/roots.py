"""Vectorized root finding on an interval: bracket sign changes on a grid, then bisect."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Fn = Callable[[np.ndarray], np.ndarray]


def roots(h: Fn, a: float, b: float, grid: int = 4097, iterations: int = 60) -> np.ndarray:
    """All points in ``[a, b]`` where ``h`` vanishes or changes sign, sorted.

    Sign changes are bracketed on a uniform grid of ``grid`` points and each bracket is
    bisected ``iterations`` times (all brackets at once), so a root is located to
    ``(b - a) / grid / 2**iterations`` — machine precision.  Two sign changes closer than
    the grid spacing can be missed; choose ``grid`` finer than the function's oscillation.
    """
    x = np.linspace(a, b, grid)
    y = h(x)
    exact = x[y == 0]
    sa, sb = np.sign(y[:-1]), np.sign(y[1:])
    br = np.flatnonzero(sa * sb < 0)
    lo, hi = x[br], x[br + 1]
    slo = sa[br]
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        sm = np.sign(h(mid))
        left = sm == slo
        lo = np.where(left, mid, lo)
        hi = np.where(left, hi, mid)
    return np.unique(np.concatenate([exact, 0.5 * (lo + hi)]))
