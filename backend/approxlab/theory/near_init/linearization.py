"""Near initialization means near Taylor expansion (seed 003, §3.1): Definition 3.1,
Propositions 3.4 and 3.7, Lemma 3.8 — the measurements of the ``linearization`` scene.

The model is :mod:`~approxlab.theory.near_init.two_layer` (Remark 3.2's ``F(x; V)``, not
scaled by ``1/√m``).  Here: the gap ``F(x; V) − F₀(x; V)`` exactly on the unit circle
(ReLU, d = 2), the units whose activation flips, the worst-case perturbation at a fixed
input, the sweeps over the radius ``B`` and the width ``m``, and the bounds, as functions of
the actual parameters (printed forms kept next to corrected ones):

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
from approxlab.theory.near_init.two_layer import (
    Activation,
    TwoLayer,
    activation,
    initialization,
    random_direction,
    remainders,
    taylor_gap,
    taylor_table,
)


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
    """The units of one sign class of ``a`` that :func:`worst_case_perturbation` may move,
    nearest to the boundary at ``x₀`` first."""

    units: np.ndarray  # indices, sorted by |v_{0,j}ᵀx0|
    z: np.ndarray  # their pre-activations v_{0,j}ᵀx0, in that order
    sign: float  # the common sign of their a_j
    cum: np.ndarray  # Σ_{i≤k} |z|_{(i)}, k = 1 … n

    def _objective(self, B) -> np.ndarray:
        """``√k·B − Σ_{i≤k} |z|_{(i)}`` for k = 1 … n (columns) and every B (rows)."""
        Bs = np.atleast_1d(np.asarray(B, dtype=float))
        value = np.sqrt(np.arange(1, self.z.size + 1))[None, :] * Bs[:, None]
        value -= self.cum[None, :]
        return value

    def k(self, B):
        """``argmax_k √k·B − Σ_{i≤k} |z|_{(i)}`` (smallest on ties), for scalar or array B."""
        Bs = np.atleast_1d(np.asarray(B, dtype=float))
        if self.z.size == 0:
            ks = np.zeros(Bs.shape, dtype=int)
        else:
            ks = np.argmax(self._objective(Bs), axis=1) + 1
        return int(ks[0]) if np.ndim(B) == 0 else ks

    def value(self, B):
        """``max(0, max_k √k·B − Σ_{i≤k} |z|_{(i)})``: the largest ``|F − F₀|`` at x₀ this
        class can produce with ``‖V − V₀‖_F ≤ B`` (see :func:`worst_case_perturbation`)."""
        Bs = np.atleast_1d(np.asarray(B, dtype=float))
        if self.z.size == 0:
            v = np.zeros(Bs.shape)
        else:
            v = np.maximum(np.max(self._objective(Bs), axis=1), 0.0)
        return float(v[0]) if np.ndim(B) == 0 else v

    def shifts(self, B: float, k: int) -> np.ndarray:
        """``Δ_i = −sign(z_i)·B/√k`` for the first ``k`` units (the pre-activation changes)."""
        return np.where(self.z[:k] >= 0.0, -1.0, 1.0) * (B / np.sqrt(k)) if k else np.zeros(0)


def worst_case_sup_gap(net: TwoLayer, plan: WorstCase, x0: np.ndarray, B: float) -> float:
    """Exact ``sup_{‖x‖=1} |F(x; V) − F₀(x; V)|`` (ReLU, d = 2) for the worst-case
    perturbation of radius ``B`` in ``plan``'s class: only its ``k`` moved units enter."""
    k = plan.k(B)
    if k == 0:
        return 0.0
    units = plan.units[:k]
    V0c = net.V0[units]
    Vc = V0c + plan.shifts(B, k)[:, None] * x0[None, :]
    ac = net.a[units]
    gap = circle.relu_sum(np.vstack([Vc, V0c]), np.vstack([Vc, Vc]), np.concatenate([ac, -ac]))
    return gap.sup_abs()[0]


def worst_case_plans(net: TwoLayer, x0: np.ndarray) -> tuple[WorstCase, WorstCase]:
    """The two sign classes ``a_j = +1`` and ``a_j = −1``, each sorted by ``|v_{0,j}ᵀx0|``."""
    plans = []
    for sign in (1.0, -1.0):
        cand = np.flatnonzero(net.a == sign)
        z = net.V0[cand] @ x0
        order = np.argsort(np.abs(z), kind="stable")
        z = z[order]
        plans.append(WorstCase(cand[order], z, sign, np.cumsum(np.abs(z))))
    return plans[0], plans[1]


def worst_case_plan(
    net: TwoLayer, x0: np.ndarray, B: float, plans: tuple[WorstCase, WorstCase] | None = None
) -> WorstCase:
    """The sign class whose worst case at radius ``B`` is larger (on ties the larger class,
    so that the perturbation exists: a class may be empty)."""
    pos, neg = plans or worst_case_plans(net, x0)
    vp, vn = pos.value(B), neg.value(B)
    return pos if vp > vn or (vp == vn and pos.z.size >= neg.z.size) else neg


def worst_case_perturbation(
    net: TwoLayer, x0: np.ndarray, B: float, plan: WorstCase | None = None
) -> tuple[np.ndarray, int]:
    """The perturbation ``ΔV``, ``‖ΔV‖_F = B``, that maximizes the ReLU gap ``|F − F₀|`` at
    the unit vector ``x0`` over the whole ball ``‖V − V₀‖_F ≤ B``.  Returns ``(ΔV, k)``.

    The mechanism of Proposition 3.7's proof, run in reverse: in one sign class of ``a``,
    take the ``k`` units whose pre-activations ``z_j = v_{0,j}ᵀx0`` are nearest to 0 and push
    each across the boundary along ``−sign(z_j)·x0`` by ``B/√k``, with ``k`` maximizing
    ``√k·B − Σ_{i≤k} |z|_{(i)}``; the class is the one where that maximum is larger
    (``plan``, if given, fixes it).  With ``|z|_{(i)} ≈ i/(0.8m)`` the gap is
    ``≍ B^{4/3} m^{1/3}``, the rate of Proposition 3.7.

    Why this is the maximum.  With ``Δ_j = (v_j − v_{0,j})ᵀx0`` the gap at x0 is
    ``Σ_j a_j r_j`` with ReLU remainders ``r_j = σ(z_j + Δ_j) − σ(z_j) − σ′(z_j)Δ_j =
    (s_jΔ_j − |z_j|)₊ ≥ 0`` (``s_j = −1`` if ``z_j ≥ 0``, else ``+1``; σ is convex), and
    ``Σ_j Δ_j² ≤ ‖V − V₀‖_F² ≤ B²`` (Cauchy–Schwarz, ``‖x0‖ = 1``).

    1. *One sign class suffices.*  To make ``Σ_j a_j r_j`` large and positive, the units with
       ``a_j = −1`` can only subtract (``r_j ≥ 0``) and spend budget: setting their ``Δ_j = 0``
       never lowers the gap.  So ``sup gap`` is the best allocation within the ``+1`` class,
       ``sup(−gap)`` the best within the ``−1`` class, and ``sup |gap|`` the larger of the two
       — trying both classes is exact (the majority class alone falls short on about half
       of the draws).
    2. *Within a class.*  For an allocation ``t_j = s_jΔ_j``, let ``K = {j : t_j > |z_j|}``,
       ``k = |K|``: the value is ``Σ_K t_j − Σ_K |z_j| ≤ √k·B − Σ_{i≤k}|z|_{(i)}``
       (Cauchy–Schwarz; the k smallest ``|z|``).  Equal shares ``B/√k`` on those k units
       attain at least that (``(B/√k − |z_i|)₊ ≥ B/√k − |z_i|``).  So the class value is
       ``max(0, max_k √k·B − Σ_{i≤k}|z|_{(i)})`` (:meth:`WorstCase.value`), attained here.
    3. ``ΔV_j = Δ_j·x0`` realizes these ``Δ_j`` with ``‖ΔV‖_F = B``.
    """
    plan = plan or worst_case_plan(net, x0, B)
    k = plan.k(B)
    dV = np.zeros_like(net.V0)
    dV[plan.units[:k]] = plan.shifts(B, k)[:, None] * x0[None, :]
    return dV, int(k)


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


# --- softplus: a certified sup over the circle -------------------------------------------


def softplus_third_derivative_bound(beta: float) -> float:
    """``sup |σ‴|`` of ``σ(z) = ln(1 + e^{4βz})/(4β)``: with ``k = 4β`` and ``s`` the logistic
    function of ``kz``, ``σ‴ = k² s(1 − s)(1 − 2s)``, whose largest size is at
    ``s = (3 ± √3)/6``: ``k²·√3/18 = 8√3β²/9``."""
    return 8.0 * np.sqrt(3.0) * beta**2 / 9.0


def softplus_gap_bounds(V: np.ndarray, V0: np.ndarray, beta: float) -> tuple[float, float]:
    """``(M, ε)`` for the softplus gap ``g(φ) = (F − F₀)(x(φ))`` on the unit circle
    (``|a_j| = 1``): ``|g″| ≤ M`` and every computed value of g is within ε of the exact one.

    *Curvature.*  Per unit, with ``p = vᵀx``, ``q = v₀ᵀx``, ``e = p − q`` (all of the form
    ``A cos φ + B sin φ``, so ``p″ = −p``) the remainder ``r = σ(p) − σ(q) − σ′(q)e`` has
    ``r′ = (σ′(p) − σ′(q))p′ − σ″(q)q′e`` and
    ``r″ = (σ″(p) − σ″(q))p′² + σ″(q)p′e′ + (σ′(p) − σ′(q))p″ − σ‴(q)q′²e − σ″(q)q″e
    − σ″(q)q′e′``; with ``|p|, |p′| ≤ ‖v‖``, ``|q|, |q′| ≤ ‖v₀‖``, ``|e|, |e′| ≤ ‖v − v₀‖``,
    ``|σ″| ≤ β`` and ``|σ‴| ≤ γ`` (:func:`softplus_third_derivative_bound`) this gives
    ``|r″| ≤ ‖v − v₀‖(γ(‖v‖² + ‖v₀‖²) + 2β(‖v‖ + ‖v₀‖))``, summed over the units.

    *Rounding.*  Per unit, ``p``, ``q`` and ``e`` are 2-term inner products (error ≤ 2u of
    ``‖v‖``, ``‖v₀‖``, ``‖v‖ + ‖v − v₀‖``), the softplus and logistic evaluations a few u of
    ``|z| + ln 2/(4β)``, the three-term remainder a few u more: at most
    ``12u(‖v‖ + ‖v₀‖ + ‖v − v₀‖ + ln 2/(4β))``.  The sum over the n units adds
    ``nu·Σ|r_j| ≤ nu·(β/2)Σ‖v_j − v₀,ⱼ‖²`` (Proposition 3.4's per-unit step); 1 % on top
    covers the second-order terms.
    """
    u = np.finfo(float).eps / 2
    P = np.linalg.norm(V, axis=1)
    Q = np.linalg.norm(V0, axis=1)
    E = np.linalg.norm(V - V0, axis=1)
    gamma = softplus_third_derivative_bound(beta)
    curvature = float(np.sum(E * (gamma * (P * P + Q * Q) + 2.0 * beta * (P + Q))))
    per_unit = 12.0 * u * float(np.sum(P + Q + E + np.log(2.0) / (4.0 * beta)))
    rounding = 1.01 * (per_unit + V.shape[0] * u * 0.5 * beta * float(np.sum(E * E)))
    return curvature, rounding


def rayleigh_bound(V: np.ndarray, V0: np.ndarray, beta: float) -> float:
    """``(β/2)·λ_max(ΔVᵀΔV)``, ``ΔV = V − V₀``, rounded up: a certified upper bound on
    ``sup_{‖x‖=1} |F(x; V) − F₀(x; V)|`` for a β-smooth σ (``|a_j| = 1``).

    Proposition 3.4's proof bounds each remainder by ``(β/2)(Δ_jᵀx)²``, and
    ``Σ_j (Δ_jᵀx)² = xᵀΔVᵀΔVx ≤ λ_max`` for unit x.  Rounding: ``fl(V − V₀)`` is the exact
    difference of the two float matrices to a relative u per entry, the Gram entries are
    n-term sums (``γ_n``), the 2×2 eigenvalue a few operations more: the computed value
    is inflated by ``(n + 16)u``.
    """
    u = np.finfo(float).eps / 2
    D = V - V0
    G = D.T @ D
    lam = float(np.linalg.eigvalsh(G)[-1])
    return 0.5 * beta * lam * (1.0 + (D.shape[0] + 16) * u)


def rayleigh_check_rounding(bound: float, n: int) -> float:
    """Allowance of ``(β/2)λ_max(ΔVᵀΔV) ≤ βB²/2`` (Proposition 3.4's bound), which holds with
    equality when ΔV has rank one (the worst case moves every row along x₀): the computed
    :func:`rayleigh_bound` is inflated by ``(n + 16)u``, and ``‖ΔV‖_F²`` of the built
    perturbation differs from ``B²`` by its own rounding (``B·G/‖G‖_F``: an n-row norm and a
    quotient; ``B/√k`` per row: a root and a quotient), at most ``(n + 8)u``; doubled for the
    square and second-order terms: ``(2n + 30)u`` of the bound."""
    return (2 * n + 30) * (np.finfo(float).eps / 2) * bound


@dataclass(frozen=True)
class CertifiedSup:
    """``lower ≤ sup_φ |g(φ)| ≤ upper``: ``lower`` is attained (at ``where``), ``upper`` is
    certified; ``points`` values of g were computed, on a grid refined where needed."""

    lower: float
    where: float
    upper: float
    points: int


def certified_sup_on_circle(
    g,
    start: np.ndarray,
    curvature: float,
    rounding: float,
    budget: int,
    refine: int = 8,
) -> CertifiedSup:
    """``sup`` of ``|g|`` over ``[0, 2π]`` for a C² function with ``|g″| ≤ curvature``.

    On a cell ``[a, b]`` of width h, g differs from its chord by at most
    ``curvature·h²/8``, so ``max(|g(a)|, |g(b)|) + curvature·h²/8`` (+ the rounding of the
    computed values) bounds ``|g|`` there.  Starting from the values ``start`` of g at
    equally spaced angles ``0 … 2π`` (both ends), every cell whose bound exceeds the
    largest value found is split into ``refine`` parts (the cells with the largest bounds
    first), until the bound is within 0.1 % of that value or ``budget`` values have been
    computed.  ``g`` maps an array of angles to values.
    """
    phi = np.linspace(0.0, 2.0 * np.pi, start.size)
    vals = np.abs(start)
    a, va, vb = phi[:-1], vals[:-1], vals[1:]
    h = np.full(a.size, phi[1] - phi[0])
    best = int(np.argmax(vals))
    lower, where, used = float(vals[best]), float(phi[best]), start.size
    while True:
        ub = np.maximum(va, vb) + curvature * h * h / 8.0 + rounding
        upper = float(np.max(ub))
        split = ub > lower * (1.0 + 1e-3)
        room = (budget - used) // (refine - 1)
        if not split.any() or room < 1:
            return CertifiedSup(lower, where, max(upper, lower), used)
        if np.count_nonzero(split) > room:  # the cells with the largest bounds first
            split = np.zeros(ub.size, dtype=bool)
            split[np.argpartition(ub, ub.size - room)[ub.size - room :]] = True
        n_new = int(np.count_nonzero(split)) * (refine - 1)
        ca, ch, cva, cvb = a[split], h[split] / refine, va[split], vb[split]
        inner = ca[:, None] + ch[:, None] * np.arange(1, refine)[None, :]
        iv = np.abs(g(inner.ravel())).reshape(inner.shape)
        used += n_new
        i = int(np.argmax(iv))
        if iv.flat[i] > lower:
            lower, where = float(iv.flat[i]), float(inner.flat[i])
        pts = np.concatenate([ca[:, None], inner], axis=1)  # left ends of the new cells
        left = np.concatenate([cva[:, None], iv], axis=1)
        right = np.concatenate([iv, cvb[:, None]], axis=1)
        keep = ~split
        a = np.concatenate([a[keep], pts.ravel()])
        h = np.concatenate([h[keep], np.repeat(ch, refine)])
        va = np.concatenate([va[keep], left.ravel()])
        vb = np.concatenate([vb[keep], right.ravel()])


# --- the scene's measurements --------------------------------------------------------------

Direction = Literal["worst", "random"]

#: The fixed input of Proposition 3.7 on the unit circle.
X0 = np.array([1.0, 0.0])


@dataclass(frozen=True)
class Perturbed:
    """A draw ``(a, V₀)`` (d = 2) and ``V = V₀ + ΔV`` with ``‖ΔV‖_F = B``.

    ``plans`` (worst case: both sign classes; ``plan`` the one used at B) or ``G`` (random,
    ``‖G‖_F = 1``) say how ``ΔV`` was built, so that the sweeps can rebuild it at other
    radii and widths; ``rows`` are the moved units.
    """

    net: TwoLayer
    B: float
    direction: Direction
    V: np.ndarray
    rows: np.ndarray
    plans: tuple[WorstCase, WorstCase] | None
    plan: WorstCase | None
    G: np.ndarray | None

    @property
    def z0(self) -> np.ndarray:
        """Pre-activations ``v_{0,j}ᵀx₀``."""
        return self.net.V0 @ X0


def perturbed(m: int, B: float, seed: int, direction: Direction) -> Perturbed:
    """The worst case at x₀ (:func:`worst_case_perturbation`, the maximum of ``|F − F₀|`` at
    x₀ over the ball) or ``B·G/‖G‖_F``, G Gaussian."""
    net = initialization(m, 2, seed)
    if direction == "worst":
        plans = worst_case_plans(net, X0)
        plan = worst_case_plan(net, X0, B, plans)
        dV, k = worst_case_perturbation(net, X0, B, plan)
        return Perturbed(net, B, direction, net.V0 + dV, plan.units[:k], plans, plan, None)
    G = random_direction(m, 2, seed)  # ‖G‖_F = 1
    return Perturbed(net, B, direction, net.V0 + B * G, np.arange(m), None, None, G)


def gap_at_x0(p: Perturbed, act: Activation, beta: float) -> float:
    """``F(x₀; V) − F₀(x₀; V)`` (signed), from the moved units only in the worst case."""
    net = p.net
    if p.direction == "worst":  # the gap only involves moved units
        return float(taylor_gap(X0, p.V[p.rows], net.V0[p.rows], net.a[p.rows], act, beta)[0])
    return float(taylor_gap(X0, p.V, net.V0, net.a, act, beta)[0])


@dataclass(frozen=True)
class CircleView:
    """``F(x; V₀)``, ``F₀(x; V)``, ``F(x; V)`` on the angles ``phi``, the gap ``F − F₀`` on
    ``phi_gap`` and its sup over the circle: ``sup`` (attained at ``phi_sup``) and a
    certified ``sup_upper`` — equal and exact for the ReLU; for the softplus ``sup`` is the
    largest value computed (``points`` angles, refined near the maximum)."""

    phi: np.ndarray
    f_v0: np.ndarray
    f0: np.ndarray
    f_v: np.ndarray
    phi_gap: np.ndarray
    gap: np.ndarray
    sup: float
    phi_sup: float
    sup_upper: float
    exact: bool
    points: int
    upper_from: Literal["exact", "grid", "rayleigh"]


def on_circle(
    p: Perturbed,
    act: Activation,
    beta: float,
    points: int,
    gap_budget: int,
    curve_budget: int,
) -> CircleView:
    """The functions of Definition 3.1 on the unit circle.

    ReLU: exact piecewise sinusoids (:func:`relu_on_circle`), drawn at ``points`` angles.
    Softplus: F on about ``curve_budget/m`` angles (it needs all m units), the gap on about
    ``gap_budget/(moved units)`` angles (at most ``points``); its sup is certified by
    :func:`certified_sup_on_circle` (the curvature bound :func:`gap_curvature_bound`,
    at most twice the starting grid) or, if tighter,
    :func:`rayleigh_bound`.
    """
    net = p.net
    rows = p.rows
    if act == "relu":
        sums = relu_on_circle(p.V, net.V0, net.a, rows)
        sup_gap, phi_sup = sums.gap.sup_abs()
        phi = np.linspace(0.0, 2.0 * np.pi, points)
        f0 = sums.f0(phi)
        gap_curve = sums.gap(phi)
        return CircleView(
            phi,
            sums.f_v0(phi),
            f0,
            f0 + gap_curve,
            phi,
            gap_curve,
            sup_gap,
            phi_sup,
            sup_gap,
            True,
            0,
            "exact",
        )
    m = net.m
    n_f = int(np.clip(curve_budget // m, 16, points))
    phi = np.linspace(0.0, 2.0 * np.pi, n_f)
    f_v0, f0, f_v, gap_curve = taylor_table(
        circle.circle_points(phi), p.V, net.V0, net.a, act, beta
    )
    Vr, V0r, ar = p.V[rows], net.V0[rows], net.a[rows]

    def gap(angles: np.ndarray) -> np.ndarray:
        return taylor_gap(circle.circle_points(angles), Vr, V0r, ar, act, beta)

    phi_gap = phi
    n_gap = int(np.clip(gap_budget // max(rows.size, 1), 16, points))
    if n_gap > n_f:  # a finer grid for the gap, which only involves the moved units
        phi_gap = np.linspace(0.0, 2.0 * np.pi, n_gap)
        gap_curve = gap(phi_gap)
    curvature, rounding = softplus_gap_bounds(Vr, V0r, beta)
    cert = certified_sup_on_circle(gap, gap_curve, curvature, rounding, budget=2 * phi_gap.size)
    rayleigh = rayleigh_bound(Vr, V0r, beta)
    upper_from = "grid" if cert.upper <= rayleigh else "rayleigh"
    return CircleView(
        phi,
        f_v0,
        f0,
        f_v,
        phi_gap,
        gap_curve,
        cert.lower,
        cert.where,
        min(cert.upper, rayleigh),
        False,
        cert.points,
        upper_from,
    )


@dataclass(frozen=True)
class RadiusSweep:
    """Gap and flips at x₀ against the radius (same draw, same kind of direction)."""

    B: np.ndarray
    gap_x0: np.ndarray  # |F − F₀| at x₀
    sup: np.ndarray | None  # exact sup over the circle (ReLU, worst case)
    flips: np.ndarray
    s1: np.ndarray  # |S₁| of Lemma 3.8 at τ(B)
    bound: np.ndarray


def radius_sweep(
    p: Perturbed, Bs: np.ndarray, act: Activation, beta: float, delta: float
) -> RadiusSweep:
    """The perturbation of ``p`` rebuilt at every radius in ``Bs`` (the worst case with the
    sign class that is worst at that radius), measured at x₀ from its action there,
    ``Δⱼ = (vⱼ − v₀,ⱼ)ᵀx₀``."""
    net, m, z0 = p.net, p.net.m, p.z0
    relu = act == "relu"
    sups = None
    if p.direction == "worst":
        pos, neg = p.plans
        vp, vn = pos.value(Bs), neg.value(Bs)  # as worst_case_plan, for all radii at once
        take_pos = (vp > vn) | ((vp == vn) & (pos.z.size >= neg.z.size))
        kp, kn = pos.k(Bs), neg.k(Bs)
        plans = [pos if t else neg for t in take_pos]
        ks = [int(a if t else b) for t, a, b in zip(take_pos, kp, kn, strict=True)]
        deltas = [
            (plan.z[:k], plan.shifts(float(b), k)) for plan, b, k in zip(plans, Bs, ks, strict=True)
        ]
        gaps = [abs(np.sum(remainders(z, dz, act, beta))) for z, dz in deltas]
        if relu:  # the moved units are few: the exact sup over the circle is cheap
            sups = np.array(
                [
                    worst_case_sup_gap(net, plan, X0, float(b))
                    for plan, b in zip(plans, Bs, strict=True)
                ]
            )
        flips = [int(np.count_nonzero((z + dz >= 0) != (z >= 0))) for z, dz in deltas]
    else:
        g = p.G @ X0
        if relu:
            gaps, flips = relu_gap_sweep(z0, g, Bs, net.a)
            gaps = np.abs(gaps)
        else:
            gaps = np.abs(gap_sweep(z0, g, Bs, net.a, act, beta))
            flips = np.count_nonzero(
                (z0[None, :] + Bs[:, None] * g[None, :] >= 0) != (z0 >= 0)[None, :], axis=1
            )
    s1 = np.count_nonzero(np.abs(z0)[None, :] <= prop_3_7_tau(m, Bs)[:, None], axis=1)
    bound = prop_3_7_bound(m, Bs, delta) if relu else prop_3_4_bound(beta, 1.0, Bs)
    return RadiusSweep(Bs, np.array(gaps), sups, np.array(flips), s1, bound)


def width_sweep(
    p: Perturbed, widths: np.ndarray, act: Activation, beta: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """``|F − F₀|`` at x₀ of the first m′ units of the draw for every m′ in ``widths``, the
    perturbation rebuilt at radius B on them; and (ReLU, worst case) its exact sup over
    the circle."""
    net, B, z0 = p.net, p.B, p.z0
    worst = p.direction == "worst"
    gaps, sups = [], []
    for w in widths:  # a handful of widths
        if worst:
            prefix = net.prefix(int(w))
            sub = worst_case_plan(prefix, X0, B)
            k = sub.k(B)
            gaps.append(abs(np.sum(remainders(sub.z[:k], sub.shifts(B, k), act, beta))))
            if act == "relu":
                sups.append(worst_case_sup_gap(prefix, sub, X0, B))
        else:
            Gw = p.G[:w] / np.linalg.norm(p.G[:w])
            r = remainders(z0[:w], B * (Gw @ X0), act, beta)
            gaps.append(abs(float(r @ net.a[:w])))
    return np.array(gaps), (np.array(sups) if sups else None)
