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


def smallest_tau(m, d: int, delta: float, k: int):
    """The smallest τ the (corrected) width hypothesis allows at width m:
    ``m ≥ ln(k/δ)/(2τ_d²)`` ⇔ ``τ ≥ (2^{d+2}√(ln(k/δ)/(2m)))^{1/(d−1)}``."""
    root = np.sqrt(np.log(k / delta) / (2.0 * np.asarray(m, dtype=float)))
    return (2.0 ** (d + 2) * root) ** (1.0 / (d - 1))


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
    #: The displacement the construction adds, ``c|α_i| ṽ_j`` for every planted unit
    #: (rows in the order of ``planted``): ``V = V₀ + D`` on those rows.
    D: np.ndarray

    @property
    def enough(self) -> bool:
        return self.u == self.u_target

    @property
    def planted(self) -> np.ndarray:
        """Indices of the planted units, ``U_1`` first."""
        return np.concatenate(self.U) if self.U else np.zeros(0, dtype=int)


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
    D: list[np.ndarray] = []
    c = np.sqrt(m) / (tau * u) if u > 0 else 0.0
    for i in range(ref.k):  # k ≤ 5 reference units
        idx = np.flatnonzero(members[:, i])[:u]
        U.append(idx)
        D.append((c * abs(ref.alpha[i])) * geo.dirs[idx])
        V[idx] += D[-1]
    D_all = np.concatenate(D) if D else np.zeros((0, d))
    return Planting(V, S_sizes, U, u, u_target, c, c * u, D_all)


def row_bound(ref: ReferenceNetwork, tau: float, d: int, m: int) -> float:
    """``‖α‖∞/(τ τ_d √m)``."""
    return float(np.max(np.abs(ref.alpha)) / (tau * tau_d(tau, d) * np.sqrt(m)))


def frobenius_bound(ref: ReferenceNetwork, tau: float, d: int) -> float:
    """``‖α‖₂/(τ √τ_d)``."""
    return float(np.linalg.norm(ref.alpha) / (tau * np.sqrt(tau_d(tau, d))))


def error_bound(ref: ReferenceNetwork, tau: float, d: int, m: int, delta: float) -> float:
    """``√m (16 d ln(m/δ) + ‖α‖₁)`` on ``sup_{‖x‖≤1} |F(x; V) − (√m/τ) g(x)|``."""
    return float(lemma_3_15_uniform_bound(m, d, delta) + np.sqrt(m) * np.sum(np.abs(ref.alpha)))


# --- rounding allowances of the checks ------------------------------------------------------

#: Unit roundoff of float64.
UNIT = float(np.finfo(float).eps) / 2


def row_rounding(bound: float, d: int) -> float:
    """Allowance of ``maxⱼ ‖vⱼ − v₀,ⱼ‖ ≤ ‖α‖∞/(ττ_d√m)``, attained with equality when
    ``mτ_d`` is an integer (then ``u = mτ_d`` and ``c|α|_max`` is the bound).

    The measured row is ``‖D_j‖`` for the displacement ``D_j = fl(c|α_i|)·ṽ_j`` the
    construction adds (no subtraction ``V − V₀``, which would lose ~10⁻¹⁵ to cancellation):
    ``c = √m/(τu)`` (3 roundings), times ``|α_i|`` (1), ``ṽ_j = v₀,ⱼ/‖v₀,ⱼ‖`` (a d-term norm,
    ``d + 2``, and a division, 1), the product (1) and the row's norm (``d + 2``): relative
    error ≤ ``(2d + 10)u``.  The bound ``‖α‖∞/(τ·τ_d·√m)`` with ``τ_d = τ^{d−1}/2^{d+2}``: the
    power (2), τ·τ_d, √m, the product and the quotient (4): ``6u``.  ``u = ⌈mτ_d⌉`` is taken
    from the rounded ``m·τ_d`` (``τ_d`` and the product, ``3u``, when the exact value sits
    just above an integer).  Total ``(2d + 19)u``, plus 1u for second-order terms, of the bound.
    """
    return (2 * d + 20) * UNIT * bound


def frobenius_rounding(bound: float, d: int, planted: int) -> float:
    """Allowance of ``‖V − V₀‖_F ≤ ‖α‖₂/(τ√τ_d)`` (equality when ``mτ_d`` is an integer).

    Measured as the Frobenius norm of the displacement ``D`` (see :func:`row_rounding`): its
    entries carry ``(d + 8)u``, twice that once squared; the norm is a dot product of
    ``n = planted·d`` terms (``γ_n``) and a square root; the bound ``‖α‖₂/(τ√τ_d)`` has a
    k-term norm (``k + 2 ≤ 7``), the power, a product, a root and a quotient (``12u``).
    The rounded ``u = ⌈mτ_d⌉`` adds ``3u``.  Total ``(n + 2d + 35)u`` of the bound.
    """
    return (planted * d + 2 * d + 35) * UNIT * bound


@dataclass(frozen=True)
class DirectionGap:
    """``sup_x |F(x; V) − F₀(x; V)|`` of a planting in floats (an upper bound, exact when the
    arcs below are disjoint) and its rounding allowance."""

    sup: float
    rounding: float
    clusters: int  # groups of overlapping arcs (= 2·planted when all are disjoint)


def direction_gap(V: np.ndarray, V0: np.ndarray, rows: np.ndarray) -> DirectionGap:
    """The gap ``F − F₀`` of rows that the construction only lengthens (d = 2), measured
    without cancellation.

    ``F(x; V) − F₀(x; V) = Σ_j a_j (1[v_jᵀx ≥ 0] − 1[v₀,ⱼᵀx ≥ 0]) v_jᵀx`` is nonzero only on
    the arcs between the boundaries of ``v_j`` and ``v₀,ⱼ`` (two per unit, centred at
    ``ψ₀,ⱼ ± π/2``), where ``|v_jᵀx| ≤ ‖v_j‖ sin∠(v_j, v₀,ⱼ) = |v₀,ⱼ × v_j|/‖v₀,ⱼ‖``, the value
    at the arc's far end.  In exact arithmetic the construction keeps every direction, so
    all these vanish.  Arcs are grouped where they overlap (within 10⁻¹² rad); the sup is
    at most the largest group sum, and equal to the largest term when the arcs are disjoint.

    Rounding: the stored ``v_j = fl(v₀,ⱼ + fl(c|α_i|·fl(v₀,ⱼ/‖v₀,ⱼ‖)))`` turns away from
    ``v₀,ⱼ`` by at most ``3u`` (one rounding per component in the quotient, the scaling and
    the sum); the cross product is computed to ``u‖v₀,ⱼ‖‖v_j‖`` (``|x₀y| + |y₀x| ≤ ‖v₀‖‖v‖``)
    plus ``3u`` of itself.  So each term is within ``(3 + 1 + ε)u‖v_j‖`` of 0 and of its
    computed value; the allowance is ``8u·Σ‖v_j‖`` over the largest group.
    """
    Vr, V0r = V[rows], V0[rows]
    if rows.size == 0:
        return DirectionGap(0.0, 0.0, 0)
    cross = V0r[:, 0] * Vr[:, 1] - V0r[:, 1] * Vr[:, 0]
    n0 = np.linalg.norm(V0r, axis=1)
    nv = np.linalg.norm(Vr, axis=1)
    h = np.abs(cross) / n0
    width = h / nv + 1e-12  # the arc's angle (≥ its sine), with a margin
    psi = np.arctan2(V0r[:, 1], V0r[:, 0])
    centre = np.mod(np.concatenate([psi - 0.5 * np.pi, psi + 0.5 * np.pi]), 2.0 * np.pi)
    order = np.argsort(centre)
    c, w = centre[order], np.tile(width, 2)[order]
    hh, vv = np.tile(h, 2)[order], np.tile(nv, 2)[order]
    starts = np.flatnonzero(np.concatenate([[True], c[1:] - w[1:] > c[:-1] + w[:-1]]))
    sums, norms = np.add.reduceat(hh, starts), np.add.reduceat(vv, starts)
    if starts.size > 1 and c[0] - w[0] + 2.0 * np.pi <= c[-1] + w[-1]:  # wraps through 0
        sums[-1] += sums[0]
        norms[-1] += norms[0]
    return DirectionGap(float(sums.max()), 8.0 * UNIT * float(norms.max()), int(starts.size))


@dataclass(frozen=True)
class PrintedStatement:
    """Theorem 3.10 as printed (d, m, δ of the scene), and what the construction gives there.

    Printed: some V with rows ≤ ``2^{d+1}‖α‖∞/(τ^{d−1}√m)``, Frobenius ≤
    ``2^{d+1}‖α‖₂/τ^{d−1}`` and ``|F(x; V) − S g(x)| ≤ A`` with ``S = 2^{d+1}√m/τ^{d−1}``,
    ``A = √m(16d ln(m/δ) + ‖α‖₁)``.
    """

    scale: float  # S
    allowance: float  # A
    unplanted_error: float  # sup_x |F(x; V₀) − S g(x)|: V = V₀ meets the printed bound if ≤ A
    row: float  # printed row bound
    frobenius: float  # printed Frobenius bound
    construction_row: float  # the construction's rows at the printed scale, S‖α‖∞/u
    construction_frobenius: float  # ... and its Frobenius distance, S‖α‖₂/√u


def printed_statement(
    meas: Measured, ref: ReferenceNetwork, tau: float, delta: float
) -> PrintedStatement:
    """The printed constants next to the construction (d = 2; exact sups on the circle)."""
    net, d, m = meas.net, 2, meas.net.m
    S = 2.0 ** (d + 1) * np.sqrt(m) / tau ** (d - 1)
    A = float(lemma_3_15_uniform_bound(m, d, delta) + np.sqrt(m) * np.sum(np.abs(ref.alpha)))
    q = np.vstack([net.V0, ref.beta])
    unplanted = circle.sum_over(meas.pattern, q, np.concatenate([net.a, -S * ref.alpha]))
    u = max(meas.planting.u, 1)
    a_inf, a_2 = float(np.max(np.abs(ref.alpha))), float(np.linalg.norm(ref.alpha))
    return PrintedStatement(
        scale=float(S),
        allowance=A,
        unplanted_error=unplanted.sup_abs()[0],
        row=2.0 ** (d + 1) * a_inf / (tau ** (d - 1) * np.sqrt(m)),
        frobenius=2.0 ** (d + 1) * a_2 / tau ** (d - 1),
        construction_row=float(S * a_inf / u),
        construction_frobenius=float(S * a_2 / np.sqrt(u)),
    )


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
    unit circle: the rescaled error ``(τ/√m)F(x; V) − g``, the gap ``F − F₀``, the planted
    signal ``(τ/√m)(F(x; V) − F(x; V₀))`` and the noise ``(τ/√m)F(x; V₀)``."""

    net: TwoLayer
    geo: Geometry
    planting: Planting
    frobenius: float  # ‖V − V₀‖_F, as the norm of the displacement D
    row: float  # maxⱼ ‖vⱼ − v₀,ⱼ‖, from D
    pattern: circle.Pattern  # events of [V₀; β]
    error: circle.CircleSum
    sup_error: float
    phi_error: float
    gap: DirectionGap  # sup |F(x; V) − F₀(x; V)| and its rounding allowance
    signal: circle.CircleSum
    noise: circle.CircleSum

    @property
    def planted(self) -> np.ndarray:
        return self.planting.planted


def measure(m: int, tau: float, ref: ReferenceNetwork, seed: int) -> Measured:
    """Plant ``ref`` into the width-``m`` draw of ``seed`` at signal-to-noise ``τ``.

    Distances are measured on the displacement ``D`` the construction adds (``V = V₀ + D``
    on the planted rows), not as ``V − V₀``: the subtraction of two stored rows of size ~4
    would lose ~10⁻¹⁵, enough to show a bound attained with equality as failing.
    """
    net = initialization(m, 2, seed)
    geo = geometry(net, ref)
    pl = plant(net, ref, tau, geo)
    frob = float(np.linalg.norm(pl.D))
    row = float(np.max(np.linalg.norm(pl.D, axis=1))) if pl.D.size else 0.0
    scale = tau / np.sqrt(m)  # ρ = τ
    top = circle.pattern(np.vstack([net.V0, ref.beta]))
    err = error_sum(top, net, pl.V, ref, tau)
    sup_error, phi_err = err.sup_abs()
    planted = pl.planted
    # the signal the planted units add: (ρ/√m) Σ_{j planted} aⱼ σ((vⱼ − v₀,ⱼ)ᵀx), D ∥ v₀,ⱼ
    signal = circle.relu_sum(pl.D, pl.D, scale * net.a[planted])
    q = np.vstack([net.V0, np.zeros_like(ref.beta)])
    noise = circle.sum_over(top, q, np.concatenate([scale * net.a, np.zeros(ref.k)]))
    return Measured(
        net,
        geo,
        pl,
        frob,
        row,
        top,
        err,
        sup_error,
        phi_err,
        direction_gap(pl.V, net.V0, planted),
        signal,
        noise,
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
                out[0, i], out[1, i] = meas.sup_error, meas.frobenius
                continue
            if pl.u == 0:
                continue
            out[row, i] = error_sum(pat, sub, pl.V, ref, t).sup_abs()[0]
            out[row + 1, i] = np.linalg.norm(pl.D)
    return out
