"""ReLU networks as lists of affine layers, and exact univariate piece counting.

Convention (seed 003, chapter 2): a ReLU network is a list ``[(W_1, b_1), ..., (W_L, b_L)]``
of affine maps ``z -> W z + b`` with ``W`` of shape ``(out, in)``; the ReLU
``σ_r(z) = max(z, 0)`` is applied after every layer but the last.  "layers" are the
affine maps, "nodes" the hidden ReLU units (``Δ`` has 3 nodes and 2 layers).

For univariate inputs, :func:`breakpoints` pushes the breakpoints of the network through
it layer by layer, exactly: within a layer, every unit's pre-activation is affine between
consecutive knots, so it crosses zero at most once there, at a point we can compute
directly.  No grid is involved, so ``Δ^20`` (2^20 pieces) is counted exactly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

Layer = tuple[np.ndarray, np.ndarray]
ReLUNetwork = list[Layer]

#: Two adjacent affine pieces are merged when their slopes agree to this relative
#: tolerance (only rounding can make truly collinear pieces differ).
SLOPE_RTOL = 1e-9


def relu(z: np.ndarray) -> np.ndarray:
    """σ_r(z) = max(z, 0), elementwise."""
    return np.maximum(z, 0.0)


def layer(weight: Sequence | np.ndarray, bias: Sequence | np.ndarray) -> Layer:
    """An affine layer ``(W, b)`` as float arrays, ``W`` of shape ``(out, in)``."""
    W = np.atleast_2d(np.asarray(weight, dtype=float))
    b = np.atleast_1d(np.asarray(bias, dtype=float))
    if b.shape != (W.shape[0],):
        raise ValueError(f"bias has shape {b.shape}, expected ({W.shape[0]},)")
    return W, b


def validate(net: ReLUNetwork) -> None:
    """Raise ``ValueError`` unless consecutive layers chain and all entries are finite."""
    if not net:
        raise ValueError("a network needs at least one layer")
    for i, (W, b) in enumerate(net):
        if W.ndim != 2 or b.shape != (W.shape[0],):
            raise ValueError(f"layer {i}: weight {W.shape} and bias {b.shape} do not match")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(f"layer {i}: weights and biases must be finite")
        if i > 0 and W.shape[1] != net[i - 1][0].shape[0]:
            raise ValueError(
                f"layer {i} takes {W.shape[1]} inputs but layer {i - 1} "
                f"has {net[i - 1][0].shape[0]} outputs"
            )


def input_dim(net: ReLUNetwork) -> int:
    return int(net[0][0].shape[1])


def output_dim(net: ReLUNetwork) -> int:
    return int(net[-1][0].shape[0])


def hidden_nodes(net: ReLUNetwork) -> int:
    """Number of hidden ReLU units (every layer's outputs except the last layer's)."""
    return int(sum(W.shape[0] for W, _ in net[:-1]))


def evaluate(net: ReLUNetwork, x: np.ndarray) -> np.ndarray:
    """Evaluate the network on inputs ``x``.

    ``x`` has shape ``(n,)`` (univariate) or ``(n, d)``.  Returns shape ``(n,)`` when the
    network has one output, else ``(n, out)``.
    """
    x = np.asarray(x, dtype=float)
    z = x[None, :] if x.ndim == 1 else np.ascontiguousarray(x.T)  # (features, n)
    last = len(net) - 1
    for i, (W, b) in enumerate(net):
        z = W @ z
        z += b[:, None]
        if i < last:
            np.maximum(z, 0.0, out=z)
    return z[0] if z.shape[0] == 1 else z.T


def compose(outer: ReLUNetwork, inner: ReLUNetwork) -> ReLUNetwork:
    """The network of ``outer ∘ inner``: inner's last affine map is merged into outer's first.

    The result has ``len(inner) + len(outer) - 1`` layers and the hidden nodes of both.
    """
    (Wo, bo), (Wi, bi) = outer[0], inner[-1]
    if Wo.shape[1] != Wi.shape[0]:
        raise ValueError("outer network's input dimension must equal inner's output dimension")
    merged = (Wo @ Wi, Wo @ bi + bo)
    return [*inner[:-1], merged, *outer[1:]]


def parallel_sum(nets: Sequence[ReLUNetwork], coefs: Sequence[float]) -> ReLUNetwork:
    """The network of ``x ↦ Σ_k c_k f_k(x)`` for univariate-output nets of equal depth."""
    depth = len(nets[0])
    if any(len(n) != depth for n in nets):
        raise ValueError("parallel_sum needs networks of equal depth")
    if depth == 1:  # affine maps only: the sum is one affine map
        W = sum(c * n[0][0] for c, n in zip(coefs, nets, strict=True))
        b = sum(c * n[0][1] for c, n in zip(coefs, nets, strict=True))
        return [(np.atleast_2d(W), np.atleast_1d(b))]
    out: ReLUNetwork = []
    for li in range(depth):
        Ws = [n[li][0] for n in nets]
        bs = [n[li][1] for n in nets]
        if li == 0:
            W = np.vstack(Ws)
        elif li < depth - 1:
            W = _block_diag(Ws)
        else:
            W = np.hstack([c * w for c, w in zip(coefs, Ws, strict=True)])
        b = (
            sum(c * bb for c, bb in zip(coefs, bs, strict=True))
            if li == depth - 1
            else np.concatenate(bs)
        )
        out.append((W, np.atleast_1d(b)))
    return out


def _block_diag(blocks: Sequence[np.ndarray]) -> np.ndarray:
    rows = sum(b.shape[0] for b in blocks)
    cols = sum(b.shape[1] for b in blocks)
    M = np.zeros((rows, cols))
    r = c = 0
    for b in blocks:
        M[r : r + b.shape[0], c : c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return M


@dataclass(frozen=True)
class PiecewiseLinear:
    """A continuous piecewise-linear function given by its knots.

    ``x`` is strictly increasing; ``y[i]`` is the value at ``x[i]``; the function is affine
    between consecutive knots.  Knots need not all be true breakpoints (see :meth:`pieces`).
    """

    x: np.ndarray
    y: np.ndarray

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.x, self.y)

    def slopes(self) -> np.ndarray:
        return np.diff(self.y) / np.diff(self.x)

    def breakpoint_mask(self) -> np.ndarray:
        """Boolean mask over interior knots: True where the slope really changes."""
        s = self.slopes()
        ds = np.abs(np.diff(s))
        scale = np.maximum(np.abs(s[:-1]), np.abs(s[1:]))
        return ds > SLOPE_RTOL * scale

    def breakpoints(self) -> np.ndarray:
        """Interior points where the slope changes (the true breakpoints)."""
        return self.x[1:-1][self.breakpoint_mask()]

    def pieces(self) -> int:
        """Number of maximal affine pieces on ``[x[0], x[-1]]``."""
        if self.x.size < 2:
            return 1
        return int(1 + np.count_nonzero(self.breakpoint_mask()))

    def simplified(self) -> PiecewiseLinear:
        """The same function with only its true breakpoints (and the endpoints) as knots."""
        keep = np.concatenate([[True], self.breakpoint_mask(), [True]])
        return PiecewiseLinear(self.x[keep], self.y[keep])


class KnotLimitError(ValueError):
    """Raised by :func:`propagate` when a layer would create more knots than ``max_knots``."""

    def __init__(self, layer_index: int, knots: int, limit: int):
        super().__init__(
            f"layer {layer_index}: the network has {knots:,} knots on the domain after this "
            f"layer, more than the limit of {limit:,}"
        )
        self.layer_index, self.knots, self.limit = layer_index, knots, limit


def propagate(
    net: ReLUNetwork,
    domain: tuple[float, float] = (0.0, 1.0),
    max_knots: int | None = None,
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Push the knots of a univariate ReLU network through it, layer by layer, exactly.

    Yields ``(layer_index, knots, pre)`` for every layer: ``pre`` (units, knots) holds the
    layer's pre-activations at ``knots``, and every unit's pre-activation is affine between
    consecutive knots — so ``PiecewiseLinear(knots, pre[j])`` *is* unit ``j``'s function of
    the input.  At each hidden layer the points where a unit switches (its pre-activation
    crosses zero inside a segment) are computed in closed form and inserted before the
    ReLU.  Cost per layer is O(K · m) for K knots and m units (O(K · m log m) where several
    units switch inside one segment) — vectorized, no grid.

    With ``max_knots``, a layer whose refined knots would exceed it raises
    :class:`KnotLimitError` after counting the crossings and before allocating them, so
    the cost of a call is bounded by ``max_knots`` times the widths.
    """
    validate(net)
    if input_dim(net) != 1:
        raise ValueError("breakpoint propagation needs a network with one input")
    a, b = float(domain[0]), float(domain[1])
    if not a < b:
        raise ValueError("domain must satisfy a < b")
    t = np.array([a, b])
    z = t[None, :]  # (units, knots): one row per unit, contiguous along knots
    last = len(net) - 1
    for li, (W, bias) in enumerate(net):
        pre = W @ z
        pre += bias[:, None]
        if li == last:
            yield li, t, pre
            return
        t, pre = _insert_zero_crossings(t, pre, max_knots, li)
        yield li, t, pre
        z = np.maximum(pre, 0.0)


def propagate_many(
    nets: Sequence[ReLUNetwork],
    domain: tuple[float, float] = (0.0, 1.0),
    max_knots: int | None = None,
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """:func:`propagate` for many univariate networks of one architecture, all at once.

    Yields ``(layer_index, knots, pre)`` like :func:`propagate`, with the networks' knots
    concatenated in order and each network's block followed by a separator knot ``NaN``
    (its pre-activations are held at 0, so no crossing is ever inserted next to it).  One
    vectorized crossing search per layer serves every network, which is what makes
    distributions over many random networks cheap.  ``max_knots`` bounds the total.
    """
    for net in nets:
        validate(net)
    if not nets or input_dim(nets[0]) != 1:
        raise ValueError("breakpoint propagation needs networks with one input")
    shapes = [W.shape for W, _ in nets[0]]
    if any([W.shape for W, _ in n] != shapes for n in nets):
        raise ValueError("propagate_many needs networks of one architecture")
    a, b = float(domain[0]), float(domain[1])
    if not a < b:
        raise ValueError("domain must satisfy a < b")
    t = np.tile([a, b, np.nan], len(nets))
    z = np.nan_to_num(t)[None, :]
    last = len(nets[0]) - 1
    for li in range(last + 1):
        sep = np.flatnonzero(np.isnan(t))
        starts = np.concatenate([[0], sep[:-1] + 1])
        pre = np.empty((shapes[li][0], t.size))
        for net, lo, hi in zip(nets, starts, sep, strict=True):
            W, bias = net[li]
            np.matmul(W, z[:, lo:hi], out=pre[:, lo:hi])
            pre[:, lo:hi] += bias[:, None]
        pre[:, sep] = 0.0
        if li == last:
            yield li, t, pre
            return
        t, pre = _insert_zero_crossings(t, pre, max_knots, li)
        yield li, t, pre
        z = np.maximum(pre, 0.0)


def breakpoints(
    net: ReLUNetwork, domain: tuple[float, float] = (0.0, 1.0), max_knots: int | None = None
) -> PiecewiseLinear:
    """Exact piecewise-linear form of a univariate, single-output ReLU network on ``domain``.

    The knots are every point where some unit switches (see :func:`propagate`); knots where
    the output's slope does not change are kept — use :meth:`PiecewiseLinear.pieces` or
    :meth:`PiecewiseLinear.simplified`.  ``max_knots`` as in :func:`propagate`.
    """
    if output_dim(net) != 1:
        raise ValueError("breakpoints needs a network with one output")
    *_, (_, t, pre) = propagate(net, domain, max_knots)
    keep = np.concatenate([[True], np.diff(t) > 0])  # drop rounding-collapsed knots
    return PiecewiseLinear(t[keep], pre[0, keep])


def _insert_zero_crossings(
    t: np.ndarray, pre: np.ndarray, max_knots: int | None = None, layer_index: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Insert, between consecutive knots, the points where any unit's pre-activation is 0.

    ``pre`` (m, K) holds the pre-activations of m units at knots ``t`` (K,); each row is
    affine between knots.  Returns refined knots and pre-activations, with each switching
    unit set to exactly 0 at its own crossing.
    """
    v0, v1 = pre[:, :-1], pre[:, 1:]
    cross = (v0 * v1) < 0  # strict sign change inside the segment
    per_seg = cross.sum(axis=0)
    if not per_seg.any():
        return t, pre
    if per_seg.max() == 1:  # fast path: at most one unit switches per segment
        seg = np.flatnonzero(per_seg)
        _check_knot_limit(t.size + seg.size, max_knots, layer_index)
        unit = np.argmax(np.take(cross, seg, axis=1), axis=0)
        seg_new = seg
        units_at_knot = [unit]
        a0 = pre.ravel()[unit * pre.shape[1] + seg]
        a1 = pre.ravel()[unit * pre.shape[1] + seg + 1]
        frac = a0 / (a0 - a1)
        counts = per_seg
        knot_of = [np.arange(seg.size)]
    else:  # general: sort the crossings of each segment by position
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(cross, v0 / (v0 - v1), np.inf).T  # (K-1, m)
        order = np.argsort(s, axis=1, kind="stable")
        s_sorted = np.take_along_axis(s, order, axis=1)
        valid = np.isfinite(s_sorted)
        dup = np.zeros_like(valid)
        dup[:, 1:] = valid[:, 1:] & (s_sorted[:, 1:] == s_sorted[:, :-1])
        new = valid & ~dup  # one knot per distinct crossing position
        counts = new.sum(axis=1)
        _check_knot_limit(t.size + int(counts.sum()), max_knots, layer_index)
        seg_new, col = np.nonzero(new)
        frac = s_sorted[seg_new, col]
        vseg, vcol = np.nonzero(valid)
        units_at_knot = [order[vseg, vcol]]
        knot_of = [np.cumsum(new.ravel()[valid.ravel()]) - 1]
    t0, t1 = t[seg_new], t[seg_new + 1]
    new_t = t0 + frac * (t1 - t0)
    p0, p1 = np.take(pre, seg_new, axis=1), np.take(pre, seg_new + 1, axis=1)
    p1 -= p0
    p1 *= frac
    new_pre = np.add(p0, p1, out=p1)
    new_pre[units_at_knot[0], knot_of[0]] = 0.0

    # interleave: every new knot goes right after its segment's left knot
    K, N = t.size, seg_new.size
    old_pos = np.arange(K)
    old_pos[1:] += np.cumsum(counts)
    new_pos = seg_new + 1 + np.arange(N)
    src = np.empty(K + N, dtype=np.intp)
    src[old_pos] = np.arange(K)
    src[new_pos] = K + np.arange(N)
    out_t = np.concatenate([t, new_t])[src]
    out_pre = np.take(np.concatenate([pre, new_pre], axis=1), src, axis=1)
    return out_t, out_pre


def _check_knot_limit(knots: int, max_knots: int | None, layer_index: int) -> None:
    if max_knots is not None and knots > max_knots:
        raise KnotLimitError(layer_index, knots, max_knots)


def pieces(net: ReLUNetwork, domain: tuple[float, float] = (0.0, 1.0)) -> int:
    """Exact number of affine pieces of a univariate ReLU network on ``domain``."""
    return breakpoints(net, domain).pieces()
