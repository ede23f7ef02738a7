"""An exact reference for univariate ReLU networks, for the tests: the knots, values and
piece counts of a network ``[(W, b), …]`` in ``fractions.Fraction`` arithmetic.

Independent of :mod:`approxlab.theory` (it shares only the network format), so a test can
compare the float64 breakpoint propagation of the app with exact rational arithmetic.
Every float weight is converted exactly (``Fraction(float)`` is the float's exact value).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

Net = list[tuple[np.ndarray, np.ndarray]]


def _rational(net: Net) -> list[tuple[list[list[Fraction]], list[Fraction]]]:
    return [
        (
            [[Fraction(float(w)) for w in row] for row in np.atleast_2d(W)],
            [Fraction(float(c)) for c in b],
        )
        for W, b in net
    ]


def layer_forms(net: Net, domain: tuple[float, float] = (0.0, 1.0)):
    """Yields ``(layer index, knots, pre-activations)`` like the app's propagation, exactly:
    every unit's pre-activation is affine between consecutive knots; hidden layers get a
    knot wherever one of their units changes sign strictly inside a segment."""
    layers = _rational(net)
    t = [Fraction(domain[0]), Fraction(domain[1])]
    z = [[x] for x in t]
    for li, (W, b) in enumerate(layers):
        pre = [
            [
                sum((w * v for w, v in zip(row, zk, strict=True)), Fraction(0)) + c
                for row, c in zip(W, b, strict=True)
            ]
            for zk in z
        ]
        if li == len(layers) - 1:
            yield li, t, pre
            return
        new_t, new_pre = [t[0]], [pre[0]]
        for k in range(len(t) - 1):
            v0, v1 = pre[k], pre[k + 1]
            cuts = sorted({a / (a - c) for a, c in zip(v0, v1, strict=True) if a * c < 0})
            for s in cuts:
                new_t.append(t[k] + s * (t[k + 1] - t[k]))
                new_pre.append([a + s * (c - a) for a, c in zip(v0, v1, strict=True)])
            new_t.append(t[k + 1])
            new_pre.append(v1)
        t, pre = new_t, new_pre
        yield li, t, pre
        z = [[max(v, Fraction(0)) for v in p] for p in pre]


def breakpoints(t: list[Fraction], y: list[Fraction]) -> list[Fraction]:
    """The knots where the slope really changes (exact comparison)."""
    s = [(y[k + 1] - y[k]) / (t[k + 1] - t[k]) for k in range(len(t) - 1)]
    return [t[k] for k in range(1, len(t) - 1) if s[k - 1] != s[k]]


def form(
    net: Net, domain: tuple[float, float] = (0.0, 1.0)
) -> tuple[list[Fraction], list[Fraction]]:
    """Knots and output values of a single-output network on ``domain``, exactly."""
    *_, (_, t, pre) = layer_forms(net, domain)
    return t, [p[0] for p in pre]


def pieces(net: Net, domain: tuple[float, float] = (0.0, 1.0)) -> int:
    return len(breakpoints(*form(net, domain))) + 1
