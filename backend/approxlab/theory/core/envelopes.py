"""Exact error curves of a piecewise-linear network against a smooth target, for drawing.

An error ``e = f − g`` (``f`` piecewise linear with exact knots, ``g`` smooth) takes its
extremes on an interval at the interval's ends, at ``f``'s knots, or at the critical points
of ``g`` minus an affine piece — the caller knows them.  From those candidates:

* :func:`column_range` — the exact range ``(min e, max e)`` over each pixel column
  ``[edges_c, edges_{c+1}]`` (the envelope drawn when a window holds too many pieces);
* :func:`sampled_curve` — ``e`` at every knot and candidate in ``[lo, hi]`` and at ``per``
  equal steps of every piece (the arches drawn when the window holds few pieces).

Used by the squaring, polynomial and reciprocal constructions (seed 003, Theorem 4.2,
Corollary 4.3 and §4.3).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from approxlab.theory.core.networks import PiecewiseLinear

ErrorFunction = Callable[[np.ndarray], np.ndarray]


def column_range(
    error: ErrorFunction, candidates: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per column ``[edges_c, edges_{c+1}]``: the exact ``(min, max)`` of ``error``, given
    the sorted ``candidates`` (knots and critical points) where its extremes inside a column
    can lie; the column ends are evaluated too."""
    edges = np.asarray(edges, dtype=float)
    at = error(edges)
    lower, upper = np.minimum(at[:-1], at[1:]), np.maximum(at[:-1], at[1:])
    pts = candidates[(candidates > edges[0]) & (candidates < edges[-1])]
    if pts.size:
        col = np.clip(np.searchsorted(edges, pts, side="right") - 1, 0, edges.size - 2)
        vals = error(pts)
        starts = np.flatnonzero(np.diff(col, prepend=-1))
        used = col[starts]
        upper[used] = np.maximum(upper[used], np.maximum.reduceat(vals, starts))
        lower[used] = np.minimum(lower[used], np.minimum.reduceat(vals, starts))
    return lower, upper


def window_pieces(pl: PiecewiseLinear, lo: float, hi: float) -> tuple[int, int]:
    """Indices ``(i0, i1)``: the pieces ``[x_k, x_{k+1}]``, ``i0 ≤ k < i1``, meeting
    ``[lo, hi]``."""
    i0 = max(int(np.searchsorted(pl.x, lo, side="right")) - 1, 0)
    i1 = min(int(np.searchsorted(pl.x, hi, side="left")), pl.x.size - 1)
    return i0, i1


def sampled_curve(
    error: ErrorFunction,
    pl: PiecewiseLinear,
    extra: np.ndarray,
    lo: float,
    hi: float,
    per: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, error(x))`` on ``[lo, hi]`` at every knot, every point of ``extra`` (critical
    points) and ``per`` equal steps of every piece: knots and extremes exact, a polyline much
    finer than a pixel between them."""
    i0, i1 = window_pieces(pl, lo, hi)
    xa, xb = pl.x[i0:i1], pl.x[i0 + 1 : i1 + 1]
    steps = xa[:, None] + (xb - xa)[:, None] * np.linspace(0.0, 1.0, per + 1)[None, :-1]
    x = np.concatenate([steps.ravel(), extra, [lo, hi], pl.x[i0 : i1 + 1]])
    x = np.unique(x[(x >= lo) & (x <= hi)])
    return x, error(x)
