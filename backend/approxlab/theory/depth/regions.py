r"""Activation regions of ReLU networks with two inputs (seed 003, Lemma 4.9 and Remark 4.12;
seed 001, Hanin–Rolnick): the exact partition of a box in the plane.

What is counted
---------------
A ReLU network ``ℝ² → ℝ`` with hidden layers ``1..L−1`` has, at every point, an *activation
pattern* (which hidden units are on).  Its **activation regions** are the cells of the
partition of the box by that pattern: the maximal connected open sets on which the pattern
is constant.  Given the pattern of layers ``< ℓ`` the pre-activations of layer ``ℓ`` are
affine, so every cell is a convex polygon (an intersection of half-planes), and a cell is
determined by its pattern.  The network is affine on each cell, so the *linear regions*
(maximal connected sets on which it is affine) number at most the activation regions;
Hanin and Rolnick (2019) count activation regions and note that the two agree generically
(e.g. for random weights).  This module counts **activation regions**, exactly.

How: polygons propagated layer by layer
---------------------------------------
Start from the box; for each hidden layer, cut every polygon by the zero lines of the
layer's units (a unit is affine on the polygon, so its zero set there is a chord), one unit
at a time, and record on which side each piece lies.  A unit whose values at a polygon's
vertices are all ``≥ 0`` (or all ``≤ 0``) does not cut it — nor any piece of it (convexity).
Every vertex carries the values of the current layer's pre-activations; a new vertex
(where a unit crosses an edge) gets them by interpolation along the edge, exactly as the
univariate propagation of :mod:`approxlab.theory.core.certified` does on a segment.

Exactness
---------
Every count here is the count of the exact function with the network's float64 weights.
The only decisions are *signs of a unit's pre-activation at a vertex*.  Each is taken in
float64 when a rigorous bound on the rounding error certifies it — the bounds of
:mod:`approxlab.theory.core.certified` (its "Layer map" and "A crossing" formulas; along an
edge the plane problem is that univariate one), carried per vertex: ``e`` bounds the
coordinates' error, ``f_j`` each value's.  A sign within its bound is decided in **exact
rational arithmetic**: the vertex is the intersection of the two lines of its edges (the box
sides or zero lines of units, whose exact affine forms on the polygon follow from the
polygon's activation pattern in integer arithmetic — every float64 is a dyadic rational),
solved by Cramer's rule in Python integers; the layer's values there are exact fractions.
The vertex's float data is then replaced by the correctly rounded exact values, with
bounds of half an ulp (so an exact zero is a certified zero: a line through a vertex does
not cut there).  Decisions are therefore exact and so is the combinatorics: the polygons,
their patterns and their count.  Vertex coordinates are float64 approximations within
their certified bounds (drawing only).

Bounds
------
* **One hidden layer** of ``n`` units: ``n`` lines cut the plane into at most
  ``Σ_{i≤2} C(n, i) = 1 + n + n(n−1)/2`` cells (Zaslavsky; Montúfar et al. 2014), and a
  box no more.
* **Deep networks** (Serra, Tjandraatmadja and Ramalingam 2018, Theorem 1, in its simpler
  product form; Montúfar et al. 2014): inside a region of layers ``< ℓ`` the units of layer
  ``ℓ`` are ``n_ℓ`` lines through an affine image of dimension
  ``d_ℓ ≤ min(2, n_1, …, n_{ℓ−1})``, so they cut it into at most ``Σ_{i≤d_ℓ} C(n_ℓ, i)``
  pieces and ``regions ≤ ∏_ℓ Σ_{i ≤ d_ℓ} C(n_ℓ, i)`` (:func:`upper_bound`).
* **Hanin–Rolnick** (2019, seed 001): for random networks near initialisation, the
  expected number of regions meeting a fixed box grows like ``C·N²`` in the number ``N`` of
  neurons (``N^{n_0}`` for ``n_0`` inputs) — not exponentially with depth.

Constructions: :func:`sawtooth_plane` (Δ^L of ``(x₁ + x₂ + 2)/4``: ``2^L`` strips, see
:func:`sawtooth_regions`) and :func:`product_plane` (Corollary 4.3's product network).

Why not ``regioncam``
---------------------
``regioncam`` 0.5.2 (PyPI; Rust, MIT/Apache) was evaluated as the engine (scratch venv,
``Regioncam(size=1)`` then ``linear``/``relu`` per hidden layer, ``num_faces``).  On 18
random He networks (widths 8–32, 1–6 hidden layers, up to 4,477 regions), the sawtooth
(L = 4, 8, 10) and the product network (i = 2, 3) its counts equal these exactly, and it is
5–50× faster (e.g. 3,897 regions: 0.13 s against 0.9 s on a loaded machine).  But it
computes in float32 with no error bounds: three lines through one point (x₁ = 0.1,
x₂ = 0.1, x₁ + x₂ = 0.2 in float64) give 7 cells there instead of the exact 6, and a second
layer moved by 2⁻⁶⁰ (below float64's resolution) gives 6 instead of the exact 9 — the
float32 weights are a different network, and its coincidences are decided by rounding.
Keeping it exact would mean re-deciding every vertex near a line in exact arithmetic,
which needs the polygon's lines and patterns — the bookkeeping this module does anyway.
So it is not adopted (:data:`REGIONCAM_DECISION`); the tests cross-check the counts
independently (exact line arrangements, the 1-D certified count of ridge networks, grid
patterns, ``2^L`` for the sawtooth).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from approxlab.theory.core.networks import ReLUNetwork, compose, layer

U = 2.0**-53
_GROW = 1.0 + 2.0**-40
_ABS = 2.0**-1060
#: Default limit on the number of regions (more: :class:`RegionLimitError`).
MAX_REGIONS = 20_000

REGIONCAM_DECISION = (
    "regioncam 0.5.2 was evaluated and not adopted: it works in float32 without error "
    "bounds, so its counts are those of a rounded network — equal on random networks, "
    "wrong where lines meet or nearly meet (7 instead of 6 cells for three concurrent "
    "lines); counting here is exact (certified float64, exact rationals for undecided "
    "signs) and fast enough for the scene's sizes."
)

Box = tuple[tuple[float, float], tuple[float, float]]
SQUARE: Box = ((-1.0, 1.0), (-1.0, 1.0))

# An edge label: (0, k) for the box sides k = 0 (x₂ = lo), 1 (x₁ = hi), 2 (x₂ = hi),
# 3 (x₁ = lo); (ℓ, j) for the zero line of unit j of hidden layer ℓ ≥ 1.
Label = tuple[int, int]


class RegionLimitError(ValueError):
    """More regions than the limit."""

    def __init__(self, layer_index: int, count: int, limit: int):
        super().__init__(
            f"hidden layer {layer_index}: the network has more than {limit:,} activation "
            f"regions on the box (at least {count:,}), more than the limit of {limit:,}"
        )
        self.layer_index, self.count, self.limit = layer_index, count, limit


def _up(x):
    return x * _GROW + _ABS


def _gamma(n: int) -> float:
    return n * U / (1.0 - n * U)


# ----------------------------------------------------------------------------- exact lane


def _dyadic(a: np.ndarray) -> tuple[list, int]:
    """Entries of ``a`` as integers ``N`` with ``a = N / D`` for one power of two ``D``."""
    ratios = [float(v).as_integer_ratio() for v in np.ravel(a)]
    D = max((d for _, d in ratios), default=1)
    return [n * (D // d) for n, d in ratios], D


class _Exact:
    """Exact affine forms of every hidden unit's pre-activation, given a pattern prefix.

    Layer ``ℓ``'s pre-activations on a region with pattern ``m_1..m_{ℓ−1}`` are
    ``(A x + c) / S`` with integer ``A`` (n × 2), ``c`` and a power of two ``S``.
    """

    def __init__(self, net: ReLUNetwork, box: Box):
        self.W, self.b = [], []
        for W, b in net[:-1]:
            Wi, dw = _dyadic(W)
            bi, db = _dyadic(b)
            self.W.append((np.array(Wi, dtype=object).reshape(W.shape), dw))
            self.b.append((np.array(bi, dtype=object), db))
        self.box = box
        self.offsets = np.cumsum([0] + [int(W.shape[0]) for W, _ in net[:-1]])
        self.cache: dict[tuple, tuple[np.ndarray, np.ndarray, int]] = {}

    def forms(self, ell: int, row: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """Layer ``ell``'s forms on the region whose pattern (finished layers) is ``row``."""
        key = (ell, row[: self.offsets[ell - 1]].tobytes())
        got = self.cache.get(key)
        if got is not None:
            return got
        Wi, dw = self.W[ell - 1]
        bi, db = self.b[ell - 1]
        if ell == 1:
            D = max(dw, db)
            A, c, S = Wi * (D // dw), bi * (D // db), D
        else:
            Ap, cp, Sp = self.forms(ell - 1, row)
            m = row[self.offsets[ell - 2] : self.offsets[ell - 1]]
            A = Wi[:, m].dot(Ap[m]) if m.any() else np.zeros((Wi.shape[0], 2), dtype=object)
            c = Wi[:, m].dot(cp[m]) if m.any() else np.zeros(Wi.shape[0], dtype=object)
            S1 = dw * Sp
            D = max(S1, db)
            A, c, S = A * (D // S1), c * (D // S1) + bi * (D // db), D
        A = np.asarray(A, dtype=object).reshape(-1, 2)
        c = np.asarray(c, dtype=object).reshape(-1)
        self.cache[key] = (A, c, S)
        return A, c, S

    def line(self, label: Label, row: np.ndarray) -> tuple[int, int, int]:
        """Integers ``(a₁, a₂, c)`` with the line ``a₁x₁ + a₂x₂ + c = 0``."""
        ell, j = label
        if ell == 0:
            (lo1, hi1), (lo2, hi2) = self.box
            v = (lo2, hi1, hi2, lo1)[j]
            n, d = float(v).as_integer_ratio()
            return (0, d, -n) if j in (0, 2) else (d, 0, -n)
        A, c, _ = self.forms(ell, row)
        return int(A[j, 0]), int(A[j, 1]), int(c[j])

    def vertex(
        self, l1: Label, l2: Label, ell: int, row: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """The exact intersection of two edge lines, rounded, and layer ``ell``'s values
        there: (x̃, p̃, signs of the exact values)."""
        a1, b1, c1 = self.line(l1, row)
        a2, b2, c2 = self.line(l2, row)
        det = a1 * b2 - b1 * a2
        if det == 0:
            raise ArithmeticError("two edges of a polygon are parallel")  # cannot happen
        nx, ny = -c1 * b2 + c2 * b1, -a1 * c2 + a2 * c1
        A, c, S = self.forms(ell, row)
        num = [int(A[j, 0]) * nx + int(A[j, 1]) * ny + int(c[j]) * det for j in range(len(c))]
        den = S * det
        sgn = 1 if den > 0 else -1
        # int / int is correctly rounded in Python (no Fraction needed)
        x = np.array([nx / det, ny / det])
        p = np.array([n / den for n in num])
        return x, p, [sgn * ((n > 0) - (n < 0)) for n in num]


# ----------------------------------------------------------------------------- polygons


@dataclass(frozen=True)
class Partition:
    """The exact activation regions of a network on a box.

    ``polygons[r]`` — the vertices of region ``r`` (float64, counter-clockwise; each within
    ``vertex_error`` of the exact vertex); ``patterns[r]`` — its activation pattern over all
    hidden units (bool); ``by_layer[ℓ]`` — regions after hidden layer ``ℓ + 1``;
    ``exact_vertices`` — vertices whose sign decisions were taken in exact arithmetic.
    """

    polygons: list[np.ndarray]
    patterns: np.ndarray
    by_layer: list[int]
    hidden_widths: list[int]
    box: Box
    exact_vertices: int
    vertex_error: float = field(default=0.0)

    @property
    def count(self) -> int:
        return len(self.polygons)

    def outlines(self, which: np.ndarray | None = None, closed: bool = True) -> np.ndarray:
        """The polygons ``which`` (default all) as one (M, 2) array for drawing: each
        polygon's vertices (and its first again when ``closed``), then a row of NaN."""
        k = np.array([len(q) for q in self.polygons], dtype=np.int64)
        starts = np.cumsum(k) - k
        ids = np.arange(k.size) if which is None else np.asarray(which, dtype=np.int64)
        X = np.concatenate([*self.polygons, np.full((1, 2), np.nan)]) if k.size else None
        if X is None or ids.size == 0:
            return np.empty((0, 2))
        extra = 2 if closed else 1
        n = k[ids] + extra
        pid = np.repeat(np.arange(ids.size), n)
        local = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        kk, st = k[ids][pid], starts[ids][pid]
        idx = np.where(local < kk, st + local, np.where(closed & (local == kk), st, -1))
        return X[idx]


class _Store:
    """Vertex data, append-only: ``X`` (coordinates), ``E`` (their error bound), ``P``/``F``
    (the current layer's pre-activations and their bounds); polygons refer to rows.  A row
    is shared by the polygons that share the vertex (the values are continuous there)."""

    def __init__(self, X: np.ndarray, E: np.ndarray, P: np.ndarray, F: np.ndarray):
        k = X.shape[0]
        cap = max(64, 2 * k)
        self.X = np.empty((cap, 2))
        self.E = np.empty(cap)
        self.P = np.empty((cap, P.shape[1]))
        self.F = np.empty((cap, P.shape[1]))
        self.size = 0
        self.append(X, E, P, F)

    def append(self, X: np.ndarray, E: np.ndarray, P: np.ndarray, F: np.ndarray) -> np.ndarray:
        k = X.shape[0]
        if self.size + k > self.E.size:
            cap = 2 * (self.size + k)
            for name in ("X", "E", "P", "F"):
                old = getattr(self, name)
                new = np.empty((cap, *old.shape[1:]))
                new[: self.size] = old[: self.size]
                setattr(self, name, new)
        i = np.arange(self.size, self.size + k)
        self.X[i], self.E[i], self.P[i], self.F[i] = X, E, P, F
        self.size += k
        return i


@dataclass
class _State:
    """All polygons of the current stage, vertices listed polygon by polygon
    (counter-clockwise): ``row`` (V,) each vertex's row in the store, ``lab`` (V, 2) the
    label (ℓ, j) of the edge leaving it, ``poly`` (V,) its polygon (non-decreasing);
    ``pat`` (R, units of finished layers) and ``cur`` (R, n) the activation patterns."""

    row: np.ndarray
    lab: np.ndarray
    poly: np.ndarray
    pat: np.ndarray
    cur: np.ndarray

    def starts(self) -> np.ndarray:
        return np.flatnonzero(np.r_[True, self.poly[1:] != self.poly[:-1]])

    def nxt(self) -> np.ndarray:
        """Index of the next vertex of the same polygon (cyclically)."""
        V = self.poly.size
        idx = np.arange(1, V + 1)
        st = self.starts()
        idx[np.r_[st[1:], V] - 1] = st
        return idx


def _layer_map(Z: np.ndarray, FZ: np.ndarray, W: np.ndarray, b: np.ndarray):
    """``p̃ = fl(W z̃ + b)`` row-wise and its bound ``γ_{n+1}(|W||z̃| + |b|) + |W| f_z``
    (``FZ`` of shape (V,) means the same bound on every input)."""
    P = Z @ W.T + b
    aW = np.abs(W)
    Fz = FZ[:, None] * aW.sum(axis=1) if FZ.ndim == 1 else FZ @ aW.T
    F = _up(_gamma(W.shape[1] + 1) * (np.abs(Z) @ aW.T + np.abs(b)) + Fz)
    if not (np.isfinite(P).all() and np.isfinite(F).all()):
        raise ValueError("the network's values leave the float64 range on the box")
    return P, F


def _sign(p: np.ndarray, f: np.ndarray) -> np.ndarray:
    """+1 / −1 where certified, 0 for a certified zero, 2 where undecided."""
    return np.where(p > f, 1, np.where(p < -f, -1, np.where((p == 0) & (f == 0), 0, 2)))


def _signs(st: _State, S: _Store, j: int, ell: int, ex: _Exact, stats: list[int]) -> np.ndarray:
    """Exact signs of unit ``j`` (layer ``ell``) at every vertex: certified float64, and
    exact arithmetic for the undecided ones (whose float data is then replaced by the
    correctly rounded exact values, with bounds of half an ulp)."""
    s = _sign(S.P[st.row, j], S.F[st.row, j])
    und = np.flatnonzero(s == 2)
    if und.size:
        nx = st.nxt()
        prv = np.empty(nx.size, dtype=np.int64)
        prv[nx] = np.arange(nx.size)
        for i in und:
            r = st.row[i]
            again = _sign(S.P[r, j], S.F[r, j])
            if again != 2:  # resolved already through another polygon (a shared row)
                s[i] = again
                continue
            row = st.pat[st.poly[i]]
            x, pv, sg = ex.vertex(tuple(st.lab[prv[i]]), tuple(st.lab[i]), ell, row)
            stats[0] += 1
            exact = np.array(sg)
            fv = np.where(exact == 0, 0.0, _up(U * np.abs(pv)))
            if np.any((exact != 0) & (np.abs(pv) <= fv)):
                raise ValueError(
                    f"hidden layer {ell}: a unit's value at a vertex is below float64's "
                    "normal range (the network is too ill-conditioned)"
                )
            S.X[r] = x
            S.E[r] = _up(U * np.max(np.abs(x)))
            S.P[r] = np.where(exact == 0, 0.0, pv)
            S.F[r] = fv
            s[i] = exact[j]
    return s


def _cut(st: _State, S: _Store, j: int, ell: int, s: np.ndarray) -> _State:
    """Cut every polygon that has vertices on both sides of unit ``j``'s zero line; record
    the unit's state in the others (its sign there is fixed: convexity)."""
    st0 = st.starts()
    pos = np.add.reduceat((s > 0).astype(np.int64), st0) > 0
    neg = np.add.reduceat((s < 0).astype(np.int64), st0) > 0
    cut = pos & neg
    st.cur[:, j] = pos & ~neg
    if not cut.any():
        return st
    nx = st.nxt()
    incut = cut[st.poly]
    cross = incut & (s * s[nx] < 0)
    a = np.flatnonzero(cross)
    ra, rb = st.row[a], st.row[nx[a]]
    # crossings (certified: |p̃| > f at both ends; certified.py, "A crossing")
    pa, pb, fa, fb = S.P[ra, j], S.P[rb, j], S.F[ra, j], S.F[rb, j]
    lam = pa / (pa - pb)
    Lam = (fa + fb) / (np.abs(pa) - fa + np.abs(pb) - fb) + 4 * U * lam
    Xa, Xb = S.X[ra], S.X[rb]
    h = Xb - Xa
    xc = Xa + lam[:, None] * h
    ea, eb = S.E[ra], S.E[rb]
    ec = _up(
        np.maximum(ea, eb)
        + Lam * (np.max(np.abs(h), axis=1) + ea + eb)
        + 4 * U * np.max(lam[:, None] * np.abs(h) + np.abs(xc), axis=1)
    )
    Pa, Pb, Fa, Fb = S.P[ra], S.P[rb], S.F[ra], S.F[rb]
    d = Pb - Pa
    pc = Pa + lam[:, None] * d
    fc = _up(
        np.maximum(Fa, Fb)
        + Lam[:, None] * (np.abs(d) + Fa + Fb)
        + 4 * U * (lam[:, None] * np.abs(d) + np.abs(pc))
    )
    pc[:, j] = 0.0
    fc[:, j] = 0.0
    new_rows = S.append(xc, ec, pc, fc)
    # the augmented sequence of the cut polygons: each vertex, then its edge's crossing
    v = np.flatnonzero(incut)
    reps = 1 + cross[v]
    at = np.cumsum(reps) - reps
    take = np.empty(int(reps.sum()), dtype=np.int64)
    take[at] = v
    take[at[cross[v]] + 1] = st.row.size + np.arange(a.size)
    row = np.concatenate([st.row, new_rows])[take]
    lab = np.concatenate([st.lab, st.lab[a]])[take]
    poly = np.concatenate([st.poly, st.poly[a]])[take]
    sg = np.concatenate([s, np.zeros(a.size, dtype=s.dtype)])[take]
    sn = sg[_State(row, lab, poly, st.pat, st.cur).nxt()]
    chord = np.array([ell, j])
    # new polygon ids: uncut polygons first (in order), then the + pieces, then the − ones
    keep = ~incut
    nu, nc = int((~cut).sum()), int(cut.sum())
    ids_uncut, ids_cut = np.cumsum(~cut) - 1, np.cumsum(cut) - 1
    rows, labs, polys = [st.row[keep]], [st.lab[keep]], [ids_uncut[st.poly[keep]]]
    for side, off in ((1, nu), (-1, nu + nc)):
        sel = sg * side >= 0
        rows.append(row[sel])
        labs.append(np.where((sn * side < 0)[:, None], chord, lab)[sel])
        polys.append(off + ids_cut[poly[sel]])
    cur_pos, cur_neg = st.cur[cut].copy(), st.cur[cut].copy()
    cur_pos[:, j] = True
    cur_neg[:, j] = False
    return _State(
        np.concatenate(rows),
        np.concatenate(labs),
        np.concatenate(polys),
        np.concatenate([st.pat[~cut], st.pat[cut], st.pat[cut]]),
        np.concatenate([st.cur[~cut], cur_pos, cur_neg]),
    )


class WorkLimitError(ValueError):
    """Propagation would exceed its work limit or its budget of exact decisions."""


def partition(
    net: ReLUNetwork,
    box: Box = SQUARE,
    max_regions: int | None = MAX_REGIONS,
    max_work: int | None = None,
    max_exact: int | None = None,
) -> Partition:
    """The exact activation regions of ``net`` (input dimension 2) on ``box``.

    Raises :class:`RegionLimitError` when there are more than ``max_regions`` (checked
    after every unit's cut); :class:`WorkLimitError` when Σ over units of the vertices
    examined would exceed ``max_work``, or more than ``max_exact`` vertices need exact
    arithmetic (the network is too ill-conditioned for float64 there); ``ValueError``
    for a network with another input dimension or values beyond float64 on the box.
    """
    if net[0][0].shape[1] != 2:
        raise ValueError(f"the network has {net[0][0].shape[1]} inputs, expected 2")
    ex = _Exact(net, box)
    widths = [int(W.shape[0]) for W, _ in net[:-1]]
    (lo1, hi1), (lo2, hi2) = box
    sq = np.array([[lo1, lo2], [hi1, lo2], [hi1, hi2], [lo1, hi2]], dtype=float)
    if not widths:
        return Partition([sq], np.zeros((1, 0), bool), [], [], box, 0)
    stats = [0]
    W1, b1 = net[0]
    S = _Store(sq, np.zeros(4), *_layer_map(sq, np.zeros(4), W1, b1))
    st = _State(
        np.arange(4),
        np.array([[0, 0], [0, 1], [0, 2], [0, 3]]),
        np.zeros(4, dtype=np.int64),
        np.zeros((1, 0), dtype=bool),
        np.zeros((1, widths[0]), dtype=bool),
    )
    by_layer: list[int] = []
    work = 0
    for ell, n in enumerate(widths, start=1):
        for j in range(n):
            work += st.row.size
            if max_work is not None and work > max_work:
                raise WorkLimitError(
                    f"hidden layer {ell}: cutting the box would examine more than "
                    f"{max_work:,} (vertex, unit) pairs, the limit"
                )
            s = _signs(st, S, j, ell, ex, stats)
            if max_exact is not None and stats[0] > max_exact:
                raise WorkLimitError(
                    f"hidden layer {ell}: more than {max_exact:,} vertices lie within "
                    "float64 rounding of a unit's zero line and would need exact arithmetic, "
                    "the limit (the network is too ill-conditioned)"
                )
            st = _cut(st, S, j, ell, s)
            if max_regions is not None and st.cur.shape[0] > max_regions:
                raise RegionLimitError(ell, st.cur.shape[0], max_regions)
        by_layer.append(int(st.cur.shape[0]))
        st.pat = np.concatenate([st.pat, st.cur], axis=1)
        if ell < len(widths):
            # every polygon's vertices through the ReLU (its pattern) and the next layer:
            # one row per (polygon, vertex), since a shared vertex's masks differ
            W, b = net[ell]
            mf = st.cur[st.poly].astype(float)
            r = st.row
            P, F = _layer_map(S.P[r] * mf, S.F[r] * mf, W, b)
            S = _Store(S.X[r], S.E[r], P, F)
            st = _State(
                np.arange(r.size),
                st.lab,
                st.poly,
                st.pat,
                np.zeros((st.pat.shape[0], W.shape[0]), dtype=bool),
            )
    cuts = st.starts()
    X = S.X[st.row]
    return Partition(
        np.split(X, cuts[1:]), st.pat, by_layer, widths, box, stats[0], float(S.E[st.row].max())
    )


# ----------------------------------------------------------------------------- bounds


def one_layer_bound(n: int) -> int:
    """``Σ_{i≤2} C(n, i)``: cells of ``n`` lines in the plane (general position attains it)."""
    return 1 + n + n * (n - 1) // 2


def upper_bound(widths: Sequence[int], input_dim: int = 2) -> int:
    """``∏_ℓ Σ_{i ≤ d_ℓ} C(n_ℓ, i)`` with ``d_ℓ = min(n_0, n_1, …, n_{ℓ−1})`` (Serra et al.
    2018, Theorem 1's product form; Montúfar et al. 2014): the activation regions of a
    network with ``n_0`` inputs and hidden widths ``n_ℓ`` on any convex set."""
    out, d = 1, input_dim
    for n in widths:
        out *= sum(math.comb(n, i) for i in range(min(d, n) + 1))
        d = min(d, n)
    return out


# ----------------------------------------------------------------------------- networks


def he_network(widths: Sequence[int], seed: int, bias_std: float = 0.1) -> ReLUNetwork:
    """``2 → n_1 → … → n_{L−1} → 1`` with He initialisation ``W ~ N(0, 2/fan_in)`` and
    biases ``N(0, bias_std²)`` (seeded)."""
    rng = np.random.default_rng(seed)
    dims = [2, *widths, 1]
    return [
        layer(
            rng.normal(0.0, math.sqrt(2.0 / dims[i]), size=(dims[i + 1], dims[i])),
            rng.normal(0.0, bias_std, size=dims[i + 1]),
        )
        for i in range(len(dims) - 1)
    ]


def sawtooth_plane(L: int) -> ReLUNetwork:
    """``Δ^L((x₁ + x₂ + 2)/4)`` on ``[−1, 1]²``: the sawtooth of
    :func:`approxlab.theory.depth.sawtooth.sawtooth` after the map onto ``[0, 1]``
    (merged into its first layer); ``L`` hidden layers of 3 units."""
    from approxlab.theory.depth.sawtooth import sawtooth

    return compose(sawtooth(L), [layer([[0.25, 0.25]], [0.5])])


def sawtooth_regions(L: int) -> int:
    """Activation regions of :func:`sawtooth_plane` on ``[−1, 1]²``: ``2^L``.

    The network depends on ``t = (x₁ + x₂ + 2)/4`` only, which maps the square onto
    ``[0, 1]``; its regions are the strips ``t ∈ (k/2^L, (k+1)/2^L)``.  Along ``t``, the
    units of layer ``ℓ`` switch where ``Δ^{ℓ−1}(t) ∈ {0, ½, 1}``: at the ends ``0, 1``,
    at the ``2^{ℓ−1}`` new points ``Δ^{ℓ−1} = ½``, and where ``Δ^{ℓ−1} ∈ {0, 1}`` — the
    knots of the previous layers.  So each layer doubles the regions: ``2^ℓ`` after ``ℓ``.
    """
    return 2**L


def product_plane(i: int) -> ReLUNetwork:
    """Corollary 4.3's product network ``g_i(u, v) ≈ uv`` (:mod:`approxlab.theory.depth.product`,
    the corrected form) with ``u = (x₁ + 1)/2``, ``v = (x₂ + 1)/2``: ``[−1, 1]²`` onto its
    domain ``[0, 1]²`` (merged into the first layer)."""
    from approxlab.theory.depth.product import product_network

    return compose(product_network(i), [layer([[0.5, 0.0], [0.0, 0.5]], [0.5, 0.5])])


# ----------------------------------------------------------------------------- cross-checks


def grid_patterns(net: ReLUNetwork, box: Box = SQUARE, points: int = 201) -> np.ndarray:
    """The distinct activation patterns at a ``points × points`` grid of the box, offset
    from the box's symmetry lines (an independent count: every grid pattern is a region's,
    so the number of rows is at most the exact count)."""
    (lo1, hi1), (lo2, hi2) = box
    t = (np.arange(points) + 0.5) / points
    g1 = lo1 + (hi1 - lo1) * (t + 0.1234567 / points)
    g2 = lo2 + (hi2 - lo2) * (t + 0.3141593 / points)
    X1, X2 = np.meshgrid(g1, g2)
    z = np.stack([X1.ravel(), X2.ravel()])
    pats = []
    for W, b in net[:-1]:
        z = W @ z + b[:, None]
        pats.append(z > 0)
        z = np.maximum(z, 0.0)
    P = np.concatenate(pats).T  # (points, units)
    # each pattern as 64-bit words, then distinct rows by one lexicographic sort
    packed = np.packbits(P, axis=1)
    k = -(-packed.shape[1] // 8)
    padded = np.zeros((P.shape[0], 8 * k), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    words = padded.view(np.uint64)
    order = np.lexsort(words.T[::-1])
    w = words[order]
    new = np.r_[True, (w[1:] != w[:-1]).any(axis=1)]
    return P[np.sort(order[new])]


# ----------------------------------------------------------------------------- the sweep

#: Neurons N (multiples of 6, so every depth 1, 2, 3 divides them) and seeds of the sweep.
SWEEP_NEURONS = (6, 12, 18, 24, 36, 48)
SWEEP_DEPTHS = (1, 2, 3)
SWEEP_SEEDS = (101, 102, 103, 104, 105)


def compute_sweep(depth: int) -> np.ndarray:
    """Exact region counts of He-initialised networks (:func:`he_network`, seeds
    :data:`SWEEP_SEEDS`) with ``depth`` hidden layers of equal width ``N/depth`` for each
    ``N`` in :data:`SWEEP_NEURONS`: shape (seeds, neurons)."""
    return np.array(
        [
            [partition(he_network([N // depth] * depth, seed)).count for N in SWEEP_NEURONS]
            for seed in SWEEP_SEEDS
        ]
    )


#: :func:`compute_sweep` of each depth, stored (≈ 2 s of work; the counts are exact
#: integers, and ``tests/theory/depth/test_regions.py`` recomputes every entry).
SWEEP_TABLE: dict[int, tuple[tuple[int, ...], ...]] = {
    1: (
        (21, 76, 161, 285, 602, 1108),
        (21, 69, 156, 278, 618, 1109),
        (21, 73, 161, 281, 637, 1086),
        (15, 67, 146, 253, 598, 1055),
        (22, 77, 150, 269, 597, 1073),
    ),
    2: (
        (14, 74, 186, 308, 631, 1165),
        (20, 78, 147, 251, 577, 1149),
        (19, 72, 176, 218, 663, 1104),
        (16, 68, 145, 337, 547, 1066),
        (12, 57, 175, 327, 519, 1295),
    ),
    3: (
        (7, 62, 180, 306, 629, 1182),
        (8, 37, 162, 289, 456, 944),
        (4, 57, 140, 301, 534, 1124),
        (7, 29, 139, 255, 739, 876),
        (12, 33, 99, 334, 636, 839),
    ),
}


def sweep_counts(depth: int) -> np.ndarray:
    """The stored sweep of one depth (:data:`SWEEP_TABLE`), shape (seeds, neurons)."""
    return np.array(SWEEP_TABLE[depth])
