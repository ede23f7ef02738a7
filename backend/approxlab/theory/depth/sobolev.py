"""Sobolev balls: Theorem 5.4 with Lemmas 5.3–5.5 (seed 003, §4.2.1; Yarotsky 2017, seeds
001/004), and Yarotsky's lower bound (seed 000).

The network of Theorem 5.4 is ``f(x) = Σ_{v∈S} prod_{k,2}(f_v(x), part_{k,s}(x)_v)`` over the
grid ``S = {0, 1/s, …, 1}^d``, one *branch* per grid point ``v``:

* ``part_{k,s}(x)_v = prod_{k,d}(h(x_1 − v_1), …, h(x_d − v_d))`` with the hat
  ``h(a) = σ(sa + 1) − 2σ(sa) + σ(sa − 1)`` (Lemma 5.5);
* ``f_v(x) = w_v^T mono_{k,r}(x − v)``: the local Taylor polynomial at ``v`` with its
  monomials computed by chains of approximate products (Lemmas 5.3, 5.4).

The products are built from Yarotsky's squaring network ``h_k`` of
:mod:`approxlab.theory.depth.squaring`.  What the printed proof leaves open, and how it is
resolved here (each is a statement the tests check numerically):

1. *Negative inputs* ("a small issue that negative inputs might occur"): ``x − v`` has
   either sign, and ``h_k`` squares only on ``[0, 1]``.  The monomials use Yarotsky's
   product for ``[−1, 1]²`` (2017, Prop. 3 with ``M = 1``),
   ``×(a, b) = 2(h_k(|a+b|/2) − h_k(|a|/2) − h_k(|b|/2))`` with ``|u| = σ(u) + σ(−u)``
   (:func:`signed_product_network`): error ``≤ 4^{−k}`` since ``h_k − (·)² ∈ [0, 4^{−k−1}]``
   on ``[0, 1]``, and exactly 0 when a factor is 0.  ``|x − v| ≤ 1`` on ``[0, 1]^d``.
2. *Inputs to prod_{k,2} exceeding [0, 1]* ("clip its input"): ``f_v`` is clipped to
   ``[0, 1]`` by ``σ(f) − σ(f − 1)`` before the final product.  Since ``g ∈ [0, 1]``,
   clipping never moves ``f_v`` away from ``g``, so every error term of the proof survives.
   The final product is the corrected ``g_k`` of Corollary 4.3
   (:func:`approxlab.theory.depth.squaring.product_network`), which vanishes when the bump is 0 —
   what makes the sum local (the printed polarization does not vanish on the axes).
3. *Taylor degree*: the printed proof takes the Taylor polynomial of degree ``r`` but bounds
   its remainder by ``M d^r ‖x − v‖^r / r!``, which is the remainder of the degree-``r − 1``
   polynomial (order-``r`` derivatives, the ones bounded by ``M``).  Degree ``r − 1`` is used.
4. *Number of monomials*: the proof uses ``N ≤ d^r``; in fact ``N = C(d + r − 1, d)`` for
   degree ``≤ r − 1`` (``r`` monomials when ``d = 1``).  The monomial term is bounded instead
   through ``Σ_α |w_α| ≤ M Σ_q d^q/q!`` (the Taylor coefficients are ``∂^α g(v)/α!``);
   :func:`proof_bound` evaluates the proof's chain with the actual coefficients.
5. *The width discrepancy with Yarotsky* (Remark 5.15): with ``s ≍ ε^{−1/r}`` and
   ``k ≍ log(1/ε)`` the node count ``O((kd + d² + r²d^r + krd^r) s^d)`` is
   ``O(ε^{−d/r} log(1/ε))`` and the depth ``O(log(1/ε))`` — Yarotsky's rates; the two differ
   only in the constant ``c(d, r)``.  :func:`size_for_accuracy` computes the actual node count
   of the built network at the smallest ``(s, k)`` meeting a target accuracy.

Branches are built as plain ReLU networks (:func:`branch_network`; sizes are read off them).
For speed, :func:`approximate` evaluates the same component networks stage by stage, each
branch only on its bump's support — elsewhere a branch is 0 exactly in exact arithmetic and
up to float64 rounding of the hat (≲ 1e−16) in floating point; the tests check that this
equals the assembled network.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from approxlab.theory.core import certified, networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import ReLUNetwork, compose, evaluate, layer
from approxlab.theory.depth import squaring

# ----------------------------------------------------------------------------- targets

Factor = Callable[[np.ndarray, int], np.ndarray]


@dataclass(frozen=True)
class Factor1D:
    """One factor ``φ : [0, 1] → [0, 1]`` of a product target, in closed form.

    ``fn(t, n)`` is ``φ^{(n)}(t)``; ``sup(n)`` is ``sup_{[0,1]} |φ^{(n)}|`` exactly;
    ``slope_points(m)``: for slopes ``m`` (shape ``(n,)``) every ``t ∈ [0, 1]`` with
    ``φ′(t) = m``, as columns of an ``(n, c)`` array (NaN where there is none) — the critical
    points of ``ℓ − φ`` for an affine ``ℓ`` of slope ``m``.
    """

    fn: Factor
    sup: Callable[[int], float]
    slope_points: Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class SmoothTarget:
    """``g(x) = ∏_j φ_j(x_j)`` on ``[0, 1]^d`` with factors ``φ_j : [0, 1] → [0, 1]``
    (coordinate ``j`` uses ``factors[j]``, the last one for any further coordinates).

    Every partial derivative ``∂^α g = ∏_j φ_j^{(α_j)}(x_j)`` and its supremum
    ``∏_j sup |φ_j^{(α_j)}|`` are exact.  ``factor``, ``factor_sup`` and ``slope_points``
    are the first factor's (the whole target when ``d = 1``).
    """

    name: str
    label: str
    factors: tuple[Factor1D, ...]

    def part(self, j: int) -> Factor1D:
        """The factor of coordinate ``j``."""
        return self.factors[min(j, len(self.factors) - 1)]

    def factor(self, t: np.ndarray, n: int) -> np.ndarray:
        return self.factors[0].fn(t, n)

    def factor_sup(self, n: int) -> float:
        return self.factors[0].sup(n)

    def slope_points(self, m: np.ndarray) -> np.ndarray:
        return self.factors[0].slope_points(m)

    def sup_derivative(self, alpha: Sequence[int]) -> float:
        """``sup_{[0,1]^d} |∂^α g| = ∏_j sup |φ_j^{(α_j)}|``."""
        return float(math.prod(self.part(j).sup(a) for j, a in enumerate(alpha)))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.derivative(x, (0,) * np.atleast_2d(x).shape[1])

    def derivative(self, x: np.ndarray, alpha: Sequence[int]) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=float))
        out = np.ones(x.shape[0])
        for j, a in enumerate(alpha):
            out = out * self.part(j).fn(x[:, j], a)
        return out


def _sin2(t: np.ndarray, n: int) -> np.ndarray:
    # sin²(πt) = (1 − cos 2πt)/2
    if n == 0:
        return np.sin(np.pi * t) ** 2
    return -0.5 * (2 * np.pi) ** n * np.cos(2 * np.pi * t + n * np.pi / 2)


def _exp(t: np.ndarray, n: int) -> np.ndarray:
    return np.exp(t - 1.0)


def _poly(t: np.ndarray, n: int) -> np.ndarray:
    # 4t(1 − t)
    return [4 * t * (1 - t), 4 - 8 * t, np.full_like(t, -8.0)][n] if n <= 2 else np.zeros_like(t)


def _sin2_slope_points(m: np.ndarray) -> np.ndarray:
    # φ′(t) = π sin(2πt) = m: 2πt = asin(m/π) or π − asin(m/π) (mod 2π)
    with np.errstate(invalid="ignore"):
        theta = np.arcsin(np.asarray(m, dtype=float) / np.pi)  # NaN when |m| > π
    return np.stack([(theta / (2 * np.pi)) % 1.0, (np.pi - theta) / (2 * np.pi)], axis=1)


def _exp_slope_points(m: np.ndarray) -> np.ndarray:
    # φ′(t) = exp(t − 1) = m
    m = np.asarray(m, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(m > 0, 1.0 + np.log(np.where(m > 0, m, 1.0)), np.nan)
    return t[:, None]


def _poly_slope_points(m: np.ndarray) -> np.ndarray:
    # φ′(t) = 4 − 8t = m
    return ((4.0 - np.asarray(m, dtype=float)) / 8.0)[:, None]


SIN2 = Factor1D(_sin2, lambda n: 1.0 if n == 0 else (2 * np.pi) ** n / 2, _sin2_slope_points)
EXP = Factor1D(_exp, lambda n: 1.0, _exp_slope_points)
POLY = Factor1D(_poly, lambda n: [1.0, 4.0, 8.0][n] if n <= 2 else 0.0, _poly_slope_points)

TARGETS: dict[str, SmoothTarget] = {
    t.name: t
    for t in (
        SmoothTarget("sin2", "∏ sin²(πxⱼ)", (SIN2,)),
        SmoothTarget("exp", "exp(Σ (xⱼ − 1))", (EXP,)),
        SmoothTarget("poly", "∏ 4xⱼ(1 − xⱼ)", (POLY,)),
        SmoothTarget("tilted", "exp(x₁ − 1) · 4x₂(1 − x₂), not symmetric", (EXP, POLY)),
    )
}


def exponents(d: int, max_degree: int) -> list[tuple[int, ...]]:
    """Multi-indices ``α`` with ``|α| ≤ max_degree``, by degree then lexicographically."""
    out = [a for a in itertools.product(range(max_degree + 1), repeat=d) if sum(a) <= max_degree]
    return sorted(out, key=lambda a: (sum(a), tuple(-x for x in a)))


def smoothness_constant(target: SmoothTarget, d: int, r: int) -> float:
    """``M = max_{|α| ≤ r} sup_{[0,1]^d} |∂^α g|`` (exact for the product targets)."""
    return max(target.sup_derivative(alpha) for alpha in exponents(d, r))


def taylor_coefficients(
    target: SmoothTarget, v: np.ndarray, exps: Sequence[tuple[int, ...]]
) -> np.ndarray:
    """``w_{v,α} = ∂^α g(v)/α!`` for every grid point (rows of ``v``) and exponent."""
    return np.stack(
        [target.derivative(v, a) / math.prod(math.factorial(x) for x in a) for a in exps], axis=1
    )


# ----------------------------------------------------------------------------- networks


@cache
def signed_square_network(k: int) -> ReLUNetwork:
    """``u ↦ h_k(|u|)``: ``u²`` up to ``4^{−k−1}`` for ``|u| ≤ 1`` (``4k + 2`` nodes)."""
    absolute = [layer([[1.0], [-1.0]], [0.0, 0.0]), layer([[1.0, 1.0]], [0.0])]
    return compose(squaring.squaring_network(k, carry="nonneg"), absolute)


@cache
def signed_product_network(k: int) -> ReLUNetwork:
    """Yarotsky's product on ``[−1, 1]²``: ``2(h_k(|a+b|/2) − h_k(|a|/2) − h_k(|b|/2))``."""
    sq = signed_square_network(k)
    maps = ([[0.5, 0.5]], [[0.5, 0.0]], [[0.0, 0.5]])
    return networks.parallel_sum([compose(sq, [layer(A, [0.0])]) for A in maps], [2.0, -2.0, -2.0])


@cache
def final_product_network(k: int) -> ReLUNetwork:
    """``prod_{k,2}`` on ``[0, 1]²``: the corrected ``g_k`` of Corollary 4.3."""
    return squaring.product_network(k, carry="nonneg")


@cache
def hat_network(s: int) -> ReLUNetwork:
    """Lemma 5.5's bump ``h(a) = σ(sa + 1) − 2σ(sa) + σ(sa − 1)``, support ``[−1/s, 1/s]``."""
    return [layer([[s], [s], [s]], [1.0, 0.0, -1.0]), layer([[1.0, -2.0, 1.0]], [0.0])]


CLIP_NETWORK: ReLUNetwork = [layer([[1.0], [1.0]], [0.0, -1.0]), layer([[1.0, -1.0]], [0.0])]
"""``σ(f) − σ(f − 1)``: ``f`` clipped to ``[0, 1]``."""


def _stack(nets: Sequence[ReLUNetwork], maps: Sequence[np.ndarray], n_in: int) -> ReLUNetwork:
    """``s ↦ (N_1(A_1 s), …, N_m(A_m s))`` for networks of equal depth (outputs concatenated)."""
    depth = len(nets[0])
    out: ReLUNetwork = []
    for li in range(depth):
        if li == 0:
            W = np.vstack([n[0][0] @ A for n, A in zip(nets, maps, strict=True)])
        else:
            W = networks._block_diag([n[li][0] for n in nets])
        out.append((W, np.concatenate([n[li][1] for n in nets])))
    return out


def _stage(
    new: ReLUNetwork,
    in_map: np.ndarray,
    in_bias: np.ndarray,
    keep: np.ndarray,
    keep_bias: np.ndarray,
) -> ReLUNetwork:
    """Signals ``s ↦ (new(A s + a), K s + c)``: ``new`` on affine inputs, while ``K s + c``
    rides along every hidden layer as ``σ(y), σ(−y)`` (exact for any sign)."""
    inner = squaring.carry_alongside(new, keep.shape[0], "signed")
    return compose(inner, [(np.vstack([in_map, keep]), np.concatenate([in_bias, keep_bias]))])


def _select(n: int, rows: Sequence[int]) -> np.ndarray:
    S = np.zeros((len(rows), n))
    S[np.arange(len(rows)), list(rows)] = 1.0
    return S


def _unit(d: int, j: int) -> tuple[int, ...]:
    return tuple(int(i == j) for i in range(d))


def mono_plan(d: int, r: int) -> list[list[tuple[tuple[int, ...], tuple[int, ...], int]]]:
    """Per degree ``q = 2 … r − 1``: ``(α, α − e_j, j)`` — monomial ``α`` as the product of
    the lower monomial and ``t_j`` (``j`` = last coordinate with ``α_j > 0``)."""
    plan = []
    for q in range(2, r):
        stage = []
        for a in exponents(d, q):
            if sum(a) != q:
                continue
            j = max(i for i in range(d) if a[i] > 0)
            parent = tuple(x - (i == j) for i, x in enumerate(a))
            stage.append((a, parent, j))
        plan.append(stage)
    return plan


def branch_network(k: int, s: int, d: int, r: int, v: np.ndarray, w: np.ndarray) -> ReLUNetwork:
    """The branch ``x ↦ prod_{k,2}(clip(w^T mono_{k,r}(x − v)), part_{k,s}(x)_v)`` as one
    plain ReLU network ``ℝ^d → ℝ`` (``w`` over :func:`exponents` ``(d, r − 1)``).

    Stages: monomials of degree 2, …, r − 1 (signed products, everything else carried);
    the bump (hats, then the corrected product for ``d = 2``) while ``f_v`` rides along;
    the clip of ``f_v`` while the bump rides along; the final product.  The stages do not
    depend on ``v`` or ``w`` (cached); ``v`` enters the first layer's bias and ``w`` the
    map into the bump stage.
    """
    exps = exponents(d, r - 1)
    stages, names = _mono_stages(k, d, r)
    net: ReLUNetwork = [(np.eye(d), -np.asarray(v, dtype=float))]  # t = x − v
    for stage in stages:
        net = compose(stage, net)
    n = len(names)
    # f_v = w_0 + Σ_α w_α t^α as a linear map of the signals
    fw = np.zeros((1, n))
    for a, coef in zip(exps[1:], w[1:], strict=True):
        fw[0, names.index(a)] += coef
    into = [(np.vstack([np.eye(n), fw]), np.concatenate([np.zeros(n), np.array([w[0]])]))]
    net = compose(compose(_carried_bump(k, s, d, r), into), net)  # (part, f)
    net = compose(_clip_stage(), net)  # (c, part)
    return compose(final_product_network(k), net)


@cache
def _mono_stages(k: int, d: int, r: int) -> tuple[tuple[ReLUNetwork, ...], tuple]:
    """The monomial stages of a branch (signed products, every other signal carried), and
    the signals' names (exponents) after them."""
    names: list[tuple[int, ...]] = [_unit(d, j) for j in range(d)]
    stages = []
    for stage in mono_plan(d, r):
        n = len(names)
        maps = [_select(n, [names.index(p), names.index(_unit(d, j))]) for _, p, j in stage]
        prods = _stack([signed_product_network(k)] * len(stage), maps, n)
        stages.append(_stage(prods, np.eye(n), np.zeros(n), np.eye(n), np.zeros(n)))
        names = [a for a, _, _ in stage] + names
    return tuple(stages), tuple(names)


@cache
def _carried_bump(k: int, s: int, d: int, r: int) -> ReLUNetwork:
    """The bump stage (hats of the ``t_j``, their product for ``d = 2``) with one signal,
    ``f_v``, riding along."""
    names = _mono_stages(k, d, r)[1]
    n = len(names)
    t_rows = [names.index(_unit(d, j)) for j in range(d)]
    hats = _stack([hat_network(s)] * d, [_select(n, [t_rows[j]]) for j in range(d)], n)
    part = hats if d == 1 else compose(final_product_network(k), hats)
    return squaring.carry_alongside(part, 1, "signed")


@cache
def _clip_stage() -> ReLUNetwork:
    """``(part, f) ↦ (clip(f), part)``."""
    return _stage(CLIP_NETWORK, _select(2, [1]), np.zeros(1), _select(2, [0]), np.zeros(1))


@cache
def branch_size(k: int, d: int, r: int) -> tuple[int, int]:
    """``(hidden nodes, affine maps)`` of one branch, read off the built network (they do
    not depend on ``s``, ``v`` or the coefficients)."""
    net = branch_network(k, 2, d, r, np.zeros(d), np.ones(len(exponents(d, r - 1))))
    return networks.hidden_nodes(net), len(net)


def branch_size_by_stages(k: int, d: int, r: int) -> tuple[int, int]:
    """:func:`branch_size` without building the branch for this ``k``: every product stage
    runs one copy of the squaring chain, so nodes and affine maps are affine in ``k`` —
    read off the built branches for ``k = 1, 2`` and extended (the tests compare it with
    the built branch for every ``k ≤ 12``)."""
    (n1, m1), (n2, m2) = branch_size(1, d, r), branch_size(2, d, r)
    return n1 + (k - 1) * (n2 - n1), m1 + (k - 1) * (m2 - m1)


def network_size(k: int, s: int, d: int, r: int) -> tuple[int, int]:
    """Nodes and affine maps of the whole network: ``(s + 1)^d`` branches side by side (their
    outputs summed by the last affine map)."""
    nodes, maps = branch_size(k, d, r)
    return (s + 1) ** d * nodes, maps


def full_network(target: SmoothTarget, k: int, s: int, d: int, r: int) -> ReLUNetwork:
    """The whole network of Theorem 5.4 as one weight list (for tests: it is wide)."""
    nets = branches(target, k, s, d, r)
    return networks.parallel_sum(nets, [1.0] * len(nets))


def grid_points(s: int, d: int) -> np.ndarray:
    """``S = {0, 1/s, …, 1}^d`` as rows (first coordinate slowest)."""
    g = np.arange(s + 1) / s
    return np.array(list(itertools.product(g, repeat=d)), dtype=float).reshape(-1, d)


# ----------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Approximation:
    """Theorem 5.4's network on ``points`` (evaluated stage by stage, see module doc), with
    the quantities its proof bounds, measured."""

    values: np.ndarray  # f(x) at the points
    partition: np.ndarray  # Σ_v part(x)_v at the points
    mono_error: float  # max |mono(x − v)_α − (x − v)^α| over the branches' supports
    product_error: float  # max |×(a, b) − ab| over every signed product evaluated
    final_error: float  # max |prod_{k,2}(c, p) − cp| over the final products
    taylor_error: float  # max |p_v(x) − g(x)| over the supports (exact polynomial p_v)
    taylor_rounding: float  # float64 rounding allowance of that measurement
    rows: int  # (point, branch) pairs evaluated


def approximate(
    target: SmoothTarget, k: int, s: int, d: int, r: int, points: np.ndarray
) -> Approximation:
    """Evaluate the network on ``points`` (shape ``(n, d)``), branch by branch on supports."""
    X = np.atleast_2d(np.asarray(points, dtype=float)).reshape(-1, d)
    n = X.shape[0]
    # candidate grid indices per coordinate: nearest and its two neighbours
    base = np.rint(X * s).astype(np.int64)
    offs = np.array(list(itertools.product((-1, 0, 1), repeat=d)))  # (3^d, d)
    idx = base[:, None, :] + offs[None, :, :]
    t_all = X[:, None, :] - idx / s
    # open support |x_j − v_j| < 1/s: on its boundary and beyond, the bump is 0 exactly (left)
    # or a rounding residue of a few ulps (right), so the branch contributes nothing
    ok = np.all((idx >= 0) & (idx <= s) & (np.abs(t_all) * s < 1.0), axis=2)
    p_idx, o_idx = np.nonzero(ok)
    V = idx[p_idx, o_idx]  # (R, d) grid indices
    T = t_all[p_idx, o_idx]  # (R, d) = x − v
    R = T.shape[0]
    exps = exponents(d, r - 1)
    col = {a: i for i, a in enumerate(exps)}
    mono = np.empty((R, len(exps)))
    mono[:, 0] = 1.0
    for j in range(d):
        if _unit(d, j) in col:
            mono[:, col[_unit(d, j)]] = T[:, j]
    prod = signed_product_network(k)
    prod_err = 0.0
    first_inv = [np.unique(T[:, j], return_index=True, return_inverse=True)[1:] for j in range(d)]
    for stage in mono_plan(d, r):
        for a, parent, j in stage:
            if sum(x > 0 for x in a) == 1:  # a pure power of t_j: a function of t_j alone
                first, inv = first_inv[j]
                pairs = np.stack([mono[first, col[parent]], T[first, j]], axis=1)
                out = evaluate(prod, pairs)[inv.ravel()]
                a_in, b_in = mono[:, col[parent]], T[:, j]
            else:
                a_in, b_in = mono[:, col[parent]], T[:, j]
                out = evaluate(prod, np.stack([a_in, b_in], axis=1))
            prod_err = max(prod_err, float(np.max(np.abs(out - a_in * b_in), initial=0.0)))
            mono[:, col[a]] = out
    exact = np.stack([np.prod(T ** np.array(a), axis=1) for a in exps], axis=1)
    mono_err = float(np.max(np.abs(mono - exact), initial=0.0))
    flat = np.ravel_multi_index(tuple(V.T), (s + 1,) * d)
    w = taylor_coefficients(target, grid_points(s, d), exps)[flat]  # (R, N)
    f = np.einsum("rn,rn->r", w, mono)
    taylor = np.einsum("rn,rn->r", w, exact)
    xv = X[p_idx]
    gxv = target(xv)
    taylor_err = float(np.max(np.abs(taylor - gxv), initial=0.0))
    # the remainder bound is attained by polynomial targets of degree r (poly, r = 2): the
    # measurement's rounding is a few ulps of the terms summed
    scale = float(np.max(np.abs(w * exact).sum(axis=1) + np.abs(gxv), initial=0.0))
    taylor_rounding = rounding_allowance(scale, ops=2 * len(exps) + 8)
    hats = np.stack(
        [
            evaluate(hat_network(s), T[first, j])[inv.ravel()]
            for j, (first, inv) in enumerate(first_inv)
        ],
        axis=1,
    )
    part = hats[:, 0] if d == 1 else evaluate(final_product_network(k), hats)
    c = evaluate(CLIP_NETWORK, f)
    out = evaluate(final_product_network(k), np.stack([c, part], axis=1))
    final_err = float(np.max(np.abs(out - c * part), initial=0.0))
    return Approximation(
        values=np.bincount(p_idx, out, minlength=n),
        partition=np.bincount(p_idx, part, minlength=n),
        mono_error=mono_err,
        product_error=prod_err,
        final_error=final_err,
        taylor_error=taylor_err,
        taylor_rounding=taylor_rounding,
        rows=R,
    )


# ----------------------------------------------------------------------------- bounds


def theorem_bound(M: float, r: int, d: int, s: int, k: int) -> float:
    """Theorem 5.4's right-hand side ``M r d^r (s^{−r} + 4d2^d 4^{−k}) + 3d2^d 4^{−k}``."""
    e = 4.0**-k
    return M * r * d**r * (s**-r + 4 * d * 2**d * e) + 3 * d * 2**d * e


def taylor_remainder_bound(M: float, r: int, d: int, s: int) -> float:
    """``M d^r / (r! s^r)``: remainder of the degree-``r − 1`` Taylor polynomial for
    ``‖x − v‖_∞ ≤ 1/s``."""
    return M * d**r / (math.factorial(r) * s**r)


def partition_bound(d: int, k: int) -> float:
    """Lemma 5.5 as printed: ``|Σ_v part_v − 1| ≤ d 2^d 4^{−k}``."""
    return d * 2**d * 4.0**-k


def proof_bound(target: SmoothTarget, k: int, s: int, d: int, r: int) -> dict[str, float]:
    """The proof's chain with the actual Taylor coefficients (corrections 3–4 above):

    ``|f − g| ≤ 2^d 4^{−k} + (E_mono + E_Taylor)(1 + δ) + δ`` with
    ``E_mono = max_v Σ_α |w_{v,α}| (|α| − 1)⁺ 4^{−k}`` (Lemma 5.3: a chain of ``q − 1``
    products has error ``≤ (q − 1) 4^{−k}``), ``E_Taylor = M d^r/(r! s^r)`` and
    ``δ = 2^d (d − 1) 4^{−k}`` (the bumps' products; 0 for ``d = 1``).
    """
    e = 4.0**-k
    M = smoothness_constant(target, d, r)
    exps = exponents(d, r - 1)
    w = taylor_coefficients(target, grid_points(s, d), exps)
    chain = np.array([max(sum(a) - 1, 0) for a in exps], dtype=float)
    e_mono = float(np.max(np.abs(w) @ chain)) * e
    e_taylor = taylor_remainder_bound(M, r, d, s)
    delta = 2**d * (d - 1) * e
    total = 2**d * e + (e_mono + e_taylor) * (1 + delta) + delta
    return {"total": total, "mono": e_mono, "taylor": e_taylor, "partition": delta}


def size_for_accuracy(
    target: SmoothTarget, d: int, r: int, eps: float, k_max: int = 40
) -> tuple[int, int, int, int]:
    """Smallest ``s`` with ``M r d^r s^{−r} ≤ ε/2`` and smallest ``k`` with the rest of
    Theorem 5.4's bound ``≤ ε/2``; returns ``(s, k, nodes, affine maps)`` of the built
    network."""
    M = smoothness_constant(target, d, r)
    s = max(1, math.ceil((2 * M * r * d**r / eps) ** (1 / r)))
    k = 1
    while k < k_max and theorem_bound(M, r, d, s, k) - M * r * d**r * s**-r > eps / 2:
        k += 1
    nodes, maps = branch_size_by_stages(k, d, r)
    return s, k, (s + 1) ** d * nodes, maps


def yarotsky_lower_bound(eps: np.ndarray, L: int) -> np.ndarray:
    """Hidden nodes a ReLU network with ``L`` layers needs for sup error ``≤ ε`` on ``x²``
    over ``[0, 1]`` — Yarotsky's ``≳ ε^{−1/(2(L−1))}`` (seed 000) with explicit constants:
    ``N_A ≤ ∏ (m_j + 1) ≤ (N/(L−1) + 1)^{L−1}`` pieces, and a piecewise-linear function with
    ``P`` pieces has sup error ``≥ 1/(8P²)`` on ``x²`` (some piece has length ``≥ 1/P``, and
    the best line on an interval of length ``ℓ`` misses ``x²`` by ``ℓ²/8``), so
    ``N ≥ (L − 1)((8ε)^{−1/(2(L−1))} − 1)``."""
    eps = np.asarray(eps, dtype=float)
    return (L - 1) * np.maximum((8 * eps) ** (-1.0 / (2 * (L - 1))) - 1.0, 0.0)


# ----------------------------------------------------------------------------- measured
# (what scene ``sobolev`` shows: the network of Theorem 5.4 against its bounds)


@dataclass(frozen=True)
class Measurement:
    """Theorem 5.4's network for one target and ``(k, s, d, r)`` on a set of points, with
    every bound of the theorem and its proof evaluated at the actual parameters."""

    approx: Approximation
    #: the target at the points
    g: np.ndarray
    #: ``|f − g|`` at the points
    error: np.ndarray
    #: max of :attr:`error`
    max_error: float
    #: ``M = max |∂^α g|, |α| ≤ r``
    M: float
    #: Theorem 5.4's right-hand side
    bound: float
    #: the proof's chain with the actual coefficients (:func:`proof_bound`)
    chain: dict[str, float]
    #: ``M d^r/(r! s^r)``
    taylor_bound: float
    #: ``max |Σ_v part_v − 1|`` at the points
    partition_error: float
    #: the largest error of any product evaluated (monomial chains and final products)
    product_error: float
    #: hidden nodes and affine maps of the whole network
    nodes: int
    layers: int
    #: hidden nodes of one branch
    branch_nodes: int


def measure(
    target: SmoothTarget, k: int, s: int, d: int, r: int, points: np.ndarray
) -> Measurement:
    """Evaluate Theorem 5.4's network on ``points`` and every bound the proof gives."""
    approx = approximate(target, k, s, d, r, points)
    gx = target(points)
    err = np.abs(approx.values - gx)
    M = smoothness_constant(target, d, r)
    nodes, layers = network_size(k, s, d, r)
    return Measurement(
        approx=approx,
        g=gx,
        error=err,
        max_error=float(err.max()),
        M=M,
        bound=theorem_bound(M, r, d, s, k),
        chain=proof_bound(target, k, s, d, r),
        taylor_bound=taylor_remainder_bound(M, r, d, s),
        partition_error=float(np.max(np.abs(approx.partition - 1.0))),
        product_error=max(approx.product_error, approx.final_error),
        nodes=nodes,
        layers=layers,
        branch_nodes=branch_size(k, d, r)[0],
    )


@dataclass(frozen=True)
class SquaringCost:
    """The squaring network ``h_k`` used inside the products, against Yarotsky's lower
    bound at its depth and measured error."""

    nodes: int
    layers: int
    #: ``sup_{[0,1]} |h_k − x²|``, exact (breakpoints)
    error: float
    #: nodes Yarotsky's bound requires for that error at that depth
    lower_bound: float


@cache
def squaring_cost(k: int) -> SquaringCost:
    """:class:`SquaringCost` of ``h_k`` (``carry="nonneg"``, as inside the products)."""
    h = squaring.squaring_network(k, carry="nonneg")
    err, _ = squaring.sup_error_square(networks.breakpoints(h, (0.0, 1.0)))
    return SquaringCost(
        networks.hidden_nodes(h), len(h), err, float(yarotsky_lower_bound(np.array(err), len(h)))
    )


def squaring_nodes(ks: Sequence[int]) -> list[int]:
    """Hidden nodes of ``h_k`` (``carry="nonneg"``) for each ``k``, read off the networks."""
    return [networks.hidden_nodes(squaring.squaring_network(int(i), carry="nonneg")) for i in ks]


def bumps_1d(s: int) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """Every bump ``part_v`` of ``d = 1`` at its exact knots ``v, v ± 1/s`` (clipped to
    ``[0, 1]``): ``(v, knots, values)``, values from the hat network."""
    out = []
    for vi in np.arange(s + 1) / s:
        t = np.clip([vi - 1 / s, vi, vi + 1 / s], 0.0, 1.0)
        out.append((float(vi), t, networks.evaluate(hat_network(s), t - vi)))
    return out


def bump(k: int, s: int, v: np.ndarray, points: np.ndarray) -> np.ndarray:
    """One bump ``part_v = prod_{k,2}(h(x_1 − v_1), h(x_2 − v_2))`` (``d = 2``) at ``points``."""
    hats = np.stack(
        [networks.evaluate(hat_network(s), points[:, j] - v[j]) for j in range(2)], axis=1
    )
    return networks.evaluate(final_product_network(k), hats)


def sizes_for_accuracies(target: SmoothTarget, d: int, r: int, eps: np.ndarray) -> np.ndarray:
    """Nodes of the built network at the smallest ``(s, k)`` whose bound is ``≤ ε``, for each
    ``ε`` (:func:`size_for_accuracy`)."""
    return np.array([size_for_accuracy(target, d, r, float(e))[2] for e in eps], dtype=float)


def yarotsky_rate(eps: np.ndarray, d: int, r: int) -> np.ndarray:
    """``ε^{−d/r} ln(1/ε)``: Yarotsky's node count up to its constant (Remark 5.15)."""
    return eps ** (-d / r) * np.log(1 / eps)


# ----------------------------------------------------------------------------- the sup
# d = 1: f is a univariate ReLU network, piecewise linear on knots found exactly by
# breakpoint propagation, and on each piece sup |f − g| is at a piece end or at a closed-form
# critical point (g′ = slope of f): the sup is exact.  d = 2: f is piecewise linear on a
# partition too fine to enumerate; the sup is bracketed by the maximum over an evaluation
# grid (attained) and a certified upper bound, that maximum plus a Lipschitz bound of
# f − g times the grid's half spacing (:func:`lipschitz_bounds`).


@lru_cache(maxsize=16)
def exact_form(target_name: str, k: int, s: int, r: int) -> networks.PiecewiseLinear:
    """The network of Theorem 5.4 for ``d = 1`` as an exact piecewise-linear function on
    ``[0, 1]``: every branch's knots by breakpoint propagation (all branches at once,
    :func:`~approxlab.theory.core.certified.count`, each on its support: exact counts, the
    float64 knots and values within certified bounds, exact arithmetic only where a
    decision lay within rounding), the sum on the union of the knots."""
    target = TARGETS[target_name]
    grid = grid_points(s, 1)
    w = taylor_coefficients(target, grid, exponents(1, r - 1))
    lo = np.maximum(grid[:, 0] - 1 / s, 0.0)
    hi = np.minimum(grid[:, 0] + 1 / s, 1.0)
    # branch v on u ∈ [0, 1], x = lo_v + (hi_v − lo_v) u (merged into its first layer)
    nets = [
        compose(branch_network(k, s, 1, r, v, wv), [layer([[b - a]], [a])])
        for v, wv, a, b in zip(grid, w, lo, hi, strict=True)
    ]
    counts = certified.count(nets, [(0.0, 1.0)] * len(nets), breaks=False)
    owner = np.repeat(np.arange(len(nets)), [c.knots.size for c in counts])
    x = lo[owner] + (hi - lo)[owner] * np.concatenate([c.knots for c in counts])
    y = np.concatenate([c.values for c in counts])
    # certified distance of each float knot from its exact knot (that of u, scaled, and the
    # rounding of the map to x); grid points are knots by definition
    err = (hi - lo)[owner] * np.concatenate([c.knot_err for c in counts])
    err = np.where(err > 0, err + np.spacing(np.abs(x)), 0.0)
    t = _merged_knots(np.concatenate([x, grid[:, 0]]), np.concatenate([err, np.zeros(s + 1)]))
    f = np.zeros_like(t)
    bounds = np.searchsorted(owner, np.arange(len(nets) + 1))
    for i in range(len(nets)):  # one pass per branch (s + 1 of them), vectorized in the knots
        xi, yi = x[bounds[i] : bounds[i + 1]], y[bounds[i] : bounds[i + 1]]
        a, b = np.searchsorted(t, lo[i], "left"), np.searchsorted(t, hi[i], "right")
        f[a:b] += np.interp(t[a:b], xi, yi)
    return networks.PiecewiseLinear(t, f)


def _merged_knots(x: np.ndarray, err: np.ndarray) -> np.ndarray:
    """The union of float knots ``x`` known to within ``err`` of exact knots: knots closer
    than their bounds allow to tell apart are one knot (as two exact knots that round to one
    float are), kept at the member with the smallest bound (an exactly known one if any)."""
    order = np.lexsort((err, x))
    x, err = x[order], err[order]
    near = np.diff(x) <= err[:-1] + err[1:]
    if not near.any():
        return np.unique(x)
    group = np.concatenate([[0], np.cumsum(~near)])
    best = np.lexsort((err, group))  # by group, then smallest bound first
    first = np.concatenate([[True], group[best][1:] != group[best][:-1]])
    return np.sort(x[best[first]])


@dataclass(frozen=True)
class ExactSup:
    """``sup_{[0,1]} |f − g|`` of a piecewise-linear ``f`` against a product target, exactly.

    ``points``/``error``: the piece ends and the critical points inside the pieces, sorted,
    with ``|f − g|`` there — on each piece the error's extremes are among them.
    """

    value: float
    where: float
    points: np.ndarray
    error: np.ndarray


def exact_sup(target: SmoothTarget, f: networks.PiecewiseLinear) -> ExactSup:
    """On each piece ``f`` is affine with slope ``m``; ``f − g`` is smooth there, so its
    extremes are at the piece ends or where ``g′ = m`` (:attr:`SmoothTarget.slope_points`)."""
    x, y = f.x, f.y
    cand = target.slope_points(f.slopes())  # (pieces, c)
    inside = (cand > x[:-1, None]) & (cand < x[1:, None])  # NaN compares False
    t = np.concatenate([x, cand[inside]])
    order = np.argsort(t, kind="stable")
    t = t[order]
    err = np.abs(np.interp(t, x, y) - target(t[:, None]))
    i = int(np.argmax(err))
    return ExactSup(float(err[i]), float(t[i]), t, err)


@dataclass(frozen=True)
class Slack:
    """How far ``|f − g|`` can rise above its value at the nearest point of a grid.

    ``f − g = A + C + D + E`` with ``A = Σ_v p_v (f_v − g)`` (slowly varying: Lipschitz
    bounds ``lipschitz[i] ≥ sup |∂_i A|``), ``C = −Σ_v p_v (f_v − c_v)`` (what the clip
    removes), ``D = g (Σ_v p_v − 1)`` and ``E = Σ_v (P(c_v, p_v) − c_v p_v)`` (the products'
    errors: fast but tiny).  Over half a grid spacing ``δ`` in each coordinate, ``A`` moves
    by at most ``Σ_i lipschitz[i] δ``, and ``C``, ``D``, ``E`` by at most their oscillation
    (or their own Lipschitz bound times ``δ``, whichever is smaller).
    """

    lipschitz: np.ndarray
    clip: float
    partition: float
    products: float
    total: float


def grid_slack(target: SmoothTarget, k: int, s: int, d: int, r: int, spacing: float) -> Slack:
    """A certified :class:`Slack` for a uniform grid of ``[0, 1]^d`` with ``spacing``: then
    ``sup |f − g| ≤ max over the grid + total`` (every point is within ``spacing/2`` of a
    grid point in each coordinate).

    Ingredients, each from the construction (not measured): every product is
    ``2(h(·) − h(·) − h(·))`` of ``h = h_k``, the interpolant of ``z²`` on ``{j/2^k}``, so
    ``h − z² ∈ [0, 4^{−k−1}]`` and its slope is within ``2^{−k}`` of ``2z``: a product's error
    lies in ``[−4^{−k}, 4^{−k}/2]`` and each of its partial derivatives in ``±2^{1−k}``.
    ``ε_v ≥ |f_v − g|`` on the support of ``p_v`` (Lemma 5.4's chain ``Σ_α |w_α|(|α| − 1)
    4^{−k}`` plus the Taylor remainder ``M d^r/(r! s^r)``); ``|∂_i p_v| ≤ s`` (``d = 1``,
    hats) or ``s(1 + 2^{1−k})`` (``d = 2``); ``|∂_i(f_v − g)|`` ≤ the monomial chains'
    slope errors plus the Taylor remainder's gradient ``M d^{r−1}/((r−1)! s^{r−1})``.  At
    most ``2^d`` bumps are non-zero at a point, and ``Σ_v p_v − 1 = Σ_v E(h_1, h_2)``
    (``d = 2``; exactly 0 for ``d = 1``).
    """
    e, slope_e = 4.0**-k, 2.0 ** (1 - k)
    half = spacing / 2
    grid = grid_points(s, d)
    w = np.abs(taylor_coefficients(target, grid, exponents(d, r - 1)))  # (branches, N)
    G, B, err = monomial_slopes(k, s, d, r)
    M = smoothness_constant(target, d, r)
    eps_v = w @ err + M * d**r / (math.factorial(r) * s**r)
    grad_f = w @ (G + B)  # ≥ |∂_i f_v| ≥ |∂_i c_v|
    grad_fg = w @ B + M * d ** (r - 1) / (math.factorial(r - 1) * s ** (r - 1))
    grad_g = np.array([target.sup_derivative(_unit(d, i)) for i in range(d)])  # ≥ |∂_i g|
    two = d == 2
    dp = s * (1.0 + slope_e * two)
    off = 2**d * e * two  # ≥ |Σ_v p_v − 1|
    lip = 2**d * (eps_v[:, None] * dp).max(axis=0) + (1.0 + off) * grad_fg.max(axis=0)
    # C: f_v − c_v is 0 unless the clip acts (f_v leaves [0, 1]), and then between 0 and
    # ±ε_v; for r = 1, f_v = g(v) is a constant in [0, 1] and the clip never acts
    lo_g, hi_g = _range_on_supports(target, grid, s)
    acts = ((lo_g - eps_v < 0.0) | (hi_g + eps_v > 1.0)) & (r > 1)
    clip = 2 * (1.0 + off) * float(np.max(eps_v[acts], initial=0.0))
    # D, E: products' errors in [−4^(−k), 4^(−k)/2] for each of ≤ 2^d non-zero bumps
    osc = 1.5 * 2**d * e
    lip_d = grad_g * off + 2**d * slope_e * s * two
    partition = min(osc, float(np.sum(lip_d)) * half) if two else 0.0
    lip_e = 2**d * slope_e * (grad_f + dp).max(axis=0)
    products = min(osc, float(np.sum(lip_e)) * half)
    total = float(np.sum(lip)) * half + clip + partition + products
    return Slack(lip, clip, partition, products, total)


def monomial_slopes(k: int, s: int, d: int, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every exponent ``α`` of :func:`exponents` ``(d, r − 1)`` and coordinate ``i``, on
    ``|t|_∞ ≤ 1/s``: ``G[α, i] = sup |∂_i t^α|``, ``B[α, i] ≥ sup |∂_i (mono_α(t) − t^α)|``
    and ``err[α] ≥ sup |mono_α(t) − t^α|`` (Lemma 5.3's chain, ``(|α| − 1)⁺ 4^{−k}``).

    ``mono_α = ×(mono_β, t_j)`` (:func:`mono_plan`), and ``mono_α − t^α = E(mono_β, t_j)
    + t_j (mono_β − t^β)`` with ``E`` the signed product's error, whose partial derivatives
    are at most ``2^{1−k}``: ``B_α ≤ 2^{1−k}(G_β + B_β + e_j) + e_j err_β + B_β/s``.
    """
    e, slope_e = 4.0**-k, 2.0 ** (1 - k)
    exps = exponents(d, r - 1)
    col = {a: i for i, a in enumerate(exps)}
    G = np.array([[a[i] * s ** (1.0 - sum(a)) if a[i] else 0.0 for i in range(d)] for a in exps])
    B = np.zeros_like(G)
    err = np.array([max(sum(a) - 1, 0) * e for a in exps])
    for stage in mono_plan(d, r):
        for a, par, j in stage:
            q, unit = col[par], np.eye(d)[j]
            B[col[a]] = slope_e * (G[q] + B[q] + unit) + unit * err[q] + B[q] / s
    return G, B, err


def _range_on_supports(
    target: SmoothTarget, grid: np.ndarray, s: int
) -> tuple[np.ndarray, np.ndarray]:
    """``min``/``max`` of ``g = ∏ φ_j(x_j) ≥ 0`` on each support ``|x − v|_∞ ≤ 1/s`` within
    ``[0, 1]^d``: products of the factors' ranges, each at an interval end or a critical
    point of ``φ_j`` (``φ_j′ = 0``, :attr:`Factor1D.slope_points`)."""
    lo = np.clip(grid - 1 / s, 0.0, 1.0)
    hi = np.clip(grid + 1 / s, 0.0, 1.0)
    gmin = np.ones(grid.shape[0])
    gmax = np.ones(grid.shape[0])
    for j in range(grid.shape[1]):
        part = target.part(j)
        crit = part.slope_points(np.zeros(1))[0]
        crit = crit[np.isfinite(crit)]
        inside = (crit[None, :] >= lo[:, j, None]) & (crit[None, :] <= hi[:, j, None])
        vals = part.fn(crit, 0)[None, :]
        ends = np.stack([part.fn(lo[:, j], 0), part.fn(hi[:, j], 0)], axis=1)
        fmin = np.minimum(
            ends.min(axis=1), np.where(inside, vals, np.inf).min(axis=1, initial=np.inf)
        )
        fmax = np.maximum(
            ends.max(axis=1), np.where(inside, vals, -np.inf).max(axis=1, initial=-np.inf)
        )
        gmin, gmax = gmin * fmin, gmax * fmax
    return gmin, gmax


def uniform_grid(d: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` equally spaced values on ``[0, 1]`` and the grid of ``[0, 1]^d`` they span, as
    rows ``(n^d, d)``; for ``d = 2`` built with ``np.meshgrid(x, x)`` — the first
    coordinate varies fastest, so ``values.reshape(n, n)`` has rows along ``x₂`` (the
    heatmap convention: ``z[i][j]`` at ``(x₁ = x[j], x₂ = x[i])``)."""
    x = np.linspace(0.0, 1.0, n)
    if d == 1:
        return x, x[:, None]
    X1, X2 = np.meshgrid(x, x)
    return x, np.stack([X1.ravel(), X2.ravel()], axis=1)


@dataclass(frozen=True)
class SupError:
    """``sup_{[0,1]^d} |f − g|`` as far as it is known.

    ``d = 1``: ``value`` is the exact sup (``exact``, ``form`` holds f's knots and ``curve``
    the error at the knots and critical points).  ``d = 2``: ``value`` is the maximum over
    the evaluation grid (a value attained, so a lower bound) and ``certified`` an upper
    bound, ``value + slack.total``.
    """

    value: float
    certified: float
    exact: bool
    where: np.ndarray
    form: networks.PiecewiseLinear | None = None
    curve: ExactSup | None = None
    slack: Slack | None = None


def sup_error(
    target: SmoothTarget,
    k: int,
    s: int,
    d: int,
    r: int,
    points: np.ndarray,
    error: np.ndarray,
    spacing: float,
) -> SupError:
    """The sup of ``|f − g|``: exact for ``d = 1`` (:func:`exact_form`, :func:`exact_sup`);
    for ``d = 2`` the maximum of ``error`` over the uniform grid ``points`` of ``spacing``
    and the certified bound of :func:`grid_slack`."""
    if d == 1:
        form = exact_form(target.name, k, s, r)
        ex = exact_sup(target, form)
        return SupError(ex.value, ex.value, True, np.array([ex.where]), form, ex)
    i = int(np.argmax(error))
    slack = grid_slack(target, k, s, d, r, spacing)
    top = float(error[i])
    return SupError(top, top + slack.total, False, points[i], slack=slack)


def branch_parameters(k: int, d: int, r: int) -> int:
    """Weights and biases of one branch network (they do not depend on ``s``, ``v``, ``w``)."""
    net = branch_network(k, 2, d, r, np.zeros(d), np.ones(len(exponents(d, r - 1))))
    return int(sum(W.size + b.size for W, b in net))


def full_network_parameters(k: int, s: int, d: int, r: int) -> int:
    """Weights and biases of :func:`full_network` as dense matrices, without building it:
    ``(s + 1)^d`` branches side by side (block-diagonal hidden layers)."""
    net = branch_network(k, 2, d, r, np.zeros(d), np.ones(len(exponents(d, r - 1))))
    n = (s + 1) ** d
    total = 0
    for i, (W, _) in enumerate(net):
        rows = 1 if i == len(net) - 1 else n * W.shape[0]
        cols = W.shape[1] if i == 0 else n * W.shape[1]
        total += rows * cols + rows
    return total


def branches(target: SmoothTarget, k: int, s: int, d: int, r: int) -> list[ReLUNetwork]:
    """The ``(s + 1)^d`` branch networks, one per grid point (:func:`grid_points` order):
    ``f(x) = Σ`` of their outputs."""
    grid = grid_points(s, d)
    w = taylor_coefficients(target, grid, exponents(d, r - 1))
    return [branch_network(k, s, d, r, v, wv) for v, wv in zip(grid, w, strict=True)]


@lru_cache(maxsize=32)
def study(
    target_name: str, k: int, s: int, d: int, r: int, n: int
) -> tuple[np.ndarray, np.ndarray, Measurement, SupError]:
    """Theorem 5.4's network on the uniform grid of ``n`` points per axis: the grid
    (:func:`uniform_grid`), the :class:`Measurement` there and the :class:`SupError`
    (cached: the arrays are shared, read them only)."""
    target = TARGETS[target_name]
    axis, X = uniform_grid(d, n)
    ms = measure(target, k, s, d, r, X)
    return axis, X, ms, sup_error(target, k, s, d, r, X, ms.error, 1 / (n - 1))
