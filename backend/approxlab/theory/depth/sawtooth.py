"""Depth constructions of seed 003, chapter 4: the triangle map Δ and its powers.

``Δ(x) = 2σ_r(x) − 4σ_r(x − 1/2) + 2σ_r(x − 1)`` (3 nodes, 2 layers).  ``Δ^L`` is built by
composing the network with itself (:func:`approxlab.theory.core.networks.compose`), which merges
the inner output layer into the next input layer: L + 1 affine maps and 3L ReLU nodes.
The notes count every Δ as 2 layers ("3 nodes and 2 layers for each new power"), i.e.
2L layers for Δ^L; :func:`sawtooth_layers_notes` gives that count.
"""

from __future__ import annotations

import numpy as np

from approxlab.theory.core.networks import ReLUNetwork, compose, layer


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
