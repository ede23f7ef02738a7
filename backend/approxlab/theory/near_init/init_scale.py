"""The size of a random network at initialization (seed 003, Lemma 3.15) — the
measurements of the ``init-scale`` scene.

For ``F(x; w₀) = Σ_j a_j σ(v_{0,j}ᵀx)`` (Remark 3.2, :mod:`~approxlab.theory.near_init.two_layer`):

- Lemma 3.15 (1): fixed ``x``, w.p. ≥ 1 − δ: ``|F(x; w₀)| ≤ 4‖x‖√m ln(2m/δ)``.
- Lemma 3.15 (2): w.p. ≥ 1 − 2δ, all ``‖x‖ ≤ 1``: printed ``32 d √m ln(m/δ)``; the proof's
  own estimate (with its slips fixed, :func:`lemma_3_15_proof_bound`) is below
  ``16 d √m ln(m/δ)`` — the form Theorem 3.10's proof quotes — for δ ≤ 1/2.

``F`` is positively homogeneous, so its sup over the ball ``‖x‖ ≤ 1`` is its sup over the
unit sphere: exact for d = 2 (:mod:`~approxlab.theory.near_init.circle`), a lower estimate
(the best point found) for d ≥ 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from approxlab.theory.near_init import circle
from approxlab.theory.near_init.two_layer import (
    STREAM_PROBES,
    TwoLayer,
    initialization,
    prediction,
    relu,
    rng,
)

#: Fixed-point ascent steps of :func:`sup_on_sphere` (d ≥ 3).
ASCENT_STEPS = 4


def lemma_3_15_fixed_bound(m: int | np.ndarray, norm_x: float, delta: float):
    """Lemma 3.15 (1): ``4‖x‖√m ln(2m/δ)`` (fixed x, probability ≥ 1 − δ)."""
    m = np.asarray(m, dtype=float)
    return 4.0 * norm_x * np.sqrt(m) * np.log(2.0 * m / delta)


def lemma_3_15_uniform_bound(m, d: int, delta: float):
    """Lemma 3.15 (2), in the form Theorem 3.10's proof uses: ``16 d √m ln(m/δ)``.

    The lemma prints ``32 d`` (:func:`lemma_3_15_uniform_bound_printed`); the proof's own
    estimate :func:`lemma_3_15_proof_bound` stays below the 16d form for δ ≤ 1/2, so the
    stronger statement holds and is the one checked.
    """
    m = np.asarray(m, dtype=float)
    return 16.0 * d * np.sqrt(m) * np.log(m / delta)


def lemma_3_15_uniform_bound_printed(m, d: int, delta: float):
    m = np.asarray(m, dtype=float)
    return 32.0 * d * np.sqrt(m) * np.log(m / delta)


def lemma_3_15_proof_bound(m, d: int, delta: float):
    """What the proof of Lemma 3.15 (2) derives before "combining terms", slips fixed.

    ε-net of the unit ball with ε = 1/m: ``(1 + 2/ε)^d = (2m + 1)^d`` points (printed
    ``(2/ε)^d``); ``max_j ‖v_j‖ ≤ √d + √(2 ln(m/δ))`` (printed ``1 + …``, the Gaussian norm
    concentrates at √d, not 1); failure probability δ₀ + δ₁ = 2δ (printed "1 − δ₁ + δ₀"):
    ``4√m ln(2m(2m+1)^d/δ) + √d + √(2 ln(m/δ))``.
    """
    m = np.asarray(m, dtype=float)
    return (
        4.0 * np.sqrt(m) * (np.log(2.0 * m / delta) + d * np.log(2.0 * m + 1.0))
        + np.sqrt(d)
        + np.sqrt(2.0 * np.log(m / delta))
    )


def sup_on_circle(net: TwoLayer) -> tuple[float, float]:
    """Exact ``sup_{‖x‖≤1} |F(x; w₀)|`` for d = 2 (F is positively homogeneous, so the sup
    over the ball is the sup over the circle) and the angle where it is attained."""
    return circle.network_sum(net.V0, net.a).sup_abs()


@dataclass(frozen=True)
class SphereSup:
    """``sup_{‖x‖=1} |F(x; w₀)|`` — exact (d = 2) or the best value found (d ≥ 3) — and
    ``F`` on the great circle ``φ ↦ cos φ·e₁ + sin φ·u`` through ``e₁`` and the maximizer
    (exact there; for d = 2 this circle is the whole sphere)."""

    value: float
    where: np.ndarray  # a unit vector attaining ``value``
    exact: bool
    probes: int  # random directions tried (d ≥ 3)
    basis: tuple[np.ndarray, np.ndarray]
    on_circle: circle.CircleSum


def sup_on_sphere(net: TwoLayer, seed: int, budget: int = 1 << 20) -> SphereSup:
    """``sup`` of ``|F(·; w₀)|`` over the unit sphere (= over the unit ball: F is
    positively homogeneous).

    d = 2: exact (:func:`circle.CircleSum.sup_abs`).  d ≥ 3: a lower estimate — the
    maximum over ``≈ budget/m`` random directions, refined by the fixed-point ascent
    ``x ← sign(F(x))·∂_x F(x)/‖∂_x F(x)‖`` (on an activation region ``F`` is linear, so
    this jumps to the region's maximizer), and over the exact great circle through ``e₁``
    and the best point.
    """
    if net.d == 2:
        cs = circle.network_sum(net.V0, net.a)
        val, phi = cs.sup_abs()
        basis = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
        return SphereSup(val, np.array([np.cos(phi), np.sin(phi)]), True, 0, basis, cs)
    n = int(np.clip(budget // max(net.m, 1), 8, 512))
    P = rng(seed, STREAM_PROBES).standard_normal((n, net.d))
    P /= np.linalg.norm(P, axis=1, keepdims=True)
    P[0] = 0.0
    P[0, 0] = 1.0
    vals = np.abs(prediction(P, net.V0, net.a))
    X = P[np.argsort(vals)[-min(4, n) :]]
    best_val, best_x = -1.0, X[0]
    for step in range(ASCENT_STEPS + 1):
        Z = X @ net.V0.T
        fx = relu(Z) @ net.a
        i = int(np.argmax(np.abs(fx)))
        if abs(fx[i]) > best_val:
            best_val, best_x = float(abs(fx[i])), X[i].copy()
        if step == ASCENT_STEPS:
            break
        G = ((Z >= 0.0) * net.a) @ net.V0  # ∂_x F at the current points
        norms = np.linalg.norm(G, axis=1)
        X = np.sign(fx)[:, None] * G / np.where(norms > 0, norms, 1.0)[:, None]
    if vals.max() > best_val:
        best_val, best_x = float(vals.max()), P[int(np.argmax(vals))]
    e1, u = great_circle_basis(best_x)
    cs = circle.network_sum(net.V0 @ np.stack([e1, u], axis=1), net.a)
    val, phi = cs.sup_abs()
    if val > best_val:
        best_val, best_x = val, np.cos(phi) * e1 + np.sin(phi) * u
    return SphereSup(best_val, best_x, False, n, (e1, u), cs)


def great_circle_basis(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal ``(e₁, u)`` spanning the plane of ``e₁`` and ``x`` (any plane if x ∥ e₁)."""
    d = x.size
    e1 = np.zeros(d)
    e1[0] = 1.0
    u = x - x[0] * e1
    nu = np.linalg.norm(u)
    if nu < 1e-12:
        u = np.zeros(d)
        u[1] = 1.0
    else:
        u = u / nu
    return e1, u


def prefix_sups(net: TwoLayer, widths: np.ndarray, probes: np.ndarray | None = None):
    """``sup |F(·; w₀)|`` of the first ``m′`` units for each ``m′`` in ``widths``.

    d = 2: exact for every width.  d ≥ 3: maximum over the rows of ``probes`` (unit
    vectors), computed for all widths at once from cumulative sums over the units.
    """
    widths = np.asarray(widths, dtype=int)
    if widths.size == 0:
        return np.zeros(0)
    if net.d == 2:
        return np.array([sup_on_circle(net.prefix(int(w)))[0] for w in widths])
    C = relu(probes @ net.V0.T) * net.a  # (probes, m), contiguous along the units
    starts = np.concatenate([[0], widths[:-1]])
    partial = np.cumsum(np.add.reduceat(C, starts, axis=1), axis=1)  # F at every width
    return np.max(np.abs(partial), axis=0)


# --- the scene's measurements --------------------------------------------------------------


def unit_vector(d: int) -> np.ndarray:
    """``e₁`` in R^d, the fixed input of Lemma 3.15 (1)."""
    x0 = np.zeros(d)
    x0[0] = 1.0
    return x0


def sweep_widths(m: int, points: int) -> np.ndarray:
    """About ``points`` log-spaced widths ``1 … m`` (distinct integers, m included)."""
    return np.unique(np.round(np.geomspace(1, m, points)).astype(int))


@dataclass(frozen=True)
class Scale:
    """``|F(x₀; w₀)|``, the sup over the sphere, and both for the first m′ units."""

    net: TwoLayer
    x0: np.ndarray
    f_x0: float
    sphere: SphereSup
    widths: np.ndarray
    sups: np.ndarray  # sup |F| (d = 2) or the maximum over ``probes`` (d ≥ 3), per width
    x0_prefix: np.ndarray  # |F(x₀)| per width
    probes: np.ndarray | None  # d ≥ 3: x₀, the best point x*, 8 random directions


def measure(m: int, d: int, seed: int, widths: int) -> Scale:
    """Lemma 3.15's quantities on the draw ``(m, d, seed)`` and its prefixes."""
    net = initialization(m, d, seed)
    x0 = unit_vector(d)
    f_x0 = float(abs(prediction(x0, net.V0, net.a)[0]))
    sph = sup_on_sphere(net, seed)
    ws = sweep_widths(m, widths)
    probes = None
    if d > 2:
        extra = rng(seed, STREAM_PROBES + 1).standard_normal((8, d))
        probes = np.vstack([x0, sph.where, extra / np.linalg.norm(extra, axis=1, keepdims=True)])
    if d == 2:  # the last width is m itself: its exact sup is the one computed above
        sups = np.append(prefix_sups(net, ws[:-1]), sph.value)
    else:  # the probes include the best point x*, so the last value is the estimate above
        sups = prefix_sups(net, ws, probes)
    x0_prefix = np.abs(np.cumsum(relu(net.V0 @ x0) * net.a)[ws - 1])
    return Scale(net, x0, f_x0, sph, ws, sups, x0_prefix, probes)
