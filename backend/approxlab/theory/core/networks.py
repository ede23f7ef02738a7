"""ReLU networks as lists of affine layers, and exact univariate piece counting.

Convention (seed 003, chapter 2): a ReLU network is a list ``[(W_1, b_1), ..., (W_L, b_L)]``
of affine maps ``z -> W z + b`` with ``W`` of shape ``(out, in)``; the ReLU
``σ_r(z) = max(z, 0)`` is applied after every layer but the last.  "layers" are the
affine maps, "nodes" the hidden ReLU units (``Δ`` has 3 nodes and 2 layers).

For univariate inputs, :func:`breakpoints` pushes the breakpoints of the network through
it layer by layer: within a layer, every unit's pre-activation is affine between
consecutive knots, so it crosses zero at most once there, at a point we can compute
directly.  No grid is involved, so ``Δ^20`` (2^20 pieces) is counted exactly.

"Exactly" means: the counts are those of the network whose weights are the given float64
numbers (exact dyadic rationals).  The propagation runs in float64 with a rigorous error
bound on every number, accepts a decision (a sign at a knot, the order of two switch
points, whether a slope changes) only outside that bound, and retakes every other decision
in exact integer arithmetic on the part of the domain it affects — see
:mod:`approxlab.theory.core.certified`, whose docstring derives each bound.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from approxlab.theory.core import certified
from approxlab.theory.core.certified import (
    ExactBudgetError,
    FloatRangeError,
    KnotLimitError,
)

__all__ = [
    "SLOPE_RTOL",
    "ExactBudgetError",
    "FloatRangeError",
    "KnotLimitError",
    "Layer",
    "PiecewiseLinear",
    "ReLUNetwork",
    "breakpoints",
    "compose",
    "evaluate",
    "function_of",
    "hidden_nodes",
    "input_dim",
    "layer",
    "output_dim",
    "parallel_sum",
    "pieces",
    "propagate",
    "propagate_many",
    "relu",
    "validate",
]

Layer = tuple[np.ndarray, np.ndarray]
ReLUNetwork = list[Layer]

#: For a :class:`PiecewiseLinear` built from float data (not from a network), two adjacent
#: pieces count as one when their slopes agree to this relative tolerance: such data
#: carries the rounding of whatever computed it.  Pieces of networks are exact instead.
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


#: Knots per block of :meth:`PiecewiseLinear.breakpoint_mask` on float data: the
#: temporaries stay in cache (f∘Δ^20 has four million knots).
_MASK_BLOCK = 1 << 16


def _slope_changes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Interior knots where the slopes of the data differ by more than :data:`SLOPE_RTOL`."""
    s = np.diff(y) / np.diff(x)  # (float even for integer data)
    ds = np.diff(s)
    np.abs(ds, out=ds)
    a = np.abs(s)
    scale = np.maximum(a[:-1], a[1:])
    scale *= SLOPE_RTOL
    return ds > scale


@dataclass(frozen=True)
class PiecewiseLinear:
    """A continuous piecewise-linear function given by its knots.

    ``x`` is strictly increasing; ``y[i]`` is the value at ``x[i]``; the function is affine
    between consecutive knots.  Knots need not all be true breakpoints (see :meth:`pieces`).

    From :func:`breakpoints`, the object also carries the *exact* answer: ``breaks`` marks
    the interior knots where the network's slope really changes, ``count`` is its number of
    maximal affine pieces (two exact knots closer than float64 can tell apart share one
    ``x``, so ``count`` is authoritative).  Built from float data, breakpoints are the knots
    where the data's slopes differ by more than :data:`SLOPE_RTOL` (relative).
    """

    x: np.ndarray
    y: np.ndarray
    breaks: np.ndarray | None = field(default=None, compare=False, repr=False)
    count: int | None = field(default=None, compare=False, repr=False)

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.x, self.y)

    def slopes(self) -> np.ndarray:
        return np.diff(self.y) / np.diff(self.x)

    def breakpoint_mask(self) -> np.ndarray:
        """Boolean mask over interior knots: True where the slope really changes."""
        if self.breaks is not None:
            return self.breaks
        n = self.x.size - 2
        if n <= _MASK_BLOCK:
            return _slope_changes(self.x, self.y)
        out = np.empty(n, dtype=bool)  # in blocks (elementwise, so the same answer)
        for i in range(0, n, _MASK_BLOCK):
            j = min(i + _MASK_BLOCK, n)
            out[i:j] = _slope_changes(self.x[i : j + 2], self.y[i : j + 2])
        return out

    def breakpoints(self) -> np.ndarray:
        """Interior points where the slope changes (the true breakpoints)."""
        return self.x[1:-1][self.breakpoint_mask()]

    def pieces(self) -> int:
        """Number of maximal affine pieces on ``[x[0], x[-1]]``."""
        if self.count is not None:
            return self.count
        if self.x.size < 2:
            return 1
        return int(1 + np.count_nonzero(self.breakpoint_mask()))

    def simplified(self) -> PiecewiseLinear:
        """The same function with only its true breakpoints (and the endpoints) as knots."""
        mask = self.breakpoint_mask()
        keep = np.concatenate([[True], mask, [True]])
        breaks = None if self.breaks is None else np.ones(int(mask.sum()), dtype=bool)
        return PiecewiseLinear(self.x[keep], self.y[keep], breaks, self.count)


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
    changes sign inside a segment) are computed in closed form and inserted before the
    ReLU.  Cost per layer is O(K · m) for K knots and m units (O(K · m log m) where several
    units switch inside one segment) — vectorized, no grid.

    The knot set is exact (:mod:`~approxlab.theory.core.certified`): decided in float64
    with certified error bounds, and — from the first layer where a decision lies within
    rounding — recomputed in exact integer arithmetic (:class:`ExactBudgetError` if that
    would exceed :data:`~approxlab.theory.core.certified.EXACT_BUDGET`).  The floats
    yielded are the exact knots and values to within their certified rounding bounds —
    exactly for dyadic constructions such as Δ^L, a few units in the last place for
    well-conditioned networks; two exact knots may round to the same float.

    With ``max_knots``, a layer whose refined knots would exceed it raises
    :class:`KnotLimitError` after counting the crossings and before allocating them, so
    the cost of a call is bounded by ``max_knots`` times the widths.  Values beyond the
    float64 range raise :class:`FloatRangeError`.
    """
    validate(net)
    if input_dim(net) != 1:
        raise ValueError("breakpoint propagation needs a network with one input")
    a, b = float(domain[0]), float(domain[1])
    if not a < b:
        raise ValueError("domain must satisfy a < b")
    for lay in certified.float_layers([net], [(a, b)], max_knots):
        if lay.taint is not None and lay.taint.any():
            for ex in certified.exact_layers(net, (a, b), max_knots):
                if ex.index >= lay.index:
                    yield ex.index, ex.knots(), ex.values()
            return
        yield lay.index, lay.t[:-1], lay.pre[:, :-1]


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
    distributions over many random networks cheap.  ``max_knots`` bounds the total.  A
    network whose decisions leave float64's certainty continues in exact arithmetic, as
    in :func:`propagate`.
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
    S = len(nets)
    exact: dict[int, Iterator[certified.ExactLayer]] = {}
    for lay in certified.float_layers(list(nets), [(a, b)] * S, max_knots):
        starts, seps = certified._blocks(lay.t)
        if lay.taint is not None:
            for k in range(S):
                if k not in exact and lay.taint[starts[k] : seps[k]].any():
                    gen = certified.exact_layers(nets[k], (a, b), max_knots)
                    for _ in range(lay.index):
                        next(gen)
                    exact[k] = gen
        if not exact:
            yield lay.index, lay.t, lay.pre
            continue
        ts, pres = [], []
        for k in range(S):
            if k in exact:
                ex = next(exact[k])
                tk, pk = ex.knots(), ex.values()
            else:
                tk, pk = lay.t[starts[k] : seps[k]], lay.pre[:, starts[k] : seps[k]]
            ts += [tk, [np.nan]]
            pres += [pk, np.zeros((pk.shape[0], 1))]
        yield lay.index, np.concatenate(ts), np.concatenate(pres, axis=1)


def breakpoints(
    net: ReLUNetwork, domain: tuple[float, float] = (0.0, 1.0), max_knots: int | None = None
) -> PiecewiseLinear:
    """Exact piecewise-linear form of a univariate, single-output ReLU network on ``domain``.

    The knots are every point where some unit switches (see :func:`propagate`); knots where
    the output's slope does not change are kept, and the returned function knows which
    they are: :meth:`PiecewiseLinear.pieces` and :meth:`PiecewiseLinear.breakpoints` are
    exact, :meth:`PiecewiseLinear.simplified` keeps only the true breakpoints.
    ``max_knots`` as in :func:`propagate`.
    """
    if output_dim(net) != 1:
        raise ValueError("breakpoints needs a network with one output")
    validate(net)
    if input_dim(net) != 1:
        raise ValueError("breakpoint propagation needs a network with one input")
    a, b = float(domain[0]), float(domain[1])
    if not a < b:
        raise ValueError("domain must satisfy a < b")
    [c] = certified.count([net], [(a, b)], max_knots)
    return function_of(c)


def function_of(c: certified.Count) -> PiecewiseLinear:
    """The output of a :class:`~approxlab.theory.core.certified.Count` as a
    :class:`PiecewiseLinear` with its exact breakpoints (float-equal knots merged)."""
    x, y, mask = c.knots, c.values, c.breaks
    first = np.concatenate([[True], np.diff(x) > 0])
    if not first.all():  # distinct exact knots that round to one float: keep one
        group = np.cumsum(first) - 1
        keep = first.copy()
        if not keep[-1]:  # the domain's end stays a knot
            keep[np.flatnonzero(first)[-1]] = False
            keep[-1] = True
        merged = np.zeros(int(first.sum()), dtype=bool)
        np.logical_or.at(merged, group, np.concatenate([[False], mask, [False]]))
        x, y, mask = x[keep], y[keep], merged[1:-1]
    return PiecewiseLinear(x, y, mask, c.pieces)


def pieces(net: ReLUNetwork, domain: tuple[float, float] = (0.0, 1.0)) -> int:
    """Exact number of affine pieces of a univariate ReLU network on ``domain``."""
    return breakpoints(net, domain).pieces()
