"""Exact sums of ReLU ridge terms on the unit circle (seed 003, chapter 3, with d = 2).

On the unit circle ``x(φ) = (cos φ, sin φ)`` every sum

    S(φ) = Σ_j c_j · 1[p_jᵀx(φ) ≥ 0] · q_jᵀx(φ)

is a *piecewise sinusoid*: unit ``j`` is active on the closed half circle
``[ψ_j − π/2, ψ_j + π/2]`` (``ψ_j`` the angle of ``p_j``), so between consecutive switching
angles ``S(φ) = A cos φ + B sin φ`` with constant ``(A, B)``.  Sorting the ``2n`` switching
angles and taking cumulative sums gives all arcs in O(n log n); on each arc the maximum of
``|A cos φ + B sin φ|`` is at an end or at the phase ``atan2(B, A)`` (mod π), so the
supremum over the whole circle is computed exactly — no grid.

This covers the two-layer networks of chapter 3 restricted to a circle: ``F(x; V)`` is the
sum with ``p_j = q_j = v_j``, ``c_j = a_j`` (since ``σ(z) = 1[z ≥ 0]·z``); its Taylor
expansion ``F₀(x; V)`` (Definition 3.1) is the sum with pattern ``p_j = v_{0,j}`` and
coefficient ``q_j = v_j``.  Differences of such sums are again such sums (concatenate the
terms, negate the coefficients), so gaps like ``F − F₀`` get exact suprema too.  For
``d > 2``, restrict to the great circle through two orthonormal directions by projecting
``p_j`` and ``q_j`` onto them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TWO_PI = 2.0 * np.pi
HALF_PI = 0.5 * np.pi


@dataclass(frozen=True)
class CircleSum:
    """A piecewise sinusoid on ``[0, 2π]``: ``A[k] cos φ + B[k] sin φ`` on arc ``k``.

    ``knots`` (``K + 1`` angles, ``0 = knots[0] ≤ … ≤ knots[K] = 2π``) bound the arcs; arc
    ``k`` is ``[knots[k], knots[k+1]]``.  Where a sum jumps (``p_j ≠ q_j``, as in ``F₀``),
    its value at the switching angle is one of the two one-sided limits, so the supremum
    of ``|S|`` is the maximum over the closed arcs; evaluation at a knot uses the arc to
    its right.  ``ck``, ``sk`` are the cosines and sines of the knots (computed from the
    rows, without trigonometry, when the sum is built).
    """

    knots: np.ndarray
    A: np.ndarray
    B: np.ndarray
    ck: np.ndarray
    sk: np.ndarray

    def __call__(self, phi: np.ndarray) -> np.ndarray:
        phi = np.mod(np.asarray(phi, dtype=float), TWO_PI)
        k = np.clip(np.searchsorted(self.knots, phi, side="right") - 1, 0, self.A.size - 1)
        return self.A[k] * np.cos(phi) + self.B[k] * np.sin(phi)

    def sup_abs(self) -> tuple[float, float]:
        """``(sup_φ |S(φ)|, an angle where it is attained)`` — exact over the circle."""
        return _sup_abs(self.knots, self.ck, self.sk, self.A, self.B)

    def arcs(self) -> int:
        return int(self.A.size)


def _sup_abs(
    knots: np.ndarray, ck: np.ndarray, sk: np.ndarray, A: np.ndarray, B: np.ndarray
) -> tuple[float, float]:
    """Exact ``max |A_k cos φ + B_k sin φ|`` over the closed arcs ``[knots[k], knots[k+1]]``.

    Every arc is at most a half circle (each unit switches at two antipodal angles), so
    the sinusoid has an interior extremum (of size ``R = √(A² + B²)``) exactly when its
    derivative ``−A sin φ + B cos φ`` changes sign across the arc.
    """
    if A.size == 1:  # no switching: one sinusoid over the whole circle
        return float(np.hypot(A[0], B[0])), float(np.mod(np.arctan2(B[0], A[0]), TWO_PI))
    v_lo = np.abs(A * ck[:-1] + B * sk[:-1])
    v_hi = np.abs(A * ck[1:] + B * sk[1:])
    d_lo = B * ck[:-1] - A * sk[:-1]
    d_hi = B * ck[1:] - A * sk[1:]
    peak = np.where(d_lo * d_hi < 0.0, np.hypot(A, B), 0.0)
    cand = np.stack([v_lo, v_hi, peak])
    kind, k = np.unravel_index(int(np.argmax(cand)), cand.shape)
    if kind == 0:
        angle = knots[k]
    elif kind == 1:
        angle = knots[k + 1]
    else:  # the extremum of A cos φ + B sin φ inside arc k: φ = χ or χ + π
        chi = np.arctan2(B[k], A[k])
        angle = knots[k] + np.mod(chi - knots[k], np.pi)
    return float(cand[kind, k]), float(np.mod(angle, TWO_PI))


@dataclass(frozen=True)
class Pattern:
    """The sorted switching events of activation patterns ``1[p_jᵀx ≥ 0]`` — shared by every
    sum with these patterns (e.g. ``F(x; V₀)`` and ``F₀(x; V)``, both switching with V₀)."""

    n: int
    angles: np.ndarray  # sorted event angles in [0, 2π)
    term: np.ndarray  # the term switching at each event
    sign: np.ndarray  # +1 where it switches on, −1 where it switches off
    ck: np.ndarray  # cos and sin of the event angles
    sk: np.ndarray
    active0: np.ndarray  # (n,) active at φ = 0


def pattern(p: np.ndarray) -> Pattern:
    """Events of the rows ``p_j ∈ R²``: unit ``j`` is on over ``[ψ_j − π/2, ψ_j + π/2]``.
    One O(n log n) sort of the angles ψ_j; rows ``p = 0`` are on everywhere."""
    p = np.asarray(p, dtype=float).reshape(-1, 2)
    n = p.shape[0]
    x, y = np.ascontiguousarray(p[:, 0]), np.ascontiguousarray(p[:, 1])
    zero = (x == 0.0) & (y == 0.0)
    if zero.any():
        moving = np.flatnonzero(~zero)
        x, y = x[moving], y[moving]
    else:
        moving = None
    psi = np.arctan2(y, x)
    first = np.argsort(psi)  # after this sort the event lists below are made of 4
    psi = psi[first]  # ascending runs, which the stable (run-merging) sort orders
    ids = first if moving is None else moving[first]  # in linear time
    r = np.hypot(x, y)[first]
    cpsi = x[first] / r
    spsi = y[first] / r
    m = ids.size
    angles = np.empty(2 * m)
    np.subtract(psi, HALF_PI, out=angles[:m])
    np.add(psi, HALF_PI, out=angles[m:])
    np.mod(angles, TWO_PI, out=angles)
    # on at φ = 0 iff its half circle [enter, leave] wraps through 0 — decided from the
    # rounded event angles themselves, so the running sums stay consistent
    active0 = zero.copy()
    active0[ids] = angles[:m] > angles[m:]
    order = np.argsort(angles, kind="stable")
    enter = order < m
    return Pattern(
        n=n,
        angles=angles[order],
        term=ids[np.where(enter, order, order - m)],
        sign=np.where(enter, 1.0, -1.0),
        ck=np.concatenate([spsi, -spsi])[order],  # cos(ψ ∓ π/2) = ±sin ψ
        sk=np.concatenate([-cpsi, cpsi])[order],  # sin(ψ ∓ π/2) = ∓cos ψ
        active0=active0,
    )


def sum_over(pat: Pattern, q: np.ndarray, c: np.ndarray) -> CircleSum:
    """``φ ↦ Σ_j c_j 1[p_jᵀx(φ) ≥ 0] q_jᵀx(φ)`` for the patterns ``pat`` of the rows p_j."""
    q = np.asarray(q, dtype=float).reshape(-1, 2)
    c = np.broadcast_to(np.asarray(c, dtype=float), (pat.n,))
    wa, wb = c * q[:, 0], c * q[:, 1]
    A0 = float(wa[pat.active0].sum())
    B0 = float(wb[pat.active0].sum())
    A = np.empty(pat.angles.size + 1)
    B = np.empty(pat.angles.size + 1)
    A[0], B[0] = A0, B0
    np.cumsum(pat.sign * wa[pat.term], out=A[1:])
    np.cumsum(pat.sign * wb[pat.term], out=B[1:])
    A[1:] += A0
    B[1:] += B0
    return CircleSum(
        knots=np.concatenate([[0.0], pat.angles, [TWO_PI]]),
        A=A,
        B=B,
        ck=np.concatenate([[1.0], pat.ck, [1.0]]),
        sk=np.concatenate([[0.0], pat.sk, [0.0]]),
    )


def relu_sum(p: np.ndarray, q: np.ndarray, c: np.ndarray) -> CircleSum:
    """``φ ↦ Σ_j c_j 1[p_jᵀx(φ) ≥ 0] q_jᵀx(φ)`` for rows ``p_j, q_j ∈ R²`` as a CircleSum.

    Rows with ``p_j = 0`` are active everywhere (``1[0 ≥ 0] = 1``).  O(n log n).
    """
    return sum_over(pattern(p), q, c)


def difference(s1: CircleSum, s2: CircleSum) -> CircleSum:
    """``s1 − s2`` on the merged arcs (a linear-time merge of the two sorted knot lists).

    Exact up to the rounding of the two running sums, which can cancel: when few terms
    differ, summing only those (e.g. :func:`relu_sum` of the differing rows) is more
    accurate."""
    k1, k2 = s1.knots[1:-1], s2.knots[1:-1]
    n1, n2 = k1.size, k2.size
    pos1 = np.arange(n1) + np.searchsorted(k2, k1, side="left")  # ties: s1's knot first
    pos2 = np.arange(n2) + np.searchsorted(k1, k2, side="right")
    from1 = np.zeros(n1 + n2, dtype=bool)
    from1[pos1] = True
    i1 = np.concatenate([[0], np.cumsum(from1)])
    i2 = np.arange(n1 + n2 + 1) - i1

    def merged(a: np.ndarray, b: np.ndarray, end: float, start: float) -> np.ndarray:
        out = np.empty(n1 + n2 + 2)
        out[0], out[-1] = start, end
        out[1:-1][pos1] = a[1:-1]
        out[1:-1][pos2] = b[1:-1]
        return out

    return CircleSum(
        knots=merged(s1.knots, s2.knots, TWO_PI, 0.0),
        A=s1.A[i1] - s2.A[i2],
        B=s1.B[i1] - s2.B[i2],
        ck=merged(s1.ck, s2.ck, 1.0, 1.0),
        sk=merged(s1.sk, s2.sk, 0.0, 0.0),
    )


def network_sum(V: np.ndarray, a: np.ndarray) -> CircleSum:
    """``F(x; V) = Σ_j a_j σ(v_jᵀx)`` on the unit circle (``V`` has 2 columns)."""
    return relu_sum(V, V, a)


def circle_points(phi: np.ndarray) -> np.ndarray:
    """``x(φ) = (cos φ, sin φ)`` as rows."""
    phi = np.asarray(phi, dtype=float)
    return np.stack([np.cos(phi), np.sin(phi)], axis=-1)
