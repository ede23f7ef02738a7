"""Parity on the hypercube from Δ (seed 003, Proposition 4.1, application 2).

For ``x ∈ {±1}^d``, ``d = 2^L``, with ``k`` entries equal to −1: ``Σ_i x_i = d − 2k`` and
``u := (d + Σ_i x_i)/(2d) = 1 − k/d = (d − k)/2^L``.  By Proposition 4.1,
``Δ^L(j/2^L) = Δ(⟨j/2⟩)`` is 1 for odd ``j`` and 0 for even ``j``, and ``d − k ≡ k`` (mod 2),
so ``Δ^L(u) = [k odd]`` and

    ``∏_i x_i = (−1)^k = 1 − 2Δ^L((d + Σ_i x_i)/(2d))``.

The printed identity ``∏_i x_i = Δ^{L−1}((d + Σ_i x_i)/(2d))`` fails: ``Δ^{L−1}`` at
``j/2^L`` is ``Δ(⟨j/4⟩) ∈ {0, ½, 1, ½}`` (it sees ``k mod 4``, not the parity), and its
values lie in ``[0, 1]``, never −1 — e.g. ``d = 2``, ``x = (1, −1)`` gives ``½`` for ``−1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.networks import ReLUNetwork, compose, layer
from approxlab.theory.depth.sawtooth import sawtooth


def hypercube(d: int) -> np.ndarray:
    """All ``2^d`` points of ``{±1}^d`` as rows (row ``k`` has bit ``j`` of ``k`` → −1)."""
    k = np.arange(2**d, dtype=np.int64)
    bits = (k[:, None] >> np.arange(d, dtype=np.int64)[None, :]) & 1
    return 1.0 - 2.0 * bits


def _mean_map(d: int) -> ReLUNetwork:
    """The affine input map ``x ↦ (d + Σ_i x_i)/(2d)``."""
    return [layer(np.full((1, d), 1.0 / (2 * d)), [0.5])]


def parity_network(L: int) -> ReLUNetwork:
    """``x ↦ 1 − 2Δ^L((d + Σx_i)/(2d))`` on ``ℝ^d``, ``d = 2^L``: 3L nodes, L + 1 affine maps.

    The input average is merged into Δ's first layer and ``1 − 2(·)`` into the last.
    """
    d = 2**L
    net = compose(sawtooth(L), _mean_map(d))
    return compose([layer([[-2.0]], [1.0])], net)


def printed_parity_network(L: int) -> ReLUNetwork:
    """The printed formula ``x ↦ Δ^{L−1}((d + Σx_i)/(2d))`` as a network (Δ^0 = identity)."""
    d = 2**L
    return _mean_map(d) if L == 1 else compose(sawtooth(L - 1), _mean_map(d))


def distinct(k: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs (k, v): what 2^d markers would draw, without sending 2^d points."""
    z = np.unique(k + 1j * v)
    return z.real, z.imag


@dataclass(frozen=True)
class Evaluation:
    """Both networks on all of {±1}^d, summarised by k = number of −1 entries."""

    points: int
    max_error: float
    printed_wrong: int
    printed_max_error: float
    by_k: tuple[np.ndarray, np.ndarray]  # distinct (k, network output)
    by_k_printed: tuple[np.ndarray, np.ndarray]
    err_by_k: tuple[np.ndarray, np.ndarray]
    err_by_k_printed: tuple[np.ndarray, np.ndarray]
    at_k: np.ndarray  # network output for k = 0 … d


@cache
def evaluate_all(L: int) -> Evaluation:
    """Evaluate the corrected and the printed network on all 2^d points (cached: 4 values)."""
    d = 2**L
    X = hypercube(d)  # all 2^d points
    target = np.prod(X, axis=1)
    out = networks.evaluate(parity_network(L), X)
    out_printed = networks.evaluate(printed_parity_network(L), X)
    err = np.abs(out - target)
    printed_err = np.abs(out_printed - target)
    # by the number k of −1 entries (the networks only see Σx = d − 2k)
    k = np.count_nonzero(X < 0, axis=1)
    rep = np.argsort(k, kind="stable")[np.searchsorted(np.sort(k), np.arange(d + 1))]
    return Evaluation(
        points=int(X.shape[0]),
        max_error=float(err.max()),
        printed_wrong=int(np.count_nonzero(printed_err)),
        printed_max_error=float(printed_err.max()),
        by_k=distinct(k, out),
        by_k_printed=distinct(k, out_printed),
        err_by_k=distinct(k, err),
        err_by_k_printed=distinct(k, printed_err),
        at_k=out[rep],
    )
