"""Proposition 2.1 (seed 003): gridding with threshold "bricks", and exact sup errors of
threshold networks.

:func:`threshold_network` is the proof of Proposition 2.1: grid ``[0, 1]`` at spacing
``ε/ρ`` and stack one threshold brick per grid point.  :func:`step_sup` measures the exact
``sup_{[0,1]} |f − g|`` of any univariate threshold network (a step function) against a
target, :func:`cell_sups` the exact supremum on every cell, and
:func:`telescoping_allowance` / :func:`sup_allowance` are the floating-point rounding
allowances of those measurements, derived from the computation (so that a target attaining
the bound with equality in exact arithmetic, such as ``|x − ½|``, never shows ✗).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from approxlab.theory.core import targets
from approxlab.theory.core.errors import UNIT_ROUNDOFF, sup_error_step
from approxlab.theory.core.threshold_networks import ThresholdNetwork, step_form

Fn = Callable[[np.ndarray], np.ndarray]


def threshold_width(rho: float, eps: float) -> int:
    """m = ⌈ρ/ε⌉ threshold nodes (Proposition 2.1): 0 for a constant g (ρ = 0), which the
    output bias alone represents."""
    return math.ceil(rho / eps)


def threshold_widths(rho: float, eps: np.ndarray) -> np.ndarray:
    """:func:`threshold_width` for an array of ε (integers)."""
    return np.ceil(rho / np.asarray(eps, dtype=float)).astype(np.int64)


def telescoping(g: Fn, b: np.ndarray) -> ThresholdNetwork:
    """``f(x) = Σᵢ aᵢ·1[x − bᵢ ≥ 0]`` with ``a₁ = g(b₁)``, ``aᵢ = g(bᵢ) − g(bᵢ₋₁)`` (the proofs
    of Propositions 2.1 and 2.8): ``f = g(b_k)`` on ``[b_k, b_{k+1})``.  Without breakpoints
    (a constant g) the network has no unit and the output bias ``c = g(0)``."""
    b = np.asarray(b, dtype=float)
    if b.size == 0:
        c = float(np.asarray(g(np.zeros(1)))[0])
        return ThresholdNetwork(w=np.ones(0), b=np.zeros(0), a=np.zeros(0), c=c)
    return ThresholdNetwork(w=np.ones(b.size), b=-b, a=np.diff(g(b), prepend=0.0), c=0.0)


def threshold_network(g: Fn, rho: float, eps: float) -> ThresholdNetwork:
    """Proposition 2.1 (seed 003): a 2-layer threshold network with ⌈ρ/ε⌉ nodes.

    Biases ``b_i = (i − 1)ε/ρ`` for ``i = 1..m``, outer weights ``a_1 = g(b_1)``,
    ``a_i = g(b_i) − g(b_{i−1})``, and ``f(x) = Σ_i a_i·1[x − b_i ≥ 0]``; by telescoping
    ``f = g(b_k)`` on ``[b_k, b_{k+1})``, so ``sup_{[0,1]} |f − g| ≤ ρ·ε/ρ = ε`` when ``g`` is
    ρ-Lipschitz.  (The printed proof writes ``1[x_i ≥ b_i]`` and sums from ``i = 0``; both
    are typos for ``1[x ≥ b_i]`` and ``i = 1``.)  A constant g has ρ = 0 and gets
    ⌈0/ε⌉ = 0 nodes: f is its output bias g(0).
    """
    m = threshold_width(rho, eps)
    b = np.arange(m) * (eps / rho) if m > 1 else np.zeros(m)
    return telescoping(g, b)


# --------------------------------------------------------------------------------------
# exact sup errors of step functions


@dataclass(frozen=True)
class StepSup:
    """The exact ``sup_{[0,1]} |f − g|`` of a threshold network ``f`` and where it is attained,
    with ``f`` as a step function: ``values[k]`` on the open cell ``(knots[k], knots[k+1])``
    and ``at_knots[k]`` at the point ``knots[k]`` (they differ only where a unit that points
    left, ``w < 0``, switches off)."""

    knots: np.ndarray
    values: np.ndarray
    at_knots: np.ndarray
    sup: float
    where: float


def step_sup(g: targets.Target, net: ThresholdNetwork) -> StepSup:
    """``sup_{[0,1]} |f − g|`` exactly: ``f`` is constant on the open cells between its
    switching points, so the supremum is a one-sided limit at a cell end, a value at a
    critical point of ``g`` inside a cell, or a value at a switching point itself."""
    knots, values = step_form(net)
    at_knots = net(knots)
    sup, where = sup_error_step(g, knots, values, targets.critical_points(g))
    point = np.abs(at_knots - g(knots))
    i = int(np.argmax(point))
    if point[i] > sup:
        sup, where = float(point[i]), float(knots[i])
    return StepSup(knots, values, at_knots, sup, where)


def cell_sups(g: targets.Target, step: StepSup) -> np.ndarray:
    """``sup |f − g|`` on every closed cell ``[t_k, t_{k+1}]`` (one-sided limits of ``f`` at
    the ends, the values of ``f`` at the switching points, ``g``'s critical points inside),
    exactly; ``max(cell_sups) == step.sup``."""
    t, v = step.knots, step.values
    gt = g(t)
    out = np.maximum(np.abs(gt[:-1] - v), np.abs(gt[1:] - v))
    point = np.abs(step.at_knots - gt)
    out = np.maximum(out, np.maximum(point[:-1], point[1:]))
    crit = targets.critical_points(g)
    crit = crit[(crit > t[0]) & (crit < t[-1])]
    if crit.size:
        cell = np.searchsorted(t, crit, side="right") - 1
        np.maximum.at(out, cell, np.abs(g(crit) - v[cell]))
    return out


# --------------------------------------------------------------------------------------
# rounding allowances, derived from the computation


def telescoping_allowance(net: ThresholdNetwork) -> float:
    """Rounding allowance of ``f(b_k) = Σ_{i≤k} aᵢ`` against the computed ``g(b_k)``.

    Each ``aᵢ = fl(g(bᵢ) − g(bᵢ₋₁))`` carries one rounding (``u·|aᵢ|``) and the prefix sums of
    the evaluation (:func:`~approxlab.theory.core.threshold_networks.evaluate`) at most
    ``(m − 1)·u·Σ|aᵢ|`` (Higham, recursive summation), plus the output bias: in all
    ``(m + 1)·u·(Σ|aᵢ| + |c|)``.  The exact arithmetic value of the difference is 0.
    """
    return (net.width + 1) * UNIT_ROUNDOFF * (float(np.sum(np.abs(net.a))) + abs(net.c))


def sup_allowance(
    g: targets.Target, net: ThresholdNetwork, eps: float, gmax: float, spacing_rho: float
) -> float:
    """Rounding allowance of the measured ``sup |f − g|`` against ``ε`` for a telescoping
    network whose cells carry, in exact arithmetic, at most ``ε`` of variation.

    The measurement ``|fl(g(x)) − fl(f on the cell)|`` differs from the exact
    ``|g(x) − g(b_k)|`` by: the telescoping sum (:func:`telescoping_allowance`); ``g``
    evaluated at ``x`` and at ``b_k`` with ``G`` roundings each (``2G·u·max|g|``, ``G`` from
    :func:`approxlab.theory.core.targets.roundings`); the subtraction (``u·ε``); and the
    cell width: the breakpoints are rounded products (``spacing_rho``: ρ times the absolute
    rounding of a breakpoint, ``2u·ρ`` for ``bᵢ = fl((i − 1)·fl(ε/ρ))`` on [0, 1]) and ρ
    itself is ``max |g′|`` evaluated in floating point (``G·u·ε`` more).
    """
    G = targets.roundings(g)
    u = UNIT_ROUNDOFF
    return telescoping_allowance(net) + 2 * G * u * gmax + (G + 2) * u * eps + spacing_rho


@dataclass(frozen=True)
class Proposition21:
    """The construction of Proposition 2.1 for one target and ε, measured."""

    rho: float
    net: ThresholdNetwork
    error: StepSup
    #: max_k |f(b_k) − g(b_k)| (0 in exact arithmetic: the telescoping step of the proof)
    telescoping_error: float


def proposition_2_1(g: targets.Target, eps: float) -> Proposition21:
    """ρ = sup|g′|, the ⌈ρ/ε⌉-node network of the proof and its exact sup error."""
    rho = targets.lipschitz(g)
    net = threshold_network(g, rho, eps)
    b = -net.b
    tele = float(np.max(np.abs(net(b) - g(b)), initial=0.0))
    return Proposition21(rho, net, step_sup(g, net), tele)


def proposition_2_1_allowance(g: targets.Target, c: Proposition21, eps: float) -> float:
    """:func:`sup_allowance` for Proposition 2.1's uniform breakpoints ``(i − 1)·fl(ε/ρ)``."""
    return sup_allowance(g, c.net, eps, sup_abs(g), 2 * UNIT_ROUNDOFF * c.rho)


def sup_abs(g: targets.Target) -> float:
    """``max_{[0,1]} |g|``, exactly: attained at an end or at a critical point of ``g``."""
    return float(np.max(np.abs(g(np.concatenate([[0.0], targets.critical_points(g), [1.0]])))))
