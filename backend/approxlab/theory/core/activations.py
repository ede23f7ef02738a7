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


#: The ``activation`` of a one-layer softmax attention (scene ``attention``): ``layers`` are
#: the query, key and value maps ``(W, b)`` applied to every token.
SOFTMAX_ATTENTION = "softmax-attention"


def attend(layers: list[tuple[np.ndarray, np.ndarray]], tokens: np.ndarray) -> np.ndarray:
    """One softmax-attention layer on ``tokens`` of shape ``(N, d)`` (one row per token):
    token ``i`` outputs ``Σ_k softmax_k(⟨q_i, k_k⟩)·v_k`` with ``q = W_q t + b_q`` etc."""
    t = np.asarray(tokens, dtype=float)
    (Wq, bq), (Wk, bk), (Wv, bv) = ((np.asarray(W, float), np.asarray(b, float)) for W, b in layers)
    s = (t @ Wq.T + bq) @ (t @ Wk.T + bk).T
    w = np.exp(s - s.max(axis=1, keepdims=True))
    return (w / w.sum(axis=1, keepdims=True)) @ (t @ Wv.T + bv)
