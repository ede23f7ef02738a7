"""``1/x`` on ``[a, 1]`` by repeated squaring (seed 003, §4.3 bibliographic notes: "1/x and
rational functions (Telgarsky 2017)", built from Theorem 4.2 and Corollary 4.3).

**The identity.**  On ``x ∈ [a, 1]`` put ``t = 1 − x ∈ [0, T]``, ``T = 1 − a < 1``.  The
Neumann series ``1/x = Σ_{j≥0} t^j`` truncated at degree ``2^n − 1`` factorises by repeated
squaring (every ``j < 2^n`` has exactly one binary expansion):

    ``Σ_{j<2^n} t^j = Π_{k=0}^{n−1} (1 + t^{2^k})``,   and
    ``1/x − Σ_{j<2^n} t^j = t^{2^n}/x ∈ [0, T^{2^n}/a]``

(``t^{2^n}/x`` is increasing in ``t``, so the truncation's sup ``T^{2^n}/a`` is attained at
``x = a``).  So ``n − 1`` squarings ``s_{k+1} = s_k²`` (``s_0 = t``, ``s_k = t^{2^k}``) and
``n − 1`` multiplications ``P_k = P_{k−1}·(1 + s_k)`` (``P_0 = 1 + t``) give the degree
``2^n − 1`` truncation ``P_{n−1}`` — the route to ``1/x`` and rational functions of
Telgarsky (2017), which the notes cite.

**The network.**  Each squaring is Theorem 4.2's ``h_i`` (``|h_i − y²| ≤ 4^{−(i+1)}`` on
``[0, 1]``, :func:`approxlab.theory.depth.squaring.squaring_bound`) after rescaling by an
explicit scale ``R_k ≥ ŝ_k`` (hats: the network's values):
``ŝ_{k+1} = R_k²·h_i(ŝ_k/R_k)``.  Each multiplication is the corrected product network
``g_i`` of Corollary 4.3 (``|g_i − uv| ≤ 4^{−i}`` on ``[0, 1]²``,
:func:`approxlab.theory.depth.product.product_bound`) on the rescaled factors
``u = P̂_{k−1}/Q_{k−1}`` and ``v = ŝ_k/V_k`` (``Q_{k−1} ≥ P̂_{k−1}``, ``V_k = R_k(1 + m)``); as
``1 + s`` is affine in ``s``, ``P·(1 + s) = P + QV·(uv)`` and the network computes
``P̂_k = P̂_{k−1} + Q_{k−1} V_k·g_i(u, v)``.  (``V_k`` differs from ``R_k`` by the margin
only so that ``v`` is not the very signal ``ŝ_k/R_k`` that the squaring of ``ŝ_k``, in the
same layers, reads: equal signals would put the product's dyadic breakpoints exactly on the
squaring's, and the exact breakpoint propagation would have to decide those ties in
integer arithmetic.)

**The scales dominate the network's values (induction).**  ``ŝ_0 = t ∈ [0, T]`` and
``P̂_0 = 1 + t ∈ [1, 1 + T]`` are exact.  If ``ŝ_k ∈ [0, R_k]`` then ``ŝ_k/R_k ∈ [0, 1]``,
where ``0 ≤ h_i ≤ 1`` (``h_i`` interpolates ``y²`` at dyadic points, ``h_i(1) = 1``), so
``ŝ_{k+1} ∈ [0, R_k²]``; if also ``P̂_{k−1} ∈ [1, Q_{k−1}]``, then ``u, v ∈ [0, 1]`` where
``0 ≤ g_i ≤ 1``, so ``P̂_k ∈ [1, Q_{k−1}(1 + V_k)]``.  Hence

    ``R_0 = T(1 + m),  R_{k+1} = R_k²(1 + m),``
    ``Q_0 = (1 + T)(1 + m),  Q_k = Q_{k−1}(1 + V_k)(1 + m)``

are valid scales; the relative margin ``m = 2^{−20}`` keeps ``u, v, ŝ/R`` inside ``[0, 1]``
against rounding.  (``R_k²`` is below ``sup s_{k+1} + (error bound)`` — the squaring's own
error ``R_k²·4^{−(i+1)}`` is far above ``m`` — so this is the tighter choice.)

**Error propagation (the bound).**  Squarings: with ``y = ŝ_k/R_k``,

    ``ŝ_{k+1} − s_{k+1} = R_k²(h_i(y) − y²) + (ŝ_k² − s_k²)``,

and ``|ŝ_k² − s_k²| ≤ 2R_k·|ŝ_k − s_k|`` (both in ``[0, R_k]``: ``|x² − y²| ≤ 2|x − y|`` on
``[0, 1]``, rescaled), so ``E_0 = 0`` and ``E_{k+1} = R_k²·4^{−(i+1)} + 2R_k E_k`` bounds
``|ŝ_k − s_k|`` — a relative error ``E_k/R_k`` of about ``(2^k − 1)·4^{−(i+1)}``.
Products: ``P_k = P_{k−1} + P_{k−1}s_k`` and

    ``P̂_k − P_k = (P̂_{k−1} − P_{k−1})(1 + s_k) + P̂_{k−1}(ŝ_k − s_k) + Q_{k−1}V_k(g_i(u, v) − uv)``,

so with ``s_k ≤ A_k = T^{2^k}`` and ``P̂_{k−1} ≤ Q_{k−1}``: ``F_0 = 0`` and
``F_k = F_{k−1}(1 + A_k) + Q_{k−1}(E_k + V_k·4^{−i})`` bounds ``|P̂_k − P_k|``.  The network
``f = P̂_{n−1}`` therefore satisfies

    ``sup_{[a, 1]} |f − 1/x| ≤ T^{2^n}/a + F_{n−1}``   (truncation + network).

**Layers and nodes.**  One plain ReLU network with input ``x``, in ``n`` stages of ``i``
hidden layers; between stages the signals are ``(ŝ_k, P̂_{k−1})``.  Stage ``k`` squares
``ŝ_{k−1}`` and, beside it in the same layers, multiplies ``P̂_{k−2}`` by ``ŝ_{k−1}`` — both
read only ``ŝ_{k−1}``, so the squaring needed by the next product runs in parallel with the
current one (the first stage only squares, the last only multiplies).  The squaring is
``h_i`` with its running sum carried (``squaring_network(i, "nonneg")``, ``4i`` nodes, exact
as ``y ≥ 0``); the product is ``g_i`` as the proof of Corollary 4.3 builds it, three copies
of ``h_i`` side by side (``product_network(i, "nonneg")``, ``12i`` nodes); ``P̂`` rides along
every hidden layer as ``σ(P̂) = P̂`` (``i`` nodes; ``P̂ ≥ 1``).  For ``n ≥ 2``:
``5i + (n − 2)·17i + 13i = i(17n − 16)`` nodes and ``ni + 1`` affine maps; ``n = 1`` is the
affine map ``2 − x`` itself.  (The shared running sum of
:mod:`approxlab.theory.depth.polynomials` would save ``2i`` nodes per product, but its
partial sums vanish identically wherever ``u + v ≤ 1``, which the exact breakpoint
propagation can only decide in integer arithmetic — many times slower here.)

**Exact sup.**  ``f`` is piecewise linear with exact breakpoints
(:func:`approxlab.theory.core.networks.breakpoints`).  On a piece ``f = α + s·x`` the error
``1/x − α − s·x`` is convex (``(1/x)″ = 2/x³ > 0``), so ``|1/x − f|`` peaks at a piece end or
at the error's minimum ``x* = 1/√(−s)`` (when ``s < 0`` and ``x*`` is inside the piece) —
closed form, all evaluated: :func:`sup_error` is exact up to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from approxlab.theory.core import envelopes, networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork
from approxlab.theory.depth import product, squaring

#: Relative margin of the scales (keeps u, v and ŝ/R inside [0, 1] against rounding).
SCALE_MARGIN = 2.0**-20


def truncation_bound(a: float, n: int) -> float:
    """``sup_{[a, 1]} (1/x − Σ_{j<2^n} (1 − x)^j) = (1 − a)^{2^n}/a`` (attained at ``x = a``)."""
    return (1.0 - a) ** (2**n) / a


def truncated_series(a: float, n: int, x: np.ndarray) -> np.ndarray:
    """``Σ_{j<2^n} t^j = (1 − t^{2^n})/x`` with ``t = 1 − x`` (the exact truncation)."""
    x = np.asarray(x, dtype=float)
    return (1.0 - (1.0 - x) ** (2**n)) / x


def factor_coefficients(n: int) -> np.ndarray:
    """Coefficients (highest first) of ``Π_{k<n} (1 + t^{2^k})`` by exact integer polynomial
    products — all ones, the identity's left side (checked in the tests)."""
    c = np.array([1], dtype=np.int64)
    for k in range(n):
        f = np.zeros(2**k + 1, dtype=np.int64)
        f[0] = f[-1] = 1
        c = np.polymul(c, f)
    return c


# ------------------------------------------------------------------ scales and bound


@dataclass(frozen=True)
class Plan:
    """Scales and error bounds of the repeated-squaring network for ``(a, n, i)``.

    Per ``k = 0 … n − 1``: ``R[k] ≥ ŝ_k`` and ``A[k] = T^{2^k} = sup s_k``; ``E[k]`` bounds
    ``|ŝ_k − s_k|``; ``Q[k] ≥ P̂_k`` and ``B[k] = sup P_k = Π_{j≤k}(1 + A_j)``; ``F[k]`` bounds
    ``|P̂_k − P_k|``.
    """

    a: float
    n: int
    i: int
    R: tuple[float, ...]
    V: tuple[float, ...]
    A: tuple[float, ...]
    E: tuple[float, ...]
    Q: tuple[float, ...]
    B: tuple[float, ...]
    F: tuple[float, ...]

    @property
    def degree(self) -> int:
        return 2**self.n - 1

    @property
    def truncation(self) -> float:
        return truncation_bound(self.a, self.n)

    @property
    def network_bound(self) -> float:
        return self.F[-1]

    @property
    def bound(self) -> float:
        return self.truncation + self.network_bound


@cache
def plan(a: float, n: int, i: int) -> Plan:
    """The scales and error bounds of the module docstring, from ``k = 0`` up."""
    T = 1.0 - a
    m1 = 1.0 + SCALE_MARGIN
    eps_s, eps_p = squaring.squaring_bound(i), product.product_bound(i)
    R, A, E = [T * m1], [T], [0.0]
    Q, B, F = [(1.0 + T) * m1], [1.0 + T], [0.0]
    for _ in range(1, n):
        r, e = R[-1], E[-1]
        R.append(r * r * m1)
        A.append(A[-1] ** 2)
        E.append(r * r * eps_s + 2.0 * r * e)
        F.append(F[-1] * (1.0 + A[-1]) + Q[-1] * (E[-1] + R[-1] * m1 * eps_p))
        Q.append(Q[-1] * (1.0 + R[-1] * m1) * m1)
        B.append(B[-1] * (1.0 + A[-1]))
    V = tuple(r * m1 for r in R)
    return Plan(a, n, i, tuple(R), V, tuple(A), tuple(E), tuple(Q), tuple(B), tuple(F))


def nodes_formula(n: int, i: int) -> int:
    """Hidden nodes: a first stage of ``5i`` (a squaring), ``n − 2`` stages of ``17i`` (a
    squaring beside a product) and a last one of ``13i`` (a product), each with ``P``
    carried — ``i(17n − 16)`` for ``n ≥ 2``, none for ``n = 1``."""
    return i * (17 * n - 16) if n >= 2 else 0


def affine_maps_formula(n: int, i: int) -> int:
    """Affine maps: ``n`` stages of ``i`` hidden layers each, plus one (``1`` for ``n = 1``)."""
    return i * n + 1 if n >= 2 else 1


# ------------------------------------------------------------------------ the network


def _padded(net: ReLUNetwork, inputs: np.ndarray, row: int, outputs: int) -> ReLUNetwork:
    """``z ↦ e_row·net(inputs·z)``: ``net`` reading some of the stage's inputs and writing one
    of its ``outputs`` (the others 0), so that :func:`networks.parallel_sum` runs several
    such networks side by side with separate outputs."""
    W, b = net[-1]
    Wo, bo = np.zeros((outputs, W.shape[1])), np.zeros(outputs)
    Wo[row], bo[row] = W[0], b[0]
    return networks.compose([*net[:-1], (Wo, bo)], [(inputs, np.zeros(inputs.shape[0]))])


@cache
def stage_block(i: int, square: bool, multiply: bool) -> ReLUNetwork:
    """One stage on the inputs ``(y, u, v, P)``, all ``≥ 0``: ``h_i(y)`` (``square``, the
    squaring network with its running sum, ``4i`` nodes), ``g_i(u, v)`` (``multiply``,
    Corollary 4.3's three copies of ``h_i`` side by side, each with its running sum,
    ``12i`` nodes) and ``P`` carried alongside (``i`` nodes); outputs ``(h, g, P)`` (an
    absent part's output is 0)."""
    parts = []
    if square:
        h = squaring.squaring_network(i, carry="nonneg")
        parts.append(_padded(h, np.array([[1.0, 0.0, 0.0]]), 0, 2))
    if multiply:
        g = product.product_network(i, carry="nonneg")
        parts.append(_padded(g, np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), 1, 2))
    both = networks.parallel_sum(parts, [1.0] * len(parts))
    return product.carry_alongside(both, 1)


@cache
def reciprocal_network(a: float, n: int, i: int) -> ReLUNetwork:
    """The ReLU network ``f ≈ 1/x`` on ``[a, 1]`` (module docstring): one input ``x``, one
    output, ``i(17n − 16)`` nodes; between stages the signals are ``(ŝ_k, P̂_{k−1})``."""
    p = plan(a, n, i)
    if n == 1:
        return [(np.array([[-1.0]]), np.array([2.0]))]  # P_0 = 1 + t = 2 − x, exact
    net: ReLUNetwork = [(np.array([[-1.0], [-1.0]]), np.array([1.0, 2.0]))]  # (ŝ_0, P̂_0)
    for k in range(1, n + 1):
        square, multiply = k < n, k > 1
        block = stage_block(i, square, multiply)
        # (ŝ_{k−1}, P̂_{k−2}) ↦ (y, u, v, P) = (ŝ/R_{k−1}, P̂/Q_{k−2}, ŝ/V_{k−1}, P̂)
        r = p.R[k - 1]
        q, v = (p.Q[k - 2], p.V[k - 1]) if multiply else (1.0, 1.0)
        into = np.array([[1.0 / r, 0.0], [0.0, 1.0 / q], [1.0 / v, 0.0], [0.0, 1.0]])
        # (h, g, P) ↦ (ŝ_k, P̂_{k−1}) = (r²·h, P + qv·g), or P + qv·g after the last stage
        out = np.array([[r * r, 0.0, 0.0], [0.0, q * v, 1.0]])
        if not square:
            out = out[1:]
        stage = networks.compose(block, [(into, np.zeros(4))])
        net = networks.compose(networks.compose([(out, np.zeros(out.shape[0]))], stage), net)
    return net


@dataclass(frozen=True)
class Trace:
    """The computation of :func:`reciprocal_network` stage by stage (one squaring or product
    network call per stage) at points ``x``, for ``k = 0 … n − 1``: ``s[k]``, ``P[k]`` (the
    network's) and ``s_exact[k] = t^{2^k}``, ``P_exact[k] = Π_{j≤k}(1 + t^{2^j})``; per
    squaring ``k ≥ 1`` its input ``y[k] = ŝ_{k−1}/R_{k−1}`` and own error
    ``R_{k−1}²(h_i(y) − y²)``; per product ``k ≥ 1`` its inputs ``u[k]``, ``v[k]`` and own
    error ``Q_{k−1}V_k(g_i(u, v) − uv)`` (index 0: empty arrays)."""

    s: list[np.ndarray]
    P: list[np.ndarray]
    s_exact: list[np.ndarray]
    P_exact: list[np.ndarray]
    y: list[np.ndarray]
    u: list[np.ndarray]
    v: list[np.ndarray]
    square_error: list[np.ndarray]
    product_error: list[np.ndarray]

    @property
    def f(self) -> np.ndarray:
        return self.P[-1]


def reciprocal_trace(a: float, n: int, i: int, x: np.ndarray) -> Trace:
    """Stage-by-stage reference for :func:`reciprocal_network` and for every step of the
    error derivation (module docstring)."""
    x = np.asarray(x, dtype=float)
    p = plan(a, n, i)
    h = squaring.squaring_network(i, carry="nonneg")
    g = product.product_network(i, carry="nonneg")
    t = 1.0 - x
    empty = np.empty(0)
    tr = Trace([t], [1.0 + t], [t], [1.0 + t], [empty], [empty], [empty], [empty], [empty])
    for k in range(1, n):
        r, q, vk = p.R[k - 1], p.Q[k - 1], p.V[k]
        y = tr.s[-1] / r
        hy = networks.evaluate(h, y)
        s = r * r * hy
        u, v = tr.P[-1] / q, s / vk
        gv = networks.evaluate(g, np.stack([u, v], 1))
        tr.y.append(y)
        tr.square_error.append(r * r * (hy - y * y))
        tr.s.append(s)
        tr.s_exact.append(t ** (2**k))
        tr.u.append(u)
        tr.v.append(v)
        tr.product_error.append(q * vk * (gv - u * v))
        tr.P.append(tr.P[-1] + q * vk * gv)
        tr.P_exact.append(tr.P_exact[-1] * (1.0 + tr.s_exact[-1]))
    return tr


# ------------------------------------------------------------------ exact sup error


def error_at(pl: PiecewiseLinear, x: np.ndarray) -> np.ndarray:
    """``f(x) − 1/x`` (network minus target) from the exact form of ``f``."""
    x = np.asarray(x, dtype=float)
    return pl(x) - 1.0 / x


def critical_points(pl: PiecewiseLinear) -> np.ndarray:
    """On each piece ``f = α + s·x`` with ``s < 0``: ``x* = 1/√(−s)`` where it lies inside the
    piece — the minimum of the convex ``1/x − f`` there (closed form)."""
    s = pl.slopes()
    lo, hi = pl.x[:-1], pl.x[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = np.where(s < 0, 1.0 / np.sqrt(np.where(s < 0, -s, 1.0)), np.nan)
    inside = (xs > lo) & (xs < hi)
    return xs[inside]


def sup_error(pl: PiecewiseLinear) -> tuple[float, float]:
    """``sup_{[a, 1]} |f − 1/x|`` and where, exactly up to rounding: every knot and every
    piece's critical point (:func:`critical_points`)."""
    cand = np.concatenate([pl.x, critical_points(pl)])
    err = np.abs(error_at(pl, cand))
    k = int(np.argmax(err))
    return float(err[k]), float(cand[k])


def allowance(a: float, n: int, i: int) -> float:
    """Rounding allowance of the measured sup: ``1/x`` (one rounding, values ``≤ 1/a``) and
    the network's exact form (certified to a few ulps per layer of values ``≤ Q_{n−1}``,
    scaled by the stage factors ``R²`` and ``QV``)."""
    p = plan(a, n, i)
    return rounding_allowance(1.0 / a, p.Q[-1] + p.bound, ops=8 * (n + 1) * (i + 2))


def error_range(
    pl: PiecewiseLinear, crit: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per column ``[edges_c, edges_{c+1}]``: the exact range ``(min, max)`` of ``f − 1/x``
    (its extremes lie at column ends, knots or critical points — all evaluated)."""
    cand = np.sort(np.concatenate([pl.x, crit]))
    return envelopes.column_range(lambda x: error_at(pl, x), cand, edges)


def error_curve(
    pl: PiecewiseLinear, crit: np.ndarray, lo: float, hi: float, per: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, f(x) − 1/x)`` on ``[lo, hi]`` at every knot and critical point and ``per`` equal
    steps of every piece (drawn when the window holds few pieces)."""
    return envelopes.sampled_curve(lambda x: error_at(pl, x), pl, crit, lo, hi, per)


# ------------------------------------------------------------------ measured (scene)


@dataclass(frozen=True)
class Measured:
    """Everything the scene reports for one ``(a, n, i)``, read off the built network."""

    plan: Plan
    pl: PiecewiseLinear
    crit: np.ndarray
    sup: float
    argsup: float
    nodes: int
    affine_maps: int
    pieces: int
    tolerance: float


@cache
def measure(a: float, n: int, i: int) -> Measured:
    """Build the network for ``(a, n, i)``, its exact form on ``[a, 1]`` and the exact sup
    error (cached)."""
    net = reciprocal_network(a, n, i)
    pl = networks.breakpoints(net, (a, 1.0))
    crit = critical_points(pl)
    sup, where = sup_error(pl)
    return Measured(
        plan(a, n, i),
        pl,
        crit,
        sup,
        where,
        networks.hidden_nodes(net),
        len(net),
        pl.pieces(),
        allowance(a, n, i),
    )


@cache
def grid_sup(a: float, n: int, i: int, points: int) -> float:
    """``max |f − 1/x|`` over ``points`` equally spaced points of ``[a, 1]`` and ``x = a``: a
    lower estimate of the sup, for the sweep over n (cached)."""
    x = np.linspace(a, 1.0, points)
    return float(np.max(np.abs(networks.evaluate(reciprocal_network(a, n, i), x) - 1.0 / x)))
