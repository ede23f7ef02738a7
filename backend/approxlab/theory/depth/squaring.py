"""Yarotsky's squaring network and products built from it (seed 003, §4.1).

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

Public interface (also used by the Sobolev construction): :func:`squaring_network`,
:func:`product_network`, :func:`product_chain_network` (Lemma 5.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork
from approxlab.theory.depth.sawtooth import triangle

Carry = Literal["signed", "nonneg"]
ProductForm = Literal["corrected", "printed"]


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


# --------------------------------------------------------------------------- products


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
