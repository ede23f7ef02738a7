"""Two-layer networks near initialization (seed 003, chapter 3, §3.1 and Lemma 3.15).

Convention (Remark 3.2, "in this chapter"): ``F(x; V) = Σ_j a_j σ(v_jᵀx)`` with
``a_j ∈ {±1}`` uniform and ``v_{0,j} ~ N(0, I_d)``; only ``V`` (``m × d``) is trained and
``F`` is *not* scaled by ``1/√m`` (§3.2 introduces the scaling ``ρ/√m``; scenes say which
one they plot).  Draws are prefix-consistent: the first ``m′`` units of a width-``m`` draw
are the width-``m′`` draw with the same seed, so sliding ``m`` adds units.

Definition 3.1: ``F₀(x; V) = F(x; V₀) + ⟨∂F(x; V₀), V − V₀⟩`` with
``∂F/∂v_j = a_j σ′(v_{0,j}ᵀx) x`` (``σ′(0) = 1`` for the ReLU, as in the notes' 1[z ≥ 0]).
The gap ``F − F₀`` is a sum of per-unit Taylor remainders
``a_j (σ(v_jᵀx) − σ(v_{0,j}ᵀx) − σ′(v_{0,j}ᵀx)(v_j − v_{0,j})ᵀx)``; :func:`taylor_gap`
sums them directly (no cancellation between two large sums).

Bounds, as functions of the actual parameters (printed forms kept next to corrected ones):

- Lemma 3.15 (1): fixed ``x``, w.p. ≥ 1 − δ: ``|F(x; w₀)| ≤ 4‖x‖√m ln(2m/δ)``.
- Lemma 3.15 (2): w.p. ≥ 1 − 2δ, all ``‖x‖ ≤ 1``: printed ``32 d √m ln(m/δ)``; the proof's
  own estimate (with its slips fixed, :func:`lemma_3_15_proof_bound`) is below
  ``16 d √m ln(m/δ)`` — the form Theorem 3.10's proof quotes — for δ ≤ 1/2.
- Lemma 3.8: ``#{j : |v_jᵀx| ≤ τ‖x‖} ≤ mτ + √((m/2) ln(1/δ))`` (the proof's Hoeffding
  term; the statement prints ``√(m/2)·ln(1/δ)``).
- Proposition 3.4 (β-smooth σ): ``|F − F₀| ≤ β‖a‖∞‖V − V₀‖²_F / 2``.
- Proposition 3.7 (ReLU, fixed ``x``, w.p. ≥ 1 − δ, all ``‖V − V₀‖_F ≤ B``):
  ``|F − F₀| ≤ ‖a‖∞ m^{1/3}(4B^{4/3} + 2B ln(1/δ)^{1/4})``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from approxlab.theory.near_init import circle

Activation = Literal["relu", "softplus"]

#: Random streams of a draw (seed, stream): independent, each prefix-consistent in m.
STREAM_SIGNS, STREAM_WEIGHTS, STREAM_DIRECTION, STREAM_PROBES = 0, 1, 2, 3

#: Fixed-point ascent steps of :func:`sup_on_sphere` (d ≥ 3).
ASCENT_STEPS = 4


@dataclass(frozen=True)
class TwoLayer:
    """Outer signs ``a`` (m,) in {±1} and initial inner weights ``V0`` (m, d)."""

    a: np.ndarray
    V0: np.ndarray

    @property
    def m(self) -> int:
        return int(self.a.size)

    @property
    def d(self) -> int:
        return int(self.V0.shape[1])

    def prefix(self, width: int) -> TwoLayer:
        """The first ``width`` units (the width-``width`` draw with the same seed)."""
        return TwoLayer(self.a[:width], self.V0[:width])


def rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(stream)])


def initialization(m: int, d: int, seed: int) -> TwoLayer:
    """Remark 3.2's convention: ``a_j ~ Discrete(±1)``, ``v_{0,j} ~ N(0, I_d)``."""
    a = np.where(rng(seed, STREAM_SIGNS).random(m) < 0.5, -1.0, 1.0)
    V0 = rng(seed, STREAM_WEIGHTS).standard_normal((m, d))
    return TwoLayer(a=a, V0=V0)


# --- activations ------------------------------------------------------------------------


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """The notes' selection σ′(z) = 1[z ≥ 0]."""
    return (z >= 0.0).astype(float)


def softplus(z: np.ndarray, beta: float) -> np.ndarray:
    """``ln(1 + e^{4βz}) / (4β)``: β-smooth, since ``sup |σ″| = 4β · ¼ = β`` (at z = 0)."""
    k = 4.0 * beta
    kz = k * np.asarray(z, dtype=float)
    out = np.abs(kz)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.log(out, out=out)  # ln(1 + e^{−|kz|}) to absolute accuracy 1e-16
    out += np.maximum(kz, 0.0)
    out /= k
    return out


def softplus_prime(z: np.ndarray, beta: float) -> np.ndarray:
    k = 4.0 * beta
    return 0.5 * (1.0 + np.tanh(0.5 * k * z))  # logistic(kz), overflow-free


def activation(name: Activation, beta: float = 1.0):
    """``(σ, σ′)`` for ``name``."""
    if name == "relu":
        return relu, relu_prime
    return (lambda z: softplus(z, beta)), (lambda z: softplus_prime(z, beta))


# --- the network, its gradient and its Taylor expansion --------------------------------


def prediction(X: np.ndarray, V: np.ndarray, a: np.ndarray, name: Activation = "relu", beta=1.0):
    """``F(x; V) = Σ_j a_j σ(v_jᵀx)`` at the rows of ``X`` (n, d) → (n,)."""
    sigma, _ = activation(name, beta)
    return sigma(np.atleast_2d(X) @ V.T) @ a


def gradient(x: np.ndarray, V: np.ndarray, a: np.ndarray, name: Activation = "relu", beta=1.0):
    """``∂F(x; V)/∂V``: row ``j`` is ``a_j σ′(v_jᵀx) x`` (m, d)."""
    _, dsigma = activation(name, beta)
    return (a * dsigma(V @ x))[:, None] * x[None, :]


def taylor(X, V, V0, a, name: Activation = "relu", beta=1.0) -> np.ndarray:
    """Definition 3.1: ``F₀(x; V) = F(x; V₀) + ⟨∂F(x; V₀), V − V₀⟩`` at the rows of ``X``."""
    _, dsigma = activation(name, beta)
    X = np.atleast_2d(X)
    Z0 = X @ V0.T
    return prediction(X, V0, a, name, beta) + (dsigma(Z0) * (X @ (V - V0).T)) @ a


def taylor_gap(X, V, V0, a, name: Activation = "relu", beta=1.0) -> np.ndarray:
    """``F(x; V) − F₀(x; V)`` as the sum of per-unit Taylor remainders (rows of ``X``)."""
    sigma, dsigma = activation(name, beta)
    X = np.atleast_2d(X)
    Z0 = X @ V0.T
    D = X @ (V - V0).T
    return (sigma(Z0 + D) - sigma(Z0) - dsigma(Z0) * D) @ a


def taylor_table(X, V, V0, a, name: Activation = "relu", beta=1.0):
    """``(F(x; V₀), F₀(x; V), F(x; V), F − F₀)`` at the rows of ``X``, sharing the work
    (the gap is summed from per-unit remainders, as in :func:`taylor_gap`)."""
    sigma, dsigma = activation(name, beta)
    X = np.atleast_2d(X)
    Z0 = X @ V0.T
    D = X @ (V - V0).T
    s0 = sigma(Z0)
    lin = dsigma(Z0) * D
    s1 = sigma(Z0 + D)
    f_v0 = s0 @ a
    return f_v0, f_v0 + lin @ a, s1 @ a, (s1 - s0 - lin) @ a


def changed_rows(V: np.ndarray, V0: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.any(V != V0, axis=1))


def relu_gap_on_circle(
    V: np.ndarray, V0: np.ndarray, a: np.ndarray, rows: np.ndarray | None = None
) -> circle.CircleSum:
    """ReLU ``F(x; V) − F₀(x; V)`` on the unit circle (d = 2), exactly.

    Since ``σ(z) = 1[z ≥ 0] z``, ``F₀(x; V) = Σ_j a_j 1[v_{0,j}ᵀx ≥ 0] v_jᵀx``, so the gap
    is ``Σ_j a_j (1[v_jᵀx ≥ 0] − 1[v_{0,j}ᵀx ≥ 0]) v_jᵀx`` — only units whose rows moved
    contribute (``rows``, if known; found by comparison otherwise).
    """
    j = changed_rows(V, V0) if rows is None else rows
    Vc, V0c, ac = V[j], V0[j], a[j]
    return circle.relu_sum(np.vstack([Vc, V0c]), np.vstack([Vc, Vc]), np.concatenate([ac, -ac]))


@dataclass(frozen=True)
class ReluOnCircle:
    """``F(x; V₀)``, ``F₀(x; V)`` and the gap ``F(x; V) − F₀(x; V)`` on the unit circle."""

    f_v0: circle.CircleSum
    f0: circle.CircleSum
    gap: circle.CircleSum

    def f_v(self, phi: np.ndarray) -> np.ndarray:
        return self.f0(phi) + self.gap(phi)


def relu_on_circle(
    V: np.ndarray, V0: np.ndarray, a: np.ndarray, rows: np.ndarray | None = None
) -> ReluOnCircle:
    """:class:`ReluOnCircle` with one sort for both sums that switch with V₀; the gap from
    the moved units alone when they are few (accurate), else as ``F(·; V) − F₀(·; V)``.
    ``rows``: the moved units, if known."""
    pat0 = circle.pattern(V0)
    f_v0 = circle.sum_over(pat0, V0, a)
    f0 = circle.sum_over(pat0, V, a)
    rows = changed_rows(V, V0) if rows is None else rows
    if rows.size <= V.shape[0] // 4:
        gap = relu_gap_on_circle(V, V0, a, rows)
    else:
        gap = circle.difference(circle.network_sum(V, a), f0)
    return ReluOnCircle(f_v0, f0, gap)


def flipped_units(V: np.ndarray, V0: np.ndarray, x: np.ndarray) -> int:
    """Units whose activation 1[vᵀx ≥ 0] differs between ``V`` and ``V₀`` at ``x``."""
    return int(np.count_nonzero((V @ x >= 0.0) != (V0 @ x >= 0.0)))


# --- perturbations with ‖V − V₀‖_F = B ---------------------------------------------------


def remainders(z0: np.ndarray, delta: np.ndarray, name: Activation = "relu", beta=1.0):
    """Per-unit Taylor remainders ``σ(z₀ + Δ) − σ(z₀) − σ′(z₀)Δ`` (elementwise), where
    ``z₀ = v_{0,j}ᵀx`` and ``Δ = (v_j − v_{0,j})ᵀx``; ``F − F₀ = Σ_j a_j ·`` these."""
    sigma, dsigma = activation(name, beta)
    return sigma(z0 + delta) - sigma(z0) - dsigma(z0) * delta


def gap_sweep(z0, g, scales, a, name: Activation = "relu", beta=1.0) -> np.ndarray:
    """``F(x; V₀ + s·ΔV) − F₀(x; V₀ + s·ΔV)`` at one input for every scale ``s``, given
    ``z₀ = V₀x`` and ``g = ΔV x``: ``Σ_j a_j (σ(z₀ + s g) − σ(z₀) − s σ′(z₀) g)``, with σ(z₀)
    and σ′(z₀) computed once for all scales."""
    sigma, dsigma = activation(name, beta)
    scales = np.asarray(scales, dtype=float)[:, None]
    r = sigma(z0[None, :] + scales * g[None, :])
    r -= sigma(z0)[None, :]
    r -= scales * (dsigma(z0) * g)[None, :]
    return r @ a  # per-unit remainders first: no cancellation between large sums


def relu_gap_sweep(z0, g, scales, a) -> tuple[np.ndarray, np.ndarray]:
    """ReLU :func:`gap_sweep` and the number of flipped units, for all scales at once.

    A ReLU remainder vanishes unless the unit flips, and then equals ``s|g_j| − |z_{0,j}|``;
    unit j flips once ``s`` passes ``|z_{0,j}|/|g_j|`` (when ``g_j`` points across the
    boundary).  Sorting these crossing scales turns every gap into two prefix sums:
    ``s·Σ a_j|g_j| − Σ a_j|z_{0,j}|`` over the flipped units.
    """
    scales = np.asarray(scales, dtype=float)
    gaps = np.zeros(scales.size)
    flips = np.zeros(scales.size, dtype=int)
    # z₀ ≥ 0 flips when z₀ + s g < 0 (strictly past the crossing); z₀ < 0 when z₀ + s g ≥ 0
    for group, side in (((z0 >= 0) & (g < 0), "left"), ((z0 < 0) & (g > 0), "right")):
        ag, az, aa = np.abs(g[group]), np.abs(z0[group]), a[group]
        cross = az / ag
        order = np.argsort(cross)
        count = np.searchsorted(cross[order], scales, side=side)
        pg = np.concatenate([[0.0], np.cumsum((aa * ag)[order])])
        pz = np.concatenate([[0.0], np.cumsum((aa * az)[order])])
        gaps += scales * pg[count] - pz[count]
        flips += count
    return gaps, flips


@dataclass(frozen=True)
class WorstCase:
    """The units :func:`worst_case_perturbation` may move, nearest to the boundary first."""

    units: np.ndarray  # indices, sorted by |v_{0,j}ᵀx0|
    z: np.ndarray  # their pre-activations v_{0,j}ᵀx0, in that order
    sign: float  # the common sign of their a_j

    def k(self, B):
        """``argmax_k √k·B − Σ_{i≤k} |z|_{(i)}`` (smallest on ties), for scalar or array B."""
        n = self.z.size
        Bs = np.atleast_1d(np.asarray(B, dtype=float))
        if n == 0:
            ks = np.zeros(Bs.shape, dtype=int)
        else:
            value = np.sqrt(np.arange(1, n + 1))[None, :] * Bs[:, None]
            value -= np.cumsum(np.abs(self.z))[None, :]
            ks = np.argmax(value, axis=1) + 1
        return int(ks[0]) if np.ndim(B) == 0 else ks

    def shifts(self, B: float, k: int) -> np.ndarray:
        """``Δ_i = −sign(z_i)·B/√k`` for the first ``k`` units (the pre-activation changes)."""
        return np.where(self.z[:k] >= 0.0, -1.0, 1.0) * (B / np.sqrt(k)) if k else np.zeros(0)


def worst_case_sup_gap(net: TwoLayer, plan: WorstCase, x0: np.ndarray, B: float) -> float:
    """Exact ``sup_{‖x‖=1} |F(x; V) − F₀(x; V)|`` (ReLU, d = 2) for the worst-case
    perturbation of radius ``B``: only its ``k`` moved units enter the gap."""
    k = plan.k(B)
    if k == 0:
        return 0.0
    units = plan.units[:k]
    V0c = net.V0[units]
    Vc = V0c + plan.shifts(B, k)[:, None] * x0[None, :]
    ac = net.a[units]
    gap = circle.relu_sum(np.vstack([Vc, V0c]), np.vstack([Vc, Vc]), np.concatenate([ac, -ac]))
    return gap.sup_abs()[0]


def worst_case_plan(net: TwoLayer, x0: np.ndarray) -> WorstCase:
    """Candidates of :func:`worst_case_perturbation`: the units with the majority sign of
    ``a``, sorted by ``|v_{0,j}ᵀx0|``."""
    a = net.a
    sign = 1.0 if np.count_nonzero(a > 0) >= np.count_nonzero(a < 0) else -1.0
    cand = np.flatnonzero(a == sign)
    z = net.V0[cand] @ x0
    order = np.argsort(np.abs(z), kind="stable")
    return WorstCase(units=cand[order], z=z[order], sign=sign)


def worst_case_perturbation(
    net: TwoLayer, x0: np.ndarray, B: float, plan: WorstCase | None = None
) -> tuple[np.ndarray, int]:
    """A perturbation ``ΔV`` with ``‖ΔV‖_F = B`` that makes the ReLU gap at ``x0`` large.

    The mechanism of Proposition 3.7's proof, run in reverse: take the ``k`` units with the
    majority sign of ``a`` whose pre-activations ``z_j = v_{0,j}ᵀx0`` are nearest to 0 and
    push each across the boundary along ``−sign(z_j)·x0`` by ``B/√k``.  Each contributes a
    remainder ``(B/√k − |z_j|)₊``, so ``k`` maximizes ``√k·B − Σ_{i≤k} |z|_{(i)}``; with
    ``|z|_{(i)} ≈ i/(0.8m)`` this is ``≍ B^{4/3} m^{1/3}``, the rate of Proposition 3.7.
    Returns ``(ΔV, k)``; ``x0`` must be a unit vector.
    """
    plan = plan or worst_case_plan(net, x0)
    k = plan.k(B)
    dV = np.zeros_like(net.V0)
    dV[plan.units[:k]] = plan.shifts(B, k)[:, None] * x0[None, :]
    return dV, int(k)


def random_direction(m: int, d: int, seed: int) -> np.ndarray:
    """A Gaussian direction ``G/‖G‖_F`` (prefix-consistent draw, then normalized)."""
    G = rng(seed, STREAM_DIRECTION).standard_normal((m, d))
    return G / np.linalg.norm(G)


# --- Lemma 3.15: the size of F at initialization ----------------------------------------


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


# --- Lemma 3.8 and Propositions 3.4 / 3.7 ------------------------------------------------


def lemma_3_8_count(V0: np.ndarray, x: np.ndarray, tau: float) -> int:
    """``#{j : |v_jᵀx| ≤ τ‖x‖}`` — the set S₁ of the proof of Proposition 3.7."""
    return int(np.count_nonzero(np.abs(V0 @ x) <= tau * np.linalg.norm(x)))


def lemma_3_8_bound(m, tau, delta: float):
    """Lemma 3.8, corrected: ``mτ + √((m/2) ln(1/δ))`` (Hoeffding, as in the proof)."""
    m = np.asarray(m, dtype=float)
    return m * tau + np.sqrt(0.5 * m * np.log(1.0 / delta))


def lemma_3_8_bound_printed(m, tau, delta: float):
    """Lemma 3.8 as printed: ``mτ + √(m/2)·ln(1/δ)``."""
    m = np.asarray(m, dtype=float)
    return m * tau + np.sqrt(0.5 * m) * np.log(1.0 / delta)


def prop_3_7_tau(m, B):
    """The proof's choice ``τ = B^{2/3}/m^{1/3}``."""
    return np.asarray(B, dtype=float) ** (2.0 / 3.0) / np.asarray(m, dtype=float) ** (1.0 / 3.0)


def flip_bound(m, B, delta: float):
    """Bound on the units that can flip at ``x`` when ``W = V₀`` (so S₂ = ∅):
    ``|S₁ ∪ S₃| ≤ mτ + √((m/2) ln(1/δ)) + B²/τ²`` with the proof's τ (eq. 3.9)."""
    tau = prop_3_7_tau(m, B)
    with np.errstate(divide="ignore", invalid="ignore"):
        s3 = np.where(tau > 0, np.asarray(B, dtype=float) ** 2 / tau**2, 0.0)
    return lemma_3_8_bound(m, tau, delta) + s3


def prop_3_4_bound(beta: float, a_inf: float, B):
    """Proposition 3.4: ``β‖a‖∞ B² / 2``."""
    return 0.5 * beta * a_inf * np.asarray(B, dtype=float) ** 2


def prop_3_7_bound(m, B, delta: float, a_inf: float = 1.0):
    """Proposition 3.7: ``‖a‖∞ m^{1/3} (4B^{4/3} + 2B ln(1/δ)^{1/4})``."""
    m = np.asarray(m, dtype=float)
    B = np.asarray(B, dtype=float)
    return a_inf * m ** (1.0 / 3.0) * (4.0 * B ** (4.0 / 3.0) + 2.0 * B * np.log(1 / delta) ** 0.25)
