"""Shallow constructions of seed 003, chapter 2: Proposition 2.1.

:func:`threshold_network` is the proof of Proposition 2.1: grid ``[0, 1]`` at spacing
``ε/ρ`` and stack one threshold "brick" per grid point.  :func:`step_sup` measures the exact
``sup_{[0,1]} |f − g|`` of any threshold network (a step function) against a target.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from approxlab.theory.core import targets
from approxlab.theory.core.errors import sup_error_step
from approxlab.theory.core.threshold_networks import ThresholdNetwork, step_form

Fn = Callable[[np.ndarray], np.ndarray]


def threshold_width(rho: float, eps: float) -> int:
    """m = ⌈ρ/ε⌉ threshold nodes (Proposition 2.1); at least one."""
    return max(1, math.ceil(rho / eps))


def threshold_widths(rho: float, eps: np.ndarray) -> np.ndarray:
    """:func:`threshold_width` for an array of ε (integers)."""
    return np.maximum(1, np.ceil(rho / np.asarray(eps, dtype=float))).astype(np.int64)


def threshold_network(g: Fn, rho: float, eps: float) -> ThresholdNetwork:
    """Proposition 2.1 (seed 003): a 2-layer threshold network with ⌈ρ/ε⌉ nodes.

    Biases ``b_i = (i − 1)ε/ρ`` for ``i = 1..m``, outer weights ``a_1 = g(b_1)``,
    ``a_i = g(b_i) − g(b_{i−1})``, and ``f(x) = Σ_i a_i·1[x − b_i ≥ 0]``; by telescoping
    ``f = g(b_k)`` on ``[b_k, b_{k+1})``, so ``sup_{[0,1]} |f − g| ≤ ρ·ε/ρ = ε`` when ``g`` is
    ρ-Lipschitz.  (The printed proof writes ``1[x_i ≥ b_i]`` and sums from ``i = 0``; both
    are typos for ``1[x ≥ b_i]`` and ``i = 1``.)
    """
    m = threshold_width(rho, eps)
    b = np.arange(m) * (eps / rho)
    gb = g(b)
    a = np.diff(gb, prepend=0.0)
    return ThresholdNetwork(w=np.ones(m), b=-b, a=a, c=0.0)


@dataclass(frozen=True)
class StepSup:
    """The exact ``sup_{[0,1]} |f − g|`` of a threshold network ``f`` and where it is attained,
    with ``f`` as a step function (``values[k]`` on ``[knots[k], knots[k+1])``)."""

    knots: np.ndarray
    values: np.ndarray
    sup: float
    where: float


def step_sup(g: targets.Target, net: ThresholdNetwork) -> StepSup:
    """``sup_{[0,1]} |f − g|`` exactly: ``f`` is constant between its switching points, so the
    supremum is at a cell end (one-sided limit) or at a critical point of ``g``."""
    knots, values = step_form(net)
    sup, where = sup_error_step(g, knots, values, targets.critical_points(g))
    return StepSup(knots, values, sup, where)


def error_with_jumps(
    g: Fn, net: ThresholdNetwork, step: StepSup, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``|f − g|`` on ``grid`` plus both one-sided values at every jump of ``f`` (sorted by x,
    the left limit first), so that a polyline through them shows the jumps."""
    knots, values = step.knots, step.values
    inner = knots[1:-1]
    ex = np.concatenate([grid, inner, inner])
    ey = np.concatenate(
        [np.abs(net(grid) - g(grid)), np.abs(values[:-1] - g(inner)), np.abs(values[1:] - g(inner))]
    )
    order = np.lexsort(
        (np.concatenate([np.zeros(grid.size), np.zeros(inner.size), np.ones(inner.size)]), ex)
    )
    return ex[order], ey[order]


@dataclass(frozen=True)
class Proposition21:
    """The construction of Proposition 2.1 for one target and ε, measured."""

    rho: float
    net: ThresholdNetwork
    error: StepSup


def proposition_2_1(g: targets.Target, eps: float) -> Proposition21:
    """ρ = sup|g′|, the ⌈ρ/ε⌉-node network of the proof and its exact sup error."""
    rho = targets.lipschitz(g)
    net = threshold_network(g, rho, eps)
    return Proposition21(rho, net, step_sup(g, net))
