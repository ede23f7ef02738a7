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

import numpy as np

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
