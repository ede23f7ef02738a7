"""Multiplication gives polynomials (seed 003, §4.3; the product network of Corollary 4.3).

A polynomial ``p(x) = a_n x^n + … + a_1 x + a_0`` of degree ``n ≤ 8`` is computed on
``[0, 1]`` by Horner's rule

    ``v_n = a_n,  v_m = v_{m+1}·x + a_m  (m = n − 1, …, 0),  p = v_0``,

with every multiplication ``v_{m+1}·x`` done by the product network ``g_i`` of Corollary 4.3
(corrected form ``g_i(u, x) = 2(h_i((u+x)/2) − h_i(u/2) − h_i(x/2))``, see
:mod:`approxlab.theory.depth.product`).  The first step ``v_{n−1} = a_n x + a_{n−1}`` is
affine and needs no product, so a degree-``n`` polynomial costs ``n − 1`` products.

**Rescaling into the product's domain.**  ``g_i`` approximates ``ux`` only for
``u, x ∈ [0, 1]``, while ``v_m`` has any sign.  With an explicit scale ``S_m ≥ |v̂_m|`` on
``[0, 1]`` (``v̂`` the network's value), ``u = (v̂_m + S_m)/(2S_m) ∈ [0, 1]`` and

    ``v̂_m·x = (2S_m u − S_m)·x = 2S_m·(ux) − S_m x``,

so the network computes ``P_m(v̂_m, x) = 2S_m g_i(u, x) − S_m x`` and
``v̂_{m−1} = P_m + a_{m−1}``.  Stage ``m`` is one block of layers: the affine map
``(v, x) ↦ (u, x, x)``, the shared-carry product network ``g_i`` (10i nodes, running sum
carried as ``σ(a)`` — exact since every partial sum ``g_l(u, x) ≥ 0``) with ``x`` riding
along every hidden layer as ``σ(x) = x`` (``x ≥ 0``, 1 node per layer), and the affine map
``(g, x) ↦ (2S_m g − S_m x + a_{m−1}, x)`` merged into the next stage's first map.  Nodes:
``11i`` per product, ``11i(n − 1)`` in all; ``i(n − 1) + 1`` affine maps.

**Error propagation (the bound).**  Write ``ε_i = 4^{−i}`` (Corollary 4.3:
``|g_i − ux| ≤ ε_i`` on ``[0, 1]²``) and ``e_m = v̂_m − v_m``.  Then ``e_{n−1} = 0`` and

    ``e_{m−1} = (P_m − v̂_m x) + (v̂_m − v_m)·x = 2S_m(g_i(u, x) − ux) + e_m·x``,

so with ``0 ≤ x ≤ 1``: ``|e_{m−1}| ≤ 2S_m ε_i + |e_m|``.  Later multiplications multiply an
earlier error by ``x`` — a growth factor ``≤ 1`` on ``[0, 1]`` — so the errors add:

    ``E_{n−1} = 0,  E_{m−1} = E_m + 2S_m ε_i,  sup_{[0,1]} |f − p| ≤ E_0 = 2ε_i Σ_{m=1}^{n−1} S_m``.

The scales must dominate the network's values, not only the exact ones:
``|v̂_m| ≤ |v_m| + |e_m| ≤ A_m + E_m`` with ``A_m = sup_{[0,1]} |v_m|`` (computed exactly:
at ``0``, ``1`` and the real roots of ``v_m′`` in between), so ``S_m = (A_m + E_m)(1 + 2^{−20})``
(the factor keeps ``u`` inside ``[0, 1]`` against rounding) is valid by induction from
``m = n − 1`` down.  The notes print no statement for polynomials; the nearest, Lemma 5.4
(monomials, ``|mono_{k,r} − x^α| ≤ r·4^{−k}``), summed over coefficients would give
``Σ_j |a_j|·j·4^{−i}`` for a network of ``n`` separate monomial chains — Horner shares one
chain, and its bound is the ``E_0`` above (verified on the built networks in the tests).

**Exact sup.**  The network ``f`` is piecewise linear with exact breakpoints
(:func:`approxlab.theory.core.networks.breakpoints`).  On a piece with slope ``s`` the error
``p − f`` is a polynomial whose extremes are at the piece's ends or at the roots of
``p′ − s``.  The pieces are split further at the roots of ``p″`` (computed once), so on each
sub-interval ``p′ − s`` is monotone and has at most one root, found by vectorized bisection
(:data:`BISECTIONS` steps: the root to ``2^{−32}`` of the sub-interval; as ``(p − f)′ = 0``
there, the value is off by ``½ max|p″|·δ²`` — below the rounding allowance).  Every
candidate is evaluated: :func:`sup_error` is the exact sup up to rounding.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from approxlab.theory.core import envelopes, networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork
from approxlab.theory.depth import product

#: Largest degree, and the bounds on the typed coefficients.
MAX_DEGREE = 8
MAX_COEFFICIENT = 1000.0
MAX_TEXT = 200
#: Scales are inflated by this relative margin so that u stays in [0, 1] against rounding.
SCALE_MARGIN = 2.0**-20
#: Bisection steps per critical point (see the module docstring).
BISECTIONS = 32

#: Presets: (label, coefficients a_n, …, a_0 — highest degree first).
PRESETS: dict[str, tuple[str, str]] = {
    "square": ("x²", "1, 0, 0"),
    "cubic": ("x³ − x/2", "1, 0, -0.5, 0"),
    "chebyshev4": ("T₄(2x − 1) = 128x⁴ − 256x³ + 160x² − 32x + 1", "128, -256, 160, -32, 1"),
    "bernstein": ("20x³(1 − x)³ (a bump)", "-20, 60, -60, 20, 0, 0, 0"),
    "power8": ("x⁸", "1, 0, 0, 0, 0, 0, 0, 0, 0"),
}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class CoefficientError(ValueError):
    """The coefficient text is not a list of at most 9 bounded numbers."""


def parse_coefficients(text: str) -> tuple[float, ...]:
    """``"a_n, …, a_0"`` (highest degree first) → the coefficients, leading zeros dropped.

    Strict: comma-separated decimal numbers (``1``, ``-0.5``, ``.25``, ``3e-2``; the minus
    sign ``−`` is accepted), at most ``MAX_DEGREE + 1`` of them, each of magnitude at most
    ``MAX_COEFFICIENT``.  Nothing is evaluated.  An all-zero list is the zero polynomial
    ``(0.0,)``.
    """
    if len(text) > MAX_TEXT:
        raise CoefficientError(f"at most {MAX_TEXT} characters")
    parts = [s.strip().replace("−", "-") for s in text.split(",")]
    if not parts or parts == [""]:
        raise CoefficientError("type the coefficients a_n, …, a_0, separated by commas")
    if len(parts) > MAX_DEGREE + 1:
        raise CoefficientError(
            f"at most {MAX_DEGREE + 1} coefficients (degree ≤ {MAX_DEGREE}); got {len(parts)}"
        )
    out = []
    for k, s in enumerate(parts, 1):
        if not _NUMBER.fullmatch(s):
            raise CoefficientError(f"coefficient {k} ({s!r}) is not a number")
        a = float(s)
        if not math.isfinite(a) or abs(a) > MAX_COEFFICIENT:
            raise CoefficientError(
                f"coefficient {k} ({s}) is larger than {MAX_COEFFICIENT:g} in magnitude"
            )
        out.append(a + 0.0)  # no negative zeros
    while len(out) > 1 and out[0] == 0.0:
        out.pop(0)
    return tuple(out)


def format_polynomial(a: tuple[float, ...]) -> str:
    """``(1, 0, -0.5, 0)`` → ``"x³ − 0.5x"`` (words for plot titles and notes)."""
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    n = len(a) - 1
    terms = []
    for k, c in enumerate(a):
        d = n - k
        if c == 0.0:
            continue
        mag = abs(c)
        num = "" if (mag == 1.0 and d > 0) else f"{mag:g}"
        var = "" if d == 0 else ("x" if d == 1 else "x" + str(d).translate(sup))
        sign = "−" if c < 0 else "+"
        terms.append((sign, num + var))
    if not terms:
        return "0"
    first = ("−" if terms[0][0] == "−" else "") + terms[0][1]
    return " ".join([first] + [f"{s} {t}" for s, t in terms[1:]])


# ------------------------------------------------------------------ scales and bound


def horner_values(a: tuple[float, ...]) -> list[np.ndarray]:
    """Coefficients (highest first) of the Horner values ``v_m``, ``m = n, n − 1, …, 0``."""
    v = [np.array([a[0]])]
    for c in a[1:]:
        v.append(np.append(v[-1], c))  # v·x + c
    return v


def sup_abs(c: np.ndarray) -> float:
    """``sup_{[0,1]} |q|`` for the polynomial with coefficients ``c`` (highest first): at
    ``0``, ``1`` and the real roots of ``q′`` in ``(0, 1)``."""
    pts = [0.0, 1.0]
    if c.size > 2:
        r = np.roots(np.polyder(c))
        r = r.real[(np.abs(r.imag) <= 1e-9) & (r.real > 0) & (r.real < 1)]
        pts += list(r)
    return float(np.max(np.abs(np.polyval(c, np.array(pts)))))


@dataclass(frozen=True)
class Plan:
    """The explicit scales of the Horner network and the error bound.

    ``scales[k]``, ``sups[k]``, ``errs[k]`` belong to the product of stage ``k`` (``k = 0`` is
    the first product, multiplying ``v_{n−1}``): ``S``, ``A = sup|v|`` and ``E``, the bound
    on ``|v̂ − v|`` entering it.  ``bound`` is ``E_0``.
    """

    coefficients: tuple[float, ...]
    i: int
    scales: tuple[float, ...]
    sups: tuple[float, ...]
    errs: tuple[float, ...]
    bound: float

    @property
    def degree(self) -> int:
        return len(self.coefficients) - 1

    @property
    def products(self) -> int:
        return max(self.degree - 1, 0)


def plan(a: tuple[float, ...], i: int) -> Plan:
    """Scales ``S_m = (A_m + E_m)(1 + margin)`` and ``E_{m−1} = E_m + 2S_m·4^{−i}``."""
    eps = product.product_bound(i)
    vals = horner_values(a)
    n = len(a) - 1
    scales, sups, errs = [], [], []
    E = 0.0
    for m in range(n - 1, 0, -1):  # products multiply v_m, m = n − 1 … 1
        A = sup_abs(vals[n - m])
        S = max((A + E) * (1.0 + SCALE_MARGIN), 2.0**-30)
        scales.append(S)
        sups.append(A)
        errs.append(E)
        E = E + 2.0 * S * eps
    return Plan(tuple(a), i, tuple(scales), tuple(sups), tuple(errs), E)


def nodes_formula(degree: int, i: int) -> int:
    """Hidden nodes of the Horner network: ``11i`` per product, ``n − 1`` products."""
    return 11 * i * max(degree - 1, 0)


def monomial_bound(a: tuple[float, ...], i: int) -> float:
    """Lemma 5.4 summed over the coefficients: ``Σ_j |a_j|·j·4^{−i}`` (separate monomial
    chains, each ``x^j`` within ``j·4^{−i}``) — for comparison with Horner's bound."""
    n = len(a) - 1
    return float(sum(abs(c) * (n - k) for k, c in enumerate(a)) * product.product_bound(i))


# ------------------------------------------------------------------------ the network


def product_block(i: int) -> ReLUNetwork:
    """``(u, x, y) ↦ (g_i(u, x), y)``: the shared-carry product network (10i nodes) with
    ``y`` carried along every hidden layer as ``σ(y)`` (``y ≥ 0``)."""
    g = product.product_skip_network(i).flatten("nonneg")
    return product.carry_alongside(g, 1, carry="nonneg")


@cache
def horner_network(a: tuple[float, ...], i: int) -> ReLUNetwork:
    """The ReLU network computing ``p`` approximately on ``[0, 1]`` by Horner's rule (see the
    module docstring); one input, one output, ``11i(n − 1)`` nodes.  Degree ≤ 1: the affine
    map itself (exact)."""
    pl_ = plan(a, i)
    n = pl_.degree
    if n <= 1:
        c1 = a[0] if n == 1 else 0.0
        c0 = a[-1]
        return [(np.array([[c1]]), np.array([c0]))]
    net: ReLUNetwork = [(np.array([[a[0]], [1.0]]), np.array([a[1], 0.0]))]  # (v_{n−1}, x)
    block = product_block(i)
    for k, S in enumerate(pl_.scales):
        last = k == len(pl_.scales) - 1
        c = a[k + 2]  # the coefficient added after this product
        into = [(np.array([[0.5 / S, 0.0], [0.0, 1.0], [0.0, 1.0]]), np.array([0.5, 0.0, 0.0]))]
        if last:
            out = [(np.array([[2.0 * S, -S]]), np.array([c]))]
        else:
            out = [(np.array([[2.0 * S, -S], [0.0, 1.0]]), np.array([c, 0.0]))]
        stage = networks.compose(out, networks.compose(block, into))
        net = networks.compose(stage, net)
    return net


@dataclass(frozen=True)
class Trace:
    """Horner's rule with ``g_i`` evaluated stage by stage (not as one network) at points
    ``x``: per product, the Horner value entering it (``v``, network; ``v_exact``, exact),
    its rescaled input ``u`` and the product's error ``P − v·x``; and the result."""

    v: list[np.ndarray]
    v_exact: list[np.ndarray]
    u: list[np.ndarray]
    product_error: list[np.ndarray]
    f: np.ndarray


def horner_trace(a: tuple[float, ...], i: int, x: np.ndarray) -> Trace:
    """The computation of :func:`horner_network`, one product network call per stage — a
    reference for the one-network build and for every step of the error derivation."""
    x = np.asarray(x, dtype=float)
    pl_ = plan(a, i)
    c = np.asarray(a, dtype=float)
    if pl_.degree <= 1:
        return Trace([], [], [], [], np.polyval(c, x))
    g = product.product_skip_network(i).flatten("nonneg")
    vals = horner_values(a)
    v = a[0] * x + a[1]
    vs, ves, us, pes = [], [], [], []
    for k, S in enumerate(pl_.scales):
        u = (v + S) / (2.0 * S)
        P = 2.0 * S * networks.evaluate(g, np.stack([u, x], 1)) - S * x
        vs.append(v)
        ves.append(np.polyval(vals[k + 1], x))
        us.append(u)
        pes.append(P - v * x)
        v = P + a[k + 2]
    return Trace(vs, ves, us, pes, v)


# ------------------------------------------------------------------ exact sup error


def _poly(a: tuple[float, ...]) -> np.ndarray:
    return np.asarray(a, dtype=float)


def critical_points(a: tuple[float, ...], pl: PiecewiseLinear) -> np.ndarray:
    """Every point of ``(0, 1)`` where ``p − f`` may have an interior extreme on a piece of
    the piecewise-linear ``f``: the roots of ``p″`` and, on each sub-interval where ``p′`` is
    monotone, the root of ``p′ − slope`` (vectorized bisection)."""
    c = _poly(a)
    if c.size <= 2:  # p affine: p − f affine on every piece
        return np.empty(0)
    d1 = np.polyder(c)
    r2 = np.empty(0)
    if c.size > 3:
        r = np.roots(np.polyder(d1))
        r2 = np.unique(r.real[(np.abs(r.imag) <= 1e-9) & (r.real > 0) & (r.real < 1)])
    x0, x1 = float(pl.x[0]), float(pl.x[-1])
    pts = np.unique(np.concatenate([pl.x, r2[(r2 > x0) & (r2 < x1)]]))
    lo, hi = pts[:-1], pts[1:]
    piece = np.clip(np.searchsorted(pl.x, lo, side="right") - 1, 0, pl.x.size - 2)
    s = pl.slopes()[piece]
    dlo, dhi = np.polyval(d1, lo) - s, np.polyval(d1, hi) - s
    br = (dlo * dhi) < 0
    lo, hi, s, slo = lo[br], hi[br], s[br], np.sign(dlo[br])
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        left = np.sign(np.polyval(d1, mid) - s) == slo
        lo = np.where(left, mid, lo)
        hi = np.where(left, hi, mid)
    return np.concatenate([r2, 0.5 * (lo + hi)])


def error_at(a: tuple[float, ...], pl: PiecewiseLinear, t: np.ndarray) -> np.ndarray:
    """``f(t) − p(t)`` (network minus polynomial) from the exact form of ``f``."""
    return pl(t) - np.polyval(_poly(a), t)


def sup_error(a: tuple[float, ...], pl: PiecewiseLinear) -> tuple[float, float]:
    """``sup_{[0,1]} |f − p|`` and where, exactly (up to rounding): over all knots and
    critical points (:func:`critical_points`)."""
    cand = np.concatenate([pl.x, critical_points(a, pl)])
    err = np.abs(error_at(a, pl, cand))
    k = int(np.argmax(err))
    return float(err[k]), float(cand[k])


def allowance(a: tuple[float, ...], i: int, bound: float) -> float:
    """Rounding allowance of the measured sup: evaluating ``p`` (Horner, ``2n`` roundings of
    numbers ``≤ Σ|a_j|``) and the network's exact form (certified to a few ulps per layer of
    values ``≤ Σ|a_j| + bound``, scaled by the stage factors ``2S``)."""
    total = float(np.sum(np.abs(a))) + bound
    n = len(a) - 1
    return rounding_allowance(total, ops=8 * (n + 1) * (i + 2))


def error_range(
    a: tuple[float, ...], pl: PiecewiseLinear, crit: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per column ``[edges_c, edges_{c+1}]``: the exact range ``(min, max)`` of ``f − p``
    (its extremes lie at column ends, knots or critical points — all evaluated)."""
    cand = np.sort(np.concatenate([pl.x, crit]))
    return envelopes.column_range(lambda x: error_at(a, pl, x), cand, edges)


def error_curve(
    a: tuple[float, ...], pl: PiecewiseLinear, crit: np.ndarray, lo: float, hi: float, per: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, f(x) − p(x))`` on ``[lo, hi]`` at every knot and critical point and ``per``
    equal steps of every piece (drawn when the window holds few pieces)."""
    return envelopes.sampled_curve(lambda x: error_at(a, pl, x), pl, crit, lo, hi, per)


# ------------------------------------------------------------------ measured (scene)


@dataclass(frozen=True)
class Measured:
    """Everything the scene reports for one ``(p, i)``, read off the built network."""

    plan: Plan
    pl: PiecewiseLinear
    crit: np.ndarray
    sup: float
    argsup: float
    nodes: int
    affine_maps: int
    pieces: int
    tolerance: float


@cache
def measure(a: tuple[float, ...], i: int) -> Measured:
    """Build the network for ``(p, i)``, its exact form, and the exact sup error (cached)."""
    pl_ = plan(a, i)
    net = horner_network(a, i)
    pl = networks.breakpoints(net)
    crit = critical_points(a, pl)
    cand = np.concatenate([pl.x, crit])
    err = np.abs(error_at(a, pl, cand))
    k = int(np.argmax(err))
    return Measured(
        pl_,
        pl,
        crit,
        float(err[k]),
        float(cand[k]),
        networks.hidden_nodes(net),
        len(net),
        pl.pieces(),
        allowance(a, i, pl_.bound),
    )
