"""Consequences of Proposition 4.1 (seed 003, §4.1, applications 3 and 4).

*Viral fractal property.*  If ``f : [0, 1] → ℝ`` is symmetric about ½ then ``f ∘ Δ^L``
consists of ``2^L`` copies of ``f``: on the ``k``-th piece of ``Δ^L`` (length ``2^{−L}``)
``Δ^L(x)`` is ``⟨2^L x⟩`` (``k`` even) or ``1 − ⟨2^L x⟩`` (``k`` odd), so by symmetry

    ``f(Δ^L(x)) = f(⟨2^L x⟩)``  on ``[0, 1]``.

Counting pieces (Lemma 4.11(3) made exact): ``N_A(f ∘ Δ^L) = 2^L·N_A(f) − (2^L − 1)·[f′(0⁺) = 0]``
— adjacent copies merge across a junction exactly when ``f`` is flat at 0 (its slope at 1
is then also 0).

*Bit extraction.*  On the ``k``-th piece of ``Δ^ℓ`` the slope is ``+2^ℓ`` for even ``k``
and ``−2^ℓ`` for odd ``k``, and ``k = ⌊2^ℓ x⌋``, whose parity is the ``ℓ``-th binary digit
``b_ℓ`` of ``x``.  For an ``M``-bit dyadic ``x`` (``M ≥ ℓ``) the step ``δ = 2^{−M−1}``
stays inside that piece, so

    ``b_ℓ(x) = ½ − (Δ^ℓ(x + δ) − Δ^ℓ(x)) / (2^{ℓ+1} δ)``

— an affine read-out of two copies of the ``Δ^ℓ`` network, exact in floating point.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork, layer
from approxlab.theory.depth.sawtooth import sawtooth, triangle

#: Functions on [0, 1] symmetric about ½, as ReLU networks (2 layers): name → (label, net).
SYMMETRIC: dict[str, tuple[str, ReLUNetwork]] = {
    "bump": (
        "bump max(0, 1 − 4|x − ½|)",
        [layer([[1.0], [1.0], [1.0]], [-0.25, -0.5, -0.75]), layer([[4.0, -8.0, 4.0]], [0.0])],
    ),
    "trapezoid": (
        "trapezoid min(1, 4x, 4 − 4x)",
        [
            layer([[1.0], [1.0], [1.0], [1.0]], [0.0, -0.25, -0.75, -1.0]),
            layer([[4.0, -4.0, -4.0, 4.0]], [0.0]),
        ],
    ),
    "vee": (
        "vee |2x − 1|",
        [layer([[1.0], [1.0]], [0.0, -0.5]), layer([[-2.0, 4.0]], [1.0])],
    ),
    "tent": ("tent Δ(x)", triangle()),
}


def symmetric(name: str) -> tuple[str, ReLUNetwork]:
    label, net = SYMMETRIC[name]
    return label, [(W.copy(), b.copy()) for W, b in net]


#: Columns per block of :func:`evaluate_univariate`: a block's hidden layer stays in cache
#: (millions of knots at once would cost more in page faults than in arithmetic).
EVAL_BLOCK = 1 << 15


def evaluate_univariate(net: ReLUNetwork, x: np.ndarray) -> np.ndarray:
    """:func:`networks.evaluate` for a univariate, single-output network, with the first
    layer applied by broadcasting (a BLAS product of shape ``(m, 1) @ (1, n)`` is several
    times slower than ``w·x`` — it matters for the millions of knots of f∘Δ^20) and the
    points taken in blocks of :data:`EVAL_BLOCK`.

    Bit for bit :func:`networks.evaluate` wherever the arithmetic is exact (dyadic weights
    and inputs with few digits: every ``f`` of this module at the knots of ``f∘Δ^L``).
    Otherwise the two may differ in the last bit: a BLAS product's rounding can depend on
    the number of columns it is given.
    """
    x = np.asarray(x, dtype=float).ravel()
    if x.size <= EVAL_BLOCK:
        return _evaluate_block(net, x)
    out = np.empty(x.size)
    for i in range(0, x.size, EVAL_BLOCK):
        out[i : i + EVAL_BLOCK] = _evaluate_block(net, x[i : i + EVAL_BLOCK])
    return out


def _evaluate_block(net: ReLUNetwork, x: np.ndarray) -> np.ndarray:
    W, b = net[0]
    z = W[:, :1] * x[None, :]
    z += b[:, None]
    for W, b in net[1:]:
        np.maximum(z, 0.0, out=z)
        z = W @ z
        z += b[:, None]
    return z[0]


def compose_pl(outer: ReLUNetwork, inner: PiecewiseLinear) -> PiecewiseLinear:
    """Exact piecewise-linear form of ``outer ∘ inner`` for a univariate network ``outer``.

    Knots: ``inner``'s knots plus, on every piece of ``inner``, the preimages of ``outer``'s
    breakpoints (found by exact propagation over ``inner``'s range) — the construction in
    the proof of Lemma 4.11(3).  Values: the ``outer`` network evaluated at ``inner``'s
    values there.
    """
    lo, hi = float(inner.y.min()), float(inner.y.max())
    kinks = networks.breakpoints(outer, (lo, hi)).breakpoints() if hi > lo else np.array([])
    t0, t1 = inner.x[:-1], inner.x[1:]
    y0, y1 = inner.y[:-1], inner.y[1:]
    x = _preimages_every_piece(kinks, t0, t1, y0, y1)
    if x is None:
        # one column per kink: its preimage on each piece (NaN where the piece misses it);
        # sorted within each piece, then laid out piece by piece — no global sort needed
        cols = [t0]
        for c in kinks:
            s0, s1 = y0 - c, y1 - c
            with np.errstate(invalid="ignore", divide="ignore"):
                pre = t0 + s0 / (s0 - s1) * (t1 - t0)
            cols.append(np.where(s0 * s1 < 0, pre, np.nan))
        grid = np.stack(cols, axis=1)
        if kinks.size:
            grid[:, 1:].sort(axis=1)  # NaNs sort last
        flat = grid.ravel()
        x = np.append(flat[~np.isnan(flat)], inner.x[-1])
    y = np.empty(x.size)
    for i in range(0, x.size, EVAL_BLOCK):  # in blocks, as evaluate_univariate
        y[i : i + EVAL_BLOCK] = _evaluate_block(outer, inner(x[i : i + EVAL_BLOCK]))
    return PiecewiseLinear(x, y)


def _preimages_every_piece(
    kinks: np.ndarray, t0: np.ndarray, t1: np.ndarray, y0: np.ndarray, y1: np.ndarray
) -> np.ndarray | None:
    """:func:`compose_pl`'s knots when every piece of ``inner`` crosses every kink (Δ^L's
    pieces each run over all of [0, 1]), without the sort: on a rising piece the preimages
    come in the kinks' order, on a falling piece in reverse.  The same floats as the general
    construction (the same expressions); ``None`` when some piece misses a kink, and the
    sort is done after all if rounding ever put two preimages out of order."""
    K = kinks.size
    if K == 0:
        return None
    n = t0.size
    out = np.empty(n * (K + 1) + 1)
    grid = out[:-1].reshape(n, K + 1)
    grid[:, 0] = t0
    h = t1 - t0
    pres = []
    for c in kinks:
        s0, s1 = y0 - c, y1 - c
        if not (s0 * s1 < 0).all():
            return None
        pres.append(t0 + s0 / (s0 - s1) * h)
    rising = y1 > y0
    for j in range(K):  # rising pieces: kink j in column j; falling: kink K − 1 − j
        np.copyto(grid[:, 1 + j], pres[K - 1 - j])
        np.copyto(grid[:, 1 + j], pres[j], where=rising)
    # in order on rising pieces if pre_j ≤ pre_(j+1), on falling ones if pre_j ≥ pre_(j+1)
    if not all(np.where(rising, a <= b, a >= b).all() for a, b in itertools.pairwise(pres)):
        grid[:, 1:].sort(axis=1)
    out[-1] = t1[-1]
    return out


def viral_pieces_formula(f_pl: PiecewiseLinear, L: int) -> int:
    """``2^L·N_A(f) − (2^L − 1)·[f′(0⁺) = 0]`` from ``f``'s exact form on ``[0, 1]``."""
    flat = f_pl.slopes()[0] == 0.0
    return 2**L * f_pl.pieces() - (2**L - 1) * int(flat)


def copies_form(f: ReLUNetwork, x: np.ndarray, L: int) -> np.ndarray:
    """Right-hand side of the viral property: ``f(⟨2^L x⟩)`` (``f`` evaluated as a network)."""
    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    for i in range(0, x.size, EVAL_BLOCK):  # in blocks: see evaluate_univariate
        u = np.ldexp(x[i : i + EVAL_BLOCK], L)
        out[i : i + EVAL_BLOCK] = evaluate_univariate(f, u - np.floor(u))
    return out


def sawtooth_powers(x: np.ndarray, L: int) -> np.ndarray:
    """``Δ^1(x), …, Δ^L(x)`` (shape ``(L, n)``) by running the Δ^L network layer by layer.

    The network is ``Δ`` applied ``L`` times; after each block's output map the running
    value is ``Δ^ℓ(x)`` — read off, then fed to the next block.
    """
    (W1, b1), (w2, b2) = triangle()
    z = np.asarray(x, dtype=float)[None, :]
    out = np.empty((L, z.shape[1]))
    for ell in range(L):
        h = np.maximum(W1 @ z + b1[:, None], 0.0)
        z = w2 @ h + b2[:, None]
        out[ell] = z[0]
    return out


def extract_bits(x: np.ndarray, L: int, M: int) -> np.ndarray:
    """Bits ``b_1 … b_L`` of ``M``-bit dyadic inputs ``x`` from the slopes of ``Δ^ℓ``.

    Returns an ``(L, n)`` array of 0/1 floats: ``½ − (Δ^ℓ(x + δ) − Δ^ℓ(x))/(2^{ℓ+1}δ)``
    with ``δ = 2^{−M−1}``.
    """
    delta = 2.0 ** (-M - 1)
    a = sawtooth_powers(x, L)
    b = sawtooth_powers(np.asarray(x, dtype=float) + delta, L)
    scale = 2.0 ** (np.arange(1, L + 1) + 1)[:, None] * delta
    return 0.5 - (b - a) / scale


def binary_digits(k: np.ndarray, M: int, L: int) -> np.ndarray:
    """Digits ``b_1 … b_L`` of ``x = k/2^M`` (integer arithmetic), shape ``(L, n)``."""
    shifts = (M - np.arange(1, L + 1))[:, None]
    return ((np.asarray(k, dtype=np.int64)[None, :] >> shifts) & 1).astype(float)


@dataclass(frozen=True)
class Viral:
    """The viral fractal property measured for one ``f`` and ``L`` (see :func:`viral`)."""

    label: str
    f: ReLUNetwork
    comp: PiecewiseLinear  # f∘Δ^L, exact
    dev_exact: float  # max |f(Δ^L(x)) − f(⟨2^L x⟩)| over every knot of comp
    dev_direct: float  # the composed network, evaluated directly
    direct_points: int
    pieces: int
    formula: int
    f_pieces: int


def viral(name: str, L: int, saw: PiecewiseLinear) -> Viral:
    """003, §4.1 application 3: f∘Δ^L = f(⟨2^L x⟩) for f symmetric about ½ — 2^L copies.

    ``saw`` is Δ^L's exact form.  The composition is carried exactly (every knot, via the
    preimages of f's kinks — Lemma 4.11(3)) and compared with the right-hand side at every
    knot; the composed network f∘Δ^L is also evaluated directly, on a dyadic grid and on
    random points (seeded by L).  The library's f have dyadic knots and values, so the
    knots of the composition are dyadic and its piece count is exact.
    """
    label, f = symmetric(name)
    comp = compose_pl(f, saw)
    dev_exact = max(  # in blocks, as copies_form (the largest difference is the same)
        float(np.max(np.abs(comp.y[i : i + EVAL_BLOCK] - copies_form(f, x, L))))
        for i in range(0, comp.x.size, EVAL_BLOCK)
        for x in [comp.x[i : i + EVAL_BLOCK]]
    )
    f_pl = networks.breakpoints(f)
    whole = networks.compose(f, sawtooth(L))
    rng = np.random.default_rng(L)
    xs = np.concatenate([np.linspace(0.0, 1.0, 4097), rng.uniform(0.0, 1.0, 4096)])
    direct = networks.evaluate(whole, xs)
    dev_direct = float(np.max(np.abs(direct - copies_form(f, xs, L))))
    return Viral(
        label,
        f,
        comp,
        dev_exact,
        dev_direct,
        int(xs.size),
        comp.pieces(),
        viral_pieces_formula(f_pl, L),
        f_pl.pieces(),
    )


def compose_window(
    outer: ReLUNetwork, inner: PiecewiseLinear, lo: float, hi: float
) -> PiecewiseLinear:
    """:func:`compose_pl` on the pieces of ``inner`` that meet ``[lo, hi]`` (from the knot
    at or before ``lo`` to the knot at or after ``hi``): the exact knots of ``outer ∘ inner``
    there, at a cost proportional to the window's knots."""
    i0 = max(int(np.searchsorted(inner.x, lo, side="right")) - 1, 0)
    i1 = min(int(np.searchsorted(inner.x, hi, side="left")) + 1, inner.x.size)
    return compose_pl(outer, PiecewiseLinear(inner.x[i0:i1], inner.y[i0:i1]))


@dataclass(frozen=True)
class Bits:
    """Bit extraction checked on points ``x = k/2^L`` (see :func:`bit_check`)."""

    k: np.ndarray
    x: np.ndarray
    got: np.ndarray  # (L, n) bits read off the slopes
    errors: int


def bit_check(L: int, max_points: int) -> Bits:
    """003, §4.1 application 4: every digit of x = k/2^L from the slopes of Δ^ℓ, against
    integer arithmetic, for every k (or an even spread of ``max_points`` of them)."""
    M = L
    n = 2**L
    k = (
        np.arange(n)
        if n <= max_points
        else np.unique(np.linspace(0, n - 1, max_points).astype(np.int64))
    )
    x = np.ldexp(k.astype(float), -M)
    got = extract_bits(x, L, M)
    want = binary_digits(k, M, L)
    return Bits(k, x, got, int(np.count_nonzero(got != want)))


def image_of_intervals(
    f_pl: PiecewiseLinear, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``f([a_j, b_j]) = [lo_j, hi_j]`` for a continuous piecewise-linear ``f`` and intervals
    inside its domain, exactly: the extremes of ``f`` on an interval are at its ends or at
    ``f``'s knots inside it.

    With ``[a_j, b_j]`` the exact range of ``Δ^L`` over a pixel column, this is the exact
    range of ``f∘Δ^L`` there — the envelope of the composition without its knots.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    fa, fb = f_pl(a), f_pl(b)
    lo, hi = np.minimum(fa, fb), np.maximum(fa, fb)
    for c, v in zip(f_pl.x, f_pl.y, strict=True):
        inside = (a <= c) & (c <= b)
        lo = np.where(inside, np.minimum(lo, v), lo)
        hi = np.where(inside, np.maximum(hi, v), hi)
    return lo, hi
