"""Maurey sampling of univariate infinite-width threshold networks (seed 003, §2.3–2.4).

Proposition 2.8 writes ``g(x) − g(0) = ∫₀¹ g′(b)·1[x ≥ b] db`` on ``[0, 1]``: an
infinite-width threshold network whose weights form the signed measure ``μ = g′(b) db``.
Lemma 2.17 (Maurey for signed measures) samples ``k`` pairs ``(b_j, s_j)`` from
``|μ|/‖μ‖₁`` with ``s_j = sign g′(b_j)``; the finite network

    ĝ(x) = g(0) + (‖μ‖₁/k) · Σ_j s_j · 1[x ≥ b_j]

is an unbiased estimate of ``g`` and (Lemma 2.16, Example 2.18.1)

    E ‖g − ĝ‖²_{L2(P)} = (E‖V‖² − ‖g − g(0)‖²)/k ≤ E‖V‖²/k ≤ ‖μ‖₁²·sup_b ‖1[· ≥ b]‖²/k,

with ``V = ‖μ‖₁ s 1[· ≥ b]`` the single-sample network.

``P`` is the uniform distribution on the ``n`` midpoints ``x_i = (i + ½)/n`` (the midpoint
rule for the uniform distribution on ``[0, 1]``).  Lemma 2.17 holds for every probability
measure ``P``, so for this ``P`` every quantity above is computed exactly: ``μ`` is cut into
*pieces* — intervals between consecutive grid points and critical points of ``g`` — on
which ``g`` is monotone, so ``|μ|(piece) = |g(hi) − g(lo)|`` exactly, and a unit with bias
in a piece is on at exactly the grid points above the piece.

Speed: a sample is a piece index (drawn by inverse CDF on 53-bit integers with a guide
table, :class:`Categorical`).  All trials are evaluated at once by histogramming the
pieces of each trial and taking cumulative sums over the grid — O(trials·(k + n)) time,
never the trials × k × n activation tensor (:func:`sq_errors_dense` is that tensor, kept
as the reference).
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np

from approxlab.theory.core import targets
from approxlab.theory.core.threshold_networks import ThresholdNetwork

Fn = Callable[[np.ndarray], np.ndarray]

#: Guide-table resolution of :class:`Categorical` (2^16 cells).
GUIDE_BITS = 16
#: Categories drawn per block (the raw outputs, 256 KiB, stay in cache).
DRAW_BLOCK = 1 << 15
#: Samples per chunk of the all-trials evaluation (keeps the working set in cache).
CHUNK_SAMPLES = 1 << 18
#: Runs with at least this many samples use two threads.
PARALLEL_SAMPLES = 1 << 20
#: Histogram cells per chunk (trials × prefixes × pieces).
CHUNK_CELLS = 1 << 17

_ONE53 = float(2**53)


# --------------------------------------------------------------------------------------
# exact sampling of a finite distribution


@dataclass(frozen=True)
class Categorical:
    """Exact sampler of a finite distribution by inverse CDF on 53-bit integers.

    Category ``c`` is drawn with probability ``(edges[c+1] − edges[c]) / 2^53``, the weights
    rounded to float64 resolution (as for any float64 uniform).  A raw 64-bit output ``u``
    falls in category ``c`` iff ``edges[c] ≤ u >> 11 < edges[c+1]``; a guide table over the
    top :data:`GUIDE_BITS` bits of ``u`` answers this by one lookup unless a boundary falls
    inside the guide cell (then a binary search decides, for a small fraction of draws: at
    most ``C / 2^GUIDE_BITS`` of them).
    """

    edges: np.ndarray  # uint64, size C + 1, edges[0] = 0, edges[-1] = 2^53
    guide: np.ndarray  # per guide cell: the category, or −1 if a boundary is inside

    @classmethod
    def from_weights(cls, weights: np.ndarray) -> Categorical:
        w = np.asarray(weights, dtype=float)
        if w.ndim != 1 or w.size == 0 or np.any(w < 0) or not np.isfinite(w).all():
            raise ValueError("weights must be a non-empty vector of finite, non-negative numbers")
        total = float(w.sum())
        if total <= 0:
            raise ValueError("weights must not all be zero")
        cum = np.concatenate([[0.0], np.cumsum(w)]) / total
        edges = np.round(cum * _ONE53).astype(np.uint64)
        edges[0], edges[-1] = 0, np.uint64(2**53)
        edges = np.maximum.accumulate(edges)
        shift = np.uint64(53 - GUIDE_BITS)
        first = np.arange(1 << GUIDE_BITS, dtype=np.uint64) << shift
        last = first + ((np.uint64(1) << shift) - np.uint64(1))
        lo = np.searchsorted(edges, first, side="right") - 1
        hi = np.searchsorted(edges, last, side="right") - 1
        # the smallest integer type that holds every category keeps the table in cache
        dtype = np.int16 if w.size < 2**15 else np.int32 if w.size < 2**31 else np.int64
        guide = np.where(lo == hi, lo, -1).astype(dtype)
        return cls(edges=edges, guide=guide)

    @property
    def size(self) -> int:
        return int(self.edges.size - 1)

    def probabilities(self) -> np.ndarray:
        return np.diff(self.edges).astype(float) / _ONE53

    def draw(self, bitgen: np.random.BitGenerator, size: int) -> np.ndarray:
        """``size`` iid categories, consuming exactly ``size`` 64-bit outputs of ``bitgen``
        (as the guide table's small integer type).  Drawn in cache-sized blocks (the same
        outputs in the same order as one big block, at a third of the cost)."""
        if size <= DRAW_BLOCK:
            return self._draw(bitgen, size)
        out = np.empty(size, dtype=self.guide.dtype)
        for i in range(0, size, DRAW_BLOCK):
            out[i : i + DRAW_BLOCK] = self._draw(bitgen, min(DRAW_BLOCK, size - i))
        return out

    def _draw(self, bitgen: np.random.BitGenerator, size: int) -> np.ndarray:
        u = bitgen.random_raw(size)
        cat = self.guide[(u >> np.uint64(64 - GUIDE_BITS)).view(np.int64)]
        amb = np.flatnonzero(cat < 0)
        if amb.size:
            cat[amb] = np.searchsorted(self.edges, u[amb] >> np.uint64(11), side="right") - 1
        return cat


def unit_interval(raw: np.ndarray) -> np.ndarray:
    """64-bit raw outputs → uniforms on (0, 1] (53-bit resolution)."""
    return ((raw >> np.uint64(11)).astype(float) + 1.0) / _ONE53


# --------------------------------------------------------------------------------------
# the measure μ = g′(b) db of Proposition 2.8 / Example 2.18.1


@dataclass(frozen=True)
class BiasMeasure:
    """``μ = g′(b) db`` on ``[0, 1]`` cut into pieces ``(lo, hi]`` on which ``g`` is monotone.

    ``P`` is uniform on ``grid``; a threshold unit ``1[x ≥ b]`` with ``b`` in piece ``c`` is
    on at grid points ``i ≥ cell[c]``.
    """

    f: Fn = field(repr=False)
    df: Fn = field(repr=False)
    g0: float
    grid: np.ndarray  # x_i = (i + ½)/n
    residual: np.ndarray  # g(x_i) − g(0)
    lo: np.ndarray
    hi: np.ndarray
    weight: np.ndarray  # |μ|((lo, hi]) = |g(hi) − g(lo)|
    sign: np.ndarray  # sign of g′ on the piece (±1.0)
    cell: np.ndarray  # #{i : x_i < b} for b in the piece
    cell_end: np.ndarray  # per grid point i: last piece with cell ≤ i
    sampler: Categorical = field(repr=False)

    @property
    def n(self) -> int:
        return int(self.grid.size)

    @property
    def pieces(self) -> int:
        return int(self.weight.size)

    @property
    def mass(self) -> float:
        """‖μ‖₁ = ∫₀¹ |g′| (the variation of g)."""
        return float(self.weight.sum())

    def unit_sq_norm(self) -> np.ndarray:
        """‖1[· ≥ b]‖²_{L2(P)} for b in each piece: the fraction of grid points ≥ b."""
        return (self.n - self.cell) / self.n

    def sup_unit_sq_norm(self) -> float:
        """sup over the support of μ of ‖1[· ≥ b]‖²_{L2(P)} (1 when μ charges (0, x₀])."""
        return float(np.max(self.unit_sq_norm()[self.weight > 0]))

    def second_moment(self) -> float:
        """E‖V‖²_{L2(P)} for V = ‖μ‖₁·s·1[· ≥ b], (b, s) ~ μ̃ — exact from the pieces."""
        return self.mass * float(self.weight @ self.unit_sq_norm())

    def target_sq_norm(self) -> float:
        """‖g − g(0)‖²_{L2(P)}."""
        return float(np.mean(self.residual**2))

    def expected_sq_error(self, k: np.ndarray | float) -> np.ndarray | float:
        """E ‖g − ĝ‖²_{L2(P)} = (E‖V‖² − ‖g − g(0)‖²)/k exactly (proof of Lemma 2.16)."""
        return (self.second_moment() - self.target_sq_norm()) / np.asarray(k, dtype=float)

    def bound(self, k: np.ndarray | float) -> np.ndarray | float:
        """‖μ‖₁² · sup_b ‖1[· ≥ b]‖²_{L2(P)} / k (Lemma 2.17, Example 2.18.1)."""
        return self.mass**2 * self.sup_unit_sq_norm() / np.asarray(k, dtype=float)

    def density(self, x: np.ndarray) -> np.ndarray:
        """|g′(x)|, the density of |μ|."""
        return np.abs(self.df(np.asarray(x, dtype=float)))

    def positions(self, pieces: np.ndarray, u: np.ndarray, max_iter: int = 80) -> np.ndarray:
        """Biases ``b`` in the given pieces with ``|g(b) − g(lo)| = u·|μ|(piece)`` (``u`` in
        (0, 1]): the exact conditional law of ``b`` given its piece, by safeguarded Newton
        iteration on the monotone piece (bracketed, so ``b`` stays in ``(lo, hi]``), to a
        few ulps."""
        pieces = np.asarray(pieces, dtype=np.intp)
        lo, hi = self.lo[pieces], self.hi[pieces]
        s = self.sign[pieces]
        glo = self.f(lo)
        goal = u * self.weight[pieces]
        a, c = lo.copy(), hi.copy()  # bracket: φ(a) ≤ 0 ≤ φ(c), φ increasing
        b = lo + u * (hi - lo)
        tol = 4 * np.finfo(float).eps
        act = np.arange(b.size)
        for _ in range(max_iter):
            if act.size == 0:
                break
            bi = b[act]
            phi = s[act] * (self.f(bi) - glo[act]) - goal[act]
            ai = np.where(phi < 0, bi, a[act])
            ci = np.where(phi > 0, bi, c[act])
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                nb = bi - phi / np.abs(self.df(bi))
            nb = np.where((nb >= ai) & (nb <= ci), nb, 0.5 * (ai + ci))
            done = (phi == 0) | (np.abs(nb - bi) <= tol) | (ci - ai <= tol)
            a[act], c[act] = ai, ci
            b[act] = np.where(phi == 0, bi, nb)
            act = act[~done]
        return np.clip(b, np.nextafter(lo, np.inf), hi)

    def network(self, biases: np.ndarray, signs: np.ndarray) -> ThresholdNetwork:
        """The sampled network ``g(0) + (‖μ‖₁/k) Σ_j s_j 1[x ≥ b_j]`` as a threshold network."""
        k = biases.size
        return ThresholdNetwork(
            w=np.ones(k), b=-np.asarray(biases, float), a=signs * (self.mass / k), c=self.g0
        )


def bias_measure(f: Fn, df: Fn, critical: np.ndarray, n: int) -> BiasMeasure:
    """Cut ``μ = g′(b) db`` on ``[0, 1]`` at the ``n`` grid midpoints and at ``critical``
    (the points where ``g′`` may change sign), so that ``g`` is monotone on every piece."""
    grid = (np.arange(n) + 0.5) / n
    crit = np.asarray(critical, dtype=float)
    crit = crit[(crit > 0.0) & (crit < 1.0)]
    pts = np.unique(np.concatenate([[0.0, 1.0], grid, crit]))
    gp = f(pts)
    lo, hi = pts[:-1], pts[1:]
    d = np.diff(gp)
    weight = np.abs(d)
    sign = np.where(d < 0, -1.0, 1.0)
    cell = np.searchsorted(grid, lo, side="right")
    cell_end = np.searchsorted(cell, np.arange(n), side="right") - 1
    g0 = float(f(np.zeros(1))[0])
    return BiasMeasure(
        f=f,
        df=df,
        g0=g0,
        grid=grid,
        residual=f(grid) - g0,
        lo=lo,
        hi=hi,
        weight=weight,
        sign=sign,
        cell=cell,
        cell_end=cell_end,
        sampler=Categorical.from_weights(weight),
    )


# --------------------------------------------------------------------------------------
# drawing samples


def _streams(seed: int) -> tuple[np.random.PCG64DXSM, np.random.PCG64]:
    """Independent streams for the pieces and for the positions within pieces; both can
    jump ahead to any trial, so work split over trials draws exactly the same samples."""
    ss = np.random.SeedSequence(seed)
    a, b = ss.spawn(2)
    return np.random.PCG64DXSM(a), np.random.PCG64(b)


def _stream_at(base: np.random.BitGenerator, offset: int) -> np.random.BitGenerator:
    """A copy of ``base`` advanced by ``offset`` outputs."""
    bg = copy.deepcopy(base)
    bg.advance(offset)
    return bg


def _positions_for_trial(measure: BiasMeasure, seed: int, trial: int, pieces: np.ndarray):
    _, pos = _streams(seed)
    pos = _stream_at(pos, trial * pieces.size)
    return measure.positions(pieces, unit_interval(pos.random_raw(pieces.size)))


@dataclass(frozen=True)
class MaureySample:
    """``trials`` independent draws of ``k`` pairs ``(b_j, s_j)`` from μ̃."""

    pieces: np.ndarray  # (trials, k) piece indices
    biases: np.ndarray  # (trials, k)
    signs: np.ndarray  # (trials, k) ±1.0


def maurey_sample(measure: BiasMeasure, k: int, trials: int, seed: int) -> MaureySample:
    """Draw ``trials × k`` pairs ``(b, s) ~ |μ|/‖μ‖₁`` with ``s = sign g′(b)`` (Lemma 2.17).

    The pieces come from one stream (the same one :func:`maurey_errors` consumes, so both see
    identical samples for equal seeds), the positions within pieces from another.
    """
    ps, pos = _streams(seed)
    pieces = measure.sampler.draw(ps, trials * k).reshape(trials, k)
    u = unit_interval(pos.random_raw(trials * k)).reshape(trials, k)
    biases = measure.positions(pieces.ravel(), u.ravel()).reshape(trials, k)
    return MaureySample(pieces=pieces, biases=biases, signs=measure.sign[pieces])


# --------------------------------------------------------------------------------------
# squared L2(P) errors: fast (histogram + cumulative sums) and dense (reference)


def _prefix_sq_errors(
    measure: BiasMeasure, pieces: np.ndarray, ks: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """‖g − ĝ‖²_{L2(P)} of the networks made of the first ``ks[g]`` samples of each row,
    and the number of samples per piece over all rows.

    One histogram of (row, prefix segment, piece), cumulative sums over segments (prefix
    counts) and over pieces (the network at every grid point).  ``ks`` ascends and ends at
    ``pieces.shape[1]``.
    """
    nt, k = pieces.shape
    G, C = ks.size, measure.pieces
    seg = np.searchsorted(ks, np.arange(1, k + 1), side="left")
    idx = pieces + (np.arange(nt)[:, None] * G + seg[None, :]) * C
    counts = np.bincount(idx.ravel(), minlength=nt * G * C).reshape(nt, G, C)
    if G > 1:
        np.cumsum(counts, axis=1, out=counts)
    totals = counts[:, -1, :].sum(axis=0)
    signed = counts * measure.sign
    np.cumsum(signed, axis=2, out=signed)
    h = signed[:, :, measure.cell_end]  # Σ_j s_j 1[x_i ≥ b_j], exact integers
    # mean_i (r_i − c·h_i)² = ‖r‖² − 2c⟨h, r⟩ + c²‖h‖², c = ‖μ‖₁/k′
    c = measure.mass / ks.astype(float)
    hr = h @ measure.residual
    hh = np.einsum("tgi,tgi->tg", h, h)
    rr = float(measure.residual @ measure.residual)
    sq = (rr - 2.0 * c * hr + c * c * hh) / measure.n
    return np.maximum(sq, 0.0), totals


def sq_errors(measure: BiasMeasure, pieces: np.ndarray) -> np.ndarray:
    """Fast ‖g − ĝ_t‖²_{L2(P)} of every trial ``t`` from its pieces, O(trials·(k + n))."""
    pieces = np.asarray(pieces, dtype=np.intp)
    k = pieces.shape[1]
    nt = max(1, CHUNK_CELLS // measure.pieces)
    out = [
        _prefix_sq_errors(measure, pieces[t : t + nt], np.array([k]))[0][:, 0]
        for t in range(0, pieces.shape[0], nt)
    ]
    return np.concatenate(out)


def sq_errors_from_biases(measure: BiasMeasure, biases: np.ndarray, signs: np.ndarray):
    """Fast ‖g − ĝ_t‖²_{L2(P)} from explicit ``(b, s)``: each bias is located among the grid
    points by arithmetic (exact comparisons fix rounding), then histogram + cumulative sums."""
    b = np.asarray(biases, dtype=float)
    trials, k = b.shape
    n, x = measure.n, measure.grid
    m = np.clip(np.ceil(b * n - 0.5), 0, n).astype(np.intp)  # #{i : x_i < b}
    m -= (m > 0) & (x[np.maximum(m - 1, 0)] >= b)
    m += (m < n) & (x[np.minimum(m, n - 1)] < b)
    idx = m + (np.arange(trials) * (n + 1))[:, None]
    h = np.bincount(
        idx.ravel(), weights=np.asarray(signs, float).ravel(), minlength=trials * (n + 1)
    )
    h = np.cumsum(h.reshape(trials, n + 1)[:, :n], axis=1)
    e = measure.residual - (measure.mass / k) * h
    return np.mean(e * e, axis=1)


def sq_errors_dense(measure: BiasMeasure, biases: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Reference: evaluate every unit at every grid point, trial by trial (the trials × k × n
    activation tensor; float32 activations, exact since the partial sums are integers)."""
    b = np.asarray(biases, dtype=float)
    s = np.asarray(signs, dtype=np.float32)
    trials, k = b.shape
    out = np.empty(trials)
    x = measure.grid[:, None]
    for t in range(trials):
        act = (x >= b[t][None, :]).astype(np.float32)  # (n, k)
        h = (act @ s[t]).astype(float)
        e = measure.residual - (measure.mass / k) * h
        out[t] = np.mean(e * e)
    return out


# --------------------------------------------------------------------------------------
# the scene's run: all trials at once, errors along a log grid of k


@dataclass(frozen=True)
class MaureyRun:
    k: int
    sq_errors: np.ndarray  # (trials,) at k
    ks: np.ndarray  # prefix sizes along the curve (ends at k)
    prefix_sq_errors: np.ndarray  # (curve_trials, ks.size)
    piece_counts: np.ndarray  # samples per piece over all trials
    shown: dict[int, tuple[np.ndarray, np.ndarray]]  # trial → (biases, signs)

    @property
    def best_trial(self) -> int:
        return int(np.argmin(self.sq_errors))


@cache
def _pool() -> ThreadPoolExecutor:
    """Two worker threads (numpy releases the GIL in the heavy loops); made on first use."""
    return ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1))


@dataclass
class _Part:
    t0: int
    errors: np.ndarray
    prefix: np.ndarray
    totals: np.ndarray
    kept: dict[int, np.ndarray]
    best: tuple[float, int, np.ndarray]


def _run_part(
    measure: BiasMeasure,
    k: int,
    t0: int,
    t1: int,
    stream: np.random.BitGenerator,
    grid_ks: np.ndarray,
    curve_trials: int,
    show: int,
) -> _Part:
    """Trials ``t0 … t1 − 1``: draw their pieces (jumping ahead in the stream), measure."""
    pieces = measure.sampler.draw(_stream_at(stream, t0 * k), (t1 - t0) * k).reshape(-1, k)
    errs = np.empty(t1 - t0)
    prefix = np.empty((max(0, min(t1, curve_trials) - t0), grid_ks.size))
    totals = np.zeros(measure.pieces, dtype=np.int64)
    r = 0
    while r < t1 - t0:
        curve = t0 + r < curve_trials
        ks = grid_ks if curve else grid_ks[-1:]
        nt = max(1, CHUNK_CELLS // (ks.size * measure.pieces))
        nt = min(nt, (curve_trials if curve else t1) - t0 - r)
        e, tot = _prefix_sq_errors(measure, pieces[r : r + nt], ks)
        totals += tot
        if curve:
            prefix[r : r + nt] = e
        errs[r : r + nt] = e[:, -1]
        r += nt
    i = int(np.argmin(errs))
    kept = {t: pieces[t - t0].copy() for t in range(t0, min(t1, show))}
    return _Part(t0, errs, prefix, totals, kept, (float(errs[i]), t0 + i, pieces[i].copy()))


def maurey_errors(
    measure: BiasMeasure,
    k: int,
    trials: int,
    seed: int,
    ks: Sequence[int] = (),
    curve_trials: int = 0,
    show: int = 0,
) -> MaureyRun:
    """Sample ``trials`` networks of width ``k`` and measure each one's squared error.

    The first ``curve_trials`` trials are also measured at every prefix size in ``ks`` (the
    first ``k′`` of ``k`` iid samples are ``k′`` iid samples), giving the error-vs-k curve
    without drawing again.  Biases of the first ``show`` trials and of the best trial are
    returned for drawing.  Samples are identical to :func:`maurey_sample` with the same seed
    (the work is split over trials, each part jumping ahead in the same stream).
    """
    grid_ks = np.unique(np.append(np.asarray(ks, dtype=np.intp), k))
    grid_ks = grid_ks[(grid_ks >= 1) & (grid_ks <= k)]
    curve_trials = min(curve_trials, trials)
    stream, _ = _streams(seed)
    # parts of at most CHUNK_SAMPLES samples; big runs are split over two threads
    size = max(1, CHUNK_SAMPLES // k)
    bounds = [(t, min(t + size, trials)) for t in range(0, trials, size)]

    def run(b: tuple[int, int]) -> _Part:
        return _run_part(measure, k, b[0], b[1], stream, grid_ks, curve_trials, show)

    threaded = len(bounds) > 1 and trials * k >= PARALLEL_SAMPLES
    parts = list(_pool().map(run, bounds)) if threaded else [run(b) for b in bounds]
    errs = np.concatenate([p.errors for p in parts])
    prefix = np.concatenate([p.prefix for p in parts])
    totals = np.sum([p.totals for p in parts], axis=0)
    kept: dict[int, np.ndarray] = {}
    for p in parts:
        kept.update(p.kept)
    best = min((p.best for p in parts), key=lambda b: (b[0], b[1]))
    kept.setdefault(best[1], best[2])
    shown = {}
    for r, pcs in sorted(kept.items()):
        b = _positions_for_trial(measure, seed, r, pcs)
        shown[r] = (b, measure.sign[pcs])
    return MaureyRun(
        k=k,
        sq_errors=errs,
        ks=grid_ks,
        prefix_sq_errors=prefix,
        piece_counts=totals,
        shown=shown,
    )


# --------------------------------------------------------------------------------------
# the scene's measurements


@cache
def library_measure(name: str, n: int) -> BiasMeasure:
    """:func:`bias_measure` of a library target with P uniform on ``n`` midpoints."""
    t = targets.get(name)
    return bias_measure(t.f, t.df, targets.critical_points(name), n)


@lru_cache(maxsize=64)
def custom_measure(expr: str, n: int) -> BiasMeasure:
    """:func:`bias_measure` of a custom expression with P uniform on ``n`` midpoints."""
    t = targets.custom(expr)
    return bias_measure(t.f, t.df, targets.critical_points(t), n)


def prefix_sizes(k: int, points: int) -> np.ndarray:
    """About ``points`` widths ``1 … k``, log-spaced and rounded (duplicates removed)."""
    return np.unique(np.round(np.geomspace(1, k, points)).astype(np.intp))


def bias_histogram(
    measure: BiasMeasure, piece_counts: np.ndarray, samples: int, group: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of ``samples`` sampled biases over groups of ``group`` grid cells, scaled to
    the density of |μ| (``‖μ‖₁·fraction/bin width``): bin centres and heights.

    Pieces never straddle a grid cell, so the counts per bin are exact, and the bin widths
    are the bins' exact lengths.
    """
    which = np.minimum(measure.cell // group, (measure.n - 1) // group)
    counts = np.bincount(which, weights=piece_counts)
    starts = np.searchsorted(which, np.arange(counts.size), side="left")
    ends = np.searchsorted(which, np.arange(counts.size), side="right") - 1
    left, right = measure.lo[starts], measure.hi[ends]
    return 0.5 * (left + right), measure.mass * counts / samples / (right - left)


@dataclass(frozen=True)
class MaureySummary:
    """The lemma's quantities at width ``k`` and their measured counterparts."""

    mass: float  # ‖μ‖₁
    bound: float  # ‖μ‖₁²·sup_b‖1[· ≥ b]‖²/k
    second_moment_bound: float  # E‖V‖²/k
    expected_sq_error: float  # exact E‖g − ĝ‖²
    mean_sq_error: float  # over the trials
    best_trial: int
    best_sq_error: float


def summarize(measure: BiasMeasure, run: MaureyRun) -> MaureySummary:
    k = run.k
    best = run.best_trial
    return MaureySummary(
        mass=measure.mass,
        bound=float(measure.bound(k)),
        second_moment_bound=measure.second_moment() / k,
        expected_sq_error=float(measure.expected_sq_error(k)),
        mean_sq_error=float(np.mean(run.sq_errors)),
        best_trial=best,
        best_sq_error=float(run.sq_errors[best]),
    )


_U = float(np.finfo(float).eps) / 2


def chain_allowance(measure: BiasMeasure, k: int) -> float:
    """Rounding allowance of ``E‖V‖²/k ≤ ‖μ‖₁²·sup_b‖1[· ≥ b]‖²/k`` (Lemma 2.17's second step),
    attained with equality when every piece charged by μ has the largest norm (μ on
    ``(0, x₀]``).  ``E‖V‖² = ‖μ‖₁·Σ|μ|(piece)·‖1[· ≥ b]‖²`` is a dot product of ``P`` terms
    (at most ``P·u`` relative), ``‖μ‖₁`` a sum of the same ``P`` weights (``P·u``), and each
    side has three more roundings: ``(2P + 6)·u`` times the bound."""
    return (2 * measure.pieces + 6) * _U * float(measure.bound(k))


def mean_allowance(sq_errors: np.ndarray) -> float:
    """Rounding allowance of ``min ≤ mean`` over the trials (exact in real arithmetic):
    ``numpy.mean`` sums pairwise, ``(⌈log₂ N⌉ + 2)·u`` relative."""
    n = max(int(sq_errors.size), 1)
    return (math.ceil(math.log2(n)) + 2) * _U * float(np.mean(np.abs(sq_errors)))
