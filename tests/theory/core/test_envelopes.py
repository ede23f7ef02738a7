"""The exact error envelope and sampled error curve (theory/core/envelopes.py)."""

from __future__ import annotations

import numpy as np

from approxlab.theory.core import envelopes
from approxlab.theory.core.networks import PiecewiseLinear


def _pl() -> PiecewiseLinear:
    rng = np.random.default_rng(3)
    x = np.concatenate([[0.0], np.sort(rng.uniform(0, 1, 40)), [1.0]])
    return PiecewiseLinear(x, rng.uniform(-0.2, 1.2, x.size))


def _error(pl: PiecewiseLinear):
    return lambda t: pl(t) - t * t


def _candidates(pl: PiecewiseLinear) -> np.ndarray:
    vert = np.clip(pl.slopes() / 2.0, pl.x[:-1], pl.x[1:])  # p − x² peaks at slope/2
    return np.sort(np.concatenate([pl.x, vert]))


def test_column_range_contains_every_value_and_is_attained():
    pl = _pl()
    err = _error(pl)
    edges = np.linspace(0.0, 1.0, 17)
    lower, upper = envelopes.column_range(err, _candidates(pl), edges)
    t = np.linspace(0.0, 1.0, 200_001)
    col = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, edges.size - 2)
    e = err(t)
    dense_hi = np.full(edges.size - 1, -np.inf)
    dense_lo = np.full(edges.size - 1, np.inf)
    np.maximum.at(dense_hi, col, e)
    np.minimum.at(dense_lo, col, e)
    assert np.all(dense_hi <= upper + 1e-15) and np.all(dense_lo >= lower - 1e-15)
    # exact: the grid comes within its resolution of the envelope
    step = t[1] - t[0]
    slope = np.abs(pl.slopes()).max() + 2.0
    assert np.all(upper - dense_hi <= slope * step) and np.all(dense_lo - lower <= slope * step)


def test_sampled_curve_holds_every_knot_in_the_window():
    pl = _pl()
    lo, hi = 0.2, 0.7
    x, e = envelopes.sampled_curve(_error(pl), pl, np.array([0.5]), lo, hi, 8)
    assert x[0] == lo and x[-1] == hi and np.all(np.diff(x) > 0)
    inside = pl.x[(pl.x >= lo) & (pl.x <= hi)]
    assert np.isin(inside, x).all() and 0.5 in x
    assert np.array_equal(e, pl(x) - x * x)
