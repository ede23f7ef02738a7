"""Theorem 2.3 (seed 003): gridding [0, 1]^d with cubes and 3-layer ReLU bumps.

The proof: partition [0, 1]^d into ``m = k^d`` half-open cubes ``R_j = ×ᵢ[u_{j,i}, v_{j,i})`` of
side ``1/k``; ``h = Σⱼ aⱼ·1[x ∈ R_j]`` with ``aⱼ = g(uⱼ)``.  Each indicator is replaced by the
bump ``f_γ(x) = σ(Σᵢ f_{γ,i}(xᵢ) − (d − 1))`` built from the trapezoids

    f_{γ,i}(z) = σ((z − u + γ)/γ) − σ((z − u)/γ) − σ((z − v)/γ) + σ((z − v − γ)/γ),

which are 1 on ``[u, v]`` and 0 outside ``[u − γ, v + γ]``: 4d first-layer ReLUs and one
second-layer ReLU per cube, ``(4d + 1)·k^d`` nodes, and ``f = Σⱼ aⱼ f_{γ,j}`` is a 3-layer
network (3 affine maps).

Corrections to the printed proof, each verified numerically in the tests:

- ``k``: the proof bounds ``|g(uₛ) − g(x)| ≤ ρ‖uₛ − x‖`` with ``‖uₛ − x‖₂ ≤ √d/k`` (the cube's
  diagonal), so ``sup |h − g| ≤ ε`` needs ``k ≥ ρ√d/ε``; the printed ``k = ⌈ρ/(ε√d)⌉`` gives
  only ``ρ‖uₛ − x‖ ≤ dε`` (the ridge ``Σxᵢ/√d`` attains ``√d/k``, so it fails for d ≥ 2).
  Hence ``(4d + 1)·⌈ρ√d/ε⌉^d`` nodes — O(·), not the printed Ω(⌈ρ/ε⌉^d) (an existence claim
  needs an upper bound; ⌈ρ/ε⌉^d cubes suffice only for ρ measured in ℓ∞).
- ``γ``: "sufficiently small" made explicit: the leak of one bump is at most
  ``(1/k + 2γ)^d − k^{−d}``, so ``γ★ = ½·((k^{−d} + ε/Σⱼ|aⱼ|)^{1/d} − 1/k)`` makes
  ``Σⱼ|aⱼ|·leak ≤ ε``; we also cap ``γ ≤ 1/(2k)`` (ramps never reach a second neighbour).
  The exact leak of an interior bump is ``Σ_{s=1}^{d} C(d,s)·2^s·k^{s−d}·γ^s/(s + 1)!``.
- typos: the trapezoid's support is ``[u − γ, v + γ]`` (printed ``[a_j − γ, b_j + γ]``), the
  bump sums over coordinates ``Σᵢ f_{γ,i}(xᵢ)`` (printed ``Σⱼ``), and ``τ = ε/Σⱼ|aⱼ|``
  (printed ``ε/Σᵢ|αᵢ|`` at the end).

Evaluation never forms the network's matrices (``W₂`` has ``4d·k^{2d}`` entries): a point
in cell ``c`` is reached only by its own bump (value ``aⱼ``) and by neighbours along the
axes where it lies within γ of a face, so ``f(x) = a_c + Σ_S a_{c+S}·σ(1 − Σ_{i∈S} δᵢ)``
over subsets S of those axes — exact, the skipped terms are ``σ(z ≤ 0) = 0``.
:func:`grid_relu_network` builds the real weight matrices for small grids; the tests check
that both agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from approxlab.theory.core.networks import ReLUNetwork, evaluate, layer
from approxlab.theory.core.targets_nd import FieldFn

#: Cubes processed at a time when sweeping all k^d cubes (bounded memory).
CHUNK = 1 << 16


def cells_per_axis(rho: float, eps: float, d: int) -> int:
    """Corrected ``k = ⌈ρ√d/ε⌉`` (at least 1): ``ρ·diam(cube) = ρ√d/k ≤ ε``."""
    return max(1, math.ceil(rho * math.sqrt(d) / eps))


def cells_per_axis_printed(rho: float, eps: float, d: int) -> int:
    """The printed ``k = ⌈ρ/(ε√d)⌉`` (003, proof of Theorem 2.3) — too coarse for d ≥ 2."""
    return max(1, math.ceil(rho / (eps * math.sqrt(d))))


def relu_nodes(k: int, d: int) -> int:
    """``(4d + 1)·k^d``: 4d first-layer and one second-layer ReLU per cube."""
    return (4 * d + 1) * k**d


def leak_bound(k: int, d: int, gamma: float) -> float:
    """The proof's bound ``(1/k + 2γ)^d − k^{−d}`` on ``∫|f_γ − 1_R|`` (computed without
    cancellation as ``k^{−d}·expm1(d·log1p(2γk))``)."""
    return float(k ** (-d) * math.expm1(d * math.log1p(2.0 * gamma * k)))


def leak_exact(k: int, d: int, gamma: float) -> float:
    """``∫_{ℝ^d} f_γ − vol(R)`` for a cube of side 1/k (γ ≤ 1/(2k)): the shell where ``s``
    coordinates are on a ramp contributes ``C(d,s)·2^s·k^{s−d}·γ^s·∫_{[0,1]^s}(1 − Σt)₊``
    and that integral is ``1/(s + 1)!``."""
    return float(
        sum(
            math.comb(d, s) * 2**s * k ** (s - d) * gamma**s / math.factorial(s + 1)
            for s in range(1, d + 1)
        )
    )


def gamma_star(k: int, d: int, eps: float, total: float) -> float:
    """Largest γ with ``total·leak_bound(k, d, γ) ≤ ε``, capped at ``1/(2k)``."""
    cap = 0.5 / k
    if total <= 0.0:
        return cap
    g = 0.5 / k * math.expm1(math.log1p(eps * k**d / total) / d)
    return min(g, cap)


@lru_cache(maxsize=2)
def _all_lower_corners(k: int, d: int) -> np.ndarray:
    """All lower corners, row j = cube j (axis 0 varies fastest); built by tiling, read-only."""
    side = np.arange(k) / k
    u = np.stack([np.tile(np.repeat(side, k**i), k ** (d - i - 1)) for i in range(d)], axis=1)
    u.flags.writeable = False
    return u


def lower_corners(k: int, d: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Lower corners ``uⱼ`` of cubes ``start … stop − 1``."""
    return _all_lower_corners(k, d)[start:stop]


def cube_sweep(k: int, d: int):
    """Yield ``(start, lower corners)`` in chunks of :data:`CHUNK` cubes."""
    m = k**d
    for start in range(0, m, CHUNK):
        yield start, lower_corners(k, d, start, min(m, start + CHUNK))


@dataclass(frozen=True)
class GridNetwork:
    """The network ``f = Σⱼ aⱼ f_{γ,j}`` of Theorem 2.3 and its piecewise-constant ``h``."""

    k: int
    d: int
    gamma: float
    a: np.ndarray  # (k^d,) outer weights aⱼ = g(uⱼ)

    @property
    def cubes(self) -> int:
        return self.k**self.d

    @property
    def nodes(self) -> int:
        return relu_nodes(self.k, self.d)

    def cells(self, X: np.ndarray) -> np.ndarray:
        """Cell index of every coordinate; half-open ``[u, v)`` except that 1 is in the last."""
        edges = np.arange(self.k + 1) / self.k
        return np.clip(np.searchsorted(edges, X, side="right") - 1, 0, self.k - 1)

    def cube_index(self, cells: np.ndarray) -> np.ndarray:
        return cells @ (self.k ** np.arange(self.d))

    def h(self, X: np.ndarray) -> np.ndarray:
        """``h(x) = a_j`` for the cube ``R_j ∋ x``."""
        return self.a[self.cube_index(self.cells(np.asarray(X, dtype=float)))]

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """Exact evaluation of the 3-layer network, touching only the bumps that are nonzero."""
        X = np.asarray(X, dtype=float)
        k, d, gam = self.k, self.d, self.gamma
        c = self.cells(X)
        j = self.cube_index(c)
        out = self.a[j]
        dl = X * k - c  # position inside the cell, in units of the side 1/k
        dr = 1.0 - dl
        left = (dl * (1.0 / (k * gam)) < 1.0) & (c > 0)
        right = (dr * (1.0 / (k * gam)) < 1.0) & (c < k - 1) & ~left
        active = left | right
        cand = np.flatnonzero(active.any(axis=1))
        if cand.size == 0:
            return out
        left, active = left[cand], active[cand]
        delta = np.where(left, dl[cand], dr[cand]) / (k * gam)
        step = np.where(left, -1, 1) * (k ** np.arange(d))
        jc = j[cand]
        bits = active @ (1 << np.arange(d))
        for mask in range(1, 1 << d):
            sel = np.flatnonzero((bits & mask) == mask)
            if sel.size == 0:
                continue
            axes = np.flatnonzero((mask >> np.arange(d)) & 1)
            z = 1.0 - delta[sel][:, axes].sum(axis=1)
            keep = z > 0
            sel, z = sel[keep], z[keep]
            nb = jc[sel] + step[sel][:, axes].sum(axis=1)
            out[cand[sel]] += self.a[nb] * z  # each point once per mask: no duplicates
        return out


def cube_values(g: FieldFn, k: int, d: int) -> np.ndarray:
    """The outer weights ``aⱼ = g(uⱼ)`` at the lower corners of all ``k^d`` cubes."""
    return np.concatenate([g(u) for _, u in cube_sweep(k, d)])


def grid_network(
    g: FieldFn, k: int, d: int, gamma: float, a: np.ndarray | None = None
) -> GridNetwork:
    """Theorem 2.3's network for ``g`` with ``k`` cells per axis and ramp width ``γ`` (``a``:
    the cube values :func:`cube_values` if already computed)."""
    if not 0.0 < gamma <= 0.5 / k:
        raise ValueError("need 0 < γ ≤ 1/(2k)")
    return GridNetwork(k, d, float(gamma), cube_values(g, k, d) if a is None else a)


def grid_relu_network(net: GridNetwork) -> ReLUNetwork:
    """The real weight matrices ``[(W₁, b₁), (W₂, b₂), (W₃, b₃)]`` of ``f`` (small grids only:
    ``W₂`` has ``4d·k^{2d}`` entries)."""
    k, d, gam = net.k, net.d, net.gamma
    m = net.cubes
    if 4 * d * m * m > 5_000_000:
        raise ValueError("grid too large to build its dense weight matrices")
    u = lower_corners(k, d)  # (m, d)
    # upper corners (c + 1)/k computed as the next cube's lower corner is, so that shared
    # faces give bit-identical ramps (one knot, not two a rounding apart)
    v = (np.rint(u * k) + 1.0) / k
    # first layer: per cube, per axis, the 4 ramps σ((z − t)/γ) at t = u − γ, u, v, v + γ
    t = np.stack([u - gam, u, v, v + gam], axis=2)  # (m, d, 4)
    W1 = np.zeros((m, d, 4, d))
    W1[:, np.arange(d), :, np.arange(d)] = 1.0 / gam
    W1 = W1.reshape(m * d * 4, d)
    b1 = (-t / gam).reshape(-1)
    # second layer: σ(Σᵢ (r₁ − r₂ − r₃ + r₄) − (d − 1)) per cube
    W2 = np.kron(np.eye(m), np.tile([1.0, -1.0, -1.0, 1.0], d))
    b2 = np.full(m, -(d - 1.0))
    return [layer(W1, b1), layer(W2, b2), layer(net.a[None, :], [0.0])]


def sup_piecewise_error(box_range, net: GridNetwork) -> tuple[float, np.ndarray]:
    """Exact ``sup_{[0,1]^d} |h − g|`` from the target's exact range on every cube.

    On the half-open cube ``[u, v)`` the supremum of ``|g(x) − g(u)|`` equals the maximum over
    the closed cube (g is continuous), i.e. ``max(max g − aⱼ, aⱼ − min g)``.  Returns the
    supremum and the lower corner of a cube attaining it.
    """
    best, where = -np.inf, np.zeros(net.d)
    for start, u in cube_sweep(net.k, net.d):
        lo, hi = box_range(u, u + 1.0 / net.k)
        a = net.a[start : start + u.shape[0]]
        err = np.maximum(hi - a, a - lo)
        i = int(np.argmax(err))
        if err[i] > best:
            best, where = float(err[i]), u[i]
    return best, where


#: Gauss–Legendre points per panel of :func:`axis_rule`.
RULE_ORDER = 2
#: Target number of nodes per axis for :func:`axis_rule`.
RULE_NODES = 512


def rule_pieces(k: ArrayLike, nodes: int = RULE_NODES) -> tuple[Any, Any]:
    """Panels per plateau ``[u + γ, v − γ]`` and per ramp strip (width γ) along one axis.

    Plateaus get ``⌈32/k⌉`` panels (≥ 32 per axis); ramps, where the bumps overlap and the
    second-layer ReLU has its kinks, get what the budget leaves, 1 to 4 panels.  ``k`` may
    be an integer or an integer array.
    """
    k = np.asarray(k, dtype=np.int64)
    plateau = np.maximum(1, -(-32 // k))
    strip = np.clip((nodes // RULE_ORDER - k * plateau) // (2 * k), 1, 4)
    if k.ndim == 0:
        return int(plateau), int(strip)
    return plateau, strip


def axis_rule_size(k: ArrayLike, nodes: int = RULE_NODES) -> Any:
    """Number of nodes of :func:`axis_rule` (at most; for cost limits); vectorized in ``k``."""
    plateau, strip = rule_pieces(k, nodes)
    return (
        RULE_ORDER * np.asarray(k, dtype=np.int64) * (plateau + 2 * strip)
        if np.ndim(k)
        else RULE_ORDER * int(k) * (plateau + 2 * strip)
    )


def axis_rule(k: int, gamma: float, nodes: int = RULE_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [0, 1] aligned with every breakpoint of the
    network along one axis (``j/k`` and ``j/k ± γ``), panels per :func:`rule_pieces`."""
    plateau, strip = rule_pieces(k, nodes)
    e = np.arange(k + 1) / k
    bp = np.unique(np.clip(np.concatenate([e, e - gamma, e + gamma]), 0.0, 1.0))
    lo, hi = bp[:-1], bp[1:]
    is_strip = (hi - lo) <= gamma * (1.0 + 1e-9)
    pieces = np.where(is_strip, strip, plateau)
    start = np.repeat(lo, pieces)
    width = np.repeat((hi - lo) / pieces, pieces)
    start = start + width * (
        np.arange(pieces.sum()) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    )
    t, w = np.polynomial.legendre.leggauss(RULE_ORDER)
    return (start[:, None] + 0.5 * width[:, None] * (t + 1.0)).ravel(), (
        0.5 * width[:, None] * w
    ).ravel()


def tensor_rule(k: int, d: int, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """Tensor-product rule on [0, 1]^d (d ≤ 2) from :func:`axis_rule`."""
    x, w = axis_rule(k, gamma)
    if d == 1:
        return x[:, None], w
    X = np.stack(np.meshgrid(x, x, indexing="ij"), axis=-1).reshape(-1, 2)
    return X, np.outer(w, w).ravel()


# --------------------------------------------------------------------------------------
# the scene's measurements


def largest_k(d: int, max_cubes: int, max_points: int) -> int:
    """Largest k with at most ``max_cubes`` cubes k^d and, for d ≤ 2, a quadrature grid
    (:func:`tensor_rule`) of at most ``max_points`` points."""
    k = math.floor(max_cubes ** (1.0 / d) + 1e-9)
    while (k + 1) ** d <= max_cubes:
        k += 1
    while k**d > max_cubes:
        k -= 1
    if d <= 2:  # the quadrature grid grows with k too: largest k ≤ k that fits
        ks = np.arange(1, k + 1)
        k = int(ks[axis_rule_size(ks) ** d <= max_points].max())
    return k


@dataclass(frozen=True)
class GridConstruction:
    """Theorem 2.3's construction for one target, ε and d (γ = fraction·γ★)."""

    eps: float
    k: int
    net: GridNetwork
    total: float  # Σⱼ|aⱼ|
    gamma_star: float

    @property
    def tau(self) -> float:
        """τ = ε/Σⱼ|aⱼ| (∞ when every aⱼ is 0)."""
        return self.eps / self.total if self.total > 0 else math.inf

    def leak_bound(self) -> float:
        """Σⱼ|aⱼ|·((1/k + 2γ)^d − k^{−d}), the proof's bound on ∫|f − h|."""
        return self.total * leak_bound(self.k, self.net.d, self.net.gamma)


def theorem_2_3(g: FieldFn, rho: float, eps: float, d: int, gamma_fraction: float):
    """k = ⌈ρ√d/ε⌉, the cube values, γ★ and the network with γ = fraction·γ★."""
    k = cells_per_axis(rho, eps, d)
    a = cube_values(g, k, d)
    total = float(np.abs(a).sum())
    gstar = gamma_star(k, d, eps, total)
    net = grid_network(g, k, d, gamma_fraction * gstar, a)
    return GridConstruction(eps, k, net, total, gstar)


@dataclass(frozen=True)
class L1Errors:
    """∫|f − g|, ∫|f − h|, ∫|h − g| over [0, 1]^d as ``(mean, standard error)`` (standard
    error 0 for quadrature), with the points and the values of h and g there."""

    fg: tuple[float, float]
    fh: tuple[float, float]
    hg: tuple[float, float]
    X: np.ndarray
    h: np.ndarray
    g: np.ndarray


def l1_errors(g: FieldFn, net: GridNetwork, mc_points: int, mc_seed: int) -> L1Errors:
    """The three integrals by the breakpoint-aligned Gauss tensor rule (d ≤ 2) or as Monte
    Carlo means over ``mc_points`` uniform points of seed ``mc_seed`` (d > 2)."""
    d = net.d
    if d <= 2:
        X, w = tensor_rule(net.k, d, net.gamma)
    else:
        X = np.random.default_rng(mc_seed).random((mc_points, d))
        w = np.full(mc_points, 1.0 / mc_points)
    f, h, gx = net(X), net.h(X), g(X)
    out = {}
    for name, e in (("fg", np.abs(f - gx)), ("fh", np.abs(f - h)), ("hg", np.abs(h - gx))):
        mean = float(np.sum(w * e))  # not a BLAS dot: tiny BLAS calls stall under load
        se = 0.0 if d <= 2 else float(e.std(ddof=1) / math.sqrt(e.size))
        out[name] = (mean, se)
    return L1Errors(out["fg"], out["fh"], out["hg"], X, h, gx)


def sup_h_error(g: FieldFn, box_range, net: GridNetwork, ints: L1Errors) -> float:
    """``sup |h − g|``: exact from the cubes' ranges when ``box_range`` is known, else an
    estimate from the integration points and every cube's far corner."""
    if box_range is not None:
        return sup_piecewise_error(box_range, net)[0]
    best = float(np.max(np.abs(ints.h - ints.g)))
    for start, u in cube_sweep(net.k, net.d):  # limits at the far corners v = u + 1/k
        far = g(np.minimum(u + 1.0 / net.k, 1.0))
        best = max(best, float(np.max(np.abs(far - net.a[start : start + u.shape[0]]))))
    return best


def sup_with_k(g: FieldFn, box_range, k: int, d: int) -> float:
    """Exact ``sup |h − g|`` of the piecewise-constant h on k^d cubes (e.g. the printed k)."""
    return sup_piecewise_error(box_range, GridNetwork(k, d, 0.5 / k, cube_values(g, k, d)))[0]


def node_counts(
    rhos: np.ndarray, eps: float, dims: np.ndarray
) -> tuple[list[int], list[int], list[int]]:
    """ReLU nodes against d: the corrected ``(4d + 1)·⌈ρ√d/ε⌉^d``, the same with the printed
    ``k = ⌈ρ/(ε√d)⌉``, and the printed count ``⌈ρ/ε⌉^d`` (ρ per dimension)."""
    pairs = list(zip(rhos, dims, strict=True))
    corrected = [relu_nodes(cells_per_axis(r, eps, int(dd)), int(dd)) for r, dd in pairs]
    printed = [relu_nodes(cells_per_axis_printed(r, eps, int(dd)), int(dd)) for r, dd in pairs]
    omega = [max(1, math.ceil(r / eps)) ** int(dd) for r, dd in pairs]
    return corrected, printed, omega


def leak_curves(k: int, d: int, gammas: np.ndarray) -> tuple[list[float], list[float]]:
    """The proof's leak bound and the exact leak of an interior bump at every γ."""
    return [leak_bound(k, d, x) for x in gammas], [leak_exact(k, d, x) for x in gammas]


def dense_deviation(net: GridNetwork, X: np.ndarray) -> float:
    """``max |f − (f through the real weight matrices)|`` at the points ``X`` (small grids)."""
    return float(np.max(np.abs(evaluate(grid_relu_network(net), X) - net(X))))


# --------------------------------------------------------------------------------------
# rounding allowances, derived from the computation

_U = float(np.finfo(float).eps) / 2


def sup_h_allowance(roundings: int, amax: float, eps: float, rho: float, d: int) -> float:
    """Rounding allowance of the measured ``sup |h − g|`` against ε.

    Exactly, ``sup_{R_j} |g − g(u_j)| ≤ ρ·diam(R_j) = ρ√d/k ≤ ε`` (equality for the ridge
    when ``√d/ε`` is an integer).  The measurement ``max(max_R g − aⱼ, aⱼ − min_R g)`` adds:
    ``g`` at the corner and the cube's exact extreme, ``G`` roundings each (``2G·u·max|aⱼ|``);
    the subtraction (``u·ε``); the corners ``j/k`` and ``j/k + 1/k``, each coordinate rounded
    by at most ``u`` (the diagonal by ``2u√d``, times ρ); and ρ itself, computed with ``G``
    roundings (``G·u·ε``).
    """
    return 2 * roundings * _U * amax + (roundings + 1) * _U * eps + 2 * _U * rho * math.sqrt(d)


def leak_budget_allowance(k: int, d: int, eps: float, total: float) -> float:
    """Rounding allowance of ``Σⱼ|aⱼ|·((1/k + 2γ★)^d − k^{−d}) = ε`` (γ★ uncapped).

    γ★ is ``expm1(L/d)/(2k)`` with ``L = log1p(ε·k^d/Σ|aⱼ|)`` and the bound is
    ``k^{−d}·expm1(d·log1p(2γk))``: the round trip returns ``L`` with a relative error of a
    few ``u`` (at most 8 roundings: the power, the quotient, log1p, the division by d,
    expm1, the product 2γk, log1p, the product by d), and ``expm1`` amplifies a relative
    error ``δ`` of its argument ``L`` by ``L·e^L/(e^L − 1) ≤ 1 + L``; the final products
    add 4 roundings.  In all ``(4 + 8·(1 + L))·u·ε``.
    """
    L = math.log1p(eps * float(k) ** d / total) if total > 0 else 0.0
    return (4 + 8 * (1 + L)) * _U * eps
