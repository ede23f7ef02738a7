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


# --- the scene's measurements --------------------------------------------------------------

Direction = Literal["worst", "random"]

#: The fixed input of Proposition 3.7 on the unit circle.
X0 = np.array([1.0, 0.0])


@dataclass(frozen=True)
class Perturbed:
    """A draw ``(a, V₀)`` (d = 2) and ``V = V₀ + ΔV`` with ``‖ΔV‖_F = B``.

    ``plan`` (worst case) or ``G`` (random, ``‖G‖_F = 1``) say how ``ΔV`` was built, so
    that the sweeps can rebuild it at other radii and widths; ``rows`` are the moved units.
    """

    net: TwoLayer
    B: float
    direction: Direction
    V: np.ndarray
    rows: np.ndarray
    plan: WorstCase | None
    G: np.ndarray | None

    @property
    def z0(self) -> np.ndarray:
        """Pre-activations ``v_{0,j}ᵀx₀``."""
        return self.net.V0 @ X0


def perturbed(m: int, B: float, seed: int, direction: Direction) -> Perturbed:
    """The worst case at x₀ (:func:`worst_case_perturbation`) or ``B·G/‖G‖_F``, G Gaussian."""
    net = initialization(m, 2, seed)
    worst = direction == "worst"
    plan = worst_case_plan(net, X0) if worst else None
    G = None if worst else random_direction(m, 2, seed)  # ‖G‖_F = 1
    if worst:
        dV, _ = worst_case_perturbation(net, X0, B, plan)
    else:
        dV = B * G
    V = net.V0 + dV
    rows = plan.units[: plan.k(B)] if worst else np.arange(m)  # the moved units
    return Perturbed(net, B, direction, V, rows, plan, G)


def gap_at_x0(p: Perturbed, act: Activation, beta: float) -> float:
    """``F(x₀; V) − F₀(x₀; V)`` (signed), from the moved units only in the worst case."""
    net = p.net
    if p.direction == "worst":  # the gap only involves moved units
        return float(taylor_gap(X0, p.V[p.rows], net.V0[p.rows], net.a[p.rows], act, beta)[0])
    return float(taylor_gap(X0, p.V, net.V0, net.a, act, beta)[0])


@dataclass(frozen=True)
class CircleView:
    """``F(x; V₀)``, ``F₀(x; V)``, ``F(x; V)`` on the angles ``phi``, the gap ``F − F₀`` on
    ``phi_gap`` and its sup over the circle (exact for the ReLU, else over ``phi_gap``)."""

    phi: np.ndarray
    f_v0: np.ndarray
    f0: np.ndarray
    f_v: np.ndarray
    phi_gap: np.ndarray
    gap: np.ndarray
    sup: float
    phi_sup: float
    sup_value: float  # the signed gap where the sup is attained
    exact: bool


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
    Softplus: on a grid of about ``curve_budget/m`` angles (F needs all m units), the gap on
    a finer grid of about ``gap_budget/(moved units)`` angles when that is finer (at most
    ``points``); x₀ (φ = 0) is on both grids.
    """
    net = p.net
    rows = p.rows
    if act == "relu":
        sums = relu_on_circle(p.V, net.V0, net.a, rows)
        gap_circle = sums.gap
        sup_gap, phi_sup = gap_circle.sup_abs()
        phi = np.linspace(0.0, 2.0 * np.pi, points)
        f0 = sums.f0(phi)
        gap_curve = gap_circle(phi)
        sup_value = float(gap_circle(np.array([phi_sup]))[0])
        return CircleView(
            phi,
            sums.f_v0(phi),
            f0,
            f0 + gap_curve,
            phi,
            gap_curve,
            sup_gap,
            phi_sup,
            sup_value,
            True,
        )
    m = net.m
    # the gap needs only the moved units; F itself needs all m
    n_f = int(np.clip(curve_budget // m, 16, points))
    phi = np.linspace(0.0, 2.0 * np.pi, n_f)
    f_v0, f0, f_v, gap_curve = taylor_table(
        circle.circle_points(phi), p.V, net.V0, net.a, act, beta
    )
    phi_gap = phi
    n_gap = int(np.clip(gap_budget // max(rows.size, 1), 16, points))
    if n_gap > n_f:  # a finer grid for the gap, which only involves the moved units
        phi_gap = np.linspace(0.0, 2.0 * np.pi, n_gap)
        gap_curve = taylor_gap(
            circle.circle_points(phi_gap), p.V[rows], net.V0[rows], net.a[rows], act, beta
        )
    i = int(np.argmax(np.abs(gap_curve)))  # φ = 0 (x₀) is on the grid
    return CircleView(
        phi,
        f_v0,
        f0,
        f_v,
        phi_gap,
        gap_curve,
        float(abs(gap_curve[i])),
        float(phi_gap[i]),
        float(gap_curve[i]),
        False,
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
    """The perturbation of ``p`` rebuilt at every radius in ``Bs``, measured at x₀ from its
    action there, ``Δⱼ = (vⱼ − v₀,ⱼ)ᵀx₀``."""
    net, m, z0 = p.net, p.net.m, p.z0
    relu = act == "relu"
    sups = None
    if p.direction == "worst":
        plan = p.plan
        ks = plan.k(Bs)
        deltas = [(plan.z[:k], plan.shifts(float(b), int(k))) for b, k in zip(Bs, ks, strict=True)]
        gaps = [abs(np.sum(remainders(z, dz, act, beta))) for z, dz in deltas]
        if relu:  # the moved units are few: the exact sup over the circle is cheap
            sups = np.array([worst_case_sup_gap(net, plan, X0, float(b)) for b in Bs])
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
            sub = worst_case_plan(prefix, X0)
            k = sub.k(B)
            gaps.append(abs(np.sum(remainders(sub.z[:k], sub.shifts(B, k), act, beta))))
            if act == "relu":
                sups.append(worst_case_sup_gap(prefix, sub, X0, B))
        else:
            Gw = p.G[:w] / np.linalg.norm(p.G[:w])
            r = remainders(z0[:w], B * (Gw @ X0), act, beta)
            gaps.append(abs(float(r @ net.a[:w])))
    return np.array(gaps), (np.array(sups) if sups else None)
