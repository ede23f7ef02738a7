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
    its right.
    """

    knots: np.ndarray
    A: np.ndarray
    B: np.ndarray

    def __call__(self, phi: np.ndarray) -> np.ndarray:
        phi = np.mod(np.asarray(phi, dtype=float), TWO_PI)
        k = np.clip(np.searchsorted(self.knots, phi, side="right") - 1, 0, self.A.size - 1)
        return self.A[k] * np.cos(phi) + self.B[k] * np.sin(phi)

    def sup_abs(self) -> tuple[float, float]:
        """``(sup_φ |S(φ)|, an angle where it is attained)`` — exact over the circle."""
        return _sup_abs(self.knots, np.cos(self.knots), np.sin(self.knots), self.A, self.B)

    def arcs(self) -> int:
        return int(self.A.size)


def _sup_abs(
    knots: np.ndarray, ck: np.ndarray, sk: np.ndarray, A: np.ndarray, B: np.ndarray
) -> tuple[float, float]:
    """Exact ``max |A_k cos φ + B_k sin φ|`` over the closed arcs ``[knots[k], knots[k+1]]``.

    Every arc is at most a half circle (each unit switches at two antipodal angles), so
    the sinusoid has an interior extremum (of size ``R = √(A² + B²)``) exactly when its
    derivative ``−A sin φ + B cos φ`` changes sign across the arc.  ``ck``, ``sk`` are the
    cosines and sines of the knots.
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
class _Events:
    """The sorted switching events of a sum's terms."""

    angles: np.ndarray
    term: np.ndarray  # index of the term switching
    da: np.ndarray  # change of A at the event
    db: np.ndarray
    w: np.ndarray  # (n, 2) per-term contributions c_j q_j
    active0: np.ndarray  # terms active at φ = 0


def _events(p: np.ndarray, q: np.ndarray, c: np.ndarray) -> _Events:
    p = np.asarray(p, dtype=float).reshape(-1, 2)
    q = np.asarray(q, dtype=float).reshape(-1, 2)
    c = np.broadcast_to(np.asarray(c, dtype=float), (p.shape[0],))
    w = c[:, None] * q  # each term's (A, B) contribution while active
    zero = (p[:, 0] == 0.0) & (p[:, 1] == 0.0)
    moving = np.flatnonzero(~zero)
    psi = np.arctan2(p[moving, 1], p[moving, 0])
    first = np.argsort(psi)  # one O(n log n) sort; the event lists below are then
    psi = psi[first]  # made of 4 ascending runs, which the stable (run-merging) sort
    ids = moving[first]  # orders in linear time
    enter = np.mod(psi - HALF_PI, TWO_PI)
    leave = np.mod(psi + HALF_PI, TWO_PI)
    # active at φ = 0 iff its half circle [enter, leave] wraps through 0 — decided from the
    # rounded event angles themselves, so the running sum stays consistent
    active0 = zero.copy()  # rows p = 0 are active everywhere
    active0[ids] = enter > leave
    angles = np.concatenate([enter, leave])
    order = np.argsort(angles, kind="stable")
    wa, wb = w[ids, 0], w[ids, 1]
    return _Events(
        angles=angles[order],
        term=np.concatenate([ids, ids])[order],
        da=np.concatenate([wa, -wa])[order],
        db=np.concatenate([wb, -wb])[order],
        w=w,
        active0=active0,
    )


def _assemble(angles, da, db, A0: float, B0: float):
    A = np.concatenate([[A0], A0 + np.cumsum(da)])
    B = np.concatenate([[B0], B0 + np.cumsum(db)])
    return np.concatenate([[0.0], angles, [TWO_PI]]), A, B


def relu_sum(p: np.ndarray, q: np.ndarray, c: np.ndarray) -> CircleSum:
    """``φ ↦ Σ_j c_j 1[p_jᵀx(φ) ≥ 0] q_jᵀx(φ)`` for rows ``p_j, q_j ∈ R²`` as a CircleSum.

    Rows with ``p_j = 0`` are active everywhere (``1[0 ≥ 0] = 1``).  O(n log n).
    """
    ev = _events(p, q, c)
    A0 = float(ev.w[ev.active0, 0].sum())
    B0 = float(ev.w[ev.active0, 1].sum())
    knots, A, B = _assemble(ev.angles, ev.da, ev.db, A0, B0)
    return CircleSum(knots=knots, A=A, B=B)


def network_sum(V: np.ndarray, a: np.ndarray) -> CircleSum:
    """``F(x; V) = Σ_j a_j σ(v_jᵀx)`` on the unit circle (``V`` has 2 columns)."""
    return relu_sum(V, V, a)


def circle_points(phi: np.ndarray) -> np.ndarray:
    """``x(φ) = (cos φ, sin φ)`` as rows."""
    phi = np.asarray(phi, dtype=float)
    return np.stack([np.cos(phi), np.sin(phi)], axis=-1)
