"""Universal approximation with two layers (seed 003, Theorem 2.5; seeds 000–002): random inner
weights, outer weights by least squares.

A 2-layer network ``f(x) = Σⱼ aⱼ σ(wⱼ x + bⱼ)`` on [0, 1] (no output bias).  The inner weights
are random (seeded): every unit gets a transition point ``tⱼ ~ U(0, 1)`` — where a ReLU bends, a
threshold jumps, a sigmoid is halfway — a random sign and a log-uniform slope ``|wⱼ|`` from a
per-activation range, and ``bⱼ = −wⱼ tⱼ``, so the transitions cover the domain.  Unit ``j``
does not depend on the width: a network of width n uses units ``0 … n − 1``.

The outer weights minimize ``‖f − g‖_{L²[0,1]}`` — least squares on a quadrature grid, never
through normal equations of the features:

- **ReLU** and **threshold** networks are piecewise linear / piecewise constant with knots at
  the transitions, so their span is a subspace of linear / constant splines, cut out by linear
  constraints (2 for ReLU: without an output bias, value and slope at 0 are tied to the units
  that point left; 1 for threshold).  The projection uses the spline basis (hat functions,
  whose L² Gram matrix is tridiagonal and well-conditioned whatever the knot spacing, or
  indicators, whose Gram matrix is diagonal), ``∫ g·basis`` by 8-point Gauss–Legendre on every
  knot interval, and Lagrange multipliers for the constraints — exact up to that quadrature,
  O(n log n).  The outer weights are read off the jumps of the slope (ReLU) or of the value
  (threshold) at each knot.
- **Smooth** activations (sigmoid, tanh, exp, cos, polynomials) are least squares on a
  :data:`QUAD_NODES`-point Gauss–Legendre grid.  The weighted rows are rotated by the
  orthogonal matrix of normalized Legendre polynomials at the nodes (an exact change of basis:
  Gauss quadrature integrates their products exactly) and rows whose coefficients are below
  10⁻¹³ of every feature's norm are dropped — they are zero to double precision because the
  slopes are bounded — and the remaining ``D × n`` system is solved by its thin SVD
  (minimum norm, singular values below :data:`RCOND` of the largest treated as zero: what
  ``numpy.linalg.lstsq`` does), cached per (activation, seed) for the widths of
  :data:`CACHED_WIDTHS` when a sweep asks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.core import targets
from approxlab.theory.core.minimax import Minimax, best_polynomial
from approxlab.theory.core.networks import layer
from approxlab.theory.core.threshold_networks import ThresholdNetwork
from approxlab.theory.core.threshold_networks import evaluate as threshold_evaluate
from approxlab.theory.shallow.threshold import step_sup

Fn = Callable[[np.ndarray], np.ndarray]

ACTIVATIONS: tuple[str, ...] = (
    "relu",
    "sigmoid",
    "tanh",
    "exp",
    "cos",
    "threshold",
    "poly1",
    "poly2",
    "poly3",
)
MAX_WIDTH = 2000
#: Range of the slopes |wⱼ| (log-uniform).  Smooth units need bounded slopes to be resolved by
#: the quadrature grid; ReLU and threshold units are scale-free (only tⱼ and the sign matter).
SLOPES: dict[str, tuple[float, float]] = {
    "relu": (1.0, 30.0),
    "threshold": (1.0, 30.0),
    "sigmoid": (1.0, 30.0),
    "tanh": (0.5, 15.0),  # tanh z = 2σ(2z) − 1: as steep as the sigmoid's range
    "exp": (0.5, 4.0),
    "cos": (1.0, 60.0),
    "poly1": (0.5, 2.0),
    "poly2": (0.5, 2.0),
    "poly3": (0.5, 2.0),
}
LABELS: dict[str, str] = {
    "relu": "ReLU max(z, 0)",
    "sigmoid": "sigmoid 1/(1 + e⁻ᶻ)",
    "tanh": "tanh z",
    "exp": "exp z",
    "cos": "cos z",
    "threshold": "threshold 1[z ≥ 0]",
    "poly1": "polynomial z",
    "poly2": "polynomial z²",
    "poly3": "polynomial z³",
}
#: Gauss–Legendre nodes for the smooth activations.
QUAD_NODES = 256
#: Gauss–Legendre nodes per knot interval for ReLU and threshold.
KNOT_GAUSS = 8
#: Singular values below this fraction of the largest are treated as zero in ``lstsq`` (the
#: units' Legendre coefficients are known to ~10⁻¹⁴ of their norm).
RCOND = 1e-12
#: Legendre rows below this fraction of every feature's norm are dropped (the rounding floor
#: of the 256-point transform is ~√256·u·norm ≈ 4e-15).
DROP = 1e-13


def polynomial_degree(activation: str) -> int | None:
    return int(activation[4:]) if activation.startswith("poly") else None


def sigma(activation: str) -> Fn:
    """The activation σ as a vectorized function."""
    if activation == "relu":
        return lambda z: np.maximum(z, 0.0)
    if activation == "threshold":
        return lambda z: (z >= 0).astype(float)
    if activation == "sigmoid":
        return lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1/(1 + e^{−z}), no overflow
    if activation == "tanh":
        return np.tanh
    if activation == "exp":
        return np.exp
    if activation == "cos":
        return np.cos
    k = polynomial_degree(activation)
    if k is None:
        raise ValueError(f"unknown activation {activation!r}")
    if k == 1:
        return lambda z: z
    if k == 2:
        return lambda z: z * z
    return lambda z: z * z * z


@dataclass(frozen=True)
class Units:
    """Inner weights: ``σ(wⱼ x + bⱼ)`` with transition ``tⱼ = −bⱼ/wⱼ``."""

    w: np.ndarray
    b: np.ndarray

    @property
    def t(self) -> np.ndarray:
        return -self.b / self.w

    def __len__(self) -> int:
        return int(self.w.size)


@lru_cache(maxsize=64)
def _draw(activation: str, seed: int) -> Units:
    rng = np.random.default_rng([seed, ACTIVATIONS.index(activation)])
    t = rng.random(MAX_WIDTH)
    sign = rng.choice([-1.0, 1.0], MAX_WIDTH)
    lo, hi = SLOPES[activation]
    w = sign * lo * (hi / lo) ** rng.random(MAX_WIDTH)
    w.flags.writeable = False
    b = -w * t
    b.flags.writeable = False
    return Units(w, b)


def draw_units(activation: str, seed: int, n: int) -> Units:
    """The first ``n`` units for this activation and seed (nested in ``n``)."""
    if not 1 <= n <= MAX_WIDTH:
        raise ValueError(f"width must be between 1 and {MAX_WIDTH}")
    u = _draw(activation, seed)
    return Units(u.w[:n], u.b[:n])


@dataclass(frozen=True)
class TwoLayerNetwork:
    """``f(x) = Σⱼ aⱼ σ(wⱼ x + bⱼ)``: evaluated as the network it is."""

    activation: str
    units: Units
    a: np.ndarray

    @property
    def width(self) -> int:
        return len(self.units)

    def relu_network(self):
        """The ReLU case as ``[(W₁, b₁), (W₂, b₂)]`` for :mod:`approxlab.theory.core.networks`."""
        return [
            layer(self.units.w[:, None], self.units.b),
            layer(self.a[None, :], [0.0]),
        ]

    def threshold_network(self) -> ThresholdNetwork:
        return ThresholdNetwork(w=self.units.w, b=self.units.b, a=self.a, c=0.0)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self.activation == "relu":
            return relu_sorted_evaluate(self.units, self.a, x)
        if self.activation == "threshold":
            return threshold_evaluate(self.threshold_network(), x)
        return features(self.activation, self.units, x) @ self.a


def relu_sorted_evaluate(units: Units, a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``Σⱼ aⱼ σ(wⱼ x + bⱼ)`` for ReLU units in O((N + n) log n), without the N × n matrix.

    A unit with ``w > 0`` is ``w(x − t)`` right of its knot t, one with ``w < 0`` is
    ``|w|(t − x)`` left of it; sorting the knots and taking prefix / suffix sums of ``a·|w|``
    and ``a·|w|·t`` sums all units at once (as
    :mod:`approxlab.theory.core.threshold_networks` does for threshold units).
    :meth:`TwoLayerNetwork.relu_network` gives the same function as weight matrices for
    :func:`approxlab.theory.core.networks.evaluate`.
    """
    x = np.asarray(x, dtype=float)
    t, aw = units.t, a * np.abs(units.w)
    out = np.zeros(x.shape)
    pos, neg = units.w > 0, units.w < 0
    if pos.any():  # active iff x ≥ t
        o = np.argsort(t[pos], kind="stable")
        ts, c = t[pos][o], aw[pos][o]
        s1 = np.concatenate([[0.0], np.cumsum(c)])
        st = np.concatenate([[0.0], np.cumsum(c * ts)])
        k = np.searchsorted(ts, x, side="right")
        out += s1[k] * x - st[k]
    if neg.any():  # active iff x ≤ t
        o = np.argsort(t[neg], kind="stable")
        ts, c = t[neg][o], aw[neg][o]
        s1 = np.concatenate([[0.0], np.cumsum(c)])
        st = np.concatenate([[0.0], np.cumsum(c * ts)])
        k = np.searchsorted(ts, x, side="left")
        out += (st[-1] - st[k]) - (s1[-1] - s1[k]) * x
    return out


def features(activation: str, units: Units, x: np.ndarray) -> np.ndarray:
    """``σ(wⱼ xᵢ + bⱼ)``, shape ``(len(x), n)``."""
    return sigma(activation)(np.multiply.outer(x, units.w) + units.b)


# --------------------------------------------------------------------------- ReLU, threshold


def _gauss_panels(g: Fn, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """8-point Gauss–Legendre on every panel: nodes ξ ∈ (0, 1), weights·length, g values."""
    xi, om = np.polynomial.legendre.leggauss(KNOT_GAUSS)
    xi, om = 0.5 * (xi + 1.0), 0.5 * om
    h = np.diff(edges)
    x = edges[:-1, None] + h[:, None] * xi
    return xi, h[:, None] * om, g(x)


def _tridiagonal_solve(lower: np.ndarray, diag: np.ndarray, upper: np.ndarray, rhs: np.ndarray):
    """Solve a diagonally dominant tridiagonal system by parallel cyclic reduction.

    ``lower[i]`` multiplies ``x[i−1]``, ``upper[i]`` multiplies ``x[i+1]``; ``rhs`` has shape
    ``(n, r)``.  ⌈log₂ n⌉ vectorized steps, each eliminating the neighbours at distance s.
    """
    a, b, c, d = lower.astype(float), diag.astype(float), upper.astype(float), rhs.astype(float)
    n = b.size
    a[0] = 0.0
    c[-1] = 0.0
    s = 1
    while s < n:
        am = np.zeros_like(a)
        bm, cm, dm = np.ones_like(b), np.zeros_like(c), np.zeros_like(d)
        am[s:], bm[s:], cm[s:], dm[s:] = a[:-s], b[:-s], c[:-s], d[:-s]  # row i − s
        ap = np.zeros_like(a)
        bp, cp, dp = np.ones_like(b), np.zeros_like(c), np.zeros_like(d)
        ap[:-s], bp[:-s], cp[:-s], dp[:-s] = a[s:], b[s:], c[s:], d[s:]  # row i + s
        alpha, gamma = -a / bm, -c / bp
        a, c = alpha * am, gamma * cp
        b = b + alpha * cm + gamma * ap
        d = d + alpha[:, None] * dm + gamma[:, None] * dp
        s *= 2
    return d / b[:, None]


def _fit_relu(g: Fn, units: Units) -> np.ndarray:
    order = np.argsort(units.t, kind="stable")
    tau = np.concatenate([[0.0], units.t[order], [1.0]])
    h = np.diff(tau)  # n + 1 intervals
    n2 = tau.size  # n + 2 hat functions
    xi, wq, gx = _gauss_panels(g, tau)
    r = np.zeros(n2)
    r[:-1] += (gx * wq * (1.0 - xi)).sum(axis=1)
    r[1:] += (gx * wq * xi).sum(axis=1)
    diag = np.zeros(n2)
    diag[:-1] += h / 3.0
    diag[1:] += h / 3.0
    off = h / 6.0
    # constraints: v₀ = Σ_{w<0} Jᵢ τᵢ and s₀ = −Σ_{w<0} Jᵢ, with the slope jumps
    # Jᵢ = (v_{i+1} − vᵢ)/hᵢ − (vᵢ − v_{i−1})/h_{i−1} at the knots i = 1 … n
    i = np.arange(1, n2 - 1)
    cm, cp = 1.0 / h[i - 1], 1.0 / h[i]  # Jᵢ = cm·v_{i−1} − (cm + cp)·vᵢ + cp·v_{i+1}
    neg = units.w[order] < 0
    L = np.zeros((2, n2))
    L[0, 0] = 1.0
    L[1, 0], L[1, 1] = -1.0 / h[0], 1.0 / h[0]
    for row, weight in ((0, -tau[i][neg]), (1, np.ones(int(neg.sum())))):
        k = i[neg]
        np.add.at(L[row], k - 1, weight * cm[neg])
        np.add.at(L[row], k, -weight * (cm[neg] + cp[neg]))
        np.add.at(L[row], k + 1, weight * cp[neg])
    sol = _tridiagonal_solve(
        np.concatenate([[0.0], off]),
        diag,
        np.concatenate([off, [0.0]]),
        np.column_stack([r, L.T]),
    )
    z0, Z = sol[:, 0], sol[:, 1:]
    lam = np.linalg.solve(L @ Z, L @ z0)
    v = z0 - Z @ lam
    jumps = cm * v[i - 1] - (cm + cp) * v[i] + cp * v[i + 1]  # slope jump at each knot
    a = np.empty(len(units))
    a[order] = jumps / np.abs(units.w[order])
    return a


def _fit_threshold(g: Fn, units: Units) -> np.ndarray:
    order = np.argsort(units.t, kind="stable")
    tau = np.concatenate([[0.0], units.t[order], [1.0]])
    length = np.diff(tau)  # n + 1 segments
    _, wq, gx = _gauss_panels(g, tau)
    mean = (gx * wq).sum(axis=1) / length
    # constraint: u₀ + Σ_{w<0} (u_i − u_{i−1}) = 0 (the value on [0, t_min) is Σ_{w<0} aⱼ)
    c = np.zeros(length.size)
    c[0] = 1.0
    pos = np.flatnonzero(units.w[order] < 0) + 1  # segment right of each left-pointing knot
    np.add.at(c, pos, 1.0)
    np.add.at(c, pos - 1, -1.0)
    u = mean - (c / length) * (c @ mean) / (c @ (c / length))
    jumps = np.diff(u)
    a = np.empty(len(units))
    a[order] = np.sign(units.w[order]) * jumps
    return a


# --------------------------------------------------------------------------- smooth


@lru_cache(maxsize=1)
def _legendre_frame() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes x on [0, 1], √weights, and an orthogonal matrix Q whose first k
    rows span the weighted polynomials of degree < k at the nodes.

    Q is the transposed Q factor of the √w-weighted Legendre Vandermonde matrix, so it is
    orthogonal to machine precision (the recurrence alone drifts to ~10⁻¹³ at degree 255).
    """
    t, w = np.polynomial.legendre.leggauss(QUAD_NODES)
    x, sw = 0.5 * (t + 1.0), np.sqrt(0.5 * w)
    V = np.polynomial.legendre.legvander(t, QUAD_NODES - 1) * sw[:, None]
    Q = np.linalg.qr(V)[0].T
    for arr in (x, sw, Q):
        arr.flags.writeable = False
    return x, sw, Q


@lru_cache(maxsize=32)
def _legendre_features(activation: str, seed: int) -> np.ndarray:
    """Legendre coefficients of all :data:`MAX_WIDTH` units, rows that matter only (D × n)."""
    x, sw, Q = _legendre_frame()
    C = Q @ (features(activation, draw_units(activation, seed, MAX_WIDTH), x) * sw[:, None])
    scale = np.linalg.norm(C, axis=0)
    keep = np.flatnonzero(np.any(np.abs(C) > DROP * scale, axis=1))
    D = int(keep[-1]) + 1 if keep.size else 1
    out = np.ascontiguousarray(C[:D])
    out.flags.writeable = False
    return out


#: Widths whose factorizations are cached per (activation, seed): the error-against-width
#: chart needs all of them for every target, and they do not depend on the target.
CACHED_WIDTHS: tuple[int, ...] = tuple(2**i for i in range(11))


def _svd(C: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin SVD with singular values below :data:`RCOND` of the largest dropped — the
    factorization behind ``numpy.linalg.lstsq``'s minimum-norm solution."""
    U, s, Vt = np.linalg.svd(C, full_matrices=False)
    r = int(np.count_nonzero(s > RCOND * s[0])) if s.size and s[0] > 0 else 0
    out = (U[:, :r], s[:r], Vt[:r])
    for arr in out:
        arr.flags.writeable = False
    return out


@lru_cache(maxsize=14)
def _cached_svds(activation: str, seed: int) -> dict[int, tuple[np.ndarray, ...]]:
    C = _legendre_features(activation, seed)
    return {n: _svd(C[:, :n]) for n in CACHED_WIDTHS}


def _fit_smooth(g: Fn, activation: str, seed: int, n: int, cached: bool) -> np.ndarray:
    """Minimum-norm least squares ``a = V Σ⁻¹ Uᵀ y`` in the truncated Legendre frame."""
    x, sw, Q = _legendre_frame()
    C = _legendre_features(activation, seed)
    if cached and n in CACHED_WIDTHS:
        U, s, Vt = _cached_svds(activation, seed)[n]
    else:
        U, s, Vt = _svd(C[:, :n])
    y = (Q @ (g(x) * sw))[: C.shape[0]]
    return Vt.T @ ((U.T @ y) / s)


def legendre_rank(activation: str, seed: int) -> int:
    """D: Legendre rows kept for the smooth least squares (numerical degree of the units)."""
    return int(_legendre_features(activation, seed).shape[0])


def fit(activation: str, g: Fn, width: int, seed: int, *, cached: bool = False) -> TwoLayerNetwork:
    """Random inner weights (seeded), outer weights by L² least squares on [0, 1].

    With ``cached``, smooth units reuse the factorizations of all :data:`CACHED_WIDTHS` for
    this (activation, seed), computed on first use — for sweeps over those widths.
    """
    units = draw_units(activation, seed, width)
    if activation == "relu":
        a = _fit_relu(g, units)
    elif activation == "threshold":
        a = _fit_threshold(g, units)
    else:
        a = _fit_smooth(g, activation, seed, width, cached)
    return TwoLayerNetwork(activation, units, a)


# --------------------------------------------------------------------------- measuring

#: Sup errors are measured on this uniform grid (plus the knots of ReLU networks; threshold
#: networks exactly, from their steps); the best polynomials are minimax on the same grid.
EVAL_POINTS = 513
#: Widths of the error-against-width chart (computed once per target and seed, then cached;
#: the factorizations behind them once per activation and seed).
CHART_WIDTHS = CACHED_WIDTHS


def eval_grid() -> np.ndarray:
    """The :data:`EVAL_POINTS` equally spaced points of [0, 1]."""
    return np.linspace(0.0, 1.0, EVAL_POINTS)


def eval_points(net: TwoLayerNetwork) -> np.ndarray:
    """The evaluation grid, plus every knot inside [0, 1] of a ReLU network."""
    x = eval_grid()
    if net.activation == "relu":
        t = net.units.t
        x = np.union1d(x, t[(t > 0.0) & (t < 1.0)])
    return x


def sup_error(
    net: TwoLayerNetwork, g: targets.Target, x: np.ndarray, fx: np.ndarray
) -> tuple[float, float]:
    """sup |f − g| and where, from the network's values ``fx`` at :func:`eval_points`;
    exact for threshold networks (f is a step function: cell ends and critical points)."""
    if net.activation == "threshold":
        s = step_sup(g, net.threshold_network())
        return s.sup, s.where
    err = np.abs(fx - g(x))
    i = int(np.argmax(err))
    return float(err[i]), float(x[i])


@lru_cache(maxsize=64)
def best_polynomials(g: targets.Target) -> tuple[Minimax, ...]:
    """Minimax polynomials of degrees 1, 2, 3 on the evaluation grid (discrete Remez)."""
    x = eval_grid()
    return tuple(best_polynomial(x, g(x), k) for k in (1, 2, 3))


@lru_cache(maxsize=32)
def error_chart(g: targets.Target, seed: int) -> dict[str, np.ndarray]:
    """sup |f − g| against :data:`CHART_WIDTHS` for every activation (target, seed fixed).

    Smooth units are evaluated once on the grid for the widest network and every narrower
    network takes a prefix (units are nested): the same numbers as evaluating each network.
    """
    x = eval_grid()
    gx = g(x)
    out = {}
    for act in ACTIVATIONS:
        errs = []
        if act in ("relu", "threshold"):
            for n in CHART_WIDTHS:
                net = fit(act, g, n, seed, cached=True)
                xe = eval_points(net)
                errs.append(sup_error(net, g, xe, net(xe))[0])
        else:
            E = features(act, draw_units(act, seed, max(CHART_WIDTHS)), x)
            for n in CHART_WIDTHS:
                errs.append(
                    float(np.max(np.abs(E[:, :n] @ fit(act, g, n, seed, cached=True).a - gx)))
                )
        out[act] = np.array(errs)
    return out


@dataclass(frozen=True)
class UniversalFit:
    """One fitted network with its sup error, measured at :func:`eval_points`."""

    net: TwoLayerNetwork
    x: np.ndarray  # evaluation points
    fx: np.ndarray  # f there
    sup: float
    where: float


def measure_fit(g: targets.Target, activation: str, width: int, seed: int, *, cached: bool):
    """Fit the network (:func:`fit`) and measure its sup error."""
    net = fit(activation, g, width, seed, cached=cached)
    xe = eval_points(net)
    fx = net(xe)
    err, where = sup_error(net, g, xe, fx)
    return UniversalFit(net, xe, fx, err, where)


def polynomial_check_allowance(g: targets.Target, m: UniversalFit, best: Minimax) -> float:
    """Rounding allowance of ``max_X |f − g| ≥ min_ref |g − p|`` (Remark 2.6 on the grid X).

    ``f = Σⱼ aⱼ(wⱼx + bⱼ)^k`` is evaluated as a dot product of ``n`` terms, each power with
    ``k + 2`` roundings: at most ``(n + k + 2)·u·max_x Σⱼ|aⱼσⱼ(x)|`` (cancelling outer
    weights make this the dominant term).  The Remez residuals ``g − p`` at the reference
    are a Chebyshev sum of ``k + 1`` terms: ``(k + 2)·u·(max|g| + Σ|cᵢ|)``.  ``g`` is evaluated
    with ``G`` roundings on both sides (``2G·u·max|g|``), and each side has one subtraction.
    """
    u = float(np.finfo(float).eps) / 2
    k = polynomial_degree(m.net.activation) or 0
    x = eval_grid()
    terms = float(np.max(np.abs(features(m.net.activation, m.net.units, x)) @ np.abs(m.net.a)))
    gmax = float(np.max(np.abs(g(x))))
    G = targets.roundings(g)
    return (
        (m.net.width + k + 2) * u * terms
        + (k + 2) * u * (gmax + float(np.sum(np.abs(best.coef))))
        + 2 * G * u * gmax
        + 2 * u * (m.sup + best.lower)
    )


#: Activation names of exported networks (:mod:`approxlab.theory.core.activations`).
EXPORT_ACTIVATIONS: dict[str, str] = {
    "relu": "relu",
    "threshold": "threshold",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "exp": "exp",
    "cos": "cos",
    "poly1": "identity",
    "poly2": "square",
    "poly3": "cube",
}


def as_layers(net: TwoLayerNetwork) -> list[tuple[np.ndarray, np.ndarray]]:
    """``[(W₁, b₁), (W₂, b₂)]``: ``f(x) = W₂ σ(W₁x + b₁) + b₂`` with no output bias."""
    return [(net.units.w[:, None], net.units.b.copy()), (net.a[None, :], np.zeros(1))]
