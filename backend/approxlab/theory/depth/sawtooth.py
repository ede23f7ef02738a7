"""Depth constructions of seed 003, chapter 4: the triangle map Δ and its powers.

``Δ(x) = 2σ_r(x) − 4σ_r(x − 1/2) + 2σ_r(x − 1)`` (3 nodes, 2 layers).  ``Δ^L`` is built by
composing the network with itself (:func:`approxlab.theory.core.networks.compose`), which merges
the inner output layer into the next input layer: L + 1 affine maps and 3L ReLU nodes.
The notes count every Δ as 2 layers ("3 nodes and 2 layers for each new power"), i.e.
2L layers for Δ^L; :func:`sawtooth_layers_notes` gives that count.

Exactness: every weight and bias of Δ^L is a dyadic rational (1, ½, 2, 4), its knots are
``k/2^L`` and its values 0 or 1, so every float64 operation of the breakpoint propagation
(products, sums, the crossing ``t₀ + v₀/(v₀ − v₁)·(t₁ − t₀)``) has a dyadic result with far
fewer than 53 significant bits and is exact: the piece counts are exact, not merely
tolerant (``tests/theory/depth/test_sawtooth.py`` compares them with rational arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.networks import PiecewiseLinear, ReLUNetwork, compose, layer


def triangle() -> ReLUNetwork:
    """Δ as a ReLU network: 3 hidden nodes, 2 layers (seed 003, §4.1)."""
    return [
        layer([[1.0], [1.0], [1.0]], [0.0, -0.5, -1.0]),
        layer([[2.0, -4.0, 2.0]], [0.0]),
    ]


def sawtooth(L: int) -> ReLUNetwork:
    """Δ^L = Δ ∘ … ∘ Δ (L times) as one ReLU network (L + 1 affine maps, 3L nodes)."""
    if L < 1:
        raise ValueError("L must be at least 1")
    net = triangle()
    for _ in range(L - 1):
        net = compose(triangle(), net)
    return net


def sawtooth_layers_notes(L: int) -> int:
    """Layers of Δ^L in the notes' count: 2 per factor Δ (Theorem 4.4: Δ^{L²+2} has 2L²+4)."""
    return 2 * L


def triangle_closed_form(x: np.ndarray) -> np.ndarray:
    """Δ(x) = 2x on [0, 1/2), 2 − 2x on [1/2, 1), 0 otherwise."""
    x = np.asarray(x, dtype=float)
    return np.where((x >= 0) & (x < 0.5), 2 * x, np.where((x >= 0.5) & (x < 1), 2 - 2 * x, 0.0))


def fractional_part(x: np.ndarray) -> np.ndarray:
    """⟨x⟩ = x − ⌊x⌋."""
    return x - np.floor(x)


def sawtooth_fractal_form(x: np.ndarray, L: int) -> np.ndarray:
    """Right-hand side of Proposition 4.1: Δ(⟨2^{L−1} x⟩)."""
    return triangle_closed_form(fractional_part(np.ldexp(np.asarray(x, dtype=float), L - 1)))


@dataclass(frozen=True)
class Measured:
    """Δ^L read off its network (Proposition 4.1).

    ``exact`` is the network's exact piecewise-linear form on [0, 1]; ``pieces_by_power``
    the exact piece counts of Δ^1 … Δ^L, counted on the way through the network;
    ``dev_propagated`` / ``dev_direct`` are ``max |Δ^L(x) − Δ(⟨2^{L−1}x⟩)|`` over every
    exact knot and over ``direct_points`` knots at which the network is evaluated directly.
    """

    exact: PiecewiseLinear
    pieces_by_power: list[int]
    dev_propagated: float
    dev_direct: float
    direct_points: int


@lru_cache(maxsize=8)
def measure(L: int, direct_knots: int) -> Measured:
    """Propagate the knots of Δ^L's network exactly and check Proposition 4.1.

    After layer ℓ the first unit's pre-activation is Δ^ℓ itself (the merged weights feed
    Δ^ℓ(x) − 0 into it), so every power is counted on the way.  Both sides of the fractal
    identity are piecewise linear with knots among the exact knots, so the maximum over
    the knots is the maximum over [0, 1].  Up to ``direct_knots`` knots the network is also
    evaluated directly at every knot; beyond it, at an evenly spread subset of that size.
    Cached (a few values of L: Δ^20 has a million knots and takes ~0.5 s to propagate), so
    zooming into a window only slices the exact knots.
    """
    net = sawtooth(L)
    pieces_by_power: list[int] = []
    final: PiecewiseLinear | None = None
    for li, t, pre in networks.propagate(net, (0.0, 1.0)):
        if li == 0:
            continue
        pl = PiecewiseLinear(t, pre[0])
        pieces_by_power.append(pl.pieces())
        final = pl
    assert final is not None
    rhs = sawtooth_fractal_form(final.x, L)
    dev_propagated = float(np.max(np.abs(final.y - rhs)))
    sub = np.unique(
        np.linspace(0, final.x.size - 1, min(final.x.size, direct_knots)).astype(np.int64)
    )
    direct = networks.evaluate(net, final.x[sub])
    dev_direct = float(np.max(np.abs(direct - rhs[sub])))
    return Measured(final, pieces_by_power, dev_propagated, dev_direct, int(sub.size))


def pieces_in(pl: PiecewiseLinear, lo: float, hi: float) -> int:
    """Affine pieces of ``pl`` that meet the open window ``(lo, hi)``: its true breakpoints
    strictly inside, plus one (only the window's knots are examined)."""
    i0 = max(int(np.searchsorted(pl.x, lo, side="right")) - 1, 0)
    i1 = min(int(np.searchsorted(pl.x, hi, side="left")) + 1, pl.x.size)
    bp = PiecewiseLinear(pl.x[i0:i1], pl.y[i0:i1]).breakpoints()
    return int(np.count_nonzero((bp > lo) & (bp < hi))) + 1
