"""Exact sup errors of piecewise approximants against smooth targets.

For a step function ``f`` (constant ``v_k`` on ``[t_k, t_{k+1})``) and a continuous
target ``g``, ``sup_{cell} |g − v_k|`` is attained at a cell end or at a critical point of
``g`` inside the cell, so evaluating there gives the exact supremum — no grid.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Fn = Callable[[np.ndarray], np.ndarray]

#: Unit roundoff of float64.
UNIT_ROUNDOFF = float(np.finfo(float).eps) / 2


def rounding_allowance(*magnitudes: float, ops: int = 8) -> float:
    """Rounding error budget of a float64 quantity computed with ``ops`` roundings from
    numbers of at most the given magnitudes: ``ops · u · max|·|``."""
    return ops * UNIT_ROUNDOFF * max(abs(m) for m in magnitudes)


def sup_error_step(
    g: Fn, knots: np.ndarray, values: np.ndarray, critical: np.ndarray
) -> tuple[float, float]:
    """``sup_{x ∈ [t_0, t_K]} |g(x) − f(x)|`` for the step function ``f`` and where it is.

    ``knots`` ``t_0 < … < t_K`` bound the cells; ``values[k]`` is ``f`` on ``[t_k, t_{k+1})``
    (``K`` values); ``critical`` are the critical points of ``g`` (anywhere; those outside
    the domain are ignored).  Returns ``(sup, argsup)``; at a jump, ``argsup`` is the jump
    point and the supremum is the one-sided limit.
    """
    knots = np.asarray(knots, dtype=float)
    values = np.asarray(values, dtype=float)
    gk = g(knots)
    left = np.abs(gk[:-1] - values)  # at each cell's left end
    right = np.abs(gk[1:] - values)  # limit at each cell's right end
    crit = critical[(critical > knots[0]) & (critical < knots[-1])]
    cell = np.searchsorted(knots, crit, side="right") - 1
    inner = np.abs(g(crit) - values[cell])
    cand = np.concatenate([left, right, inner])
    where = np.concatenate([knots[:-1], knots[1:], crit])
    i = int(np.argmax(cand))
    return float(cand[i]), float(where[i])
