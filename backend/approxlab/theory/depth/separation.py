"""Depth separations by piece counting (seed 003, §4.2: Theorem 4.4, Lemmas 4.9 and 4.11,
Theorem 4.6).

Theorem 4.4: ``f = Δ^n`` with ``n = L² + 2`` is a deep network (3n nodes), yet every ReLU
network ``g`` with ``≤ 2^L`` nodes and ``≤ L`` layers has ``∫_0^1 |f − g| ≥ 1/32``.  The
proof: ``N_A(g) ≤ (2m/L)^L ≤ 2^{L²}`` (Lemma 4.9), and ``g`` cannot be on the far side of
the line ``y = ½`` from most of the ``2^n − 1`` triangles that ``f`` forms with that line.

This module computes everything the proof talks about for an actual competitor ``g``:
its exact L1 distance to ``f`` (both piecewise linear: integrate ``|f − g|`` exactly over
the union of their knots), the triangles of ``f`` and ``½``, the ones ``g`` must miss, and
a free-knot L1 fit that serves as the competitor.

A sharper certificate (not in the notes): on a tooth of ``f`` on which ``g`` is affine,
``∫_tooth |f − g| ≥ (tooth width)/4``, because the best affine L1 fit to a tent is the
constant ½ (the tent is symmetric, the L1 distance convex in the affine coefficients, and
the tent's values are uniform on [0, 1], so ``∫|tent − ½| = ¼``).  At most ``N_A(g) − 1``
teeth contain a breakpoint of ``g``, so ``∫|f − g| ≥ ¼ − (N_A(g) − 1)/2^{n+1}``, which is
``≥ 1/8`` whenever ``N_A(g) ≤ 2^{L²}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork, layer
from approxlab.theory.depth import sawtooth, squaring


def target_depth(L: int) -> int:
    """Theorem 4.4's target is ``Δ^{L²+2}``."""
    return L * L + 2


def piece_bound(m: float, L: int) -> float:
    """Lemma 4.9: a ReLU network with ``L`` layers and ``m`` nodes has ``≤ (2m/L)^L`` pieces."""
    return (2.0 * m / L) ** L


def layer_piece_bound(widths: list[int], i: int) -> int:
    """Lemma 4.9, first part: a node in layer ``i`` has ``≤ 2^i ∏_{j<i} m_j`` pieces."""
    return 2**i * math.prod(widths[: i - 1])


# ------------------------------------------------------------------------- exact L1


def abs_linear_integral(w: np.ndarray, d0: np.ndarray, d1: np.ndarray) -> np.ndarray:
    """``∫|d|`` over segments of widths ``w`` on which ``d`` is linear from ``d0`` to ``d1``."""
    a0, a1 = np.abs(d0), np.abs(d1)
    same = (d0 * d1) >= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = (d0 * d0 + d1 * d1) / (2 * (a0 + a1))
    return w * np.where(same, (a0 + a1) / 2, cross)


def merge_sorted(big: np.ndarray, small: np.ndarray) -> np.ndarray:
    """Union (with repeats) of two sorted arrays in O(len) — inserting the few into the many."""
    if small.size == 0:
        return big
    if big.size < small.size:
        big, small = small, big
    return np.insert(big, np.searchsorted(big, small), small)


def l1_distance(f: PiecewiseLinear, g: PiecewiseLinear, a: float, b: float) -> float:
    """``∫_a^b |f − g|`` exactly, for piecewise-linear ``f`` and ``g`` defined on ``[a, b]``.

    ``f − g`` is linear between consecutive points of the union of their knots, so each
    segment's integral of ``|f − g|`` has a closed form (with the zero crossing inside).
    """
    i0, i1 = np.searchsorted(f.x, a, side="right"), np.searchsorted(f.x, b, side="left")
    j0, j1 = np.searchsorted(g.x, a, side="right"), np.searchsorted(g.x, b, side="left")
    t = merge_sorted(np.concatenate([[a], f.x[i0:i1], [b]]), g.x[j0:j1])
    d = f(t) - g(t)
    return float(np.sum(abs_linear_integral(np.diff(t), d[:-1], d[1:])))


# ----------------------------------------------------------------------- triangles


@dataclass(frozen=True)
class Triangles:
    """The regions between ``f`` and the line ``y = ½``, between consecutive crossings.

    ``start``/``end`` bound each region, ``above`` says whether ``f > ½`` there, ``area`` is
    ``∫|f − ½|`` over it (exact), ``peak`` the value of ``f`` farthest from ½ in it (at a
    knot), ``full`` marks whole triangles (not the halves at 0, 1).
    """

    start: np.ndarray
    end: np.ndarray
    above: np.ndarray
    area: np.ndarray
    peak: np.ndarray
    full: np.ndarray


def triangles(f: PiecewiseLinear, level: float = 0.5) -> Triangles:
    """Cut ``[x_0, x_K]`` at the points where ``f`` crosses ``level`` (exactly)."""
    d = f.y - level
    s0, s1 = d[:-1], d[1:]
    cross = (s0 * s1 < 0) | ((s1 == 0) & (s0 != 0) & (np.arange(s1.size) < s1.size - 1))
    seg = np.flatnonzero(cross)
    frac = np.where(d[seg + 1] == 0, 1.0, s0[seg] / (s0[seg] - s1[seg]))
    c = f.x[seg] + frac * (f.x[seg + 1] - f.x[seg])
    bounds = np.concatenate([[f.x[0]], c, [f.x[-1]]])  # crossings come out sorted
    bounds = bounds[np.concatenate([[True], np.diff(bounds) > 0])]
    start, end = bounds[:-1], bounds[1:]
    # exact ∫|f − level| per region: integrate over the union of region bounds and knots
    t = merge_sorted(f.x, c)
    dv = f(t) - level
    seg_int = abs_linear_integral(np.diff(t), dv[:-1], dv[1:])
    region = np.searchsorted(bounds, t[:-1], side="right") - 1
    area = np.bincount(region, weights=seg_int, minlength=start.size)
    mid = (start + end) / 2
    above = f(mid) > level
    full = (start > f.x[0]) & (end < f.x[-1])
    # every region holds at least one knot of f (one crossing per affine segment)
    owner = np.clip(np.searchsorted(bounds, f.x, side="right") - 1, 0, start.size - 1)
    first = np.searchsorted(owner, np.arange(start.size))
    far = np.maximum.reduceat(np.abs(d), first)
    peak = np.where(above, level + far, level - far)
    return Triangles(start, end, above, area, peak, full)


def missed(tri: Triangles, g: PiecewiseLinear, level: float = 0.5) -> np.ndarray:
    """Triangles ``g`` must miss: below ones where ``g ≥ ½`` throughout, above ones where
    ``g ≤ ½`` throughout.  On each, ``|f − g| ≥ |f − ½|``, so their areas add up to a lower
    bound on ``∫|f − g|`` (the proof of Theorem 4.4)."""
    lo = np.minimum(g(tri.start), g(tri.end))
    hi = np.maximum(g(tri.start), g(tri.end))
    inner = g.x[(g.x > tri.start[0]) & (g.x < tri.end[-1])]
    k = np.searchsorted(tri.end, inner, side="left")
    k = np.minimum(k, tri.start.size - 1)
    inside = (inner > tri.start[k]) & (inner < tri.end[k])
    np.minimum.at(lo, k[inside], g(inner[inside]))
    np.maximum.at(hi, k[inside], g(inner[inside]))
    return np.where(tri.above, hi <= level, lo >= level)


def tooth_bound(n: int, breakpoints: np.ndarray) -> float:
    """``(p/4)·#{teeth of Δ^n free of breakpoints of g}``, ``p = 2^{1−n}``: a lower bound
    on ``∫_0^1 |Δ^n − g|`` (see the module docstring)."""
    teeth = 2 ** (n - 1)
    p = 2.0 ** (1 - n)
    pos = breakpoints * teeth
    interior = pos[(pos > 0) & (pos < teeth) & (pos != np.floor(pos))]
    hit = np.unique(np.floor(interior)).size
    return (teeth - hit) * p / 4


def tooth_bound_any(n: int, pieces: float) -> float:
    """``¼ − (P − 1)/2^{n+1}`` for every ``g`` with ``≤ P`` pieces on ``[0, 1]``."""
    return 0.25 - (math.floor(pieces) - 1) / 2.0 ** (n + 1)


# ------------------------------------------------------------------- the competitor


def relu_from_pl(g: PiecewiseLinear) -> ReLUNetwork:
    """A continuous piecewise-linear ``g`` on ``[x_0, x_B]`` as a 2-layer ReLU network.

    ``g(x) = g(x_0) + Σ_j (s_j − s_{j−1}) σ(x − x_j)`` over the knots ``x_0 … x_{B−1}``
    (``s_{−1} = 0``): one node per piece, B nodes in all, exact on ``[x_0, x_B]``.
    """
    s = g.slopes()
    jumps = np.diff(s, prepend=0.0)
    B = s.size
    return [
        layer(np.ones((B, 1)), -g.x[:-1]),
        layer(jumps[None, :], [g.y[0]]),
    ]


def following_start(f: PiecewiseLinear, pieces: int, level: float = 0.5) -> PiecewiseLinear:
    """A ``pieces``-piece start for the fit: follow ``f`` from ``x = 0`` along its first
    ``pieces − 2`` edges and a quarter edge up to its crossing of ``½``, then stay at ``½``."""
    simple = f.simplified()
    k = max(pieces - 2, 0)
    xs = list(simple.x[: k + 1])
    ys = list(simple.y[: k + 1])
    if pieces >= 2:
        a, b = simple.x[k], simple.x[k + 1]
        ya, yb = simple.y[k], simple.y[k + 1]
        t = (level - ya) / (yb - ya) if yb != ya else 0.5
        xs.append(a + t * (b - a))
        ys.append(level)
    else:
        xs, ys = [simple.x[0]], [level]
    xs.append(simple.x[-1])
    ys.append(level)
    return PiecewiseLinear(np.array(xs, dtype=float), np.array(ys, dtype=float))


def uniform_start(f: PiecewiseLinear, pieces: int, level: float = 0.5) -> PiecewiseLinear:
    x = np.linspace(f.x[0], f.x[-1], pieces + 1)
    return PiecewiseLinear(x, np.full(x.size, level))


def free_knot_l1_fit(
    f: PiecewiseLinear,
    start: PiecewiseLinear,
    work: int = 4_000_000,
    halvings: int = 20,
    max_evals: int | None = None,
) -> tuple[PiecewiseLinear, float, int]:
    """Local search for the continuous piecewise-linear ``g`` (knots and values free, the
    number of pieces fixed) minimising the exact ``∫|f − g|``.

    Coordinate search: every interior knot and every value is moved by ``±step`` in turn
    and the move kept if the exact L1 distance (recomputed on the two affected pieces only)
    decreases; steps halve when a sweep improves nothing, ``halvings`` times at most.
    ``work`` caps the number of knots of ``f`` visited and ``max_evals`` the number of
    exact evaluations (both deterministic, so equal inputs give equal fits).  Returns
    ``(g, ∫|f − g|, evaluations)``.
    """
    x, y = start.x.copy(), start.y.copy()
    B = x.size - 1
    lo_x, hi_x = float(x[0]), float(x[-1])

    def local(j0: int, j1: int, xx: np.ndarray, yy: np.ndarray) -> float:
        g = PiecewiseLinear(xx, yy)
        return l1_distance(f, g, float(xx[j0]), float(xx[j1]))

    def cost_range(j0: int, j1: int) -> int:
        i = np.searchsorted(f.x, [x[j0], x[j1]])
        return int(i[1] - i[0]) + 2

    step_x = float(np.min(np.diff(f.x))) / 2
    step_y = 0.125
    spent, evals = 0, 0
    halved = 0
    cap = max_evals if max_evals is not None else np.inf
    while spent < work and halved <= halvings and evals < cap:
        improved = False
        coords = [("x", j) for j in range(1, B)] + [("y", j) for j in range(B + 1)]
        for kind, j in coords:
            j0, j1 = max(j - 1, 0), min(j + 1, B)
            c = cost_range(j0, j1)
            if spent + 3 * c > work or evals + 3 > cap:
                spent = work
                break
            base = local(j0, j1, x, y)
            spent += c
            evals += 1
            for sgn in (1.0, -1.0):
                xx, yy = x.copy(), y.copy()
                if kind == "x":
                    xx[j] += sgn * step_x
                    if not xx[j - 1] < xx[j] < xx[j + 1]:
                        continue
                else:
                    yy[j] += sgn * step_y
                trial = local(j0, j1, xx, yy)
                spent += c
                evals += 1
                if trial < base:
                    x, y, improved = xx, yy, True
                    break
        if not improved:
            step_x /= 2
            step_y /= 2
            halved += 1
    g = PiecewiseLinear(x, y)
    return g, l1_distance(f, g, lo_x, hi_x), evals


# --------------------------------------------------------------- Theorem 4.4, measured

#: Cap on exact L1 evaluations per start of the competitor's fit.
FIT_EVALS = 600


@dataclass(frozen=True)
class Analysis:
    """Everything Theorem 4.4's proof talks about, for one ``L`` (see :func:`analysis`)."""

    n: int
    f: PiecewiseLinear  # Δ^n, exact, from the network
    target_nodes: int
    layer_pieces: np.ndarray  # max pieces of a node, per hidden layer of the target net
    layer_bounds: np.ndarray  # Lemma 4.9 per layer
    g_net: ReLUNetwork
    g: PiecewiseLinear  # the competitor network's exact form
    start_l1: dict[str, float]
    evals: int
    tri: Triangles
    miss: np.ndarray
    cum_x: np.ndarray  # cumulative ∫_0^x |f − g| (at the union knots)
    cum_y: np.ndarray


@cache
def analysis(L: int) -> Analysis:
    """Theorem 4.4 for this ``L`` (cached: 3 values of L in the scene).

    The target ``f = Δ^n``, ``n = L² + 2``, is read off its network by exact propagation,
    with the largest piece count of a node in every hidden layer (Lemma 4.9).  The
    competitor is a free-knot L1 fit with ``2^L − 1`` pieces (``2^L − 1`` hidden nodes plus
    the output node = ``2^L`` nodes, as Lemma 4.9 counts them), from two starts; the better
    one is kept, turned into a ReLU network, and measured from that network.
    """
    n = target_depth(L)
    net = sawtooth.sawtooth(n)
    layer_pieces, f = [], None
    for li, t, pre in networks.propagate(net, (0.0, 1.0)):
        if li < len(net) - 1:  # hidden layer li + 1: node outputs σ(pre)
            post = np.maximum(pre, 0.0)
            layer_pieces.append(max(PiecewiseLinear(t, row).pieces() for row in post))
        else:
            keep = np.concatenate([[True], np.diff(t) > 0])
            f = PiecewiseLinear(t[keep], pre[0, keep])
    assert f is not None
    widths = [W.shape[0] for W, _ in net]
    bounds = [layer_piece_bound(widths, i) for i in range(1, len(net))]

    B = 2**L - 1
    starts = {
        "constant ½, uniform knots": uniform_start(f, B),
        "follow f from 0, then ½": following_start(f, B),
    }
    best, start_l1, evals = None, {}, 0
    for name, s in starts.items():
        start_l1[name] = l1_distance(f, s, 0.0, 1.0)
        fit, l1, ev = free_knot_l1_fit(f, s, work=1_000_000, halvings=12, max_evals=FIT_EVALS)
        evals += ev
        if best is None or l1 < best[1]:
            best = (fit, l1)
    assert best is not None
    g_net = relu_from_pl(best[0])
    g = networks.breakpoints(g_net, (0.0, 1.0))  # measured from the network itself

    tri = triangles(f)
    miss = missed(tri, g)

    t = merge_sorted(f.x, g.x)
    t = t[np.concatenate([[True], np.diff(t) > 0])]
    d = f(t) - g(t)
    seg = abs_linear_integral(np.diff(t), d[:-1], d[1:])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    return Analysis(
        n,
        f,
        networks.hidden_nodes(net),
        np.array(layer_pieces),
        np.array(bounds),
        g_net,
        g,
        start_l1,
        evals,
        tri,
        miss,
        t,
        cum,
    )


def part_pieces(net: ReLUNetwork) -> int:
    """Lemma 4.11(2) on a two-layer network: ``Σ_j N_A(σ(w_j x + b_j))`` over its hidden
    nodes — a bound on the pieces of any combination of them (the output)."""
    W, b = net[0]
    return sum(
        networks.pieces([(W[j : j + 1], b[j : j + 1]), (np.ones((1, 1)), np.zeros(1))])
        for j in range(W.shape[0])
    )


@dataclass(frozen=True)
class Certificate:
    """The figures of Theorem 4.4's proof for the competitor of :func:`analysis`."""

    target_pieces: int
    competitor_pieces: int
    piece_bound: float  # (2m/L)^L, m = 2^L
    l1: float  # ∫₀¹|f − g|, exact
    competitor_hidden: int
    competitor_nodes: int  # with the output node, as Lemma 4.9's m = Σ m_j counts them
    competitor_layers: int
    missed_area: float
    whole_triangles: int
    missed_whole: int
    tooth_bound: float  # for this g
    tooth_bound_any: float  # for every g allowed
    constant_half_l1: float
    lemma_4_9_ratio: float  # max over hidden layers of (max node pieces) / bound
    part_pieces: int  # Lemma 4.11(2)


@cache
def certificate(L: int) -> Certificate:
    """The proof's figures for :func:`analysis`'s competitor (cached)."""
    a = analysis(L)
    n, f, g = a.n, a.f, a.g
    bound_pieces = piece_bound(2**L, L)
    g_hidden = networks.hidden_nodes(a.g_net)
    return Certificate(
        target_pieces=f.pieces(),
        competitor_pieces=g.pieces(),
        piece_bound=bound_pieces,
        l1=float(a.cum_y[-1]),
        competitor_hidden=g_hidden,
        competitor_nodes=g_hidden + 1,
        competitor_layers=len(a.g_net),
        missed_area=float(a.tri.area[a.miss].sum()),
        whole_triangles=int(a.tri.full.sum()),
        missed_whole=int((a.miss & a.tri.full).sum()),
        tooth_bound=tooth_bound(n, g.breakpoints()),
        tooth_bound_any=tooth_bound_any(n, bound_pieces),
        constant_half_l1=l1_distance(
            f, PiecewiseLinear(np.array([0.0, 1.0]), np.array([0.5, 0.5])), 0.0, 1.0
        ),
        lemma_4_9_ratio=float(np.max(a.layer_pieces / a.layer_bounds)),
        part_pieces=part_pieces(a.g_net),
    )


# ------------------------------------------------------------------------ Theorem 4.6


@cache
def theorem_4_6(i_max: int) -> dict[str, np.ndarray]:
    """Squared L2 error of the squaring networks h_1 … h_{i_max}, and Theorem 4.6's lower
    bounds: ``1/(5760·(2N/L)^{4L})`` (N nodes with the output node, L affine maps, as in
    Lemma 4.9's proof), the proof's ``1/(5760·N_A⁴)`` and the sharp ``1/(180·N_A⁴)``."""
    ii = np.arange(1, i_max + 1)
    err, pieces, nodes, maps = [], [], [], []
    for i in ii:
        net = squaring.squaring_network(int(i))
        pl = networks.breakpoints(net)
        err.append(squaring.squared_l2_error_square(pl))
        pieces.append(pl.pieces())
        nodes.append(networks.hidden_nodes(net) + 1)  # with the output node, as in Lemma 4.9
        maps.append(len(net))
    N, Lm, P = np.array(nodes, float), np.array(maps, float), np.array(pieces, float)
    return {
        "i": ii,
        "achieved": np.array(err),
        "bound_size": 1.0 / (5760.0 * (2 * N / Lm) ** (4 * Lm)),
        "bound_pieces": 1.0 / (5760.0 * P**4),
        "bound_sharp": 1.0 / (180.0 * P**4),
        "pieces": P,
        "nodes": N,
        "layers": Lm,
    }


def theorem_4_6_ratios(i_max: int) -> tuple[float, float]:
    """``min_i`` of the achieved error over Theorem 4.6's bound and over the proof's
    ``1/(5760·N_A⁴)`` (both ≥ 1 when the theorem holds for every ``h_i``)."""
    t46 = theorem_4_6(i_max)
    return (
        float(np.min(t46["achieved"] / t46["bound_size"])),
        float(np.min(t46["achieved"] / t46["bound_pieces"])),
    )
