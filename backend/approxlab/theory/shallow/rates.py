"""Linear against nonlinear approximation: uniform and free knots (seed 004, approximation
spaces — uniform dyadic against free-knot piecewise polynomials).

A continuous piecewise-linear function with ``N`` pieces on [0, 1] is a one-hidden-layer ReLU
network with ``N`` units (:func:`interpolant_network`).  Two ways of choosing its knots:

- **uniform knots** ``k/N`` — a *linear* method (the approximants form a vector space);
- **free knots** placed for the target — *nonlinear* approximation.

The approximants here are the *interpolants* of ``g`` at their knots, and the error is the
exact sup norm: on every cell the target is concave (``x^α``) or convex (the kink), so
``sup |g − chord|`` is attained where ``g′`` equals the chord's slope (or at the kink), a
point in closed form (:meth:`Power.chord_error`, :meth:`Kink.chord_error`) — no grid.

**Free knots: the equidistributed interpolant.**  The free knots make every cell carry the
same sup error ``E_N``.  For ``g`` convex or concave the chord error ``e(a, b)`` of a cell is
continuous, increasing in ``b`` and decreasing in ``a`` (a sub-interval's chord lies between
the larger chord and ``g``).  Then the equidistributed interpolant is the *best interpolant
with N pieces*: the greedy mesh at level ``E`` (each knot as far right as ``e ≤ E`` allows)
stays ahead of every mesh of error ≤ ``E`` (induction with the two monotonicities), the
equidistributed mesh is the greedy mesh at ``E_N``, and greedy at any ``E′ < E_N`` falls
strictly behind it at every knot, so needs more than ``N`` pieces.  Hence
``E_N ≤ E_uniform(N)`` at every ``N`` (the uniform mesh is one of the meshes).  It is *not*
claimed to be the best piecewise-linear approximant: an approximant need not interpolate.
On a cell where ``g`` is convex or concave the best affine approximation has exactly half
the chord's error, so the best approximant with ``N`` pieces on the same knots — or on any
knots — has sup error between ``E/2`` and ``E``: the rates are those of the best
approximants.

**Rates.**  Uniform: for ``x^α`` every cell ``[kh, (k+1)h]`` has error ``h^α·e(k, k+1)``
(scale invariance) and ``e(k, k+1)`` decreases in ``k``, so ``E_uniform(N) = c_α N^{−α}``
exactly, ``c_α = e(0, 1) = α^{α/(1−α)}(1 − α)``.  For the kink ``|x − c| + (x − c)²`` the
cell holding the kink has error ``2θ(1−θ)h + θ(1−θ)h²`` (θ the kink's relative position in
its cell), the others ``h²/4``: the rate is ``N^{−1}``.  Free: de Boor's asymptotics
``N²E_N → L = (∫₀¹ √|g″|)²/8`` (``(1 − α)/(2α)`` for ``x^α``; ``1/4`` for the kink, which
costs one piece), the rate ``N^{−2}`` of a smooth function — ``x^α`` lies in the
approximation space of free-knot piecewise-linear functions of order 2 although it is only
in Lip α (004: adaptive piecewise polynomials ↔ Besov spaces ``B^α_τ``, ``1/τ = α + 1/p``).

**How the free knots are computed.**

- ``x^α``: scale invariance makes the greedy mesh universal.  With ``τ_1 = 1`` and
  ``e(τ_{k−1}, τ_k) = e(0, τ_1) = c_α`` for ``k ≥ 2``, the N-piece equidistributed mesh is
  ``t_k = τ_k/τ_N`` with ``E_N = c_α τ_N^{−α}`` (one sequence gives every ``N``).  The
  equations ``α log τ_k + log ε(τ_{k−1}/τ_k) = log c_α`` (``ε(ρ) = e(ρ, 1)``) form a lower
  bidiagonal system, solved by Newton's method; each Newton step is a first-order linear
  recurrence with positive coefficients, solved in closed form by cumulative products and
  sums (vectorized), from the start ``τ_k = (k(k+1)/2)^{1/α}`` (exact for α = ½).
  Convergence is quadratic down to the rounding floor of the chord errors.
- the kink: off the kink ``g″ = 2``, so every cell without the kink has error ``h²/4`` and
  equidistribution makes those cells equally long.  With ``i`` cells of length ``h`` left
  of the kink's cell and ``N − 1 − i`` right of it, the kink's cell is
  ``[c − p, c + q]``, ``p = c − ih``, ``q = 1 − c − (N − 1 − i)h``, and
  ``F(h) = e(c − p, c + q) − h²/4`` decreases strictly in ``h`` (the cell shrinks): bisection
  on this monotone function, vectorized over every split ``i`` and every ``N``.  A split
  whose root would need ``p < 0`` or ``q < 0`` is infeasible; the equidistributed mesh is
  unique, and the smallest root over the feasible splits is taken.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.core.errors import UNIT_ROUNDOFF
from approxlab.theory.core.fits import log_log_fit
from approxlab.theory.core.networks import ReLUNetwork

#: Newton steps for the power's universal mesh (quadratic convergence: ~5 reach the floor).
NEWTON_STEPS = 12
#: Bisection steps for the kink's mesh (each halves the bracket of h; 2⁻⁶⁰ < one ulp).
BISECTION_STEPS = 60
#: The kink's position (a third: powers of two never put a knot on it).
KINK = 1.0 / 3.0


@dataclass(frozen=True)
class Power:
    """``g(x) = x^α`` on [0, 1], 0 < α < 1: concave, in Lip α and no better at 0."""

    alpha: float

    @property
    def label(self) -> str:
        return f"x^{self.alpha:g}"

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.power(np.asarray(x, dtype=float), self.alpha)

    def chord_error(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``sup_{[a,b]} (g − chord)`` (0 ≤ a < b): attained where ``g′ = `` the chord's slope
        ``s``, i.e. at ``x* = (s/α)^{1/(α−1)}``."""
        al = self.alpha
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        ga, gb = np.power(a, al), np.power(b, al)
        s = (gb - ga) / (b - a)
        xs = np.clip(np.power(s / al, 1.0 / (al - 1.0)), a, b)
        return np.power(xs, al) - ga - s * (xs - a)

    def _chord_error_parts(self, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``ε(ρ) = e(ρ, 1)`` and ``ε′(ρ)`` (envelope theorem: only the chord moves)."""
        al = self.alpha
        e = self.chord_error(rho, np.ones_like(rho))
        s = (1.0 - np.power(rho, al)) / (1.0 - rho)
        xs = np.clip(np.power(s / al, 1.0 / (al - 1.0)), rho, 1.0)
        de = -(al * np.power(rho, al - 1.0) - s) * (1.0 - xs) / (1.0 - rho)
        return e, de

    @property
    def first_cell_constant(self) -> float:
        """``c_α = e(0, 1) = α^{α/(1−α)}(1 − α)``: the error of the chord on [0, h] is c_α h^α."""
        al = self.alpha
        return al ** (al / (1.0 - al)) * (1.0 - al)

    @property
    def asymptotic_constant(self) -> float:
        """de Boor's ``L = (∫₀¹ √|g″|)²/8 = (1 − α)/(2α)``."""
        return (1.0 - self.alpha) / (2.0 * self.alpha)

    @property
    def uniform_rate(self) -> float:
        return -self.alpha


@dataclass(frozen=True)
class Kink:
    """``g(x) = |x − c| + (x − c)²`` on [0, 1]: convex, smooth except for a kink at ``c``."""

    c: float = KINK

    label = "|x − ⅓| + (x − ⅓)²"

    def __call__(self, x: np.ndarray) -> np.ndarray:
        u = np.asarray(x, dtype=float) - self.c
        return np.abs(u) + u * u

    def chord_error(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``sup_{[a,b]} (chord − g)``: at the kink (when the chord's slope ``s`` is a
        subgradient there, ``|s| ≤ 1``) or where ``g′ = 2u ± 1 = s``."""
        ua = np.asarray(a, dtype=float) - self.c
        ub = np.asarray(b, dtype=float) - self.c
        ga, gb = np.abs(ua) + ua * ua, np.abs(ub) + ub * ub
        s = (gb - ga) / (ub - ua)
        cand = np.stack(
            [
                np.clip(0.0, ua, ub),
                np.clip((s - 1.0) / 2.0, np.maximum(ua, 0.0), np.maximum(ub, 0.0)),
                np.clip((s + 1.0) / 2.0, np.minimum(ua, 0.0), np.minimum(ub, 0.0)),
            ]
        )
        cand = np.clip(cand, ua, ub)
        err = ga + s * (cand - ua) - (np.abs(cand) + cand * cand)
        return np.max(err, axis=0)

    @property
    def asymptotic_constant(self) -> float:
        """``L = (∫√|g″|)²/8`` over the smooth part, ``g″ = 2``: ``2/8 = 1/4``."""
        return 0.25

    @property
    def uniform_rate(self) -> float:
        return -1.0


Target = Power | Kink


def uniform_knots(n: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, n + 1)


def cell_errors(g: Target, knots: np.ndarray) -> np.ndarray:
    """Exact sup error of the interpolant on each cell ``[t_k, t_{k+1}]``."""
    return g.chord_error(knots[:-1], knots[1:])


# ----------------------------------------------------------------------- free knots


@lru_cache(maxsize=32)
def _power_sequence(alpha: float, m: int) -> np.ndarray:
    """The universal greedy mesh ``τ_0 = 0, τ_1 = 1, …, τ_m`` of ``x^α`` (see the module
    docstring): Newton on the bidiagonal system, each step a closed-form linear recurrence."""
    g = Power(alpha)
    c = g.first_cell_constant
    k = np.arange(1, m + 1, dtype=float)
    u = np.log(k * (k + 1.0) / 2.0) / alpha  # u_k = log τ_k, u_1 = 0
    best = math.inf
    for _ in range(NEWTON_STEPS):
        if m < 2:
            break
        rho = np.exp(u[:-1] - u[1:])
        e, de = g._chord_error_parts(rho)
        F = alpha * u[1:] + np.log(e) - math.log(c)
        res = float(np.max(np.abs(F)))
        if res >= best / 2:  # the rounding floor of the chord errors is reached
            break
        best = res
        A = rho * de / e  # ∂F_k/∂u_{k−1} < 0
        B = alpha - A  # ∂F_k/∂u_k > 0
        logP = np.cumsum(np.log(-A / B))  # δ_k = a_k δ_{k−1} + c_k, a_k = −A_k/B_k > 0
        P = np.exp(logP)
        step = P * np.cumsum((-F / B) / P)
        t = 1.0
        while True:  # damping keeps the mesh increasing (never needed from this start)
            new = u.copy()
            new[1:] += t * step
            if np.all(np.diff(new) > 0):
                break
            t /= 2.0
        u = new
    return np.concatenate([[0.0], np.exp(u)])


def _power_free(g: Power, ns: np.ndarray) -> list[np.ndarray]:
    tau = _power_sequence(g.alpha, int(max(ns)))
    return [tau[: n + 1] / tau[n] for n in ns]


def _kink_free(g: Kink, ns: np.ndarray) -> list[np.ndarray]:
    """Equidistributed meshes of the kink for every ``N`` in ``ns``, one vectorized bisection
    over all (N, split) pairs."""
    c = g.c
    lanes_n = np.repeat(ns, ns)  # N per lane
    lanes_i = np.concatenate([np.arange(n) for n in ns])  # cells left of the kink's cell
    lanes_j = lanes_n - 1 - lanes_i
    with np.errstate(divide="ignore"):
        hmax = np.minimum(
            np.where(lanes_i > 0, c / np.maximum(lanes_i, 1), np.inf),
            np.where(lanes_j > 0, (1.0 - c) / np.maximum(lanes_j, 1), np.inf),
        )
    hmax = np.where(np.isfinite(hmax), hmax, 1.0)  # N = 1: no smooth cell, h is irrelevant

    def excess(h: np.ndarray) -> np.ndarray:
        p = np.maximum(c - lanes_i * h, 0.0)
        q = np.maximum(1.0 - c - lanes_j * h, 0.0)
        return g.chord_error(c - p, c + q) - h * h / 4.0

    # a root at the end of the bracket puts the kink on a knot (N a multiple of 3): allow
    # the rounding of F there (values ≤ 2, a handful of operations)
    feasible = excess(hmax) <= 32.0 * UNIT_ROUNDOFF
    lo, hi = np.zeros_like(hmax), hmax.copy()
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        pos = excess(mid) > 0.0
        lo = np.where(pos, mid, lo)
        hi = np.where(pos, hi, mid)
    h = hi
    out = []
    start = 0
    for n in ns:
        sl = slice(start, start + n)
        start += n
        if n == 1:
            out.append(np.array([0.0, 1.0]))
            continue
        ok = np.flatnonzero(feasible[sl])
        best = ok[np.argmin(h[sl][ok])]
        hb, i = float(h[sl][best]), int(lanes_i[sl][best])
        j = n - 1 - i
        left = hb * np.arange(i + 1)
        right = 1.0 - hb * np.arange(j, -1, -1)
        out.append(np.concatenate([left, right]))
    return out


def free_knots(g: Target, ns: np.ndarray | list[int]) -> list[np.ndarray]:
    """The equidistributed N-piece meshes (knots ``0 = t_0 < … < t_N = 1``) for each N."""
    ns = np.asarray(ns, dtype=np.int64)
    if isinstance(g, Power):
        return _power_free(g, ns)
    return _kink_free(g, ns)


# --------------------------------------------------------------------------- networks


def interpolant_network(g: Target, knots: np.ndarray) -> ReLUNetwork:
    """The interpolant of ``g`` at ``knots`` as a one-hidden-layer ReLU network with one unit
    per piece, anchored at the right end:
    ``f(x) = g(1) − Σ_{k=1}^{N} b_k σ(t_k − x)``, ``b_k = s_{k−1} − s_k`` (``s_N = 0``,
    ``s_k`` the slope on piece ``k``), so the slope on ``[t_k, t_{k+1}]`` is
    ``Σ_{j>k} b_j = s_k``.  Anchoring at the right keeps the steep first pieces of ``x^α``
    (slopes up to ~10¹⁵) from cancelling against each other: unit ``k`` is off right of
    ``t_k``, and left of it contributes ``b_k·(t_k − x)``, bounded by the rise of ``g``."""
    t = np.asarray(knots, dtype=float)
    y = g(t)
    s = np.append(np.diff(y) / np.diff(t), 0.0)
    b = s[:-1] - s[1:]
    n = t.size - 1
    return [
        (-np.ones((n, 1)), t[1:].copy()),
        (-b[None, :], np.array([y[-1]])),
    ]


# ------------------------------------------------------------------------------ rates


@dataclass(frozen=True)
class Sweep:
    """Sup errors of the uniform and the free-knot interpolants at the pieces ``n``."""

    n: np.ndarray
    uniform: np.ndarray
    free: np.ndarray
    #: max − min of the free mesh's cell errors at each N (0 up to rounding).
    spread: np.ndarray


def sweep(g: Target, ns: np.ndarray) -> Sweep:
    ns = np.asarray(ns, dtype=np.int64)
    uni = np.array([cell_errors(g, uniform_knots(int(n))).max() for n in ns])
    free_e = [cell_errors(g, t) for t in free_knots(g, ns)]
    free = np.array([e.max() for e in free_e])
    spread = np.array([e.max() - e.min() for e in free_e])
    return Sweep(ns, uni, free, spread)


def fitted_rate(n: np.ndarray, err: np.ndarray) -> float:
    """Least-squares slope of ``log err`` against ``log n``."""
    return log_log_fit(n, err).slope


def slope_sensitivity(n: np.ndarray) -> float:
    """``Σ|xᵢ − x̄| / Σ(xᵢ − x̄)²`` (``x = log n``): a least-squares slope moves by at most
    this times the largest change of any ``yᵢ``."""
    x = np.log(np.asarray(n, dtype=float))
    xc = x - x.mean()
    return float(np.sum(np.abs(xc)) / np.sum(xc * xc))


def rate_rounding(n: np.ndarray) -> float:
    """Rounding allowance of a fitted slope whose ``log err`` are each within ``64u`` (the
    chord errors carry a few ulps of relative error; ``log`` adds one)."""
    return 64.0 * UNIT_ROUNDOFF * slope_sensitivity(n)


def kink_uniform_rate_interval(n_min: int) -> tuple[float, float]:
    """The kink at ⅓ sits at relative position ⅓ or ⅔ of its cell when ``N`` is a power of
    two, so ``E_uniform(N) = (4/9)/N + (2/9)/N²`` and the local slope
    ``−(1 + 1/N)/(1 + 1/(2N))`` lies in ``[−1 − 1/(2N), −1]``; a least-squares slope is a
    positive average of secant slopes, each a local slope (mean value theorem)."""
    return -1.0 - 1.0 / (2.0 * n_min), -1.0


def free_rate_tolerance(n: np.ndarray, free: np.ndarray, limit: float) -> float:
    """Room for the fitted free-knot slope around −2, from de Boor's asymptotics.

    ``log E_N = log L − 2 log N + log r_N`` with ``r_N = N²E_N/L → 1``.  While ``r_N``
    approaches 1 monotonically from its value at the first ``N`` of the fit, every
    ``log r_N`` lies within ``|log r_{N₁}|`` of ``log r_{N₁}``… and of 0, so the fitted slope
    is within ``|log r_{N₁}|·Σ|xᵢ − x̄|/(2Σ(xᵢ − x̄)²)`` of −2 (centre the residuals at the
    middle of the band)."""
    r1 = float(n[0]) ** 2 * float(free[0]) / limit
    return abs(math.log(r1)) / 2.0 * slope_sensitivity(n)


def kink_free_bounds(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``1/(4N²) ≤ E_N ≤ 1/(4(N − 1)²)`` for the kink (N ≥ 2): the equidistributed mesh has
    ``N − 1`` cells of length ``h`` (error ``h²/4``) and the kink's cell of length
    ``ℓ ≤ h`` (its error, at least that of ``(x − c)²`` alone, ``ℓ²/4``, equals ``h²/4``),
    so ``(N − 1)h ≤ 1 ≤ Nh``."""
    n = np.asarray(n, dtype=float)
    return 1.0 / (4.0 * n * n), 1.0 / (4.0 * (n - 1.0) ** 2)


def secant_interval(n: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[float, float]:
    """Where a least-squares slope of ``log E`` against ``log n`` can lie when
    ``lower_i ≤ E_i ≤ upper_i``: it is a positive average of the secant slopes, and each
    secant slope lies between its two extreme values."""
    x = np.log(np.asarray(n, dtype=float))
    i, j = np.triu_indices(x.size, 1)
    dx = x[j] - x[i]
    lo = (np.log(lower[j]) - np.log(upper[i])) / dx
    hi = (np.log(upper[j]) - np.log(lower[i])) / dx
    return float(lo.min()), float(hi.max())


#: Pieces of the sweep: powers of two; the rates are fitted from FIT_FROM on.
SWEEP = 2 ** np.arange(0, 11)
FIT_FROM = 64


@dataclass(frozen=True)
class Measurement:
    """Everything the scene shows for one target and one ``N``."""

    target: Target
    n: int
    sweep: Sweep
    uniform_knots: np.ndarray
    free_knots: np.ndarray
    uniform_cells: np.ndarray
    free_cells: np.ndarray
    rate_uniform: float
    rate_free: float
    #: Where the theory puts the fitted rates: ``(lo, hi)`` intervals.
    uniform_interval: tuple[float, float]
    free_interval: tuple[float, float]
    rate_rounding: float

    @property
    def error_uniform(self) -> float:
        return float(self.uniform_cells.max())

    @property
    def error_free(self) -> float:
        return float(self.free_cells.max())

    @property
    def fit_n(self) -> np.ndarray:
        return self.sweep.n[self.sweep.n >= FIT_FROM]


@lru_cache(maxsize=64)
def _sweep(g: Target) -> Sweep:
    return sweep(g, SWEEP)


def measure(g: Target, n: int) -> Measurement:
    """Sweep N = 1, 2, 4, …, 1024, the meshes at ``n``, the fitted rates and where the theory
    puts them: ``−α`` exactly for ``x^α`` on uniform knots; ``[−1 − 1/(2N₁), −1]`` for the
    kink on uniform knots (:func:`kink_uniform_rate_interval`); around −2 for free knots,
    by :func:`free_rate_tolerance` (``x^α``) or :func:`secant_interval` of
    :func:`kink_free_bounds` (the kink)."""
    sw = _sweep(g)
    fit = sw.n >= FIT_FROM
    nf = sw.n[fit]
    uk, fk = uniform_knots(n), free_knots(g, [n])[0]
    ru, rf = fitted_rate(nf, sw.uniform[fit]), fitted_rate(nf, sw.free[fit])
    if isinstance(g, Power):
        ui = (-g.alpha, -g.alpha)
        tol = free_rate_tolerance(nf, sw.free[fit], g.asymptotic_constant)
        fi = (-2.0 - tol, -2.0 + tol)
    else:
        ui = kink_uniform_rate_interval(int(nf[0]))
        fi = secant_interval(nf, *kink_free_bounds(nf))
    return Measurement(
        g,
        n,
        sw,
        uk,
        fk,
        cell_errors(g, uk),
        cell_errors(g, fk),
        ru,
        rf,
        ui,
        fi,
        rate_rounding(nf),
    )
