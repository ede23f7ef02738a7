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
``m ≥ 4^{d+2} ln(1/δ)/τ^{2d−2}``): see :data:`PRINTED`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from approxlab.theory.near_init.two_layer import TwoLayer, lemma_3_15_uniform_bound

#: The printed statement of Theorem 3.10, for the notes shown next to the corrected one.
PRINTED = {
    "scale": "2^{d+1}√m/τ^{d−1}",
    "row": "2^{d+1}‖α‖∞/(τ^{d−1}√m)",
    "frobenius": "2^{d+1}‖α‖₂/τ^{d−1}",
    "width": "m ≥ 4^{d+2} ln(1/δ)/τ^{2d−2}",
    "probability": "1 − δ",
    "noise": "16d√m ln(m/δ)",
}


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
