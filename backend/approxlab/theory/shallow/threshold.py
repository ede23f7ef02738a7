"""Shallow constructions of seed 003, chapter 2.

:func:`threshold_network` is the proof of Proposition 2.1: grid ``[0, 1]`` at spacing
``ε/ρ`` and stack one threshold "brick" per grid point.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from approxlab.theory.core.threshold_networks import ThresholdNetwork

Fn = Callable[[np.ndarray], np.ndarray]


def threshold_width(rho: float, eps: float) -> int:
    """m = ⌈ρ/ε⌉ threshold nodes (Proposition 2.1); at least one."""
    return max(1, math.ceil(rho / eps))


def threshold_network(g: Fn, rho: float, eps: float) -> ThresholdNetwork:
    """Proposition 2.1 (seed 003): a 2-layer threshold network with ⌈ρ/ε⌉ nodes.

    Biases ``b_i = (i − 1)ε/ρ`` for ``i = 1..m``, outer weights ``a_1 = g(b_1)``,
    ``a_i = g(b_i) − g(b_{i−1})``, and ``f(x) = Σ_i a_i·1[x − b_i ≥ 0]``; by telescoping
    ``f = g(b_k)`` on ``[b_k, b_{k+1})``, so ``sup_{[0,1]} |f − g| ≤ ρ·ε/ρ = ε`` when ``g`` is
    ρ-Lipschitz.  (The printed proof writes ``1[x_i ≥ b_i]`` and sums from ``i = 0``; both
    are typos for ``1[x ≥ b_i]`` and ``i = 1``.)
    """
    m = threshold_width(rho, eps)
    # a constant g (ρ = 0) needs one node, f ≡ g(0), and has no error
    b = np.arange(m) * (eps / rho) if rho > 0 else np.zeros(1)
    gb = g(b)
    a = np.diff(gb, prepend=0.0)
    return ThresholdNetwork(w=np.ones(m), b=-b, a=a, c=0.0)
