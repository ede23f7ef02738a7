"""Activation functions by name, as exported networks carry them (``"activation"``).

One table for the whole app: evaluation of exported networks (notebooks, tests), and the
NumPy / PyTorch snippets a user downloads.  ``threshold`` is the notes' ``1[z ≥ 0]``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "threshold": lambda z: (z >= 0).astype(float),
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),
    "tanh": np.tanh,
    "softplus": lambda z: np.logaddexp(0.0, z),
    "exp": np.exp,
    "cos": np.cos,
    "identity": lambda z: z,
    "square": lambda z: z * z,
    "cube": lambda z: z * z * z,
}


def activation(name: str) -> Callable[[np.ndarray], np.ndarray]:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}") from None


def forward(layers: list[tuple[np.ndarray, np.ndarray]], name: str, x: np.ndarray) -> np.ndarray:
    """Evaluate ``z ↦ W_L σ(… σ(W_1 z + b_1) …) + b_L`` on inputs ``x`` of shape ``(n,)`` or
    ``(n, d)``; returns ``(n,)`` for one output, else ``(n, out)``."""
    sigma = activation(name)
    x = np.asarray(x, dtype=float)
    z = x[None, :] if x.ndim == 1 else x.T
    for i, (W, b) in enumerate(layers):
        z = np.asarray(W, dtype=float) @ z + np.asarray(b, dtype=float)[:, None]
        if i < len(layers) - 1:
            z = sigma(z)
    return z[0] if z.shape[0] == 1 else z.T
