"""Theorem 3.10 (seed 003): planting a reference network into a random initialization.

Given ``g(x) = Σ_{i=1}^k α_i σ(β_iᵀx)`` with ``‖β_i‖ = 1`` and ``τ < min_{i≠l}‖β_i − β_l‖/2``,
the proof picks, for every ``i``, the units whose direction ``ṽ_j = v_{0,j}/‖v_{0,j}‖`` is
within τ of ``β_i`` and whose sign ``a_j`` matches ``α_i``,

    S_i = {j : ‖β_i − ṽ_j‖ ≤ τ, sgn a_j = sgn α_i},

keeps the first ``u`` of them (``U_i``) and lengthens each by ``c|α_i|`` along its own
direction: ``v_j = v_{0,j} + c|α_i| ṽ_j``.  Directions (hence activation patterns) are
unchanged, so ``F(x; V) = F₀(x; V)`` exactly, and
``F(x; V) = F(x; V₀) + c Σ_i α_i Σ_{j∈U_i} σ(ṽ_jᵀx)`` — a signal ``c·u·g`` on top of the
noise ``F(x; V₀)``.

The proof's constants (τ_d = τ^{d−1}/2^{d+2}, ``u = ⌈mτ_d⌉`` — the proof's "first mτ_d",
rounded up to an integer — and ``c·u = √m/τ``) give

- ``max_j ‖v_j − v_{0,j}‖ = c‖α‖∞ ≤ ‖α‖∞/(τ τ_d √m)``,
- ``‖V − V₀‖_F = c√u ‖α‖₂ ≤ ‖α‖₂/(τ √τ_d)``,
- ``|F(x; V) − (√m/τ) g(x)| ≤ |F(x; V₀)| + √m‖α‖₁ ≤ √m (16 d ln(m/δ) + ‖α‖₁)``,

with probability ≥ 1 − 3δ (Lemma 3.15 (2) costs 2δ, the Hoeffding bound on the |S_i| δ),
when ``m ≥ ln(k/δ)/(2τ_d²)``.  So the temperature that makes ``(ρ/√m)F ≈ g`` is ``ρ = τ``.
The printed statement differs (scale ``2^{d+1}√m/τ^{d−1}``, row bound
``2^{d+1}‖α‖∞/(τ^{d−1}√m)``, Frobenius bound ``2^{d+1}‖α‖₂/τ^{d−1}``, probability 1 − δ,
``m ≥ 4^{d+2} ln(1/δ)/τ^{2d−2}``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from approxlab.theory.near_init import circle
from approxlab.theory.near_init.init_scale import lemma_3_15_uniform_bound
from approxlab.theory.near_init.linearization import relu_gap_on_circle
from approxlab.theory.near_init.two_layer import TwoLayer, initialization


@dataclass(frozen=True)
class ReferenceNetwork:
    """``g(x) = Σ_i α_i σ(β_iᵀx)`` with unit ``β_i`` (rows)."""

    name: str
    label: str
    alpha: np.ndarray
    beta: np.ndarray

    @property
    def k(self) -> int:
        return int(self.alpha.size)

    def separation(self) -> float:
        """``min_{i≠l} ‖β_i − β_l‖`` (∞ for a single unit)."""
        if self.k < 2:
            return float("inf")
        D = np.linalg.norm(self.beta[:, None, :] - self.beta[None, :, :], axis=-1)
        return float(np.min(D[~np.eye(self.k, dtype=bool)]))

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return np.maximum(np.atleast_2d(X) @ self.beta.T, 0.0) @ self.alpha


def _on_circle(degrees: list[float]) -> np.ndarray:
    r = np.deg2rad(np.asarray(degrees, dtype=float))
    return np.stack([np.cos(r), np.sin(r)], axis=1)


REFERENCE_NETWORKS: dict[str, ReferenceNetwork] = {
    n.name: n
    for n in [
        ReferenceNetwork("two", "σ(x₁) − σ(x₂)", np.array([1.0, -1.0]), _on_circle([0.0, 90.0])),
        ReferenceNetwork(
            "three",
            "σ(β₁ᵀx) − 0.8σ(β₂ᵀx) + 0.6σ(β₃ᵀx), β at 90°, 210°, 330°",
            np.array([1.0, -0.8, 0.6]),
            _on_circle([90.0, 210.0, 330.0]),
        ),
        ReferenceNetwork(
            "five",
            "Σ_i (−1)^i (1 − i/10) σ(β_iᵀx), β at 0°, 72°, …, 288°",
            np.array([1.0, -0.9, 0.8, -0.7, 0.6]),
            _on_circle([0.0, 72.0, 144.0, 216.0, 288.0]),
        ),
    ]
}


def tau_d(tau: float, d: int) -> float:
    """``τ_d = τ^{d−1}/2^{d+2}``: half the proof's lower bound on ``P(j ∈ S_i)``."""
    return tau ** (d - 1) / 2.0 ** (d + 2)


def min_width(tau: float, d: int, delta: float, k: int) -> float:
    """Width for ``min_i |S_i| ≥ mτ_d`` w.p. ≥ 1 − δ: Hoeffding with a union bound over the
    k units, ``2mτ_d − √((m/2) ln(k/δ)) ≥ mτ_d`` ⇔ ``m ≥ ln(k/δ)/(2τ_d²)``."""
    return np.log(k / delta) / (2.0 * tau_d(tau, d) ** 2)


def min_width_printed(tau: float, d: int, delta: float) -> float:
    """The printed requirement ``4^{d+2} ln(1/δ)/τ^{2d−2}`` (= ``ln(1/δ)/τ_d²``)."""
    return 4.0 ** (d + 2) * np.log(1.0 / delta) / tau ** (2 * d - 2)


@dataclass(frozen=True)
class Planting:
    """The construction of the proof of Theorem 3.10 on one draw."""

    V: np.ndarray
    S_sizes: np.ndarray  # |S_i|
    U: list[np.ndarray]  # indices of the planted units of each β_i
    u: int  # planted units per β_i (⌈mτ_d⌉, or fewer if some |S_i| is smaller)
    u_target: int  # ⌈mτ_d⌉
    c: float  # lengthening per unit weight
    scale: float  # c·u = √m/τ when u = u_target

    @property
    def enough(self) -> bool:
        return self.u == self.u_target


@dataclass(frozen=True)
class Geometry:
    """Per-unit data of a draw that the planting needs, computed once (prefix-consistent):
    directions ``ṽ_j``, norms, distances ``‖β_i − ṽ_j‖`` and sign matches."""

    dirs: np.ndarray  # (m, d)
    norms: np.ndarray  # (m,)
    dist: np.ndarray  # (m, k)
    match: np.ndarray  # (m, k): sgn a_j = sgn α_i and v_{0,j} ≠ 0

    def prefix(self, width: int) -> Geometry:
        return Geometry(
            self.dirs[:width], self.norms[:width], self.dist[:width], self.match[:width]
        )


def geometry(net: TwoLayer, ref: ReferenceNetwork) -> Geometry:
    norms = np.linalg.norm(net.V0, axis=1)
    dirs = net.V0 / np.where(norms > 0, norms, 1.0)[:, None]
    # ‖ṽ − β‖² = 2 − 2ṽᵀβ for unit vectors (unit rows of zero weights get distance √2)
    dist = np.sqrt(np.maximum(2.0 - 2.0 * (dirs @ ref.beta.T), 0.0))
    match = (np.sign(net.a)[:, None] == np.sign(ref.alpha)[None, :]) & (norms > 0)[:, None]
    return Geometry(dirs, norms, dist, match)


def plant(
    net: TwoLayer, ref: ReferenceNetwork, tau: float, geo: Geometry | None = None
) -> Planting:
    """The proof's ``V``: ``v_j = v_{0,j} + c|α_i| ṽ_j`` for the first ``u`` units of S_i."""
    m, d = net.m, net.d
    geo = geo or geometry(net, ref)
    members = (geo.dist <= tau) & geo.match  # (m, k): j ∈ S_i
    S_sizes = members.sum(axis=0)
    u_target = int(np.ceil(m * tau_d(tau, d)))
    u = int(min(u_target, int(S_sizes.min())))
    V = net.V0.copy()
    U: list[np.ndarray] = []
    c = np.sqrt(m) / (tau * u) if u > 0 else 0.0
    for i in range(ref.k):  # k ≤ 5 reference units
        idx = np.flatnonzero(members[:, i])[:u]
        U.append(idx)
        V[idx] += (c * abs(ref.alpha[i])) * geo.dirs[idx]
    return Planting(V, S_sizes, U, u, u_target, c, c * u)


def row_bound(ref: ReferenceNetwork, tau: float, d: int, m: int) -> float:
    """``‖α‖∞/(τ τ_d √m)``."""
    return float(np.max(np.abs(ref.alpha)) / (tau * tau_d(tau, d) * np.sqrt(m)))


def frobenius_bound(ref: ReferenceNetwork, tau: float, d: int) -> float:
    """``‖α‖₂/(τ √τ_d)``."""
    return float(np.linalg.norm(ref.alpha) / (tau * np.sqrt(tau_d(tau, d))))


def error_bound(ref: ReferenceNetwork, tau: float, d: int, m: int, delta: float) -> float:
    """``√m (16 d ln(m/δ) + ‖α‖₁)`` on ``sup_{‖x‖≤1} |F(x; V) − (√m/τ) g(x)|``."""
    return float(lemma_3_15_uniform_bound(m, d, delta) + np.sqrt(m) * np.sum(np.abs(ref.alpha)))


# --- the scene's measurements --------------------------------------------------------------


def error_sum(
    pat: circle.Pattern, sub: TwoLayer, V: np.ndarray, ref: ReferenceNetwork, tau: float
) -> circle.CircleSum:
    """``(τ/√m) F(x; V) − g(x)`` on the unit circle, exactly, for a planting ``V`` of ``sub``.

    Planted units keep their direction, so F(x; V) = F₀(x; V) = Σⱼ aⱼ 1[v₀,ⱼᵀx ≥ 0] vⱼᵀx
    (checked exactly in the scene): the sum switches with V₀ and ``pat`` — the events of
    the rows [V₀; β] — serves every planting of the same units.
    """
    c = np.concatenate([tau * sub.a / np.sqrt(sub.m), -ref.alpha])
    return circle.sum_over(pat, np.vstack([V, ref.beta]), c)


@dataclass(frozen=True)
class Measured:
    """The planting of one draw (d = 2) and what the scene measures on it, exactly on the
    unit circle: the rescaled error ``(τ/√m)F(x; V) − g``, the gap ``F − F₀`` and the
    planted signal ``(τ/√m)(F(x; V) − F(x; V₀))``."""

    net: TwoLayer
    geo: Geometry
    planting: Planting
    planted: np.ndarray  # indices of the planted units
    frobenius: float  # ‖V − V₀‖_F
    row: float  # maxⱼ ‖vⱼ − v₀,ⱼ‖
    pattern: circle.Pattern  # events of [V₀; β]
    error: circle.CircleSum
    sup_error: float
    phi_error: float
    linearization_gap: float  # sup |F(x; V) − F₀(x; V)|
    gap_scale: float  # Σ over planted units of ‖vⱼ‖ (the gap's rounding scale)
    signal: circle.CircleSum


def measure(m: int, tau: float, ref: ReferenceNetwork, seed: int) -> Measured:
    """Plant ``ref`` into the width-``m`` draw of ``seed`` at signal-to-noise ``τ``."""
    net = initialization(m, 2, seed)
    geo = geometry(net, ref)
    pl = plant(net, ref, tau, geo)
    dV = pl.V - net.V0
    frob = float(np.linalg.norm(dV))
    row = float(np.max(np.linalg.norm(dV, axis=1)))
    scale = tau / np.sqrt(m)  # ρ = τ
    top = circle.pattern(np.vstack([net.V0, ref.beta]))
    err = error_sum(top, net, pl.V, ref, tau)
    sup_error, phi_err = err.sup_abs()
    planted = np.concatenate(pl.U) if pl.U else np.zeros(0, dtype=int)
    lin_gap = relu_gap_on_circle(pl.V, net.V0, net.a).sup_abs()[0]  # planted units only
    lin_scale = float(np.sum(np.linalg.norm(pl.V[planted], axis=1)))
    # the signal the planted units add: (ρ/√m) Σ_{j planted} aⱼ σ((vⱼ − v₀,ⱼ)ᵀx)
    dVp = pl.V[planted] - net.V0[planted]
    signal = circle.relu_sum(dVp, dVp, scale * net.a[planted])
    return Measured(
        net,
        geo,
        pl,
        planted,
        frob,
        row,
        top,
        err,
        sup_error,
        phi_err,
        lin_gap,
        lin_scale,
        signal,
    )


def width_curves(
    meas: Measured, ref: ReferenceNetwork, widths: np.ndarray, tau: float, tau_min: np.ndarray
) -> np.ndarray:
    """Rescaled sup error and ‖V − V₀‖_F of the planting on the first m′ units, at the
    fixed τ (rows 0, 1) and at the smallest admissible τ(m′) (rows 2, 3; NaN where that
    exceeds the separation or nothing can be planted)."""
    net, geo, top = meas.net, meas.geo, meas.pattern
    out = np.full((4, widths.size), np.nan)
    for i, w in enumerate(widths):  # a handful of widths
        sub, g = net.prefix(int(w)), geo.prefix(int(w))
        pat = top if w == net.m else circle.pattern(np.vstack([sub.V0, ref.beta]))
        for row, t in ((0, tau), (2, float(tau_min[i]))):
            if not t < ref.separation() / 2.0:
                continue
            pl = plant(sub, ref, t, g)
            if w == net.m and row == 0:  # the scene's own planting
                out[0, i], out[1, i] = meas.sup_error, np.linalg.norm(pl.V - sub.V0)
                continue
            if pl.u == 0:
                continue
            out[row, i] = error_sum(pat, sub, pl.V, ref, t).sup_abs()[0]
            out[row + 1, i] = np.linalg.norm(pl.V - sub.V0)
    return out
