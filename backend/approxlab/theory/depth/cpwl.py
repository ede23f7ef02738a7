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

from dataclasses import dataclass

import numpy as np

from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
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


# ----------------------------------------------------------------------------- measured


def sup_deviation(
    net: ReLUNetwork, knots: np.ndarray, values: np.ndarray, domain: tuple[float, float]
) -> tuple[float, np.ndarray]:
    """``sup |net − f|`` over ``domain``, exactly: both are piecewise linear, with kinks among
    the network's exactly propagated knots and the data knots, so the maximum there is the
    supremum.  Returns it and those knots."""
    t = np.union1d(networks.breakpoints(net, domain).x, knots)
    return float(np.max(np.abs(networks.evaluate(net, t) - interpolant(knots, values, t)))), t


def exactness_allowance(
    knots: np.ndarray, values: np.ndarray, domain: tuple[float, float]
) -> float:
    """Float64 rounding allowance of :func:`sup_deviation` for either network: both
    accumulate the ``N`` hinge terms, each of magnitude ``≤ |c_i|·max|x − x_0|`` on
    ``domain``, so the sums round by a few ulps of ``|y_0| + Σ|c_i|·reach``."""
    x, y = _check(knots, values)
    c = hinge_coefficients(x, y)
    reach = max(abs(domain[0] - x[0]), abs(domain[1] - x[0]))
    mag = abs(y[0]) + float(np.sum(np.abs(c))) * reach
    return rounding_allowance(mag, ops=4 * (x.size + 2))


@dataclass(frozen=True)
class Realisation:
    """A network realising ``f``, with its shape and its measured deviation from ``f``."""

    network: ReLUNetwork
    #: hidden-layer widths
    widths: list[int]
    #: layers of neurons counting input and output (seed 004): affine maps + 1
    depth: int
    #: ``sup |network − f|`` over the checked domain (:func:`sup_deviation`)
    deviation: float
    #: the knots where that supremum is taken
    knots: np.ndarray


def realise(
    net: ReLUNetwork, knots: np.ndarray, values: np.ndarray, domain: tuple[float, float]
) -> Realisation:
    """Measure ``net`` as a realisation of the interpolant of ``(knots, values)``."""
    dev, t = sup_deviation(net, knots, values, domain)
    return Realisation(net, [W.shape[0] for W, _ in net[:-1]], len(net) + 1, dev, t)


def pieces(knots: np.ndarray, values: np.ndarray) -> int:
    """Maximal affine pieces of ``f`` on ``[x_0, x_{N−1}]`` (equal slopes merge), counted
    exactly from the shallow network's breakpoints."""
    x, y = _check(knots, values)
    return networks.breakpoints(shallow_network(x, y), (float(x[0]), float(x[-1]))).pieces()
