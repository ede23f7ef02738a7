"""Multiplication from squaring (seed 003, Corollary 4.3 and Lemma 5.3).

Corollary 4.3 (products) — the printed network
``g_i(x, x′) = ½(4h_i((x+x′)/2) − h_i(x) − h_i(x′))`` does *not* vanish on the axes:
``g_i(x, 0) = 2h_i(x/2) − ½h_i(x) = ½(h_{i−1} − h_i)(x) = Δ^i(x)/(2·4^i)``.  The form of
Yarotsky (2017, Prop. 3), ``g_i(x, x′) = 2(h_i((x+x′)/2) − h_i(x/2) − h_i(x′/2))``, keeps
all three arguments in ``[0, 1]``, equals ``0`` exactly when ``x = 0`` or ``x′ = 0``, maps
``[0,1]²`` into ``[0, 1]`` (``h_i`` is convex with ``h_i(0) = 0``, hence superadditive) and
satisfies ``g_i − xx′ = 2e((x+x′)/2) − 2e(x/2) − 2e(x′/2) ∈ [−4^{−i}, 4^{−i}/2]`` for
``e = h_i − x² ∈ [0, 4^{−i−1}]``, so ``|g_i − xx′| ≤ 4^{−i}`` — the printed bound, attained
at ``x = x′ = 2^{−i}``.  :func:`product_network` builds it (``form="corrected"``) and,
for comparison, the printed one.

Lemma 5.3: ``prod_{i,l}(x_1, …, x_l) = g_i(prod_{i,l−1}(x_1, …, x_{l−1}), x_l)``
(:func:`product_chain_network`).

The squaring network ``h_i`` itself (Theorem 4.2) is in :mod:`approxlab.theory.depth.squaring`,
which also re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.networks import ReLUNetwork
from approxlab.theory.depth.squaring import (
    Carry,
    SkipNetwork,
    skip_parallel,
    squaring_network,
    squaring_skip_network,
)

ProductForm = Literal["corrected", "printed"]


def _product_parts(form: ProductForm) -> tuple[list[np.ndarray], list[float]]:
    """Input maps and coefficients of the three copies of ``h_i`` in ``g_i``."""
    if form == "corrected":  # 2(h((x+x′)/2) − h(x/2) − h(x′/2))
        maps = [np.array([[0.5, 0.5]]), np.array([[0.5, 0.0]]), np.array([[0.0, 0.5]])]
        return maps, [2.0, -2.0, -2.0]
    if form == "printed":  # ½(4h((x+x′)/2) − h(x) − h(x′))
        maps = [np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])]
        return maps, [2.0, -0.5, -0.5]
    raise ValueError(f"unknown form {form!r}")


def product_skip_network(i: int, form: ProductForm = "corrected") -> SkipNetwork:
    """Corollary 4.3's ``g_i`` with skip connections: three ``h_i`` chains, ``9i`` nodes."""
    maps, coefs = _product_parts(form)
    h = squaring_skip_network(i)
    return skip_parallel([h, h, h], maps, coefs)


def product_network(
    i: int, form: ProductForm = "corrected", carry: Carry = "signed"
) -> ReLUNetwork:
    """Corollary 4.3's ``g_i : ℝ² → ℝ`` as a plain ReLU network, as the proof builds it:
    three pure copies of ``h_i`` in parallel, outputs combined (``3 × 5i = 15i`` nodes
    with the signed carry, ``12i`` with ``carry="nonneg"``; ``i + 1`` affine maps, ``2i``
    layers in the notes' count — the copies run side by side, so depth does not add up).

    ``form="corrected"`` (default): ``2(h_i((x+x′)/2) − h_i(x/2) − h_i(x′/2))``, which
    vanishes on the axes; ``form="printed"``: the notes' ``½(4h_i((x+x′)/2) − h_i(x) −
    h_i(x′))``, which does not.  For one shared carry (``11i`` / ``10i`` nodes) use
    ``product_skip_network(i, form).flatten(carry)``.
    """
    maps, coefs = _product_parts(form)
    h = squaring_network(i, carry=carry)
    return networks.parallel_sum([networks.compose(h, [(A, np.zeros(1))]) for A in maps], coefs)


def product_bound(i: int) -> float:
    """Corollary 4.3: ``|g_i(x, x′) − xx′| ≤ 4^{−i}`` on ``[0, 1]²``."""
    return 4.0 ** (-i)


def carry_alongside(net: ReLUNetwork, extra: int, carry: Carry = "nonneg") -> ReLUNetwork:
    """``(x, y) ↦ (net(x), y)`` for ``extra`` trailing inputs ``y``, same depth as ``net``.

    ``y`` rides along every hidden layer as ``σ(y)`` (``carry="nonneg"``, exact for
    ``y ≥ 0``, ``extra`` nodes per hidden layer) or ``σ(y), σ(−y)`` (``"signed"``).
    """
    d = networks.input_dim(net)
    P = np.hstack([np.eye(extra), -np.eye(extra)]) if carry == "signed" else np.eye(extra)
    out: ReLUNetwork = []
    last = len(net) - 1
    for li, (W, b) in enumerate(net):
        m = W.shape[0]
        # y as a linear function of this layer's inputs: the raw input, or the carry units
        if li == 0:
            Y = np.hstack([np.zeros((extra, d)), np.eye(extra)])
        else:
            Y = np.hstack([np.zeros((extra, W.shape[1])), P])
        Wx = np.hstack([W, np.zeros((m, Y.shape[1] - W.shape[1]))])
        C = Y if li == last or carry == "nonneg" else np.vstack([Y, -Y])
        out.append((np.vstack([Wx, C]), np.concatenate([b, np.zeros(C.shape[0])])))
    return out


def product_chain_network(i: int, factors: int, carry: Carry = "nonneg") -> ReLUNetwork:
    """Lemma 5.3: ``prod_{i,l}(x_1, …, x_l) = g_i(prod_{i,l−1}(x_1, …, x_{l−1}), x_l)``.

    Built from the corrected ``g_i`` (outputs in ``[0, 1]``, so every stage's inputs stay in
    ``[0, 1]``); ``x_l`` rides along the earlier stages (``carry``).  Error ≤ ``(l − 1)·4^{−i}``
    on ``[0, 1]^l`` by the lemma's induction started from Corollary 4.3.
    """
    if factors < 2:
        raise ValueError("need at least two factors")
    g = product_network(i, carry=carry)
    net = g
    for _ in range(factors - 2):
        net = networks.compose(g, carry_alongside(net, 1, carry))
    return net


# ------------------------------------------------------------ exact sup on the square


def product_breaklines(
    i: int, form: ProductForm = "corrected"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lines in ``[0, 1]²`` off which ``g_i`` is affine: ``x ∈ X``, ``x′ ∈ Y``, ``x + x′ ∈ C``.

    ``g_i`` is a combination of the univariate network ``h_i`` at ``u·x + v·x′`` for the
    three input maps; each copy bends only where its argument is a breakpoint of ``h_i``,
    which are read off the network by exact propagation.  (All three maps are axis-parallel
    or along the anti-diagonal, which :func:`sup_error_product` relies on.)
    """
    bp = networks.breakpoints(squaring_network(i)).breakpoints()
    maps, _ = _product_parts(form)
    X, Y, C = [np.array([0.0, 1.0])], [np.array([0.0, 1.0])], [np.array([], dtype=float)]
    for A in maps:
        u, v = float(A[0, 0]), float(A[0, 1])
        if u and v:
            if u != v:
                raise ValueError("only anti-diagonal mixed maps are supported")
            C.append(bp / u)
        elif u:
            X.append(bp / u)
        else:
            Y.append(bp / v)

    def inside(a: np.ndarray, hi: float) -> np.ndarray:
        a = np.concatenate(a)
        return np.unique(a[(a >= 0) & (a <= hi)])

    return inside(X, 1.0), inside(Y, 1.0), inside(C, 2.0)


def sup_error_product(
    net: ReLUNetwork, X: np.ndarray, Y: np.ndarray, C: np.ndarray
) -> tuple[float, tuple[float, float], float, float]:
    """``sup_{[0,1]²} |g(x, x′) − xx′|`` exactly, for a network ``g`` affine off the lines
    ``x ∈ X``, ``x′ ∈ Y``, ``x + x′ ∈ C`` (see :func:`product_breaklines`).

    On each cell ``E = g − xx′`` is affine minus ``xx′``: its Hessian is indefinite, so
    ``|E|`` peaks on cell boundaries; along horizontal and vertical edges ``E`` is affine
    (peaks at vertices), along anti-diagonal edges ``x + x′ = c`` it is a convex quadratic
    whose vertex ``x* = (c − s)/2`` (``s`` = slope of ``g`` along the edge) is also a
    candidate.  The network is evaluated at every vertex and every such ``x*``.
    Returns ``(sup, argsup, min g, max g)`` — ``g`` being piecewise affine, its extremes
    over the square are at vertices.
    """
    gx, gy = np.meshgrid(X, Y, indexing="ij")
    pts = [np.stack([gx.ravel(), gy.ravel()], 1)]
    for grid, axis in ((X, 0), (Y, 1)):  # anti-diagonals meet the grid lines
        a, c = np.meshgrid(grid, C, indexing="ij")
        other = c - a
        ok = (other >= 0) & (other <= 1)
        p = np.stack([a[ok], other[ok]], 1)
        pts.append(p if axis == 0 else p[:, ::-1])
    z = np.unique(np.concatenate(pts) @ np.array([1.0, 1j]))  # sorted by x, then x′
    V = np.stack([z.real, z.imag], 1)
    gv = networks.evaluate(net, V)
    err_v = np.abs(gv - V[:, 0] * V[:, 1])
    cand_pts, cand_err = [V], [err_v]
    if C.size:
        s = V.sum(axis=1)
        k = np.clip(np.searchsorted(C, s), 0, C.size - 1)
        on = C[k] == s
        W, gw, cw = V[on], gv[on], s[on]
        order = np.lexsort((W[:, 0], cw))
        W, gw, cw = W[order], gw[order], cw[order]
        same = cw[1:] == cw[:-1]  # consecutive vertices on one anti-diagonal: an edge
        a, b = W[:-1][same], W[1:][same]
        c = cw[:-1][same]
        slope = (gw[1:][same] - gw[:-1][same]) / (b[:, 0] - a[:, 0])
        xs = np.clip((c - slope) / 2, a[:, 0], b[:, 0])
        P = np.stack([xs, c - xs], 1)
        cand_pts.append(P)
        cand_err.append(np.abs(networks.evaluate(net, P) - P[:, 0] * P[:, 1]))
    allp, alle = np.concatenate(cand_pts), np.concatenate(cand_err)
    k = int(np.argmax(alle))
    return float(alle[k]), (float(allp[k, 0]), float(allp[k, 1])), float(gv.min()), float(gv.max())


# ------------------------------------------------------------------ measured (scene)

#: Lemma 5.3's products of l ≥ 3 factors are measured on a dyadic grid of [0, 1]^l with
#: this many points per axis, plus CHAIN_RANDOM uniform points.
CHAIN_GRID = {3: 17, 4: 9}
CHAIN_RANDOM = 6000


@cache
def exact_sup(i: int, form: ProductForm) -> tuple[float, tuple[float, float], float, float]:
    """Exact sup |g_i − xx′| on [0, 1]², and min/max of g_i (cached: a function of i, form)."""
    net = product_network(i, form=form)
    return sup_error_product(net, *product_breaklines(i, form))


@cache
def chain_error(i: int, factors: int) -> tuple[float, int, int]:
    """Lemma 5.3: max |prod_{i,l} − ∏x_j| over [0, 1]^l, nodes, affine maps (cached).

    For l = 2 this is the exact sup (:func:`exact_sup`); for l ≥ 3 the maximum over
    CHAIN_RANDOM uniform points (seeded by i and l) and a dyadic grid — a lower estimate
    of the sup.
    """
    net = product_chain_network(i, factors)
    if factors == 2:
        err = exact_sup(i, "corrected")[0]
    else:
        t = np.linspace(0.0, 1.0, CHAIN_GRID[factors])
        grid = np.stack([a.ravel() for a in np.meshgrid(*([t] * factors), indexing="ij")], 1)
        rng = np.random.default_rng(1000 * i + factors)
        X = np.concatenate([grid, rng.uniform(0.0, 1.0, (CHAIN_RANDOM, factors))])
        err = float(np.max(np.abs(networks.evaluate(net, X) - np.prod(X, axis=1))))
    return err, networks.hidden_nodes(net), len(net)


@dataclass(frozen=True)
class OnAxes:
    """``g_i`` on the axes: the corrected form vanishes there, the printed one does not."""

    t: np.ndarray
    on_x: np.ndarray  # corrected g_i(t, 0)
    on_y: np.ndarray  # corrected g_i(0, t)
    printed_on_x: np.ndarray  # printed g_i(t, 0)
    max_dev: float  # max |corrected| on both axes
    printed_max: float


def on_axes(i: int, points: int = 1025) -> OnAxes:
    """Corollary 4.3's zero property, evaluated on ``points`` points of each axis."""
    g = product_network(i)
    printed = product_network(i, form="printed")
    t = np.linspace(0.0, 1.0, points)
    zero = np.zeros_like(t)
    on_x = networks.evaluate(g, np.stack([t, zero], 1))
    on_y = networks.evaluate(g, np.stack([zero, t], 1))
    printed_on_x = networks.evaluate(printed, np.stack([t, zero], 1))
    return OnAxes(
        t,
        on_x,
        on_y,
        printed_on_x,
        float(max(np.max(np.abs(on_x)), np.max(np.abs(on_y)))),
        float(np.max(np.abs(printed_on_x))),
    )


@dataclass(frozen=True)
class ErrorTile:
    """``g_i − xx′`` on the grid ``u × u`` of ``[0, W]²`` (``Z[row][col]``: row ↔ x′,
    col ↔ x) and the largest deviation of the skip and shared-carry builds from ``g_i``."""

    W: float
    u: np.ndarray
    Z: np.ndarray
    variants_dev: float


def on_square(net: ReLUNetwork, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A bivariate network on the grid ``u × v``: ``Z[r][c] = net(u[c], v[r])`` — rows run
    along the second coordinate (``np.meshgrid``'s default), as heatmaps draw them."""
    X, Y = np.meshgrid(u, v)
    return networks.evaluate(net, np.stack([X.ravel(), Y.ravel()], 1)).reshape(v.size, u.size)


@cache
def error_tile(i: int, points: int) -> ErrorTile:
    """The error of the corrected ``g_i`` on ``[0, W]²``, ``W = min(1, 2^{5−i})``.

    The error is periodic with period ``2^{1−i}`` in each variable, so for large ``i`` a
    corner window shows it at full resolution (cached).  The skip-connection and shared-carry
    networks compute the same function; their deviation from ``g_i`` is measured here.
    """
    g = product_network(i)
    skip = product_skip_network(i)
    shared = skip.flatten()
    W = min(1.0, 2.0 ** (5 - i))
    u = np.linspace(0.0, W, points)
    gz = on_square(g, u, u)
    UX, UY = np.meshgrid(u, u)  # z[row][col]: row ↔ x′, col ↔ x
    Z = gz - UX * UY
    P = np.stack([UX.ravel(), UY.ravel()], 1)
    variants_dev = float(
        max(
            np.max(np.abs(skip.evaluate(P) - gz.ravel())),
            np.max(np.abs(networks.evaluate(shared, P) - gz.ravel())),
        )
    )
    return ErrorTile(W, u, Z, variants_dev)
