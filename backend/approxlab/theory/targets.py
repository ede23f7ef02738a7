"""The univariate target library, with exact derivatives (seed 003, chapter 2).

Every target ``g`` on ``[0, 1]`` comes with ``g'`` and ``g''`` in closed form, so its
Lipschitz constant ``ρ = sup |g'|``, its variation ``∫|g'|`` and its critical points are
computed, not typed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from approxlab.theory.roots import roots

Fn = Callable[[np.ndarray], np.ndarray]
DOMAIN = (0.0, 1.0)


@dataclass(frozen=True)
class Target:
    """A target function ``g`` on ``[0, 1]`` with its first two derivatives.

    ``df`` may be discontinuous at isolated points (``|x - 1/2|``); ``d2f`` is then the
    derivative away from those points.
    """

    name: str
    label: str  # plain-text formula, e.g. "sin(2πx)"
    latex: str
    f: Fn = field(repr=False)
    df: Fn = field(repr=False)
    d2f: Fn = field(repr=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.f(np.asarray(x, dtype=float))


def _nielsen(x):
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def _nielsen_d(x):
    return 0.8 * x + 0.3 * np.sin(15 * x) + 4.5 * x * np.cos(15 * x) - 2.5 * np.sin(50 * x)


def _nielsen_d2(x):
    return 0.8 + 9.0 * np.cos(15 * x) - 67.5 * x * np.sin(15 * x) - 125.0 * np.cos(50 * x)


TWO_PI = 2.0 * np.pi

LIBRARY: dict[str, Target] = {
    t.name: t
    for t in [
        Target(
            "sin",
            "sin(2πx)",
            r"\sin(2\pi x)",
            lambda x: np.sin(TWO_PI * x),
            lambda x: TWO_PI * np.cos(TWO_PI * x),
            lambda x: -(TWO_PI**2) * np.sin(TWO_PI * x),
        ),
        Target(
            "abs",
            "|x − 1/2|",
            r"\lvert x - \tfrac12 \rvert",
            lambda x: np.abs(x - 0.5),
            lambda x: np.sign(x - 0.5),
            lambda x: np.zeros_like(x),
        ),
        Target(
            "square",
            "x²",
            r"x^2",
            lambda x: x**2,
            lambda x: 2.0 * x,
            lambda x: np.full_like(x, 2.0),
        ),
        Target(
            "nielsen",
            "0.2 + 0.4x² + 0.3x·sin(15x) + 0.05·cos(50x)",
            r"0.2 + 0.4x^2 + 0.3x\sin(15x) + 0.05\cos(50x)",
            _nielsen,
            _nielsen_d,
            _nielsen_d2,
        ),
    ]
}

TARGET_NAMES: tuple[str, ...] = tuple(LIBRARY)


def get(name: str) -> Target:
    return LIBRARY[name]


@cache
def critical_points(name: str) -> np.ndarray:
    """Interior critical points of ``g`` on (0, 1): where ``g'`` vanishes or changes sign."""
    t = LIBRARY[name]
    r = roots(t.df, *DOMAIN, grid=8193)
    return r[(r > DOMAIN[0]) & (r < DOMAIN[1])]


@cache
def lipschitz(name: str) -> float:
    """ρ = sup_{[0,1]} |g'|, from the endpoints, a grid, and the roots of g'' (exact maxima)."""
    t = LIBRARY[name]
    cand = np.concatenate([np.linspace(*DOMAIN, 8193), roots(t.d2f, *DOMAIN, grid=8193)])
    return float(np.max(np.abs(t.df(cand))))


@cache
def variation(name: str) -> float:
    """Total variation ∫_0^1 |g'| = Σ |g(c_{k+1}) − g(c_k)| over consecutive critical points."""
    t = LIBRARY[name]
    pts = np.concatenate([[DOMAIN[0]], critical_points(name), [DOMAIN[1]]])
    return float(np.sum(np.abs(np.diff(t(pts)))))
