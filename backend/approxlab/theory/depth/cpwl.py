"""Continuous piecewise-linear functions as ReLU networks: wide and shallow, or narrow and deep
(seed 004, Theorem 2.2).

``f`` is given by ``N ≥ 2`` knots ``x_0 < … < x_{N−1}`` and values ``y_i``: the linear
interpolant on ``[x_0, x_{N−1}]``, extended constantly outside.  With slopes
``s_i = (y_{i+1} − y_i)/(x_{i+1} − x_i)`` and hinge coefficients ``c_0 = s_0``,
``c_i = s_i − s_{i−1}`` (``0 < i < N−1``), ``c_{N−1} = −s_{N−2}``,

    f(x) = y_0 + Σ_{i<N} c_i σ(x − x_i)      for every real x.

* :func:`shallow_network` — that sum: one hidden layer of width ``N`` (one unit per knot).
* :func:`deep_network` — the same sum accumulated one knot per layer: hidden layer ``j``
  holds ``σ(x), σ(−x)`` (the input), ``σ(S), σ(−S)`` (the partial sum
  ``S_j = y_0 + Σ_{i<j−1} c_i σ(x − x_i)``, any sign) and the next hinge
  ``σ(x − x_{j−1})``: width 5.  ``N`` such layers and a last hidden layer that completes the
  sum give ``N + 1`` hidden layers, ``N + 2`` affine maps, i.e. depth ``N + 3`` counting
  the input and output layers as seed 004 does; inner layer ``k`` carries
  ``(x, S_k(x))``, the representation the theorem's Besov estimate is about.

Both networks equal ``f`` on all of ℝ in exact arithmetic.
"""

from __future__ import annotations

import numpy as np

from approxlab.theory.core.networks import ReLUNetwork, layer


def hinge_coefficients(knots: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``c_i``: the slope change at knot ``i`` (first slope at ``x_0``, back to 0 at the end)."""
    x, y = _check(knots, values)
    s = np.diff(y) / np.diff(x)
    return np.diff(np.concatenate([[0.0], s, [0.0]]))


def interpolant(knots: np.ndarray, values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``f(t)``: linear between knots, constant outside ``[x_0, x_{N−1}]``."""
    x, y = _check(knots, values)
    return np.interp(np.asarray(t, dtype=float), x, y)


def shallow_network(knots: np.ndarray, values: np.ndarray) -> ReLUNetwork:
    """One hidden layer, width ``N``: ``f(x) = y_0 + Σ_i c_i σ(x − x_i)``."""
    x, y = _check(knots, values)
    c = hinge_coefficients(x, y)
    return [layer(np.ones((x.size, 1)), -x), layer(c[None, :], [y[0]])]


def deep_network(knots: np.ndarray, values: np.ndarray) -> ReLUNetwork:
    """Width 5, ``N + 1`` hidden layers (``N + 2`` affine maps): one knot per layer.

    Unit order in every 5-wide hidden layer: ``σ(x), σ(−x), σ(S), σ(−S), σ(x − x_j)``.
    """
    x, y = _check(knots, values)
    c = hinge_coefficients(x, y)
    n = x.size
    # layer 1 from the input: x±, S_1 = y_0 (bias only), hinge at x_0
    net: ReLUNetwork = [layer([[1.0], [-1.0], [0.0], [0.0], [1.0]], [0.0, 0.0, y[0], -y[0], -x[0]])]
    # layers 2..N: x± passed on, S ← S + c_{j−2}·hinge, next hinge at x_{j−1}
    for j in range(2, n + 1):
        cj = c[j - 2]
        W = np.array(
            [
                [1.0, -1.0, 0.0, 0.0, 0.0],
                [-1.0, 1.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 1.0, -1.0, cj],
                [0.0, 0.0, -1.0, 1.0, -cj],
                [1.0, -1.0, 0.0, 0.0, 0.0],
            ]
        )
        net.append(layer(W, [0.0, 0.0, 0.0, 0.0, -x[j - 1]]))
    # layer N + 1: the complete sum S + c_{N−1}·hinge, as σ(f), σ(−f); output σ(f) − σ(−f)
    last = c[n - 1]
    net.append(layer([[0.0, 0.0, 1.0, -1.0, last], [0.0, 0.0, -1.0, 1.0, -last]], [0.0, 0.0]))
    net.append(layer([[1.0, -1.0]], [0.0]))
    return net


def partial_sums(knots: np.ndarray, values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``S_k(t)`` for the deep network's inner layers ``k = 1..N+1`` (rows), read off the
    network itself: ``σ(S) − σ(−S)`` of every hidden layer."""
    net = deep_network(knots, values)
    z = np.asarray(t, dtype=float)[None, :]
    rows = []
    for W, b in net[:-1]:
        z = np.maximum(W @ z + b[:, None], 0.0)
        rows.append(z[2] - z[3] if z.shape[0] == 5 else z[0] - z[1])
    return np.array(rows)


def _check(knots: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(knots, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError("need at least two knots and one value per knot")
    if not np.all(np.diff(x) > 0):
        raise ValueError("knots must be strictly increasing")
    return x, y
