"""Univariate threshold networks ``x ↦ c + Σ_i a_i · 1[w_i x + b_i ≥ 0]`` (seed 003, §2.1).

Evaluation never forms the n × m matrix of unit activations: a unit with ``w_i > 0`` is
on exactly for ``x ≥ -b_i/w_i``, one with ``w_i < 0`` exactly for ``x ≤ -b_i/w_i``, so
sorting the thresholds and taking cumulative sums of the outer weights evaluates all n
inputs in O((n + m) log m).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ThresholdNetwork:
    """``f(x) = c + Σ_i a_i · 1[w_i x + b_i ≥ 0]`` with scalar input."""

    w: np.ndarray  # inner weights (m,)
    b: np.ndarray  # inner biases (m,)
    a: np.ndarray  # outer weights (m,)
    c: float = 0.0  # output bias

    @property
    def width(self) -> int:
        return int(self.a.size)

    def thresholds(self) -> np.ndarray:
        """Sorted switching points ``-b_i / w_i`` of the units with ``w_i ≠ 0``."""
        nz = self.w != 0
        return np.sort(-self.b[nz] / self.w[nz])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return evaluate(self, x)


def evaluate(net: ThresholdNetwork, x: np.ndarray) -> np.ndarray:
    """Evaluate the threshold network at ``x`` (any shape) in O((n + m) log m)."""
    x = np.asarray(x, dtype=float)
    w, b, a = net.w, net.b, net.a
    out = np.full(x.shape, float(net.c) + float(a[(w == 0) & (b >= 0)].sum()))
    pos, neg = w > 0, w < 0
    if pos.any():  # on iff x >= t
        t = -b[pos] / w[pos]
        order = np.argsort(t, kind="stable")
        cum = np.concatenate([[0.0], np.cumsum(a[pos][order])])
        out += cum[np.searchsorted(t[order], x, side="right")]
    if neg.any():  # on iff x <= t
        t = -b[neg] / w[neg]
        order = np.argsort(t, kind="stable")
        cum = np.concatenate([[0.0], np.cumsum(a[neg][order])])
        out += cum[-1] - cum[np.searchsorted(t[order], x, side="left")]
    return out


def evaluate_dense(net: ThresholdNetwork, x: np.ndarray) -> np.ndarray:
    """Reference evaluation through the n × m activation matrix (for tests, small sizes)."""
    x = np.asarray(x, dtype=float)
    act = (np.multiply.outer(x, net.w) + net.b) >= 0
    return net.c + act.astype(float) @ net.a


def step_form(net: ThresholdNetwork, domain: tuple[float, float] = (0.0, 1.0)):
    """``f`` on ``domain`` as a step function: knots ``t₀ = lo < t₁ < … < t_K = hi`` (the
    switching points strictly inside, deduplicated) and ``values[k] = f`` on the open cell
    ``(t_k, t_{k+1})``, read off the network itself at the cell's midpoint.

    A unit with ``w > 0`` is on from its switching point on, one with ``w < 0`` up to it, so
    ``f`` equals ``values[k]`` at ``t_k`` too unless a left-pointing unit switches there
    (evaluate ``net(knots)`` for the values at the knots).
    """
    lo, hi = domain
    t = net.thresholds()  # sorted
    t = t[np.concatenate([[True], np.diff(t) > 0])] if t.size else t
    knots = np.concatenate([[lo], t[(t > lo) & (t < hi)], [hi]])
    return knots, net(0.5 * (knots[:-1] + knots[1:]))


def as_layers(net: ThresholdNetwork) -> list[tuple[np.ndarray, np.ndarray]]:
    """``[(W₁, b₁), (W₂, b₂)]`` with ``f(x) = W₂·1[W₁x + b₁ ≥ 0] + b₂`` (``W`` of shape
    ``(out, in)``), the layer form of exported networks.  A network without units (a
    constant) gets one dormant unit with outer weight 0: layers cannot be empty."""
    if net.width == 0:
        return [(np.ones((1, 1)), np.zeros(1)), (np.zeros((1, 1)), np.array([float(net.c)]))]
    return [(net.w[:, None], net.b.copy()), (net.a[None, :], np.array([float(net.c)]))]
