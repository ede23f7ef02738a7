"""Depth 2 against depth 3 for a radial function in d dimensions (seed 003, Remark 4.12; seed
002, Eldan and Shamir 2016).

**The target.**  ``g(x) = φ(‖x‖²)`` on the cube ``[−1, 1]^d``, radial: ``φ`` is the
piecewise-linear function with knots ``ρ_k = (k·w)²`` and values ``0, 1, 0, 1, …`` — ripples
of width ``w`` in the radius ``‖x‖`` (:class:`Ripples`).

**Three layers, poly(d) nodes** (Eldan–Shamir's architecture: two hidden layers).

1. First hidden layer: for every coordinate, Yarotsky's ``h_i`` — the interpolant of ``t²`` on
   ``{0, 2^{−i}, …, 1}``, ``0 ≤ h_i − t² ≤ 4^{−i−1}`` (003, Theorem 4.2) — applied to
   ``|x_j|``: as a function of ``x_j ∈ [−1, 1]`` it is piecewise linear with ``2^{i+1}``
   pieces, i.e. ``2^{i+1}`` ReLU units (:func:`coordinate_square`).  (Theorem 4.2's deep
   network computes the same ``h_i`` with ``5i`` nodes but ``i + 1`` layers; three layers
   force the shallow form.)
2. Their sum ``ρ̂ = Σ_j h_i(|x_j|)`` is linear, merged into the second layer's input map.
3. Second hidden layer: ``φ(ρ̂)`` with one unit per piece of ``φ`` on ``[0, d]``.

Nodes: ``d·2^{i+1} + K`` (``K`` pieces of ``φ``).  **Bound** (proved): ``0 ≤ ρ̂ − ‖x‖² ≤
d·4^{−i−1}``, so ``|f(x) − g(x)| ≤ Lip(φ)·d·4^{−i−1}`` for every ``x`` in the cube
(:func:`three_layer_bound`), ``Lip(φ) = 1/w²`` (the first piece is the steepest).  The
smallest ``i`` meeting ``ε`` gives ``2^{i+1} ≤ 2√(Lip·d/ε)`` units per coordinate:
``O(d^{3/2}/√ε)`` nodes in all — polynomial in ``d``.

**Two layers, k units: the best we can fit** (:func:`fit_two_layer`).  Random features
``σ(wⱼ·x + bⱼ)`` — directions uniform on the sphere, each hyperplane through a random training
point — and an output bias, outer weights by ridge least squares on ``n`` training points;
over :data:`RESTARTS` feature draws and :data:`RIDGES` ridge levels the one with the smallest
error on separate validation points is kept, and its error is measured on separate test
points.  This is an upper bound on the best two-layer error with ``k`` units, not the best
itself; Eldan and Shamir's lower bound (depth 2 needs ``e^{cd}`` units for some radial
functions) is not computed for this φ — the scene shows and measures the phenomenon.

**Errors** are root-mean-square errors over ``x`` uniform on the cube, *Monte Carlo
estimates* from :data:`TEST_POINTS` independent points, with their standard error (delta
method: ``SE(√M) ≈ SE(M)/(2√M)`` for the mean square ``M``).  The largest error over the
sample points is a lower estimate of the sup, never called one.

The prefix structure of the normal equations makes every width cheap: with the Cholesky
factor ``L`` of ``FᵀF + λI`` over ``K`` features, the fit with the first ``k`` features uses
``L[:k+1, :k+1]`` (Cholesky factors of leading blocks are leading blocks of the factor), and
the inverse of a leading block of a triangular matrix is the leading block of its inverse: one
inversion per draw and ridge level serves every width.  (Normal equations are safe here: the
ridge bounds their condition number.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.core.networks import ReLUNetwork

#: Dimensions of the sweep.
DIMS = np.arange(1, 9)
#: Widths of the two-layer sweep (hidden units k).
WIDTHS = np.array([4, 8, 16, 32, 64, 128])
MAX_WIDTH = int(WIDTHS[-1])
#: Squaring levels of the three-layer sweep.
LEVELS = np.arange(0, 7)
#: Points: training (two-layer fit), validation (its choices), test (every error shown).
TRAIN_POINTS, VALIDATION_POINTS, TEST_POINTS = 640, 256, 2048
#: Feature draws and ridge levels (× mean diagonal of FᵀF/n) tried by the two-layer fit.
RESTARTS = 2
RIDGES = (1e-8, 1e-5, 1e-2)


@dataclass(frozen=True)
class Ripples:
    """``φ`` on ``[0, d]``: knots ``(k·w)²``, values alternating 0, 1, 0, …"""

    width: float
    dim: int

    @property
    def knots(self) -> np.ndarray:
        k = math.ceil(math.sqrt(self.dim) / self.width - 1e-12)
        return (np.arange(k + 1) * self.width) ** 2

    @property
    def values(self) -> np.ndarray:
        return (np.arange(self.knots.size) % 2).astype(float)

    @property
    def pieces(self) -> int:
        return self.knots.size - 1

    @property
    def lipschitz(self) -> float:
        return float(np.max(np.abs(np.diff(self.values) / np.diff(self.knots))))

    def __call__(self, rho: np.ndarray) -> np.ndarray:
        return np.interp(rho, self.knots, self.values)

    def target(self, x: np.ndarray) -> np.ndarray:
        """``g(x) = φ(‖x‖²)`` for rows ``x`` of ``(n, d)``."""
        return self(np.sum(x * x, axis=1))


# ------------------------------------------------------------------ three layers


def _relu_form(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """A piecewise-linear function on ``[t_0, t_K]`` through ``(t, y)`` as
    ``y_0 + Σ_k c_k σ(s − t_k)`` (one unit per piece): ``(offsets t_k, coefficients c_k, y_0)``."""
    s = np.diff(y) / np.diff(t)
    return t[:-1], np.diff(s, prepend=0.0), float(y[0])


def coordinate_square(i: int) -> tuple[np.ndarray, np.ndarray, float]:
    """``h_i(|t|)`` on ``[−1, 1]`` in ReLU form (``2^{i+1}`` units): knots ``±k/2^i``."""
    t = np.linspace(-1.0, 1.0, 2 ** (i + 1) + 1)
    return _relu_form(t, t * t)


def three_layer_network(phi: Ripples, i: int) -> ReLUNetwork:
    """The three-layer ReLU network ``x ↦ φ(Σ_j h_i(|x_j|))`` on ``[−1, 1]^d``."""
    d = phi.dim
    off, coef, base = coordinate_square(i)
    u = off.size  # units per coordinate
    W1 = np.kron(np.eye(d), np.ones((u, 1)))  # unit (j, k) reads x_j
    b1 = np.tile(-off, d)
    r_sum = np.tile(coef, d)  # ρ̂ = d·base + r_sum · hidden
    knots, c2, phi0 = _relu_form(phi.knots, phi.values)
    W2 = np.outer(np.ones(knots.size), r_sum)
    b2 = d * base - knots
    return [(W1, b1), (W2, b2), (c2[None, :], np.array([phi0]))]


def three_layer_nodes(dim: int, i: int, pieces: int) -> int:
    return dim * 2 ** (i + 1) + pieces


def three_layer_bound(phi: Ripples, i: int) -> float:
    """``sup_x |f − g| ≤ Lip(φ)·d·4^{−i−1}``."""
    return phi.lipschitz * phi.dim * 4.0 ** (-i - 1)


def level_for(phi: Ripples, eps: float) -> int:
    """Smallest ``i`` with :func:`three_layer_bound` ≤ ε."""
    i = max(0, math.ceil(math.log(phi.lipschitz * phi.dim / eps, 4) - 1) - 1)
    while three_layer_bound(phi, i) > eps:
        i += 1
    return i


def squared_norm_estimate(x: np.ndarray, i: int) -> np.ndarray:
    """``ρ̂ = Σ_j h_i(|x_j|)``, computed by the first layer's block for one coordinate applied
    to every coordinate (the layer is block diagonal: the same units per coordinate)."""
    off, coef, base = coordinate_square(i)
    h = base + np.maximum(x[..., None] - off, 0.0) @ coef
    return h.sum(axis=1)


# -------------------------------------------------------------------- Monte Carlo


@lru_cache(maxsize=4)
def sample(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training, validation and test points uniform on ``[−1, 1]^8``; dimension ``d`` uses the
    first ``d`` coordinates (still uniform on ``[−1, 1]^d``)."""
    rng = np.random.default_rng([seed, 8])
    pts = rng.uniform(-1.0, 1.0, (TRAIN_POINTS + VALIDATION_POINTS + TEST_POINTS, DIMS[-1]))
    a, b = TRAIN_POINTS, TRAIN_POINTS + VALIDATION_POINTS
    return pts[:a], pts[a:b], pts[b:]


@dataclass(frozen=True)
class Estimate:
    """Root-mean-square error estimated from ``n`` points, with its standard error."""

    rms: float
    stderr: float
    n: int

    @staticmethod
    def of(residual: np.ndarray) -> Estimate:
        sq = residual * residual
        mean = float(sq.mean())
        se_mean = float(sq.std(ddof=1)) / math.sqrt(sq.size)
        rms = math.sqrt(mean)
        return Estimate(rms, se_mean / (2.0 * rms) if rms > 0 else 0.0, sq.size)


def three_layer_errors(phi: Ripples, x: np.ndarray, levels: np.ndarray) -> list[Estimate]:
    y = phi.target(x)
    return [Estimate.of(phi(squared_norm_estimate(x, int(i))) - y) for i in levels]


# -------------------------------------------------------------------- two layers


@dataclass(frozen=True)
class TwoLayerFit:
    """The chosen random-features network for each width of :data:`WIDTHS` (and one extra)."""

    widths: np.ndarray
    errors: list[Estimate]
    networks: list[ReLUNetwork]


def _features(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.hstack([np.ones((x.shape[0], 1)), np.maximum(x @ W.T + b, 0.0)])


@dataclass(frozen=True)
class _Draw:
    """One draw of :data:`MAX_WIDTH` features with its factored normal equations."""

    W: np.ndarray
    b: np.ndarray
    validation: np.ndarray  # features at the validation points
    rhs: np.ndarray
    #: Inverses of the Cholesky factors, one per ridge level, and their products with the
    #: right-hand side (forward substitution, shared by every prefix).
    inverses: tuple[np.ndarray, ...]
    forward: tuple[np.ndarray, ...]


@lru_cache(maxsize=64)
def _draws(width: float, dim: int, seed: int) -> tuple[_Draw, ...]:
    """Feature draws for ``Ripples(width, dim)`` (cached: every width k uses their prefixes)."""
    phi = Ripples(width, dim)
    tr, va, _ = (p[:, :dim] for p in sample(seed))
    ytr = phi.target(tr)
    out = []
    for r in range(RESTARTS):
        rng = np.random.default_rng([seed, dim, r, 16])
        W = rng.standard_normal((MAX_WIDTH, dim))
        W /= np.linalg.norm(W, axis=1, keepdims=True)
        b = -np.sum(W * tr[rng.integers(0, tr.shape[0], MAX_WIDTH)], axis=1)
        F = _features(tr, W, b)
        G = F.T @ F / tr.shape[0]
        scale = float(np.mean(np.diag(G)))
        eye = np.eye(MAX_WIDTH + 1)
        rhs = F.T @ ytr / tr.shape[0]
        inv = tuple(np.linalg.inv(np.linalg.cholesky(G + r * scale * eye)) for r in RIDGES)
        out.append(_Draw(W, b, _features(va, W, b), rhs, inv, tuple(Li @ rhs for Li in inv)))
    return tuple(out)


def fit_two_layer(phi: Ripples, seed: int, widths) -> TwoLayerFit:
    """Best of :data:`RESTARTS` × :data:`RIDGES` random-feature fits per width (validation),
    errors on the test points.  Widths ≤ :data:`MAX_WIDTH`; width k uses the first k features
    of each draw."""
    d = phi.dim
    _, va, te = (p[:, :d] for p in sample(seed))
    yva, yte = phi.target(va), phi.target(te)
    widths = np.asarray(widths, dtype=np.int64)
    nets: list[ReLUNetwork] = []
    for k in widths:
        best, net = math.inf, None
        for draw in _draws(phi.width, d, seed):
            for Li, y in zip(draw.inverses, draw.forward, strict=True):
                a = Li[: k + 1, : k + 1].T @ y[: k + 1]  # (L_k L_kᵀ)⁻¹ r_k, L_k⁻¹ = (L⁻¹)_k
                err = float(np.mean((draw.validation[:, : k + 1] @ a - yva) ** 2))
                if err < best:
                    best = err
                    net = [(draw.W[:k].copy(), draw.b[:k].copy()), (a[None, 1:], a[:1].copy())]
        nets.append(net)
    errors = [Estimate.of(evaluate(net, te) - yte) for net in nets]
    return TwoLayerFit(widths, errors, nets)


@lru_cache(maxsize=64)
def fit_at(width: float, dim: int, seed: int, k: int) -> TwoLayerFit:
    """:func:`fit_two_layer` for one width ``k`` (cached: the scene asks for every d)."""
    return fit_two_layer(Ripples(width, dim), seed, [k])


def evaluate(net: ReLUNetwork, x: np.ndarray) -> np.ndarray:
    z = x.T
    for li, (W, b) in enumerate(net):
        z = W @ z + b[:, None]
        if li < len(net) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


@lru_cache(maxsize=8)
def two_layer_sweep(width: float, seed: int) -> np.ndarray:
    """Test RMS errors of the two-layer fits, shape ``(len(DIMS), len(WIDTHS))``, and their
    standard errors stacked behind: ``(2, dims, widths)``."""
    out = np.zeros((2, DIMS.size, WIDTHS.size))
    for a, d in enumerate(DIMS):
        fit = fit_two_layer(Ripples(width, int(d)), seed, WIDTHS)
        out[0, a] = [e.rms for e in fit.errors]
        out[1, a] = [e.stderr for e in fit.errors]
    return out


@lru_cache(maxsize=8)
def three_layer_sweep(width: float, seed: int) -> np.ndarray:
    """Test RMS errors of the three-layer networks, ``(2, dims, levels)`` (and standard errors).

    The first layer's block ``h_i(|t|)`` runs once on every coordinate of the 8-dimensional
    test points; dimension ``d`` sums the first ``d`` columns (its points are the first ``d``
    coordinates)."""
    out = np.zeros((2, DIMS.size, LEVELS.size))
    _, _, te = sample(seed)
    sq = np.cumsum(te * te, axis=1)  # ‖x‖² in each dimension d
    for c, i in enumerate(LEVELS):
        # h_i(|t|) = base + Σ_k c_k σ(t − t_k) is the interpolant of t² at the knots k/2^i of
        # [−1, 1] (where the points lie): evaluated as such, O(log) per point, not O(2^i)
        knots = np.linspace(-1.0, 1.0, 2 ** (int(i) + 1) + 1)
        rho_hat = np.cumsum(np.interp(te, knots, knots * knots), axis=1)
        for a, d in enumerate(DIMS):
            phi = Ripples(width, int(d))
            e = Estimate.of(phi(rho_hat[:, d - 1]) - phi(sq[:, d - 1]))
            out[:, a, c] = e.rms, e.stderr
    return out


def nodes_needed(errors: np.ndarray, nodes: np.ndarray, eps: float) -> np.ndarray:
    """Per row, the fewest nodes whose error is ≤ ε (``nan`` when none is)."""
    ok = errors <= eps
    first = np.argmax(ok, axis=1)
    return np.where(ok.any(axis=1), np.take_along_axis(nodes, first[:, None], 1)[:, 0], np.nan)
