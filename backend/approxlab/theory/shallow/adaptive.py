"""Adaptive threshold networks: pay for variation, not for the Lipschitz constant (seed 003,
Remark 2.2 and Proposition 2.8).

Proposition 2.8 writes ``g(x) = g(0) + ∫₀¹ g′(b)·1[x ≥ b] db`` on [0, 1].  Discretizing the
integral at breakpoints ``0 = b₁ < … < b_m`` gives the same telescoping network as
Proposition 2.1, ``f(x) = Σᵢ aᵢ·1[x ≥ bᵢ]`` with ``a₁ = g(b₁)``, ``aᵢ = g(bᵢ) − g(bᵢ₋₁)``,
so ``f = g(b_k)`` on ``[b_k, b_{k+1})`` and ``|f(x) − g(x)| ≤ ∫_{b_k}^x |g′|``.  Proposition
2.1 spaces the breakpoints uniformly at ε/ρ; here every cell carries variation exactly ε
(the last at most ε): ``bᵢ = C⁻¹((i − 1)ε)`` for the cumulative variation
``C(x) = ∫₀ˣ |g′|``, so ``m = ⌈V/ε⌉`` nodes suffice, ``V = C(1) ≤ ρ`` — flat regions are free.

``C`` is exact between consecutive critical points ``c_k`` of ``g`` (``g`` is monotone there,
so ``C(x) = C(c_k) + |g(x) − g(c_k)|``), and ``C⁻¹`` is found by vectorized bisection inside
the monotone piece — no quadrature, no grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from approxlab.theory.core import targets
from approxlab.theory.core.errors import UNIT_ROUNDOFF
from approxlab.theory.core.targets import Fn
from approxlab.theory.core.threshold_networks import ThresholdNetwork
from approxlab.theory.shallow.threshold import (
    StepSup,
    step_sup,
    sup_abs,
    sup_allowance,
    telescoping,
    telescoping_allowance,
    threshold_network,
)

#: Bisection steps; each halves a bracket inside one monotone piece of g (2⁻⁶⁰ < one ulp).
BISECTION_STEPS = 60


def adaptive_width(variation: float, eps: float) -> int:
    """m = ⌈V/ε⌉ threshold nodes: 0 for a constant g (V = 0), which the output bias alone
    represents."""
    return math.ceil(variation / eps)


def cumulative_variation(g: Fn, critical: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``0 = c₀ < c₁ < … < 1`` (the critical points and the ends) and ``C`` there."""
    crit = critical[(critical > 0.0) & (critical < 1.0)]
    nodes = np.unique(np.concatenate([[0.0], crit, [1.0]]))
    c = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(g(nodes))))])
    return nodes, c


def equal_variation_breakpoints(g: Fn, critical: np.ndarray, eps: float) -> np.ndarray:
    """Breakpoints ``bᵢ = C⁻¹((i − 1)ε)``, ``i = 1 … ⌈V/ε⌉``: every cell carries variation ε.

    Each ``bᵢ`` is the left end of its final bisection bracket, where ``C(bᵢ) ≤ (i − 1)ε``
    up to rounding.
    """
    nodes, c = cumulative_variation(g, critical)
    m = adaptive_width(float(c[-1]), eps)
    if m == 0:
        return np.zeros(0)
    levels = np.arange(1, m) * eps
    k = np.clip(np.searchsorted(c, levels, side="right") - 1, 0, nodes.size - 2)
    g0 = g(nodes[k])
    direction = np.sign(g(nodes[k + 1]) - g0)
    need = levels - c[k]  # variation still to cover inside piece k
    lo, hi = nodes[k].copy(), nodes[k + 1].copy()
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        below = direction * (g(mid) - g0) <= need
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return np.concatenate([[0.0], lo])


def telescoping_network(g: Fn, b: np.ndarray) -> ThresholdNetwork:
    """``f(x) = Σᵢ aᵢ·1[x ≥ bᵢ]`` with ``a₁ = g(b₁)``, ``aᵢ = g(bᵢ) − g(bᵢ₋₁)`` (Props. 2.1, 2.8):
    ``f = g(b_k)`` on ``[b_k, b_{k+1})`` (see :func:`.threshold.telescoping`)."""
    return telescoping(g, b)


def adaptive_threshold_network(g: Fn, critical: np.ndarray, eps: float) -> ThresholdNetwork:
    """The ⌈V/ε⌉-node threshold network with equal-variation breakpoints (Remark 2.2):
    ``sup_{[0,1]} |f − g| ≤ ε`` for any continuous, piecewise monotone ``g``."""
    return telescoping_network(g, equal_variation_breakpoints(g, critical, eps))


def adaptive_widths(variation: float, eps: np.ndarray) -> np.ndarray:
    """:func:`adaptive_width` for an array of ε (integers)."""
    return np.ceil(variation / np.asarray(eps, dtype=float)).astype(np.int64)


@dataclass(frozen=True)
class UniformAndAdaptive:
    """Proposition 2.1's uniform network and Remark 2.2's adaptive one for one g and ε."""

    rho: float
    variation: float
    critical: np.ndarray
    uniform: ThresholdNetwork
    adaptive: ThresholdNetwork
    uniform_error: StepSup
    adaptive_error: StepSup


def uniform_and_adaptive(g: targets.Target, eps: float) -> UniformAndAdaptive:
    """Both networks with their exact sup errors."""
    rho, V = targets.lipschitz(g), targets.variation(g)
    crit = targets.critical_points(g)
    uniform = threshold_network(g, rho, eps)
    adaptive = adaptive_threshold_network(g, crit, eps)
    return UniformAndAdaptive(
        rho, V, crit, uniform, adaptive, step_sup(g, uniform), step_sup(g, adaptive)
    )


def adaptive_allowance(g: targets.Target, c: UniformAndAdaptive, eps: float) -> float:
    """Rounding allowance of the adaptive network's measured ``sup |f − g|`` against ε.

    In exact arithmetic every cell carries variation ``C(b_{i+1}) − C(bᵢ) ≤ ε`` (equality
    wherever ``g`` is monotone on the cell).  In floating point each breakpoint satisfies
    ``|C(bᵢ) − (i − 1)ε| ≤ δ`` with ``δ`` the rounding of its computation: the cumulative
    sums ``C`` at the critical nodes (per term two evaluations of ``g`` with ``G`` roundings
    and one subtraction: ``(K + 1)·(2G·u·max|g| + u·V)`` for ``K`` critical points), the level
    ``fl((i − 1)·ε)`` and the bisection's comparison (``2G·u·max|g| + 3u·V``), and the
    bisection's final bracket (``ρ·2⁻⁶⁰``).  A cell then carries at most ``ε + 2δ``, and
    the measurement adds the telescoping sum
    (:func:`~approxlab.theory.shallow.threshold.telescoping_allowance`), ``g`` at ``x`` and
    at ``b_k`` (``2G·u·max|g|``) and the subtraction (``2u·ε``).
    """
    u, G = UNIT_ROUNDOFF, targets.roundings(g)
    gmax, V = sup_abs(g), c.variation
    delta = (
        (c.critical.size + 1) * (2 * G * u * gmax + u * V)
        + 2 * G * u * gmax
        + 3 * u * V
        + c.rho * 2.0**-BISECTION_STEPS
    )
    return 2 * delta + telescoping_allowance(c.adaptive) + 2 * G * u * gmax + 2 * u * eps


def uniform_allowance(g: targets.Target, c: UniformAndAdaptive, eps: float) -> float:
    """The uniform network's allowance (Proposition 2.1's, see
    :func:`~approxlab.theory.shallow.threshold.sup_allowance`)."""
    return sup_allowance(g, c.uniform, eps, sup_abs(g), 2 * UNIT_ROUNDOFF * c.rho)
