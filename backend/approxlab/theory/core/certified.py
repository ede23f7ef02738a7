r"""Certified knot propagation for univariate ReLU networks: float64 with rigorous error
bounds, and exact integer arithmetic wherever a decision lies within rounding.

A univariate ReLU network ``[(W_1, b_1), …, (W_L, b_L)]`` with float64 entries is a
function with *exact* rational knots: every weight, bias and domain end is a dyadic
rational, so every unit's pre-activation is affine between consecutive knots with dyadic
coefficients, and every switch point is a rational.  The counts this module produces —
knots after each hidden layer (activation regions), breakpoints of every node, breakpoints
of the output (maximal affine pieces) — are the counts of that exact function.  They are
*decided*, never estimated: each combinatorial decision is taken in float64 only when a
rigorous bound on the rounding error of the numbers it rests on shows that exact
arithmetic would take the same decision; any decision within that bound is retaken in
exact integer arithmetic (:func:`exact_layers`), for the part of the domain it affects.

Decisions
---------
1. *Does unit j change sign strictly inside the segment (τ_k, τ_{k+1})?*  Yes iff its exact
   values at the two ends are nonzero with opposite signs (the unit is affine there).
2. *In which order do the crossings of several units inside one segment come, and do two
   coincide?*  (Coinciding crossings make one knot.)
3. *Is a knot a breakpoint of a function y (the output, or a node σ(pre_j))?*  With
   ``D_k = (y_k − y_{k−1})(τ_{k+1} − τ_k) − (y_{k+1} − y_k)(τ_k − τ_{k−1})``, iff D_k ≠ 0.

Error bounds (float64 pass)
---------------------------
Notation: ``u = 2⁻⁵³`` (unit roundoff), ``γ_n = nu/(1 − nu)``; the model of every float
operation is ``fl(a ∘ b) = (a ∘ b)(1 + δ) + ε`` with ``|δ| ≤ u`` and ``|ε| ≤ 2⁻¹⁰⁷⁵``
(underflow; ε = 0 for ±).  Every knot ``t̃_k`` carries ``e_k ≥ |t̃_k − τ_k|`` and every
value ``p̃`` carries ``f ≥ |p̃ − p(τ_k)|``, where τ_k is the exact knot and p the exact
function:

* **Layer map** ``p̃ = fl(W z̃ + b)`` (matrix products as sums of products in any order,
  with or without FMA — Higham, *Accuracy and Stability*, §3.1):
  ``|p̃ − p(τ)| ≤ γ_{n+1}(|W| |z̃| + |b|) + |W| e_z`` for fan-in n.  ReLU is 1-Lipschitz,
  so ``e_z = f``, and ``e_z = 0`` where ``p̃ ≤ −f`` (the exact value is then ≤ 0, and
  σ of it is exactly 0).
* **A crossing** of unit i in a segment with certified ``p̃_0 > f_0``, ``−p̃_1 > f_1`` (or
  the mirror): the exact fraction is ``λ = |p_0| / (|p_0| + |p_1|)``, the computed
  ``λ̃ = fl(p̃_0 / fl(p̃_0 − p̃_1))``, and
  ``|λ̃ − λ| ≤ Λ := (f_0 + f_1)/(|p̃_0| − f_0 + |p̃_1| − f_1) + 4uλ̃``.
  The knot ``t̃ = fl(t̃_0 + fl(λ̃·fl(t̃_1 − t̃_0)))``, clamped to ``[t̃_0, t̃_1]``, has
  ``e ≤ max(e_0, e_1) + Λ(h + e_0 + e_1) + 4u(λ̃h + |t̃|)`` with ``h = t̃_1 − t̃_0``
  (from ``τ = (1 − λ)τ_0 + λτ_1``).  Every unit j of the layer is affine on the segment,
  so its value there ``fl(p̃_{0j} + fl(λ̃·fl(p̃_{1j} − p̃_{0j})))`` has
  ``f ≤ max(f_{0j}, f_{1j}) + Λ(|Δ̃_j| + f_{0j} + f_{1j}) + 4u(λ̃|Δ̃_j| + |p̃_j|)``;
  unit i itself is exactly 0 there (f = 0).
* **Order of two crossings** in one segment: certified when
  ``|λ̃_a − λ̃_b| > Λ_a + Λ_b``; units whose rows ``(W_i, b_i)`` are exact multiples of
  each other (checked in integers) cross together (certified equal).  An undecided pair
  marks only the three segments around its two knots.
* **Breakpoint test**, ``D = L − R`` with ``L = Δy_L Δt_R``, ``R = Δy_R Δt_L``: with
  ``E_y = f_k + f_{k−1} + 2u|Δ̃y|`` and ``E_t = e_k + e_{k+1} + 2u|Δ̃t|`` bounding the
  differences, ``|D̃ − D| ≤ Σ_{L,R} (E_y|Δ̃t| + |Δ̃y|E_t + E_yE_t) + 4u(|L̃| + |R̃|)``, which
  is at most ``F_L G_R + |Δ̃y_L|E_{t,R} + F_R G_L + |Δ̃y_R|E_{t,L}`` with ``F = E_y +
  4u|Δ̃y|``, ``G = |Δ̃t| + E_t``.  ``|D̃|`` above it certifies a breakpoint.
* **Structure** certifies what no bound can: the crossing unit is exactly 0 at its own
  knot; σ of a value certified ≤ 0 is exactly 0; a value all of whose products
  ``W_ij z_j`` have an exact zero factor is exactly ``b_i``; and a function is exactly
  *flat* on a segment when it is a node switched off there, or when every input its
  nonzero weights read is flat there.  Flat means no crossing and slope 0 — so a knot
  with flat functions on both sides is certified no breakpoint of them.

Every bound is evaluated in float64 from nonnegative terms in at most ~200 operations, so
its own rounding is below ``γ_200 < 10⁻¹³`` relative plus ~200 underflow quanta; each is
therefore enlarged by the factor ``1 + 2⁻⁴⁰`` and the term ``2⁻¹⁰⁶⁰`` (which also absorb the
underflow terms ``nε`` of the formulas above).  Comparisons of a value with its bound are
exact (``p̃ > f``, ``p̃ < −f``).

The exact lane
--------------
Exact zeros are common in constructions (Δ's valleys and peaks sit exactly at knots) and
a bound can never certify a zero.  So the pass first tries to prove that its float64
arithmetic is *exact*: with ``q(v)`` the lowest binary digit of v (v a multiple of
``2^{q(v)}``) and every input z_j of the layer a multiple of ``2^{q_j}``, every product
and partial sum of unit i's ``Σ_j W_ij z_j + b_i`` is a multiple of ``2^{q_i}``,
``q_i = min(min_j q(W_ij) + q_j, q(b_i))``, and at most ``Σ_j |W_ij| max|z_j| + |b_i|`` in
size; below ``2^{53+q_i}`` (and with ``q_i ≥ −1074``) all of them are representable, so
every float operation is exact, in any order, with or without FMA.  Crossings are exact
when ``λ̃·(p̃_0 − p̃_1) = p̃_0`` holds exactly (checked in float under the same
representability condition, with ``q_λ`` the finest binary digit of the λ̃'s), and so are
the new knots and values when ``2 max|t| < 2^{53 + q_t + q_λ}`` and
``2 max|p_i| < 2^{53 + q_i + q_λ}``.  While this *lane* holds all bounds are zero and every
decision is exact; Δ^L and Theorem 4.2's squaring networks stay in it.  When it fails the
pass continues with the bounds above, from zero.

Fallback
--------
Segments whose decisions could not be certified are marked (and so are the segments they
split into).  :func:`count` then cuts the domain at float points lying certifiably inside
unmarked final segments (no unit of any layer switches there), recounts the marked parts
exactly and the rest in float64 again, and adds the counts: knots, node and output
breakpoints are local, so counts over ``[a, s]`` and ``[s, b]`` add when ``s`` is no knot.
A marked part is recounted in exact arithmetic (:func:`exact_layers`) through the first
layer whose float64 decisions were undecided, then in float64 again from the exact values
(whose bounds restart at an ulp: float64 bounds grow with depth, roughly by ‖|W|‖ per
layer), and exactly again up to any later undecided layer.  The exact arithmetic is
integer arithmetic on Python ints: at a knot ``τ = P/Q`` every value is ``N/(Q·S)`` with
``N`` an integer and ``S`` a power of two per layer, a crossing is ``τ = (N_{i0}P_1 −
N_{i1}P_0)/(N_{i0}Q_1 − N_{i1}Q_0)`` and the values there are ``(N_{i0}N_{j1} −
N_{i1}N_{j0})/g`` — no division but one gcd per knot.  Its cost is bounded by a budget of
multiply-adds of big integers (:data:`EXACT_BUDGET` unless the caller passes one;
:class:`ExactBudgetError` beyond it: the network is too ill-conditioned for float64 and too
large for exact arithmetic).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

Layer = tuple[np.ndarray, np.ndarray]

U = 2.0**-53
_GROW = 1.0 + 2.0**-40
_ABS = 2.0**-1060
_NO_Q = 1 << 20  # "quantum" of an all-zero array: no binary digit at all

#: Multiply-adds of big integers the exact fallback may spend by default (≈ 10 s) before
#: refusing; the pieces endpoint passes its own, much smaller limit.
EXACT_BUDGET = 200_000_000


class KnotLimitError(ValueError):
    """Raised when a layer would create more knots than ``max_knots``."""

    def __init__(self, layer_index: int, knots: int, limit: int):
        super().__init__(
            f"layer {layer_index}: the network has {knots:,} knots on the domain after this "
            f"layer, more than the limit of {limit:,}"
        )
        self.layer_index, self.knots, self.limit = layer_index, knots, limit


class WorkLimitError(ValueError):
    """Raised when propagation would exceed ``max_work`` (unit, knot) evaluations."""


class FloatRangeError(ValueError):
    """Raised when the network's values leave the float64 range on the domain."""


class ExactBudgetError(ValueError):
    """Raised when decisions lie within float64 rounding and the exact recount of the
    affected part would exceed its budget."""


def _up(x):
    """A freshly evaluated bound, enlarged to cover the rounding of its own evaluation."""
    return x * _GROW + _ABS


def gamma(n: int) -> float:
    return n * U / (1.0 - n * U)


def _pow2(k: int) -> float:
    if k > 1023:
        return math.inf
    if k < -1074:
        return 0.0
    return math.ldexp(1.0, k)


def quanta(a: np.ndarray) -> np.ndarray:
    """Entrywise: the largest ``q`` with the entry an integer multiple of ``2^q`` (its
    lowest binary digit; :data:`_NO_Q` for 0).  Entries must be finite."""
    a = np.abs(np.asarray(a, dtype=float))
    m, e = np.frexp(a)  # a = m·2^e, m ∈ [½, 1)
    M = np.ldexp(m, 53).astype(np.int64)  # the 53-bit significand, an integer
    low = (M & -M).astype(np.float64)  # its lowest set bit
    _, el = np.frexp(low)  # low = 2^(el − 1)
    return np.where(a == 0, _NO_Q, e.astype(np.int64) - 54 + el)


def _row_digits(x: np.ndarray) -> np.ndarray:
    """``quanta(x).min(axis=1)`` for a 2-d array of finite floats, exactly, usually without
    the digits of every entry: a row's finest digit among a sample of its entries, ``g``, is
    the row's finest digit when every entry is an integer multiple of ``2^g`` (checked by an
    exact scaling: a product by a power of two that undoes itself lost nothing)."""
    n, K = x.shape
    if K <= 256:
        return quanta(x).min(axis=1)
    g = quanta(x[:, :: K // 32]).min(axis=1)
    out = np.empty(n, dtype=np.int64)
    for r in range(n):
        gr = int(g[r])
        if -1000 <= gr <= 1000:
            y = x[r] * _pow2(-gr)
            if (y == np.floor(y)).all() and (y * _pow2(gr) == x[r]).all():
                out[r] = gr
                continue
        out[r] = quanta(x[r]).min()
    return out


def quantum(a: np.ndarray) -> int:
    """Largest ``q`` such that every entry of ``a`` is an integer multiple of ``2^q``
    (:data:`_NO_Q` when all entries are 0).  Entries must be finite."""
    a = np.asarray(a, dtype=float).ravel()
    a = a[a != 0]
    return int(np.min(quanta(a))) if a.size else _NO_Q


def _below(x: np.ndarray | float, k: np.ndarray | int) -> bool:
    """``x < 2^k`` for every entry of ``x ≥ 0`` (exact: compares binary exponents)."""
    m, e = np.frexp(x)  # x = m·2^e, m ∈ [½, 1): x < 2^k ⟺ e ≤ k (frexp(inf) = (inf, 0))
    return bool(((e <= k) | (m == 0)).all() and np.isfinite(m).all())


def _quantum1(x: float) -> int:
    """:func:`quantum` of one nonzero float."""
    m, e = math.frexp(abs(x))
    M = int(m * 2.0**53)
    return e - 54 + (M & -M).bit_length()


@functools.lru_cache(maxsize=256)
def _lane_consts(wb: bytes, shape: tuple[int, int], bb: bytes):
    W = np.frombuffer(wb).reshape(shape)
    b = np.frombuffer(bb)
    return quanta(W), quanta(b), np.abs(W), np.abs(b)


# --------------------------------------------------------------------------------------
# per-layer constants


class _LayerData:
    """One layer of S networks (possibly the same network S times); the constants of the
    exact lane and the groups of proportional rows are computed when first needed."""

    def __init__(self, nets: Sequence[Sequence[Layer]], li: int, same: bool):
        pool = [nets[0]] if same else nets
        self.Ws = [np.asarray(net[li][0], dtype=float) for net in pool]
        self.bs = [np.asarray(net[li][1], dtype=float) for net in pool]
        self.same = same
        self.m, self.n = self.Ws[0].shape
        self.gamma = gamma(self.n + 1)
        self._lane: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._groups: dict[int, np.ndarray] = {}
        self._partners: dict[int, np.ndarray] = {}

    def lane(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Entrywise quanta of W and b and the entrywise largest |W|, |b| over the
        networks: ``(q_W (m, n), q_b (m,), |W| (m, n), |b| (m,))``."""
        if self._lane is None:
            parts = [
                _lane_consts(np.ascontiguousarray(W).tobytes(), W.shape, b.tobytes())
                for W, b in zip(self.Ws, self.bs, strict=True)
            ]
            if len(parts) == 1:
                self._lane = parts[0]
            else:
                self._lane = (
                    np.min([p[0] for p in parts], axis=0),
                    np.min([p[1] for p in parts], axis=0),
                    np.max([p[2] for p in parts], axis=0),
                    np.max([p[3] for p in parts], axis=0),
                )
        return self._lane

    def groups(self, k: int) -> np.ndarray:
        """Network k's units → the first unit whose row is an exact multiple of theirs."""
        if k not in self._groups:
            W, b = self.Ws[k], self.bs[k]
            self._groups[k] = _proportional(np.hstack([W, b[:, None]]))
        return self._groups[k]

    def partners(self, k: int) -> np.ndarray:
        """Network k's :func:`_partners` matrix."""
        if k not in self._partners:
            W = np.ascontiguousarray(self.Ws[k])
            self._partners[k] = _partners_cached(W.tobytes(), W.shape)
        return self._partners[k]


@functools.lru_cache(maxsize=1024)
def _partners_cached(wb: bytes, shape: tuple[int, int]) -> np.ndarray:
    return _partners(np.frombuffer(wb).reshape(shape))


def _partners(W: np.ndarray) -> np.ndarray:
    """``A`` (m, m): ``A[j, i] = a ≠ 0`` when ``W_j = a·W_i`` exactly with ``a = ±2^e`` (a
    nonzero row; j ≠ i), else 0.  At a switch point of unit i (``pre_i = 0`` exactly) unit
    j's exact value is then ``b_j − a·b_i``, whatever the knot's rounding."""
    m = W.shape[0]
    A = np.zeros((m, m))
    if m < 2:
        return A
    nz = W != 0
    live = nz.any(axis=1)
    first = np.argmax(nz, axis=1)
    lead = W[np.arange(m), first]
    with np.errstate(all="ignore"):
        a = lead[:, None] / lead[None, :]  # candidate A[j, i] = W_j[f] / W_i[f]
        mant, _ = np.frexp(np.abs(a))
        cand = (
            live[:, None]
            & live[None, :]
            & (first[:, None] == first[None, :])
            & (mant == 0.5)
            & np.isfinite(a)
            & ~np.eye(m, dtype=bool)
        )
        if not cand.any():
            return A
        for j, i in zip(*np.nonzero(cand), strict=True):
            scaled = a[j, i] * W[i]
            # a power of two: the products are exact unless they underflow
            if np.array_equal(scaled, W[j]) and np.array_equal(scaled / a[j, i], W[i]):
                A[j, i] = a[j, i]
    return A


def _proportional(rows: np.ndarray) -> np.ndarray:
    """For each row ``(W_i, b_i)``, the first row that is an exact (nonzero, possibly
    negative) multiple of it: such units switch at exactly the same points."""
    m = rows.shape[0]
    rep = np.arange(m)
    if m < 2:
        return rep
    nz = rows != 0
    live = nz.any(axis=1)
    first = np.argmax(nz, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        norm = rows / rows[np.arange(m), first][:, None]
    single = nz.sum(axis=1) == 1  # one nonzero entry: proportional to its column's first
    if single.any():
        for c in np.unique(first[single]):
            members = np.flatnonzero(single & (first == c))
            rep[members] = members[0]
        live = live & ~single
        if not live.any():
            return rep
    key = np.round(norm, 9) + 0.0  # no negative zeros
    key[~live] = np.nan
    h = np.where(nz, key, 0.0) @ np.linspace(1.0, 2.0, rows.shape[1]) + first * 3.0
    h = h[live]
    if np.unique(h).size == h.size:  # no two live rows alike: no candidates
        return rep
    buckets: dict[bytes, list[int]] = {}
    for i in np.flatnonzero(live):
        k = key[i].tobytes() + nz[i].tobytes()
        buckets.setdefault(k, []).append(int(i))
    ratios = {}

    def ratio(i: int) -> list[tuple[int, int]]:
        if i not in ratios:
            ratios[i] = [float(v).as_integer_ratio() for v in rows[i]]
        return ratios[i]

    for members in buckets.values():
        while len(members) > 1:
            a = members[0]
            ra, fa = ratio(a), int(first[a])
            rest = []
            for i in members[1:]:
                ri, fi = ratio(i), int(first[i])
                (na, da), (ni, di) = ra[fa], ri[fi]
                # r_i = c·r_a  ⟺  r_i[k]·r_a[f] = r_a[k]·r_i[f] for every k (same zeros)
                if all(
                    nik * na * dak * di == nak * ni * dik * da
                    for (nik, dik), (nak, dak) in zip(ri, ra, strict=True)
                ):
                    rep[i] = a
                else:
                    rest.append(i)
            members = rest
    return rep


# --------------------------------------------------------------------------------------
# the float64 pass


@dataclass
class FloatLayer:
    """One layer of the certified float pass over S blocks (networks or sub-domains).

    ``t`` holds the blocks' knots, each block followed by a ``NaN`` separator; ``pre`` the
    layer's pre-activations there (0 at separators); ``et``/``ep`` their error bounds
    (``None``: exact).  ``taint[k]`` marks segment k (between knots k and k+1) when a decision
    in its history lies within rounding.  For hidden layers with ``nodes``, ``node_breaks``
    (S, m) counts the interior breakpoints of every node σ(pre_j) in every block; for the
    output layer with ``output``, ``out_breaks`` marks the interior knots (k = 1..K−2) where
    the output's slope changes.
    """

    index: int
    last: bool
    t: np.ndarray
    et: np.ndarray | None
    pre: np.ndarray
    ep: np.ndarray | None
    taint: np.ndarray | None
    exact: bool
    node_breaks: np.ndarray | None = None
    out_breaks: np.ndarray | None = None


@dataclass
class Resume:
    """Where :func:`float_layers` picks up after exact layers: the next layer's index, the
    knots (with a trailing ``NaN`` separator) and their bounds, the next layer's inputs (the
    previous layer's ReLU outputs) with their bounds, and which inputs are exactly flat on
    which segment."""

    index: int
    t: np.ndarray
    et: np.ndarray
    z: np.ndarray
    ez: np.ndarray
    flat_z: np.ndarray


def _blocks(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    seps = np.flatnonzero(np.isnan(t))
    starts = np.concatenate([[0], seps[:-1] + 1])
    return starts, seps


def _owner(t: np.ndarray) -> np.ndarray:
    nan = np.isnan(t)
    return np.cumsum(nan) - nan


def float_layers(
    nets: Sequence[Sequence[Layer]],
    domains: Sequence[tuple[float, float]],
    max_knots: int | None = None,
    max_work: int | None = None,
    nodes: bool = False,
    output: bool = False,
    resume: Resume | None = None,
) -> Iterator[FloatLayer]:
    """The certified float64 pass (module docstring) over S networks and domains at once.

    All networks have one architecture; the same network object repeated S times with S
    domains shares each layer's matrix product.  ``max_knots`` bounds the total knots of a
    layer (:class:`KnotLimitError`), ``max_work`` the running Σ knots × width of the next
    layer (:class:`WorkLimitError`); non-finite values raise :class:`FloatRangeError`.

    Besides the bounds, the pass knows which functions are exactly *flat* (constant) on
    which segments: a node that is off on a segment, and every unit whose nonzero weights
    all read flat inputs.  Flatness certifies "no crossing" and "slope 0" although
    rounding may make the float values at the two ends differ.

    ``resume`` starts the pass (one network, one domain) after a layer computed exactly
    (:func:`exact_layers`), from its values rounded to float64 with their rounding bounds.
    """
    S = len(nets)
    same = all(n is nets[0] for n in nets)
    L = len(nets[0])
    t = np.empty(3 * S)
    t[0::3] = [float(a) for a, _ in domains]
    t[1::3] = [float(b) for _, b in domains]
    t[2::3] = np.nan
    z = np.nan_to_num(t)[None, :]
    ez: np.ndarray | None = None
    et: np.ndarray | None = None
    taint: np.ndarray | None = None
    flat_z: np.ndarray | None = None  # (inputs, segments): exactly constant there
    sl_z: np.ndarray | None = None  # (inputs, segments): exact slopes, NaN where unknown
    exact = True
    tmax = max(max(abs(float(a)), abs(float(b))) for a, b in domains)
    qt = quantum(np.nan_to_num(t))
    qz, zmax = np.array([qt]), np.array([tmax])  # per input row: quantum, largest |value|
    work = 0
    first = 0
    if resume is not None:
        first, t, et, z, ez, flat_z = (
            resume.index,
            resume.t,
            resume.et,
            resume.z,
            resume.ez,
            resume.flat_z,
        )
        exact = False
    for li in range(first, L):
        ld = _LayerData(nets, li, same)
        last = li == L - 1
        starts, seps = _blocks(t) if S > 1 else (np.array([0]), np.array([t.size - 1]))
        pre = _affine(ld, z, starts, seps)
        pmax = np.maximum(pre.max(axis=1), -pre.min(axis=1))  # per unit
        if not np.isfinite(pmax).all():
            raise FloatRangeError(f"layers[{li}]: values overflow float64 on the domain")
        ep: np.ndarray | None = None
        flat: np.ndarray | None = None  # (units, segments) for this layer's pre-activations
        sl: np.ndarray | None = None  # their exact slopes (NaN: unknown)
        qp = np.zeros(ld.m, dtype=np.int64)
        if exact:
            # every product W_ij z_j is a multiple of 2^(q(W_ij) + q(z_j)): so is unit i's
            # sum, and it is bounded by Σ_j |W_ij| max|z_j| + |b_i|
            q_w, q_b, aW, ab = ld.lane()
            qp = np.minimum(np.min(q_w + qz[None, :], axis=1), q_b)
            exact = (
                bool((qp >= -1074).all())
                and _below(_up(aW @ zmax + ab), 53 + qp)
                and _below(2 * pmax, 53 + qp)
            )
            if not exact:  # leave the lane: knots and inputs so far are exact
                et = np.zeros_like(t)
                flat_z = _equal_ends(z) if li > 0 else None
                sl_z = _exact_slopes(z, t)
        if not exact:
            ep = _affine_bound(ld, z, ez, starts, seps, li == 0)
            flat = _flat_pre(ld, flat_z, t.size, starts, seps)
            sl, flat = _slopes_pre(ld, sl_z, flat, starts, seps)
        if not exact:
            dz = _Digits(z)
            _exact_columns(ld, ep, z, ez, seps, dz)
            _exact_reads(ld, pre, ep, z, ez, starts, seps, dz)
            pre, ep = _structural_zeros(ld, pre, ep, z, ez, starts, seps, dz)

        if last:
            out_breaks = None
            if output:
                ok = _valid_interior(t)
                if exact and _products_exact(pmax[:1], qp[:1], tmax, qt):
                    brk, unc = _exact_breaks(pre[:1], t), None
                else:
                    eo = None if ep is None else ep[:1]
                    fo = None if flat is None else flat[:1]
                    so = None if sl is None else sl[:1]
                    brk, unc = _bounded_breaks(pre[:1], eo, t, et, fo, ok, so)
                out_breaks = brk[0] & ok
                if unc is not None and (unc := unc[0] & ok).any():
                    taint = _taint_knots(taint, unc, t.size)
            yield FloatLayer(li, True, t, et, pre, ep, taint, exact, None, out_breaks)
            return

        # --- crossings -------------------------------------------------------------
        if exact:
            if (qp >= -500).all() and (pmax < 2.0**500).all():
                cross = (pre[:, :-1] * pre[:, 1:]) < 0
            else:
                pos, neg = pre > 0, pre < 0
                cross = (pos[:, :-1] & neg[:, 1:]) | (neg[:, :-1] & pos[:, 1:])
        else:
            assert ep is not None
            pos, neg = pre > ep, pre < -ep
            cross = (pos[:, :-1] & neg[:, 1:]) | (neg[:, :-1] & pos[:, 1:])
            if flat is not None:
                cross &= ~flat
            certain = pos | neg
            if not certain.all():
                zero = (pre == 0) & (ep == 0)
                unc = ~(certain | zero)
                useg = (unc[:, :-1] & ~zero[:, 1:]) | (unc[:, 1:] & ~zero[:, :-1])
                if flat is not None:
                    useg &= ~flat
                useg = useg.any(axis=0)
                if useg.any():
                    taint = useg if taint is None else (taint | useg)

        was_exact = exact
        res = _insert(ld, t, et, pre, ep, cross, exact, qp, pmax, qt, tmax, taint, li, max_knots, S)
        t_old = t
        t, et, pre, ep, taint, exact, qnew, qt, new_pos, crossings, counts = res
        if was_exact and not exact:  # the crossings left the lane
            flat_z = _equal_ends(z) if li > 0 else None
            sl_z = _exact_slopes(z, t_old)
            flat = _flat_pre(ld, flat_z, t_old.size, *_blocks(t_old))
            sl, flat = _slopes_pre(ld, sl_z, flat, *_blocks(t_old))
        if counts is not None:
            if flat is not None:
                flat = np.repeat(flat, counts + 1, axis=1)
            if sl is not None:
                sl = np.repeat(sl, counts + 1, axis=1)
        if qnew is not None:
            qp = qnew
        if max_work is not None:
            work += (t.size - S) * nets[0][li + 1][0].shape[0]
            if work > max_work:
                raise WorkLimitError(
                    f"layers[{li + 1}]: propagating {t.size - S:,} knots through the remaining "
                    f"layers exceeds the limit of {max_work:,} (unit, knot) evaluations"
                )

        # --- the next layer's input -------------------------------------------------
        z = np.maximum(pre, 0.0)
        if exact:
            ez = flat_z = sl_z = None
        else:
            assert ep is not None
            off = pre <= -ep
            ez = np.where(off, 0.0, ep)
            flat_z = off[:, :-1] & off[:, 1:]
            if flat is not None:
                flat_z |= flat
            sl_z = None if sl is None else _relu_slopes(sl, pre, ep, flat_z)
        zmax, qz = pmax, qp

        node_breaks = None
        if nodes:
            nb, unc = _node_breaks(
                z, ez, t, et, exact, pmax, qz, tmax, qt, new_pos, S, flat_z, sl_z
            )
            if crossings is not None:
                cseg, cunit = crossings
                owner = np.zeros(cseg.size, dtype=np.intp) if S == 1 else _owner(t_old)[cseg]
                np.add.at(nb, (owner, cunit), 1)
            if unc is not None and unc.any():
                taint = _taint_knots(taint, unc, t.size)
            node_breaks = nb
        yield FloatLayer(li, False, t, et, pre, ep, taint, exact, node_breaks, None)


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekker: ``a·b = p + e`` exactly (no overflow, no underflow of the parts)."""
    p = a * b
    c = 134217729.0 * a
    ah = c - (c - a)
    al = a - ah
    c = 134217729.0 * b
    bh = c - (c - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _safe(x: np.ndarray) -> np.ndarray:
    """0, or a magnitude where Dekker's product cannot overflow or underflow."""
    a = np.abs(x)
    return (a == 0) | ((a > 2.0**-480) & (a < 2.0**480))


def _prod_is(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``a·b == c`` exactly (entrywise), by Dekker's error-free product."""
    with np.errstate(all="ignore"):
        p, e = _two_product(a, b)
        return _safe(a) & _safe(b) & (p == c) & (e == 0)


def _sum_exact(a: np.ndarray, b: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``s = fl(a + b)`` was exact (Knuth's TwoSum error is 0), entrywise."""
    with np.errstate(all="ignore"):
        bb = s - a
        err = (a - (s - bb)) + (b - bb)
        return (err == 0) & np.isfinite(s)


def _exact_slopes(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Slopes of exact inputs on the segments of exact knots where float64 division gives
    them exactly (``s·Δt = Δz`` checked with an exact product); NaN elsewhere."""
    with np.errstate(all="ignore"):
        dz = np.diff(z, axis=1)
        dt = np.diff(t)
        s = dz / dt
        p, e = _two_product(s, np.broadcast_to(dt, s.shape))
        a, d = np.abs(s), np.abs(dt)
        safe = ((a == 0) | ((a > 2.0**-480) & (a < 2.0**480))) & (d > 2.0**-480) & (d < 2.0**480)
        ok = safe & (p == dz) & (e == 0) & np.isfinite(s)
    return np.where(ok, s, np.nan)


def _slopes_pre(ld, sl_z, flat, starts, seps):
    """The pre-activations' slopes from the inputs' (exact where the products and sums are
    representable, by the binary-digit argument of the exact lane, row by row), and the
    flatness they certify (slope exactly 0).  ``(None, flat)`` when nothing is known."""
    if sl_z is None:
        return None, flat
    known = ~np.isnan(sl_z)
    if not known.any():
        return None, flat
    x = np.where(known, sl_z, 0.0)
    q_w, _, aW, _ = ld.lane()
    qrow = _row_digits(x)  # per input row: its finest binary digit
    q = np.min(q_w + qrow[None, :], axis=1)
    size = aW @ np.abs(x).max(axis=1)
    exact_rows = (q >= -1074) & (np.frexp(_up(size))[1] <= 53 + q) & np.isfinite(size)
    if not exact_rows.any():
        return None, flat
    nz = [(W != 0).astype(float) for W in ld.Ws]
    unknown = (~known).astype(float)
    if ld.same:
        out = ld.Ws[0] @ x
        unk = nz[0] @ unknown > 0
    else:
        out = np.full((ld.m, x.shape[1]), np.nan)
        unk = np.ones((ld.m, x.shape[1]), dtype=bool)
        for W, Z, lo, hi in zip(ld.Ws, nz, starts, seps, strict=True):
            out[:, lo:hi] = W @ x[:, lo:hi]
            unk[:, lo:hi] = Z @ unknown[:, lo:hi] > 0
    out[unk | ~exact_rows[:, None]] = np.nan
    zero = out == 0
    return out, (zero if flat is None else (flat | zero))


def _relu_slopes(sl: np.ndarray, pre: np.ndarray, ep: np.ndarray, flat_z: np.ndarray):
    """Slopes of σ(pre) on the segments: pre's slope where pre is certified positive at an
    end (no crossing inside: positive throughout), 0 where σ(pre) is flat; else unknown."""
    pos = pre > ep
    active = pos[:, :-1] | pos[:, 1:]
    out = np.where(active, sl, np.where(flat_z, 0.0, np.nan))
    return None if np.isnan(out).all() else out


def _equal_ends(z: np.ndarray) -> np.ndarray:
    """Where exact inputs (affine on every segment) are flat: equal at both ends."""
    return z[:, :-1] == z[:, 1:]


def _flat_pre(
    ld: _LayerData, flat_z: np.ndarray | None, K: int, starts: np.ndarray, seps: np.ndarray
) -> np.ndarray | None:
    """(units, segments): pre-activations whose every nonzero weight reads a flat input."""
    if flat_z is None or not flat_z.any():
        zero_rows = [~np.any(W != 0, axis=1) for W in ld.Ws]
        if not any(r.any() for r in zero_rows):
            return None
        if ld.same:
            return np.repeat(zero_rows[0][:, None], K - 1, axis=1)
        out = np.zeros((ld.m, K - 1), dtype=bool)
        for r, lo, hi in zip(zero_rows, starts, seps, strict=True):
            out[:, lo : max(hi - 1, lo)] = r[:, None]
        return out
    moving = (~flat_z).astype(float)
    if ld.same:
        return (np.abs(ld.Ws[0]) > 0).astype(float) @ moving == 0
    out = np.zeros((ld.m, K - 1), dtype=bool)
    for W, lo, hi in zip(ld.Ws, starts, seps, strict=True):
        out[:, lo : hi - 1] = (np.abs(W) > 0).astype(float) @ moving[:, lo : hi - 1] == 0
    return out


def _affine(ld: _LayerData, z: np.ndarray, starts: np.ndarray, seps: np.ndarray) -> np.ndarray:
    if ld.same:
        with np.errstate(over="ignore", invalid="ignore"):
            pre = ld.Ws[0] @ z
            pre += ld.bs[0][:, None]
    else:
        pre = np.empty((ld.m, z.shape[1]))
        with np.errstate(over="ignore", invalid="ignore"):
            for W, b, lo, hi in zip(ld.Ws, ld.bs, starts, seps, strict=True):
                np.matmul(W, z[:, lo:hi], out=pre[:, lo:hi])
                pre[:, lo:hi] += b[:, None]
    pre[:, seps] = 0.0
    return pre


def _affine_bound(
    ld: _LayerData,
    z: np.ndarray,
    ez: np.ndarray | None,
    starts: np.ndarray,
    seps: np.ndarray,
    signed: bool,
) -> np.ndarray:
    """``γ_{n+1}(|W||z| + |b|) + |W| e_z``, enlarged (module docstring)."""
    g = ld.gamma
    X = g * (np.abs(z) if signed else z)
    if ez is not None:
        X += ez
    if ld.same:
        ep = np.abs(ld.Ws[0]) @ X
        ep += (g * np.abs(ld.bs[0]))[:, None]
    else:
        ep = np.empty((ld.m, z.shape[1]))
        for W, b, lo, hi in zip(ld.Ws, ld.bs, starts, seps, strict=True):
            np.matmul(np.abs(W), X[:, lo:hi], out=ep[:, lo:hi])
            ep[:, lo:hi] += (g * np.abs(b))[:, None]
    ep = _up(ep)
    ep[:, seps] = 0.0
    return ep


def _structural_zeros(ld, pre, ep, z, ez, starts, seps, dz=None):
    """Where every product ``W_ij z_j`` is exactly 0 (zero weights or zero inputs), the
    computed value is exactly ``b_i``: set its bound to 0.  Only checked where the bound
    would leave the sign undecided."""
    cand = ~((pre > ep) | (pre < -ep))
    cand[:, seps] = False
    if not cand.any():
        return pre, ep
    cols = np.flatnonzero(cand.any(axis=0))
    nz_in = z[:, cols] != 0
    if ez is not None:
        nz_in |= ez[:, cols] > 0
    if ld.same:
        touched = (ld.Ws[0] != 0).astype(float) @ nz_in.astype(float)
        b_at = np.broadcast_to(ld.bs[0][:, None], touched.shape)
    else:  # every column with its own network's weights, network by network
        touched = np.empty((ld.m, cols.size))
        b_at = np.empty((ld.m, cols.size))
        for k, lo, hi in _owner_runs(seps, starts, cols):
            touched[:, lo:hi] = (ld.Ws[k] != 0).astype(float) @ nz_in[:, lo:hi].astype(float)
            b_at[:, lo:hi] = ld.bs[k][:, None]
    exact0 = (touched == 0) & cand[:, cols]
    if exact0.any():
        r, c = np.nonzero(exact0)
        pre[r, cols[c]] = b_at[r, c]
        ep[r, cols[c]] = 0.0
    rest = cand[:, cols] & ~exact0
    if rest.any() and ld.m * ld.n * cols.size <= 2_000_000:
        _exact_entries(ld, pre, ep, z, ez, cols, rest, dz)
    return pre, ep


class _Digits:
    """:func:`quanta` of a layer's inputs ``z`` at given columns, for the several checks of
    one layer: computed for all of ``z`` once when they ask for many columns."""

    def __init__(self, z: np.ndarray):
        self.z = z
        self.all: np.ndarray | None = None

    def of(self, cols: np.ndarray) -> np.ndarray:
        if self.all is None and 2 * cols.size < self.z.shape[1]:
            return quanta(self.z[:, cols])
        if self.all is None:
            self.all = quanta(self.z)
        return self.all[:, cols]


def _exact_columns(ld, ep, z, ez, seps, dz=None) -> None:
    """Knots where every input is exact: a value there is exact when all its products and
    partial sums are representable — with the finest binary digit of the row's weights
    and of the column's inputs, the exact lane's argument entry by entry (e.g. ``σ(x)`` at
    the domain's ends when other units' biases are not dyadic)."""
    real = np.ones(z.shape[1], dtype=bool)
    real[seps] = False
    if ez is not None:
        real &= ~(ez > 0).any(axis=0)
    cols = np.flatnonzero(real)
    if cols.size == 0:
        return
    q_w, q_b, aW, ab = ld.lane()
    zc = z[:, cols]
    qcol = (dz or _Digits(z)).of(cols).min(axis=0)
    q = np.minimum(q_w.min(axis=1)[:, None] + qcol[None, :], q_b[:, None])
    size = _up(aW @ np.abs(zc) + ab[:, None])
    ok = (q >= -1074) & (np.frexp(size)[1] <= 53 + q) & np.isfinite(size)
    if ok.any():
        r, c = np.nonzero(ok)
        ep[r, cols[c]] = 0.0


def _min_digits(q_w: np.ndarray, qz: np.ndarray) -> np.ndarray:
    """(m, C): ``min_j (q_w[i, j] + qz[j, c])`` over the row's nonzero weights — the finest
    binary digit among the products a row computes — one row at a time (the layers are
    sparse; small arrays in one broadcast sum).  Rows or entries that read no nonzero
    product may get a value ≥ 2^19 other than the (equally meaningless) sums over zero
    weights: every caller only asks ``q ≥ −1074`` and ``exponent ≤ 53 + q``, true for both."""
    if q_w.size * qz.shape[1] <= 1 << 15:  # small: one broadcast sum is cheapest
        return np.min(q_w[:, :, None] + qz[None, :, :], axis=1)
    q = np.full((q_w.shape[0], qz.shape[1]), _NO_Q, dtype=np.int64)
    for i in range(q_w.shape[0]):
        js = np.flatnonzero(q_w[i] != _NO_Q)
        if js.size == 1:
            np.minimum(q[i], q_w[i, js[0]] + qz[js[0]], out=q[i])
        elif js.size:
            np.minimum(q[i], (q_w[i, js][:, None] + qz[js]).min(axis=0), out=q[i])
    return q


def _exact_reads(ld, pre, ep, z, ez, starts, seps, dz=None) -> None:
    """Entries whose row reads only exact inputs (``e_z = 0`` wherever the row's weight is
    nonzero) are exact when every product and partial sum is representable — the exact
    lane's argument entry by entry, with the digits of the weights and inputs the row
    actually reads — or when a single product is nonzero and both it and the sum with the
    bias are checked exact (Dekker's product, Knuth's TwoSum: the other products are exact
    zeros, so the order of the sum does not matter).  Exact values at inexact knots arise
    at the crossings (a unit is 0 at its own switch point, and so are its partners' affine
    images, :func:`_partner_values`) and propagate through every unit that reads only them —
    e.g. the sawtooth of Theorem 4.2 evaluated where its input crosses ½."""
    exact_in = np.ones(z.shape, dtype=bool) if ez is None else ez == 0
    q_w, q_b, aW, ab = ld.lane()
    reads = (aW > 0).astype(float)
    cand = ep > 0
    if not exact_in.all():
        cand &= (reads @ (~exact_in).astype(float)) == 0
    cand[:, seps] = False
    if not cand.any():
        return
    cols = np.flatnonzero(cand.any(axis=0))
    if ld.m * ld.n * cols.size > 4_000_000:
        return
    zc = z[:, cols]
    qz = np.where(exact_in[:, cols], (dz or _Digits(z)).of(cols), _NO_Q)  # (n, C)
    q = _min_digits(q_w, qz)  # (m, C): digits actually read
    q = np.minimum(q, q_b[:, None])
    size = _up(aW @ np.abs(zc) + ab[:, None])
    sub = cand[:, cols]
    with np.errstate(over="ignore", invalid="ignore"):
        ok = sub & (q >= -1074) & (np.frexp(size)[1] <= 53 + q) & np.isfinite(size)
    rest = sub & ~ok
    if rest.any():  # one nonzero product: check it and the sum with the bias exactly
        if ld.same or len(ld.Ws) == 1:
            runs = [(0, 0, cols.size)]
            bc = np.broadcast_to(ld.bs[0][:, None], sub.shape)
        else:
            runs = list(_owner_runs(seps, starts, cols))
            bc = np.empty(sub.shape)
            for k, lo, hi in runs:
                bc[:, lo:hi] = ld.bs[k][:, None]
        nzp = _nonzero_products(ld, zc, runs)  # (m, C)
        one = rest & (nzp <= 1)
        if one.any():
            r, c = np.nonzero(one)
            if len(runs) == 1:
                Wr = ld.Ws[runs[0][0]][r]
            else:
                Wr = np.stack(ld.Ws)[_owner_from_seps(seps, starts, cols)[c], r]
            j = np.argmax((Wr * zc.T[c]) != 0, axis=1)  # the nonzero product, if any
            w, x = Wr[np.arange(r.size), j], zc[j, c]
            p = w * x
            val = pre[r, cols[c]]
            good = _prod_is(w, x, p) & _sum_exact(p, bc[r, c], val)
            ok[r[good], c[good]] = True
    if ok.any():
        r, c = np.nonzero(ok)
        ep[r, cols[c]] = 0.0


def _nonzero_products(ld: _LayerData, zc: np.ndarray, runs) -> np.ndarray:
    """(m, C): how many products ``W_ij·z_jc`` are nonzero as computed (a product of
    nonzeros may underflow to 0), network by network over the column ``runs``."""
    out = np.empty((ld.m, zc.shape[1]), dtype=np.intp)
    nz = [ld.Ws[k] != 0 for k, _, _ in runs]
    if len(runs) > 1 and all(np.array_equal(a, nz[0]) for a in nz[1:]):
        # one zero pattern for all the networks (the branches of one construction)
        aw = np.concatenate([np.abs(ld.Ws[k][a]) for (k, _, _), a in zip(runs, nz, strict=True)])
        az = np.abs(zc[zc != 0])
        if aw.size == 0 or az.size == 0 or aw.min() * az.min() >= 2.0**-1000:
            out[:] = nz[0].astype(float) @ (zc != 0).astype(float)
            return out
    for k, lo, hi in runs:
        W, z = ld.Ws[k], zc[:, lo:hi]
        aw, az = np.abs(W[W != 0]), np.abs(z[z != 0])
        if aw.size == 0 or az.size == 0 or aw.min() * az.min() >= 2.0**-1000:
            # no product underflows: count the pairs of nonzeros, exactly, by a product
            out[:, lo:hi] = (W != 0).astype(float) @ (z != 0).astype(float)
        else:
            out[:, lo:hi] = ((W[None, :, :] * z.T[:, None, :]) != 0).sum(axis=2).T
    return out


def _exact_entries(ld, pre, ep, z, ez, cols, rest, dz=None) -> None:
    """Entries still undecided whose float64 sum was exact after all: exact inputs, and
    every product and partial sum representable (the exact lane's argument, entry by
    entry).  Their bound becomes 0 — e.g. ``x − 1`` at ``x = 1`` beside inexact units."""
    q_w, q_b, aW, ab = ld.lane()
    zc = z[:, cols]
    reads = (aW > 0).astype(float)
    if ez is not None:
        rest &= (reads @ (ez[:, cols] > 0).astype(float)) == 0
        if not rest.any():
            return
    qz = (dz or _Digits(z)).of(cols)  # (n, C)
    q = _min_digits(q_w, qz)  # (m, C)
    q = np.minimum(q, q_b[:, None])
    size = _up(aW @ np.abs(zc) + ab[:, None])
    ok = rest & (q >= -1074) & (np.frexp(size)[1] <= 53 + q) & np.isfinite(size)
    if ok.any():
        r, c = np.nonzero(ok)
        ep[r, cols[c]] = 0.0


def _owner_from_seps(seps: np.ndarray, starts: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return np.searchsorted(seps, cols)


def _owner_runs(seps: np.ndarray, starts: np.ndarray, cols: np.ndarray):
    """``(network, lo, hi)``: ``cols[lo:hi]`` (sorted columns) lie in that network's block."""
    bounds = np.searchsorted(cols, seps).tolist()
    lo = 0
    for k, hi in enumerate(bounds):
        if hi > lo:
            yield k, lo, hi
        lo = hi


def _valid_interior(t: np.ndarray) -> np.ndarray:
    """Interior knots (1..K−2) whose both neighbours lie in the same block."""
    ok = ~np.isnan(t)
    return ok[:-2] & ok[1:-1] & ok[2:]


def _products_exact(vmax: np.ndarray, qv: np.ndarray, tmax: float, qt: int) -> bool:
    """The breakpoint determinant of every row is computed exactly from exact values (row
    quanta ``qv``, largest magnitudes ``vmax``) and exact knots."""
    q = qv + qt
    return bool(
        (q >= -1074).all()
        and _below(8.0 * vmax * tmax, 53 + q)
        and _below(2 * vmax, 53 + qv)
        and _below(2 * tmax, 53 + qt)
    )


def _exact_breaks(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        dy = np.diff(y, axis=1)
        dt = np.diff(t)
        return (dy[:, :-1] * dt[1:]) != (dy[:, 1:] * dt[:-1])


def _bounded_breaks(
    y: np.ndarray,
    ey: np.ndarray | None,
    t: np.ndarray,
    et: np.ndarray | None,
    flat: np.ndarray | None = None,
    ok: np.ndarray | None = None,
    slopes: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(certified breakpoint, undecided), both (rows, interior knots), from the determinant
    D of the module docstring; where ``flat`` (rows, segments) a row is exactly constant.
    Only the interior knots in ``ok`` (default: all) count.

    With ``F = E_y + 4u|Δ̃y|`` and ``G = |Δ̃t| + E_t`` the bound of the docstring is at most
    ``F_L G_R + |Δ̃y_L| E_{t,R} + F_R G_L + |Δ̃y_R| E_{t,L}`` (as ``|L̃| ≤ |Δ̃y_L||Δ̃t_R|``)."""
    r, K = y.shape
    if K < 3:
        return np.zeros((r, 0), dtype=bool), np.zeros((r, 0), dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        dy = np.diff(y, axis=1)
        ady = np.abs(dy)
        F = ady * (6 * U)
        if ey is not None:
            F += ey[:, :-1]
            F += ey[:, 1:]
        still = F == 0  # no change at all, and exact (or structurally flat)
        if flat is not None:
            still |= flat
            if flat.any():
                dy[flat] = ady[flat] = F[flat] = 0.0
        dt = np.diff(t)
        adt = np.abs(dt)
        Et = adt * (2 * U)
        if et is not None:
            Et += et[:-1] + et[1:]
        G = adt + Et
        bound = F[:, :-1] * G[1:]
        bound += ady[:, :-1] * Et[1:]
        bound += F[:, 1:] * G[:-1]
        bound += ady[:, 1:] * Et[:-1]
        det = dy[:, :-1] * dt[1:]
        det -= dy[:, 1:] * dt[:-1]
        np.abs(det, out=det)
        brk = det > _up(bound)
    unc = ~(brk | (still[:, :-1] & still[:, 1:]))
    if slopes is not None:  # exact slopes on both sides decide at once
        known = ~np.isnan(slopes)
        both = known[:, :-1] & known[:, 1:]
        if both.any():
            brk = np.where(both, slopes[:, :-1] != slopes[:, 1:], brk)
            unc &= ~both
    if ok is not None:
        brk &= ok
        unc &= ok
    return brk, unc


def _taint_knots(taint: np.ndarray | None, unc: np.ndarray, K: int) -> np.ndarray:
    """Mark both segments next to every undecided interior knot (unc over knots 1..K−2)."""
    if taint is None:
        taint = np.zeros(K - 1, dtype=bool)
    taint[:-1] |= unc
    taint[1:] |= unc
    return taint


def _node_breaks(z, ez, t, et, exact, zmax, qz, tmax, qt, new_pos, S, flat, slopes=None):
    """Interior breakpoints of every node σ(pre_j) at the knots that existed before this
    layer (at the layer's own crossings the count is structural: added by the caller).
    Returns ((S, m) counts, undecided mask over interior knots or None)."""
    ok = _valid_interior(t)
    if new_pos is not None:
        ok[new_pos - 1] = False
    if exact and _products_exact(zmax, qz, tmax, qt):
        brk, unc = _exact_breaks(z, t), None
        brk &= ok[None, :]
    else:
        brk, unc = _bounded_breaks(z, ez, t, et, flat, ok, slopes)
        unc = unc.any(axis=0)
    m = z.shape[0]
    if S == 1:
        counts = brk.sum(axis=1)[None, :].astype(np.int64)
    else:
        owner = _owner(t)[1:-1]
        idx = (owner[None, :] + S * np.arange(m)[:, None]).ravel()
        counts = np.bincount(idx, brk.ravel(), minlength=S * m).reshape(m, S).T
        counts = counts.astype(np.int64)
    return counts, unc


def _insert(ld, t, et, pre, ep, cross, exact, qp, pmax, qt, tmax, taint, li, max_knots, S):
    """Insert every certified crossing; returns the refined state (see float_layers):
    ``(t, et, pre, ep, taint, exact, q_pre, q_t, new_pos, crossings, counts)`` where
    ``crossings = (segment, unit)`` of every crossing (``None`` and ``counts = None`` when
    nothing crosses)."""
    K = t.size
    any_seg = cross.any(axis=0)
    seg = np.flatnonzero(any_seg)
    if seg.size == 0:
        return t, et, pre, ep, taint, exact, None, qt, None, None, None
    sub = np.take(cross, seg, axis=1)
    multi = bool(sub.sum(axis=0).max() > 1)
    if multi:
        su, ss = np.nonzero(sub.T)
        seg, unit = seg[su], ss
    elif sub.shape[0] <= 8:  # np.argmax across a few rows is slow: the first True row
        unit = np.zeros(seg.size, dtype=np.intp)
        for i in range(sub.shape[0] - 1, 0, -1):
            unit[sub[i]] = i
    else:
        unit = np.argmax(sub, axis=0)
    flat = pre.ravel()
    idx = unit * K + seg
    v0 = flat[idx]
    v1 = flat[idx + 1]
    d = v0 - v1
    lam = v0 / d
    qnew = None
    if exact:
        ql = _quantum_fast(lam)
        q1, q2 = qp + ql, qt + ql
        exact = bool(
            (q1 >= -1074).all()
            and q2 >= -1074
            and _below(2 * pmax, 53 + q1)
            and _below(2 * tmax, 53 + q2)
            and np.array_equal(lam * d, v0)
        )
        if exact:
            qnew, qt = q1, q2
        else:
            et = np.zeros(K)
            ep = np.zeros_like(pre)
    Lam = lam_exact = None
    if not exact:
        epf = ep.ravel()
        f0, f1 = epf[idx], epf[idx + 1]
        Lam = _up((f0 + f1) / ((np.abs(v0) - f0) + (np.abs(v1) - f1)) + 4 * U * lam)
        # λ̃ exact: exact ends, an exact difference and λ̃·d = v0 exactly (Dekker)
        lam_exact = (f0 == 0) & (f1 == 0) & _sum_exact(v0, -v1, d) & _prod_is(lam, d, v0)
        Lam[lam_exact] = 0.0

    undecided = None
    if multi:
        order = np.lexsort((lam, seg))
        seg, unit, lam = seg[order], unit[order], lam[order]
        if Lam is not None:
            Lam, lam_exact = Lam[order], lam_exact[order]
        same_seg = seg[1:] == seg[:-1]
        equal = lam[1:] == lam[:-1]
        if exact:
            merge = same_seg & equal
        else:
            close = same_seg & ~((lam[1:] - lam[:-1]) > _up(Lam[1:] + Lam[:-1]))
            merge = np.zeros_like(close)
            if close.any():  # equal only if proportional rows; else undecided
                grp = _groups_of(ld, t, seg, unit)
                both = lam_exact[1:] & lam_exact[:-1]  # exact and equal: equal
                merge = close & ((grp[1:] == grp[:-1]) | (both & equal))
                undecided = close & ~merge
                merge |= undecided & equal  # a float decision, marked below
        first = np.concatenate([[True], ~merge])
        knot_of = np.cumsum(first) - 1  # crossing → its knot
        kseg, klam = seg[first], lam[first]
        kLam = None if Lam is None else Lam[first]
        kexact = None if lam_exact is None else lam_exact[first]
        counts = np.bincount(kseg, minlength=K - 1)
    else:
        knot_of = None
        kseg, klam, kLam, kexact = seg, lam, Lam, lam_exact
        counts = any_seg.astype(np.intp)
    N = kseg.size
    if max_knots is not None and max_knots < K - S + N:
        raise KnotLimitError(li, int(K - S + N), max_knots)

    # one new knot in each of the first N segments (every segment of Δ^L): kseg = 0 … N − 1
    alt = knot_of is None and kseg[-1] == N - 1
    if alt:
        t0, t1 = t[:N], t[1 : N + 1]
        p0 = pre[:, :N]
        dp = pre[:, 1 : N + 1] - p0
    else:
        t0, t1 = t[kseg], t[kseg + 1]
        p0 = np.take(pre, kseg, axis=1)
        dp = np.take(pre, kseg + 1, axis=1)
        dp -= p0
    h = t1 - t0
    tr = klam * h
    tn = tr + t0
    pr = klam * dp
    pn = pr + p0
    zero_at = unit * N + (np.arange(N) if knot_of is None else knot_of)
    pn.ravel()[zero_at] = 0.0
    if not exact:
        np.clip(tn, t0, t1, out=tn)
        e0, e1 = et[kseg], et[kseg + 1]
        etn = _up(np.maximum(e0, e1) + kLam * (h + e0 + e1) + 4 * U * (klam * h + np.abs(tn)))
        f0, f1 = np.take(ep, kseg, axis=1), np.take(ep, kseg + 1, axis=1)
        adp = np.abs(dp)
        epn = _up(np.maximum(f0, f1) + kLam * (adp + f0 + f1) + 4 * U * (klam * adp + np.abs(pn)))
        epn[(f0 == 0) & (f1 == 0) & (dp == 0)] = 0.0  # equal exact ends: exact
        if kexact is not None and kexact.any():  # exact λ̃: exact where every step was
            k = np.flatnonzero(kexact)
            ok_t = (e0[k] == 0) & (e1[k] == 0)
            ok_t &= _sum_exact(t1[k], -t0[k], h[k]) & _prod_is(klam[k], h[k], tr[k])
            ok_t &= _sum_exact(tr[k], t0[k], tn[k])
            etn[k[ok_t]] = 0.0
            a, b = np.take(pre, kseg[k] + 1, axis=1), p0[:, k]
            lk = np.broadcast_to(klam[k], a.shape)
            ok_p = (f0[:, k] == 0) & (f1[:, k] == 0) & _sum_exact(a, -b, dp[:, k])
            ok_p &= _prod_is(lk, dp[:, k], pr[:, k]) & _sum_exact(pr[:, k], b, pn[:, k])
            sub = epn[:, k]
            sub[ok_p] = 0.0
            epn[:, k] = sub
        epn.ravel()[zero_at] = 0.0
        _partner_values(ld, t, kseg, unit, knot_of, pn, epn, S)

    new_pos = kseg + np.arange(1, N + 1)
    if alt:
        old_pos = None
    else:
        old_pos = np.arange(K)
        old_pos[1:] += np.cumsum(counts)
    out_t = _interleave(t, tn, old_pos, new_pos, alt)
    out_pre = _interleave(pre, pn, old_pos, new_pos, alt)
    out_et = out_ep = None
    if not exact:
        out_et = _interleave(et, etn, old_pos, new_pos, alt)
        out_ep = _interleave(ep, epn, old_pos, new_pos, alt)
    if taint is not None:
        taint = np.repeat(taint, counts + 1)
    if undecided is not None and undecided.any():
        # the two knots whose order (or equality) is undecided, and the three segments
        # around them; every other segment is bounded by certified knots
        if taint is None:
            taint = np.zeros(K + N - 1, dtype=bool)
        r = np.flatnonzero(undecided)
        p1, p2 = new_pos[knot_of[r]], new_pos[knot_of[r + 1]]
        for lo, hi in zip(p1 - 1, p2 + 1, strict=True):
            taint[lo:hi] = True
    return out_t, out_et, out_pre, out_ep, taint, exact, qnew, qt, new_pos, (seg, unit), counts


def _partner_values(ld, t, kseg, unit, knot_of, pn, epn, S) -> None:
    """At a new knot where unit i switches, every partner j of i (:func:`_partners`) has the
    exact value ``b_j − a·b_i`` (when that is computed exactly in float64): set it, bound 0."""
    nodes = np.arange(kseg.size) if knot_of is None else knot_of
    if ld.same or len(ld.Ws) == 1:
        A = ld.partners(0)
        if not A.any():
            return
        a = A[:, unit]  # (m, crossings)
        b = np.broadcast_to(ld.bs[0][:, None], a.shape)
        bi = ld.bs[0][unit][None, :]
    else:
        owner = _owner(t)[kseg[nodes]]
        As = [ld.partners(int(k)) for k in range(len(ld.Ws))]
        if not any(A.any() for A in As):
            return
        a = np.stack(As)[owner, :, unit].T  # (m, crossings)
        Bs = np.stack(ld.bs)
        b = Bs[owner].T
        bi = Bs[owner, unit][None, :]
    r, c = np.nonzero(a)
    if r.size == 0:
        return
    ar, bir, br = a[r, c], bi[0, c], b[r, c]
    with np.errstate(all="ignore"):
        prod = ar * bir
        val = br - prod
        ok = _prod_is(ar, bir, prod) & _sum_exact(br, -prod, val)
    r, col = r[ok], nodes[c[ok]]
    pn[r, col] = val[ok]
    epn[r, col] = 0.0


def _interleave(old: np.ndarray, new: np.ndarray, old_pos, new_pos, alternate=False) -> np.ndarray:
    """``old`` and ``new`` laid out along the last axis at ``old_pos`` / ``new_pos``;
    ``alternate``: one new entry after each of the first N old ones (positions known)."""
    K, N = old.shape[-1], new.shape[-1]
    out = np.empty((*old.shape[:-1], K + N))
    if alternate:
        out[..., : 2 * N + 1 : 2] = old[..., : N + 1]
        out[..., 1 : 2 * N : 2] = new
        out[..., 2 * N + 1 :] = old[..., N + 1 :]
    elif old.ndim == 2 and K >= 4096:  # row by row: 2-d fancy indexing is much slower
        for o, a, b in zip(out, old, new, strict=True):
            o[old_pos] = a
            o[new_pos] = b
    else:
        out[..., old_pos] = old
        out[..., new_pos] = new
    return out


def _quantum_fast(x: np.ndarray) -> int:
    """:func:`quantum` of a nonempty array, trying the first entry's digit first."""
    q0 = _quantum1(float(x[0]))
    if q0 >= -1000:
        y = x * _pow2(-q0)
        if np.array_equal(y, np.floor(y)):
            return q0
    return quantum(x)


def _groups_of(ld: _LayerData, t: np.ndarray, seg: np.ndarray, unit: np.ndarray) -> np.ndarray:
    if ld.same or len(ld.Ws) == 1:
        return ld.groups(0)[unit]
    owner = _owner(t)[seg]
    out = np.empty(unit.size, dtype=np.intp)
    for k in np.unique(owner):
        sel = owner == k
        out[sel] = ld.groups(int(k))[unit[sel]] + k * ld.m
    return out


# --------------------------------------------------------------------------------------
# the exact pass: integers


class Budget:
    """Multiply-adds of big integers the exact pass may still spend."""

    def __init__(self, limit: int | None = None):
        self.limit, self.spent = (EXACT_BUDGET if limit is None else limit), 0

    def spend(self, ops: int, where: tuple[float, float]) -> None:
        self.spent += ops
        if self.spent > self.limit:
            raise ExactBudgetError(
                "the network is too ill-conditioned to count in float64: some of its "
                "decisions (a sign at a knot, the order of two switch points, whether the "
                f"slope changes) lie within rounding on [{where[0]:.17g}, {where[1]:.17g}], "
                f"and counting that part in exact rational arithmetic needs more than "
                f"{self.limit:,} multiply-adds of big integers"
            )


def _int_matrix(a: np.ndarray) -> tuple[np.ndarray, int]:
    """``a = A / s`` with ``A`` integers (object array) and ``s`` a power of two (cached by
    value: the exact pass meets the same layers again for every recounted part)."""
    a = np.ascontiguousarray(a, dtype=float)
    A, s = _int_matrix_cached(a.tobytes(), a.shape)
    return A.copy(), s


@functools.lru_cache(maxsize=1024)
def _int_matrix_cached(ab: bytes, shape: tuple[int, ...]) -> tuple[np.ndarray, int]:
    a = np.frombuffer(ab).reshape(shape)
    ratios = [float(v).as_integer_ratio() for v in np.ravel(a)]
    s = max((d for _, d in ratios), default=1)
    A = np.empty(len(ratios), dtype=object)
    A[:] = [n * (s // d) for n, d in ratios]
    return A.reshape(np.shape(a)), s


def _int_affine(Wi: np.ndarray, Nz: np.ndarray, scale: int, bi: np.ndarray, Q: np.ndarray):
    """``Wi·Nz·scale + bi ⊗ Q`` in Python integers, row by row over ``Wi``'s nonzero entries
    only (the constructions' layers are sparse, and an object-array product pays a Python
    multiply-add for every zero too); ±1 weights and a unit scale cost no multiplication."""
    m, K = Wi.shape[0], Nz.shape[1]
    N = np.empty((m, K), dtype=object)
    bQ: dict[int, np.ndarray] = {}  # bias value → its multiple of Q (biases repeat)
    for i in range(m):
        acc = None
        for j in np.flatnonzero(Wi[i]).tolist():
            w = Wi[i, j]
            term = Nz[j] if w == 1 else -Nz[j] if w == -1 else Nz[j] * w
            acc = term if acc is None else acc + term
        if acc is not None and scale != 1:
            acc = acc * scale
        if bi[i] != 0:
            if bi[i] not in bQ:
                bQ[bi[i]] = bi[i] * Q
            acc = bQ[bi[i]] if acc is None else acc + bQ[bi[i]]
        N[i] = 0 if acc is None else acc
    return N


@dataclass
class ExactLayer:
    """One layer of the exact pass: knots ``P/Q`` (Q > 0, lowest terms), pre-activations
    ``N/(Q·S)``; ``node_breaks`` (m,) / ``out_breaks`` (interior knots) as in FloatLayer."""

    index: int
    last: bool
    P: np.ndarray
    Q: np.ndarray
    N: np.ndarray
    S: int
    node_breaks: np.ndarray | None = None
    out_breaks: np.ndarray | None = None

    def knots(self) -> np.ndarray:
        return _to_float(self.P, self.Q, 1, self.index)

    def values(self) -> np.ndarray:
        return np.stack([_to_float(row, self.Q, self.S, self.index) for row in self.N])


def _resume_from(ex: ExactLayer) -> Resume:
    """The float64 state after an exact hidden layer (correctly rounded: within an ulp)."""
    t = ex.knots()
    Z = np.where(ex.N > 0, ex.N, 0)
    QS = ex.Q * ex.S
    z = np.stack([_to_float(row, QS, 1, ex.index) for row in Z])
    # the floats that are the exact values carry no bound (the float pass's exactness
    # arguments continue from them); the others are within an ulp
    et = np.where(_is_exactly(t, ex.P, ex.Q), 0.0, np.spacing(np.abs(t)))
    ez = np.zeros_like(z)
    for j in range(z.shape[0]):
        pos = np.flatnonzero(ex.N[j] > 0)
        if pos.size:
            ok = _is_exactly(z[j, pos], Z[j, pos], QS[pos])
            ez[j, pos[~ok]] = np.spacing(np.abs(z[j, pos[~ok]]))
    # exactly equal ends; correctly rounded floats that differ come from values that differ
    flat = z[:, 1:] == z[:, :-1]
    r, c = np.nonzero(flat)
    if r.size:
        flat[r, c] = (Z[r, c + 1] * ex.Q[c]) == (Z[r, c] * ex.Q[c + 1])
    sep = np.zeros((z.shape[0], 1))
    return Resume(
        index=ex.index + 1,
        t=np.append(t, np.nan),
        et=np.append(et, 0.0),
        z=np.hstack([z, sep]),
        ez=np.hstack([ez, sep]),
        flat_z=np.hstack([flat.astype(bool), np.zeros((z.shape[0], 1), dtype=bool)]),
    )


def _is_exactly(f: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Entrywise: the float ``f`` equals the rational ``num/den`` exactly."""
    ratios = [x.as_integer_ratio() for x in f.tolist()]
    return np.array(
        [p * d == n * q for (p, q), n, d in zip(ratios, num, den, strict=True)], dtype=bool
    )


def _exact_state(t: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Exact floats as the exact pass's state: knots ``P/Q`` (lowest terms) and values
    ``Nz/(Q·Sz)`` with ``Sz`` a power of two."""
    K = t.size
    P = np.empty(K, dtype=object)
    Q = np.empty(K, dtype=object)
    pq = [float(v).as_integer_ratio() for v in t]
    P[:], Q[:] = [p for p, _ in pq], [q for _, q in pq]
    ratios = [[float(v).as_integer_ratio() for v in row] for row in z]
    Sz = max((d for row in ratios for _, d in row), default=1)
    Nz = np.empty(z.shape, dtype=object)
    for j, row in enumerate(ratios):
        Nz[j, :] = [n * (Sz // d) * q for (n, d), q in zip(row, Q, strict=True)]
    return P, Q, Nz, Sz


def _to_float(num: np.ndarray, den: np.ndarray, scale: int, li: int) -> np.ndarray:
    try:
        if scale == 1:
            return np.array([n / d for n, d in zip(num, den, strict=True)], dtype=float)
        return np.array([n / (d * scale) for n, d in zip(num, den, strict=True)], dtype=float)
    except OverflowError:
        raise FloatRangeError(f"layers[{li}]: values overflow float64 on the domain") from None


def _exact_breaks_int(Y: np.ndarray, P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Breakpoints at the interior knots of the rows of ``Y/(Q·S)`` (exact)."""
    dY = Y[:, 1:] * Q[:-1] - Y[:, :-1] * Q[1:]
    dT = P[1:] * Q[:-1] - P[:-1] * Q[1:]
    return (dY[:, :-1] * dT[1:]) != (dY[:, 1:] * dT[:-1])


def exact_layers(
    net: Sequence[Layer],
    domain: tuple[float, float],
    max_knots: int | None = None,
    budget: Budget | None = None,
    nodes: bool = False,
    output: bool = False,
    start: tuple[int, np.ndarray, np.ndarray] | None = None,
) -> Iterator[ExactLayer]:
    """Knot propagation in exact integer arithmetic (module docstring, *Fallback*).

    ``start = (index, t, z)``: begin after hidden layer ``index``, whose knots ``t`` and
    outputs ``z`` (units, knots) are floats known to be exact (the float pass's exact lane)."""
    budget = budget or Budget()
    where = (float(domain[0]), float(domain[1]))
    first = 0
    if start is None:
        (pa, qa), (pb, qb) = (float(v).as_integer_ratio() for v in domain)
        P = np.empty(2, dtype=object)
        Q = np.empty(2, dtype=object)
        P[:], Q[:] = [pa, pb], [qa, qb]
        Nz = P[None, :].copy()  # the input x = P/Q: numerators over Q·1
        Sz = 1
    else:
        first = start[0] + 1
        P, Q, Nz, Sz = _exact_state(start[1], start[2])
    L = len(net)
    for li, (W, b) in enumerate(net):
        if li < first:
            continue
        Wi, sW = _int_matrix(W)
        bi, sb = _int_matrix(b)
        m, n = Wi.shape
        K = P.size
        budget.spend(m * n * K + 2 * m * K, where)
        S = max(sW * Sz, sb)
        N = _int_affine(Wi, Nz, S // (sW * Sz), bi * (S // sb), Q)
        if li == L - 1:
            out = None
            if output:
                budget.spend(4 * K, where)
                out = _exact_breaks_int(N[:1], P, Q)[0]
            yield ExactLayer(li, True, P, Q, N, S, None, out)
            return
        pos, neg = N > 0, N < 0
        cross = (pos[:, :-1] & neg[:, 1:]) | (neg[:, :-1] & pos[:, 1:])
        seg, unit = np.nonzero(cross.T)
        if seg.size:
            budget.spend(seg.size * (2 * m + 8), where)
            # every crossing's knot pk/qk in lowest terms (qk > 0), computed for all at once
            a0, a1 = N[unit, seg], N[unit, seg + 1]
            num = a0 * P[seg + 1] - a1 * P[seg]
            den = a0 * Q[seg + 1] - a1 * Q[seg]
            sgn = np.where(den > 0, 1, -1).astype(object)
            g = np.gcd(num, den)
            pks, qks = (sgn * num // g).tolist(), (sgn * den // g).tolist()
            # segment → [numerator, denominator, first crossing, crossing units] of its knots
            found: dict[int, list[list]] = {}
            for c, (k, i) in enumerate(zip(seg.tolist(), unit.tolist(), strict=True)):
                pk, qk = pks[c], qks[c]
                entries = found.setdefault(k, [])
                for e in entries:
                    if e[0] == pk and e[1] == qk:
                        e[3].append(i)
                        break
                else:
                    entries.append([pk, qk, c, [i]])
            segs = sorted(found)
            for k in segs:
                if len(found[k]) > 1:
                    found[k].sort(key=lambda e: Fraction(e[0], e[1]))
            new_entries = [(k, e) for k in segs for e in found[k]]
            Nn = len(new_entries)
            if max_knots is not None and max_knots < K + Nn:
                raise KnotLimitError(li, K + Nn, max_knots)
            counts = np.zeros(K - 1, dtype=np.int64)
            for k in segs:
                counts[k] = len(found[k])
            old_pos = np.arange(K)
            old_pos[1:] += np.cumsum(counts)
            kseg = np.array([k for k, _ in new_entries], dtype=np.int64)
            new_pos = kseg + 1 + np.arange(Nn)
            P2 = np.empty(K + Nn, dtype=object)
            Q2 = np.empty(K + Nn, dtype=object)
            N2 = np.empty((m, K + Nn), dtype=object)
            P2[old_pos], Q2[old_pos], N2[:, old_pos] = P, Q, N
            P2[new_pos] = [e[0] for _, e in new_entries]
            Q2[new_pos] = [e[1] for _, e in new_entries]
            # the units' values at the new knots, over Q·S: one column per knot
            fc = np.array([e[2] for _, e in new_entries], dtype=np.intp)  # first crossings
            fs = seg[fc]
            # (x·sgn) // g = x // (sgn·g) for sgn = ±1: one multiplication per knot instead
            cols = (N[:, fs + 1] * a0[fc] - N[:, fs] * a1[fc]) // (sgn[fc] * g[fc])
            units = [i for _, e in new_entries for i in e[3]]  # 0 at their own switch point
            at = np.repeat(np.arange(Nn), [len(e[3]) for _, e in new_entries])
            cols[units, at] = 0
            N2[:, new_pos] = cols
            pos2 = np.empty((m, K + Nn), dtype=bool)
            pos2[:, old_pos], pos2[:, new_pos] = pos, cols > 0
            P, Q, N, pos = P2, Q2, N2, pos2
        Z = np.where(pos, N, 0)
        node_breaks = None
        if nodes:
            budget.spend(4 * m * P.size, where)
            node_breaks = _exact_breaks_int(Z, P, Q).sum(axis=1).astype(np.int64)
        yield ExactLayer(li, False, P, Q, N, S, node_breaks, None)
        Nz, Sz = Z, S


# --------------------------------------------------------------------------------------
# counting


@dataclass
class Count:
    """Exact counts of one network on one interval.

    ``interior[ℓ]`` — knots strictly inside the interval after hidden layer ℓ + 1 (the
    activation regions are ``interior + 1``); ``node_breaks[ℓ]`` (m,) — interior breakpoints of
    each node σ(pre_j) of hidden layer ℓ + 1 (empty without ``nodes``); ``breaks`` — which
    interior ``knots`` are breakpoints of the output; ``knots``/``values`` — the output's
    knots (floats: the exact knots to within ``knot_err``, the values to within
    ``value_err``; two exact knots may round to one float).  ``recounted`` — sub-intervals
    counted again exactly because a float64 decision there lay within rounding.
    """

    interior: list[int]
    node_breaks: list[np.ndarray]
    knots: np.ndarray
    values: np.ndarray
    breaks: np.ndarray | None
    knot_err: np.ndarray
    value_err: np.ndarray
    recounted: list[tuple[float, float]] = field(default_factory=list)

    @property
    def pieces(self) -> int:
        if self.breaks is None:
            raise ValueError("counted without the output's breakpoints (breaks=False)")
        return 1 + int(np.count_nonzero(self.breaks))


@dataclass
class _Raw:
    count: Count
    taint: np.ndarray | None  # per segment between consecutive knots
    first_taint: int = 0  # the first layer with a decision within rounding
    layer_knots: list[np.ndarray] | None = None  # every hidden layer's knots (breaks=False)


def count(
    nets: Sequence[Sequence[Layer]],
    domains: Sequence[tuple[float, float]],
    max_knots: int | None = None,
    max_work: int | None = None,
    nodes: bool = False,
    budget: Budget | None = None,
    breaks: bool = True,
) -> list[Count]:
    """Exact :class:`Count` of every (network, domain) pair: one certified float64 pass over
    all of them, then an exact recount of the parts where a decision lay within rounding.

    ``breaks=False`` skips the output's breakpoint decisions (``Count.breaks`` is then
    ``None``): for callers that need only the knots and the output's values there, and
    should not pay for an exact recount where only a slope change was undecided."""
    budget = budget or Budget()
    raws = _float_count(nets, domains, max_knots, max_work, nodes, breaks)
    out = []
    for net, dom, raw in zip(nets, domains, raws, strict=True):
        if raw.taint is None or not raw.taint.any():
            out.append(raw.count)
            continue
        out.append(_recount(net, dom, raw, max_knots, max_work, nodes, budget, breaks))
    return out


def _float_count(nets, domains, max_knots, max_work, nodes, breaks=True) -> list[_Raw]:
    S = len(nets)
    interior: list[np.ndarray] = []
    node_breaks: list[np.ndarray] = []
    first_taint = np.full(S, -1)
    last = None
    keep = not breaks and not nodes  # the unmarked parts are then read off this pass
    layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for lay in float_layers(nets, domains, max_knots, max_work, nodes=nodes, output=breaks):
        if lay.last:
            last = lay
            break
        starts, seps = _blocks(lay.t) if S > 1 else (np.array([0]), np.array([lay.t.size - 1]))
        if keep:
            layers.append((lay.t, starts, seps))
        interior.append(seps - starts - 2)
        if nodes:
            node_breaks.append(lay.node_breaks)
        if lay.taint is not None:
            marked = np.add.reduceat(lay.taint, starts) if S > 1 else [lay.taint.sum()]
            first_taint[(first_taint < 0) & (np.asarray(marked) > 0)] = lay.index
    assert last is not None
    starts, seps = _blocks(last.t) if S > 1 else (np.array([0]), np.array([last.t.size - 1]))
    raws = []
    ob = None
    if last.out_breaks is not None:
        ob = np.zeros(last.t.size, dtype=bool)
        ob[1:-1] = last.out_breaks
    for s in range(S):
        lo, hi = starts[s], seps[s]
        t = last.t[lo:hi]
        y = last.pre[0, lo:hi]
        c = Count(
            interior=[int(a[s]) for a in interior],
            node_breaks=[nb[s] for nb in node_breaks],
            knots=t,
            values=y,
            breaks=None if ob is None else ob[lo + 1 : hi - 1],
            knot_err=np.zeros(t.size) if last.et is None else last.et[lo:hi],
            value_err=np.zeros(t.size) if last.ep is None else last.ep[0, lo:hi],
        )
        taint = None if last.taint is None else last.taint[lo : hi - 1]
        ft = int(first_taint[s]) if first_taint[s] >= 0 else len(nets[0]) - 1
        lk = [lt[st[s] : sp[s]] for lt, st, sp in layers] if keep else None
        raws.append(_Raw(c, taint, ft, lk))
    return raws


def _exact_count(net, domain, max_knots, nodes, budget, breaks=True) -> Count:
    interior, node_breaks = [], []
    for lay in exact_layers(net, domain, max_knots, budget, nodes=nodes, output=breaks):
        if not lay.last:
            interior.append(lay.P.size - 2)
            if nodes:
                node_breaks.append(lay.node_breaks)
            continue
        t = lay.knots()
        y = _to_float(lay.N[0], lay.Q, lay.S, lay.index)
        return Count(
            interior=interior,
            node_breaks=node_breaks,
            knots=t,
            values=y,
            breaks=lay.out_breaks,
            knot_err=np.spacing(np.abs(t)),  # correctly rounded: within an ulp
            value_err=np.spacing(np.abs(y)),
            recounted=[(float(domain[0]), float(domain[1]))],
        )
    raise AssertionError("exact_layers yields the output layer last")


def _hybrid_count(net, domain, stop: int, max_knots, nodes, budget, breaks=True) -> Count:
    """Exact arithmetic through layer ``stop`` (where float64 first met a decision within
    rounding), then float64 again from the exact values — whose bounds start afresh at
    an ulp — and exact arithmetic again up to any later layer whose decisions lie within
    rounding.  Deep networks, whose float64 bounds grow with depth, need exact arithmetic
    only for the layers where the bounds actually fail."""
    L = len(net)
    interior: list[int] = []
    node_breaks: list[np.ndarray] = []
    # the layers the float pass computes exactly (its exact lane) need no integers
    start = None
    for lay in float_layers([net], [domain], max_knots, None, nodes, breaks):
        if lay.last or lay.index >= stop or not lay.exact:
            break
        if lay.taint is not None and lay.taint.any():
            break
        start = (lay.index, lay.t[:-1], np.maximum(lay.pre[:, :-1], 0.0))
        interior.append(lay.t.size - 3)
        if nodes:
            node_breaks.append(lay.node_breaks[0])
    ex_layers = exact_layers(
        net, domain, max_knots, budget, nodes=nodes, output=breaks, start=start
    )
    while True:
        ex = None
        for ex in ex_layers:
            if ex.last:
                t = ex.knots()
                y = _to_float(ex.N[0], ex.Q, ex.S, ex.index)
                return Count(
                    interior=interior,
                    node_breaks=node_breaks,
                    knots=t,
                    values=y,
                    breaks=ex.out_breaks,
                    knot_err=np.spacing(np.abs(t)),  # correctly rounded: within an ulp
                    value_err=np.spacing(np.abs(y)),
                    recounted=[(float(domain[0]), float(domain[1]))],
                )
            interior.append(ex.P.size - 2)
            if nodes:
                node_breaks.append(ex.node_breaks)
            if ex.index >= stop:
                break
        assert ex is not None
        resume = _resume_from(ex)
        f_interior: list[int] = []
        f_nodes: list[np.ndarray] = []
        undecided_at = None
        for lay in float_layers([net], [domain], max_knots, None, nodes, breaks, resume):
            if lay.taint is not None and lay.taint.any():
                undecided_at = lay.index
                break
            if lay.last:
                return Count(
                    interior=interior + f_interior,
                    node_breaks=node_breaks + f_nodes,
                    knots=lay.t[:-1],
                    values=lay.pre[0, :-1],
                    breaks=None if not breaks else lay.out_breaks[: lay.t.size - 3],
                    knot_err=lay.et[:-1],
                    value_err=lay.ep[0, :-1],
                    recounted=[(float(domain[0]), float(domain[1]))],
                )
            f_interior.append(lay.t.size - 3)
            if nodes:
                f_nodes.append(lay.node_breaks[0])
        assert undecided_at is not None
        stop = undecided_at
        if undecided_at == L - 1:
            stop = L  # the output's decisions: exact to the end


#: How many unmarked segments next to a marked run :func:`_cuts` looks at for a cut.
_CUT_REACH = 24


def _short_dyadic(lo: float, hi: float) -> float:
    """The number in ``[lo, hi]`` with the fewest binary digits (a multiple of the largest
    power of two that has one there); the midpoint when the interval is empty or odd.  Cuts
    at short dyadics keep the float pass of the parts in its exact lane for constructions
    with dyadic weights (a cut at an arbitrary float would leave it at once)."""
    mid = lo + (hi - lo) * 0.5
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        return mid
    e = math.frexp(hi - lo)[1]
    for k in range(e, e - 4, -1):
        step = math.ldexp(1.0, k)
        if step == 0.0:
            break
        x = math.ceil(lo / step) * step
        if lo <= x <= hi:
            return float(x)
    return mid


def _cuts(t: np.ndarray, et: np.ndarray, taint: np.ndarray) -> tuple[list, np.ndarray]:
    """Cut points ``(segment, x)``: x certifiably inside an unmarked segment near a marked
    one, so that no unit of any layer switches at x.  Among the first :data:`_CUT_REACH`
    unmarked segments next to a marked run the cut goes where the shortest dyadic fits
    (:func:`_short_dyadic`; the segments passed over join the marked part).  A lone
    unmarked segment between marked ones, or a side where no segment can host a cut (too
    short to separate x from the knots' error bounds), is marked too; returns the cuts and
    the final marks."""
    taint = taint.copy()
    K1 = taint.size
    shrink = 1 - 2.0**-40

    def cut_in(k: int) -> float | None:
        a, b = t[k], t[k + 1]
        for x in (_short_dyadic(a + 2 * _up(et[k]), b - 2 * _up(et[k + 1])), a + (b - a) * 0.5):
            if (x - a) * shrink > _up(et[k]) and (b - x) * shrink > _up(et[k + 1]):
                return float(x)
        return None

    def best(ks) -> tuple[int, float] | None:
        """The nearest segment (``ks`` nearest first) whose cut is within 8 binary digits
        of the shortest one found."""
        found = []
        for k in ks:
            x = cut_in(k)
            if x is not None:
                found.append((_NO_Q if x == 0 else _quantum1(x), k, x))
        if not found:
            return None
        top = max(q for q, _, _ in found)
        return next((k, x) for q, k, x in found if q >= top - 8)

    while True:
        cuts, changed = [], False
        free = np.flatnonzero(~taint)
        if free.size == 0:
            return cuts, taint
        runs = np.split(free, np.flatnonzero(np.diff(free) > 1) + 1)
        for run in runs:
            s, e = int(run[0]), int(run[-1])
            left, right = s > 0, e < K1 - 1  # a marked segment on that side
            if not (left or right):
                continue
            if left and right and s == e:
                taint[s] = True
                changed = True
                continue
            mid = (s + e) // 2 if (left and right) else (e if left else s - 1)
            if left:
                c = best(range(s, min(mid, s + _CUT_REACH - 1) + 1))
                if c is None:
                    taint[s] = True
                    changed = True
                else:
                    cuts.append(c)
            if right:
                c = best(range(e, max(mid + 1, e - _CUT_REACH + 1) - 1, -1))
                if c is None:
                    taint[e] = True
                    changed = True
                else:
                    cuts.append(c)
        if not changed:
            cuts.sort()
            return cuts, taint


def _recount(net, domain, raw: _Raw, max_knots, max_work, nodes, budget, breaks=True) -> Count:
    """Cut the domain next to the marked segments; count the marked parts exactly and the
    others in float64 again (exactly, too, should a decision there lie within rounding)."""
    c = raw.count
    assert raw.taint is not None
    cuts, taint = _cuts(c.knots, c.knot_err, raw.taint)
    a, b = float(domain[0]), float(domain[1])
    bounds = [a, *(x for _, x in cuts), b]
    segs = [0, *(k for k, _ in cuts), taint.size - 1]
    parts = [
        (bounds[i], bounds[i + 1], bool(taint[segs[i] : segs[i + 1] + 1].any()))
        for i in range(len(bounds) - 1)
    ]
    floats = [(lo, hi) for lo, hi, marked in parts if not marked]
    again: dict[tuple[float, float], Count] = {}
    if floats and raw.layer_knots is not None:
        # the first pass decided everything on the unmarked parts: read them off it
        for lo, hi in floats:
            again[(lo, hi)] = _part_of(raw, lo, hi, a, b)
        floats = []
    if floats:
        raws = _float_count([net] * len(floats), floats, max_knots, max_work, nodes, breaks)
        for dom, r in zip(floats, raws, strict=True):
            if r.taint is None or not r.taint.any():
                again[dom] = r.count
    results = [
        again.get((lo, hi))
        or _hybrid_count(net, (lo, hi), raw.first_taint, max_knots, nodes, budget, breaks)
        for lo, hi, _ in parts
    ]
    return _combine(results)


def _part_of(raw: _Raw, lo: float, hi: float, a: float, b: float) -> Count:
    """The count of an unmarked part ``[lo, hi]`` (its ends the domain's ends or cuts, which
    are certifiably no knots of any layer) read off the first float pass: every decision
    there was certified.  At a cut the part's end carries a placeholder (dropped by
    :func:`_combine`)."""
    c = raw.count
    assert raw.layer_knots is not None
    t = c.knots
    inside = (t > lo) & (t < hi)
    if lo == a:
        inside[0] = True
    if hi == b:
        inside[-1] = True
    idx = np.flatnonzero(inside)
    knots, values = [t[idx]], [c.values[idx]]
    kerr, verr = [c.knot_err[idx]], [c.value_err[idx]]
    if lo != a:
        knots.insert(0, [lo]), values.insert(0, [np.nan]), kerr.insert(0, [0.0])
        verr.insert(0, [0.0])
    if hi != b:
        knots.append([hi]), values.append([np.nan]), kerr.append([0.0]), verr.append([0.0])
    return Count(
        interior=[int(np.count_nonzero((lt > lo) & (lt < hi))) for lt in raw.layer_knots],
        node_breaks=[],
        knots=np.concatenate(knots),
        values=np.concatenate(values),
        breaks=None,
        knot_err=np.concatenate(kerr),
        value_err=np.concatenate(verr),
    )


def _combine(parts: list[Count]) -> Count:
    """Counts on consecutive intervals that meet at points which are no knots, as one
    count: interior knots and breakpoints add up, the shared ends disappear."""
    if len(parts) == 1:
        return parts[0]
    n = len(parts)

    def cat(get) -> np.ndarray:
        return np.concatenate(
            [
                get(p)[(0 if i == 0 else 1) : (None if i == n - 1 else -1)]
                for i, p in enumerate(parts)
            ]
        )

    first = parts[0]
    return Count(
        interior=[sum(p.interior[i] for p in parts) for i in range(len(first.interior))],
        node_breaks=[sum(p.node_breaks[i] for p in parts) for i in range(len(first.node_breaks))],
        knots=cat(lambda p: p.knots),
        values=cat(lambda p: p.values),
        breaks=None
        if any(p.breaks is None for p in parts)
        else np.concatenate([p.breaks for p in parts]),
        knot_err=cat(lambda p: p.knot_err),
        value_err=cat(lambda p: p.value_err),
        recounted=[r for p in parts for r in p.recounted],
    )
