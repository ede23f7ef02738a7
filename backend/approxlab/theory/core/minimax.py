"""Best uniform polynomial approximation on a finite set: the discrete Remez exchange.

``E_k(X) = min_{deg p ≤ k} max_{x ∈ X} |g(x) − p(x)|`` on a finite sorted set ``X`` is found by
Stiefel's single-point exchange: solve for the polynomial that equioscillates with levelled
error ``h`` on a reference of ``k + 2`` points, then swap in the point of largest error so
that signs still alternate.  ``|h|`` increases strictly and the set is finite, so it ends at
the optimum.  De la Vallée Poussin's theorem gives the certified bracket
``min_ref |g − p| ≤ E_k(X) ≤ max_X |g − p|`` when the errors alternate in sign on the
reference (polynomials satisfy the Haar condition on distinct points); the exchange stops
when ``max_X |g − p| ≤ (1 + 10⁻¹²)·|h|``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import chebyshev

#: Most exchange steps (each O(|X|·k)); convergence takes a handful for k ≤ 3.
MAX_STEPS = 200
#: The bracket is closed when max error ≤ (1 + this)·|h|.
RTOL = 1e-12


@dataclass(frozen=True)
class Minimax:
    lower: float  # min |error| on the alternating reference: certified lower bound on E_k(X)
    upper: float  # max_X |g − p| of the returned polynomial: an upper bound on E_k(X)
    coef: np.ndarray  # Chebyshev coefficients of p in t = 2x − 1 (x ∈ [0, 1])
    steps: int

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return chebyshev.chebval(2.0 * np.asarray(x, dtype=float) - 1.0, self.coef)


def best_polynomial(x: np.ndarray, y: np.ndarray, k: int) -> Minimax:
    """Best degree-``k`` uniform approximation of ``y`` on the sorted points ``x`` ⊂ [0, 1]."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n, m = x.size, k + 2
    V = chebyshev.chebvander(2.0 * x - 1.0, k)  # well-conditioned basis on [0, 1]
    if n <= k + 1:  # interpolation
        coef = np.linalg.lstsq(V, y, rcond=None)[0]
        return Minimax(0.0, float(np.max(np.abs(V @ coef - y), initial=0.0)), coef, 0)
    # initial reference: the grid points nearest to the Chebyshev extrema
    ref = np.unique(np.rint((1 - np.cos(np.pi * np.arange(m) / (m - 1))) / 2 * (n - 1)))
    ref = ref.astype(np.int64)
    if ref.size < m:  # few points: spread evenly
        ref = np.linspace(0, n - 1, m).round().astype(np.int64)
    alt = (-1.0) ** np.arange(m)
    coef, h, err = np.zeros(k + 1), 0.0, y.copy()
    for step in range(1, MAX_STEPS + 1):
        A = np.column_stack([V[ref], alt])
        sol = np.linalg.solve(A, y[ref])
        coef, h = sol[:-1], float(sol[-1])
        err = y - V @ coef
        i = int(np.argmax(np.abs(err)))
        if np.abs(err[i]) <= abs(h) * (1.0 + RTOL) + 1e-300 or i in ref:
            return Minimax(_vallee_poussin(err[ref]), float(np.abs(err[i])), coef, step)
        s = np.sign(err[i])
        p = int(np.searchsorted(ref, i))
        ref = ref.copy()
        if p == 0:
            if np.sign(err[ref[0]]) == s:
                ref[0] = i
            else:
                ref = np.concatenate([[i], ref[:-1]])
        elif p == m:
            if np.sign(err[ref[-1]]) == s:
                ref[-1] = i
            else:
                ref = np.concatenate([ref[1:], [i]])
        else:  # exactly one neighbour has the sign of err[i]
            ref[p - 1 if np.sign(err[ref[p - 1]]) == s else p] = i
    return Minimax(_vallee_poussin(err[ref]), float(np.max(np.abs(err))), coef, MAX_STEPS)


def _vallee_poussin(e: np.ndarray) -> float:
    """de la Vallée Poussin: if the errors at k + 2 increasing points alternate in sign, every
    degree-k polynomial has error at least min |eᵢ| on them; otherwise certify nothing."""
    s = np.sign(e)
    if np.all(s != 0) and np.all(s[1:] == -s[:-1]):
        return float(np.min(np.abs(e)))
    return 0.0
