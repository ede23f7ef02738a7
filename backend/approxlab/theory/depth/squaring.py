"""Yarotsky's squaring network (seed 003, §4.1, Theorem 4.2).

Theorem 4.2: the piecewise-affine interpolant ``h_i`` of ``x²`` on
``S_i = {0, 1/2^i, …, 1}`` is ``h_i(x) = x − Σ_{j=1}^{i} Δ^j(x)/4^j`` and
``sup_{[0,1]} |h_i − x²| ≤ 4^{−i−1}``.  The network re-uses the chain
``x → Δ → Δ² → … → Δ^i`` (3 ReLU nodes per power) and adds every power into the output.

That addition is a *skip connection* (every block writes into the output directly), which
a plain weight list ``[(W, b), …]`` cannot express.  :class:`SkipNetwork` represents it
honestly: hidden layers plus a readout from the input and from every hidden layer.  Its
:meth:`SkipNetwork.flatten` turns it into a plain ReLU network by carrying the running
output through every hidden layer — the nodes this costs are what separates the notes'
``3i`` (skip) from ``5i`` (pure):

- ``carry="signed"`` carries ``a`` as the pair ``σ(a), σ(−a)`` (2 nodes per layer, any sign):
  ``3i + 2i = 5i`` nodes, and the network equals ``x − Σ_j Δ^j(x)/4^j`` on all of ℝ
  (``h_i`` on ``[0, 1]``, the identity outside, since ``Δ = 0`` there);
- ``carry="nonneg"`` carries ``σ(a)`` only (1 node per layer), exact wherever the running
  sums are ``≥ 0`` — for ``h_i`` that is ``x ≥ 0`` (``h_j ≥ x² ≥ 0`` on ``[0, 1]``):
  ``4i`` nodes.

Layers: the chain has ``i`` hidden layers (``i + 1`` affine maps, since each Δ's output
map is merged into the next Δ's input map); the notes count 2 layers per Δ, ``2i``.

The products built from it (Corollary 4.3, Lemma 5.3) live in
:mod:`approxlab.theory.depth.product`; their names stay importable from here
(``squaring.product_network`` …) for older code.

Public interface (also used by the Sobolev construction): :func:`squaring_network`,
:class:`SkipNetwork`, :func:`sup_error_square`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, overload

import numpy as np

from approxlab.theory.core import envelopes, networks, targets
from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork
from approxlab.theory.depth.sawtooth import sawtooth, triangle
from approxlab.theory.shallow.threshold import threshold_width

Carry = Literal["signed", "nonneg"]


@dataclass(frozen=True)
class SkipNetwork:
    """A ReLU network whose output reads from the input and from *every* hidden layer.

    ``H_0 = x``, ``H_l = σ(W_l H_{l−1} + b_l)`` for the ``hidden`` layers ``(W_l, b_l)``,
    and ``output = R_0 H_0 + R_1 H_1 + … + R_n H_n + bias`` (``readout = (R_0, …, R_n)``).
    The readouts are the skip connections; they cost no nodes.
    """

    hidden: ReLUNetwork
    readout: tuple[np.ndarray, ...]
    bias: np.ndarray

    def __post_init__(self) -> None:
        if len(self.readout) != len(self.hidden) + 1:
            raise ValueError("need one readout for the input and one per hidden layer")

    @property
    def input_dim(self) -> int:
        return int(self.readout[0].shape[1])

    @property
    def output_dim(self) -> int:
        return int(self.bias.shape[0])

    def hidden_nodes(self) -> int:
        return int(sum(W.shape[0] for W, _ in self.hidden))

    def affine_maps(self) -> int:
        """Affine maps on the longest path: one per hidden layer plus the readout."""
        return len(self.hidden) + 1

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        """Evaluate on ``x`` of shape ``(n,)`` or ``(n, d)``; like :func:`networks.evaluate`."""
        x = np.asarray(x, dtype=float)
        z = x[None, :] if x.ndim == 1 else np.ascontiguousarray(x.T)
        out = self.readout[0] @ z
        for (W, b), R in zip(self.hidden, self.readout[1:], strict=True):
            z = W @ z
            z += b[:, None]
            np.maximum(z, 0.0, out=z)
            out += R @ z
        out += self.bias[:, None]
        return out[0] if out.shape[0] == 1 else out.T

    def breakpoints(self, domain: tuple[float, float] = (0.0, 1.0)) -> PiecewiseLinear:
        """Exact piecewise-linear form of a univariate, single-output skip network.

        Every hidden unit's switching point is found by exact propagation through the
        hidden chain; between consecutive switching points the output (a linear function
        of the input and of all hidden units) is affine, so its values there define it.
        """
        if self.input_dim != 1 or self.output_dim != 1:
            raise ValueError("breakpoints needs one input and one output")
        if not self.hidden:
            t = np.array([float(domain[0]), float(domain[1])])
        else:
            probe = [*self.hidden, (np.zeros((1, self.hidden[-1][0].shape[0])), np.zeros(1))]
            *_, (_, t, _) = networks.propagate(probe, domain)
            t = t[np.concatenate([[True], np.diff(t) > 0])]
        return PiecewiseLinear(t, self.evaluate(t))

    def flatten(self, carry: Carry = "signed") -> ReLUNetwork:
        """The same function as a plain ReLU network ``[(W, b), …]``.

        The running output ``a_l = R_0 x + Σ_{l′ ≤ l} R_{l′} H_{l′}`` rides along every
        hidden layer: as ``σ(a), σ(−a)`` (``carry="signed"``, 2 nodes per output and
        layer, exact for any sign) or as ``σ(a)`` (``carry="nonneg"``, 1 node, exact where
        every ``a_l ≥ 0``).  Same depth; ``hidden_nodes`` grows by ``2·out`` or ``out``
        per hidden layer.
        """
        o = self.output_dim
        if not self.hidden:
            return [(self.readout[0].copy(), self.bias.copy())]
        P = np.hstack([np.eye(o), -np.eye(o)]) if carry == "signed" else np.eye(o)
        nc = P.shape[1]
        net: ReLUNetwork = []
        for li, (W, b) in enumerate(self.hidden):
            m = W.shape[0]
            if li == 0:
                A = self.readout[0]  # a_0 = R_0 x
                Wh = W
            else:
                A = np.hstack([self.readout[li], P])  # a_{l−1} = R_{l−1} H_{l−1} + carried
                Wh = np.hstack([W, np.zeros((m, nc))])
            Wc = np.vstack([A, -A]) if carry == "signed" else A
            net.append((np.vstack([Wh, Wc]), np.concatenate([b, np.zeros(Wc.shape[0])])))
        net.append((np.hstack([self.readout[-1], P]), self.bias.copy()))
        return net

    def compile_skips(self) -> ReLUNetwork:
        """The same function as a plain ReLU network, every skip connection compiled
        separately: the contribution ``c_k = R_k H_k`` of the input (``k = 0``) and of each
        hidden layer rides along every later hidden layer as its own pair ``σ(c), σ(−c)``
        (``p − q = c``) and is added at the output.  Exact on all inputs; costs
        ``2·out·l`` carry nodes in hidden layer ``l`` — :meth:`flatten` sums the
        contributions into one running value instead.
        """
        o = self.output_dim
        if not self.hidden:
            return [(self.readout[0].copy(), self.bias.copy())]
        net: ReLUNetwork = []
        n_in = self.input_dim
        for li, (W, b) in enumerate(self.hidden):
            m_prev = n_in if li == 0 else self.hidden[li - 1][0].shape[0]
            carried = li  # contributions c_0 … c_{li−1} arrive as pairs (li ≥ 1)
            cols = m_prev + 2 * o * carried  # this layer's inputs: H_{li} block, then pairs
            rows = []
            # the hidden units themselves read the H block only
            rows.append(np.hstack([W, np.zeros((W.shape[0], cols - m_prev))]))
            # the new contribution c_li = R_li H_li (R_0 x for li = 0), as a pair
            R = self.readout[li]
            newc = np.hstack([R, np.zeros((o, cols - m_prev))])
            # the old contributions: p − q of their pairs
            old = np.zeros((o * carried, cols))
            for k in range(carried):
                for r in range(o):
                    base = m_prev + 2 * o * k
                    old[k * o + r, base + r] = 1.0
                    old[k * o + r, base + o + r] = -1.0
            for k in range(carried + 1):
                C = old[k * o : (k + 1) * o] if k < carried else newc
                rows.append(np.vstack([C, -C]))
            Wl = np.vstack(rows)
            net.append((Wl, np.concatenate([b, np.zeros(Wl.shape[0] - b.size)])))
        # output: R_n H_n plus every carried contribution p − q
        m_last = self.hidden[-1][0].shape[0]
        n = len(self.hidden)
        out = np.zeros((o, m_last + 2 * o * n))
        out[:, :m_last] = self.readout[-1]
        for k in range(n):
            base = m_last + 2 * o * k
            out[:, base : base + o] += np.eye(o)
            out[:, base + o : base + 2 * o] -= np.eye(o)
        net.append((out, self.bias.copy()))
        return net


def skip_parallel(
    nets: Sequence[SkipNetwork], input_maps: Sequence[np.ndarray], coefs: Sequence[float]
) -> SkipNetwork:
    """``x ↦ Σ_k c_k · N_k(A_k x)`` for single-output skip networks of equal depth.

    The hidden chains run side by side (block-diagonal layers); the input maps ``A_k`` are
    merged into the first layer and the readout from the input.
    """
    n = len(nets[0].hidden)
    if any(len(N.hidden) != n for N in nets):
        raise ValueError("skip_parallel needs networks of equal depth")
    hidden: ReLUNetwork = []
    for li in range(n):
        if li == 0:
            W = np.vstack([N.hidden[0][0] @ A for N, A in zip(nets, input_maps, strict=True)])
        else:
            W = networks._block_diag([N.hidden[li][0] for N in nets])
        hidden.append((W, np.concatenate([N.hidden[li][1] for N in nets])))
    readout = [sum(c * (N.readout[0] @ A) for N, A, c in zip(nets, input_maps, coefs, strict=True))]
    for li in range(1, n + 1):
        readout.append(np.hstack([c * N.readout[li] for N, c in zip(nets, coefs, strict=True)]))
    bias = sum(c * N.bias for N, c in zip(nets, coefs, strict=True))
    return SkipNetwork(hidden, tuple(np.atleast_2d(r) for r in readout), np.atleast_1d(bias))


# --------------------------------------------------------------------------- squaring


def squaring_skip_network(i: int) -> SkipNetwork:
    """Theorem 4.2 with skip connections: ``h_i = x − Σ_{j≤i} Δ^j/4^j``, ``3i`` nodes.

    Hidden layer ``j`` holds Δ's three units ``σ(Δ^{j−1}(x) − c)``, ``c ∈ {0, ½, 1}``;
    ``Δ^j = 2u_1 − 4u_2 + 2u_3`` of them feeds the next layer and, scaled by ``−4^{−j}``,
    the output.
    """
    if i < 0:
        raise ValueError("i must be ≥ 0")
    (W1, b1), (w2, _) = triangle()
    hidden: ReLUNetwork = []
    readout = [np.array([[1.0]])]
    for j in range(1, i + 1):
        W = W1 if j == 1 else W1 @ w2  # merged: Δ^{j−1} = w2·u, then Δ's input map
        hidden.append((W.copy(), b1.copy()))
        readout.append(-w2 / 4.0**j)
    return SkipNetwork(hidden, tuple(readout), np.zeros(1))


@overload
def squaring_network(i: int, skip: Literal[False] = False, carry: Carry = ...) -> ReLUNetwork: ...
@overload
def squaring_network(i: int, skip: Literal[True], carry: Carry = ...) -> SkipNetwork: ...
def squaring_network(
    i: int, skip: bool = False, carry: Carry = "signed"
) -> ReLUNetwork | SkipNetwork:
    """Theorem 4.2's network for ``h_i``.

    ``skip=True``: the :class:`SkipNetwork` (``3i`` nodes).  Otherwise a plain ReLU network
    ``[(W, b), …]`` (``5i`` nodes with ``carry="signed"``, exact on all of ℝ where it
    computes ``x − Σ_j Δ^j(x)/4^j``; ``4i`` with ``carry="nonneg"``, exact for ``x ≥ 0``).
    Either way ``i + 1`` affine maps (``2i`` layers in the notes' count).
    """
    net = squaring_skip_network(i)
    return net if skip else net.flatten(carry)


def interpolant(i: int, x: np.ndarray) -> np.ndarray:
    """``h_i`` by definition: the piecewise-affine interpolant of ``x²`` on ``S_i``."""
    s = np.linspace(0.0, 1.0, 2**i + 1)
    return np.interp(np.asarray(x, dtype=float), s, s * s)


def squaring_bound(i: int) -> float:
    """Theorem 4.2: ``sup_{[0,1]} |h_i − x²| ≤ 4^{−i−1}``."""
    return 4.0 ** (-i - 1)


def squaring_layers_notes(i: int) -> int:
    """Layers in the notes' count (2 per Δ): ``2i``."""
    return 2 * i


def sup_error_square(pl: PiecewiseLinear) -> tuple[float, float]:
    """``sup |p(x) − x²|`` over the domain of the piecewise-linear ``p``, exactly.

    On each piece ``p − x²`` is a concave quadratic: its maximum modulus is at a piece end
    or at the vertex ``x = slope/2``.  Returns ``(sup, argsup)``.
    """
    s = pl.slopes()
    v = np.clip(s / 2.0, pl.x[:-1], pl.x[1:])
    cand = np.concatenate([pl.x, v])
    err = np.abs(pl(cand) - cand * cand)
    k = int(np.argmax(err))
    return float(err[k]), float(cand[k])


def squared_l2_error_square(pl: PiecewiseLinear) -> float:
    """``∫ (p(x) − x²)² dx`` over the domain of ``p``, exactly (Gauss–Legendre, 3 nodes).

    The integrand is a quartic on each piece; the 3-point rule is exact to degree 5.
    """
    a, b = pl.x[:-1], pl.x[1:]
    nodes, weights = np.polynomial.legendre.leggauss(3)
    mid, half = (a + b) / 2, (b - a) / 2
    t = mid[:, None] + half[:, None] * nodes[None, :]
    ya, s = pl.y[:-1], pl.slopes()
    p = ya[:, None] + s[:, None] * (t - a[:, None])
    return float(np.sum(half * ((p - t * t) ** 2 @ weights)))


# ------------------------------------------------------------ measured (scene squaring)


@cache
def measure(i: int) -> tuple[float, float, int, int, int, int]:
    """Exact figures of the three built networks for h_i (cached: a pure function of i).

    Returns ``(sup |h_i − x²|, argsup, pieces, nodes_skip, nodes_pure, nodes_nonneg)``, all
    read off the networks: pieces by exact breakpoint propagation, sup over every piece's
    ends and vertex (see :func:`sup_error_square`).
    """
    pure = squaring_network(i)
    pl = networks.breakpoints(pure)
    sup, where = sup_error_square(pl)
    return (
        sup,
        where,
        pl.pieces(),
        squaring_network(i, skip=True).hidden_nodes(),
        networks.hidden_nodes(pure),
        networks.hidden_nodes(squaring_network(i, carry="nonneg")),
    )


@cache
def deviation_from_interpolant(i: int, direct_points: int) -> tuple[float, int]:
    """``max |network − h_i|`` for the three built networks, against the definition of
    ``h_i`` (the interpolant of ``x²`` on ``S_i``).

    The pure network's exact form is compared at all its knots and piece vertices; all
    three networks are evaluated directly at up to ``direct_points`` of those points and
    at the argsup.  Returns ``(deviation, points evaluated directly)``.
    """
    skip = squaring_network(i, skip=True)
    pure = squaring_network(i)
    lean = squaring_network(i, carry="nonneg")
    pl = networks.breakpoints(pure)
    where = measure(i)[1]
    vert = np.clip(pl.slopes() / 2, pl.x[:-1], pl.x[1:])
    pts = np.concatenate([pl.x, vert])
    h = interpolant(i, pts)
    dev_exact = float(np.max(np.abs(pl(pts) - h)))
    sub = np.unique(np.linspace(0, pts.size - 1, min(pts.size, direct_points)).astype(np.int64))
    ps, hs = np.append(pts[sub], where), np.append(h[sub], interpolant(i, where))
    dev = max(
        dev_exact,
        float(np.max(np.abs(skip.evaluate(ps) - hs))),
        float(np.max(np.abs(networks.evaluate(pure, ps) - hs))),
        float(np.max(np.abs(networks.evaluate(lean, ps) - hs))),
    )
    return dev, int(sub.size + 1)


def shallow_width(i: int) -> int:
    """Proposition 2.1's width ``⌈ρ/ε⌉`` for ``x²`` (``ρ = sup|2x| = 2``) at ``ε = 4^{−i−1}``."""
    return threshold_width(targets.lipschitz("square"), squaring_bound(i))


@dataclass(frozen=True)
class Sweep:
    """Theorem 4.2 over ``i = 0 … i_max``: exact sups, bounds, and node counts for ``i ≥ 1``
    (``h_0(x) = x`` has no nodes) against the shallow width of Proposition 2.1."""

    i: np.ndarray
    sups: np.ndarray
    bounds: np.ndarray
    deep_skip: np.ndarray  # i ≥ 1
    deep_pure: np.ndarray  # i ≥ 1
    shallow: np.ndarray  # i ≥ 1


def sweep(i_max: int) -> Sweep:
    ii = np.arange(0, i_max + 1)
    jj = ii[1:]
    return Sweep(
        ii,
        np.array([measure(int(k))[0] for k in ii]),
        np.array([squaring_bound(int(k)) for k in ii]),
        np.array([measure(int(k))[3] for k in jj]),
        np.array([measure(int(k))[4] for k in jj]),
        np.array([shallow_width(int(k)) for k in jj]),
    )


@cache
def telescoping_deviation(i: int) -> float:
    """``max |h_{i−1}(x) − h_i(x) − Δ^i(x)/4^i|`` over ``S_i`` (``i ≥ 1``), from the networks.

    The proof's identity (003, before Theorem 4.2), printed with ``4^{k+1}`` for ``4^{i}``:
    at the points of ``S_{i−1}`` both sides vanish, at the new points ``(2k + 1)/2^i`` the
    difference is ``1/4^i`` for every ``k`` — the bracket ``2k² + (2k² + 4k + 2) −
    (4k² + 4k + 1) = 1`` (printed ``− (4k² + 4k − 1)``, which gives 3).  Everything is
    dyadic, so the float64 evaluation is exact.
    """
    if i < 1:
        raise ValueError("i must be ≥ 1")
    s = np.linspace(0.0, 1.0, 2**i + 1)
    lhs = networks.evaluate(squaring_network(i - 1), s) - networks.evaluate(squaring_network(i), s)
    rhs = networks.evaluate(sawtooth(i), s) / 4.0**i
    return float(np.max(np.abs(lhs - rhs)))


def square_error_range(pl: PiecewiseLinear, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column ``[edges_c, edges_{c+1}]``: the exact range ``(min, max)`` of
    ``e = p − x²`` for a piecewise-linear ``p`` (the envelope of the error curve).

    ``e`` is concave on every piece of ``p``, so on a column its maximum lies at a column
    end, a knot or a piece's vertex ``x = slope/2``, and its minimum at a column end or a
    knot; all of them are evaluated.
    """
    pts = np.empty(2 * pl.x.size - 1)
    pts[0::2] = pl.x
    pts[1::2] = np.clip(pl.slopes() / 2.0, pl.x[:-1], pl.x[1:])  # sorted: vertex in its piece
    return envelopes.column_range(lambda t: pl(t) - t * t, pts, edges)


def error_curve(
    pl: PiecewiseLinear, lo: float, hi: float, per_piece: int = 16
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, p(x) − x²)`` on ``[lo, hi]`` at every knot, every piece's vertex and
    ``per_piece`` equal steps of every piece — the parabolic arches drawn from the exact
    form (knots and vertices exact; between them a polyline much finer than a pixel)."""
    i0, i1 = envelopes.window_pieces(pl, lo, hi)
    vert = np.clip(pl.slopes()[i0:i1] / 2.0, pl.x[i0:i1], pl.x[i0 + 1 : i1 + 1])
    return envelopes.sampled_curve(lambda t: pl(t) - t * t, pl, vert, lo, hi, per_piece)


# ------------------------------------------- products: moved to theory/depth/product.py

#: Names that moved to :mod:`approxlab.theory.depth.product` and stay importable here.
_PRODUCT_NAMES = frozenset(
    {
        "ProductForm",
        "product_skip_network",
        "product_network",
        "product_bound",
        "carry_alongside",
        "product_chain_network",
        "product_breaklines",
        "sup_error_product",
    }
)


def __getattr__(name: str) -> object:
    """Re-export the product constructions (imported lazily: product imports squaring)."""
    if name in _PRODUCT_NAMES:
        from approxlab.theory.depth import product

        return getattr(product, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
