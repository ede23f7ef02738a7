"""The univariate target library, with exact derivatives (seed 003, chapter 2).

Every target ``g`` on ``[0, 1]`` comes with ``g'`` and ``g''`` in closed form, so its
Lipschitz constant ``ρ = sup |g'|``, its variation ``∫|g'|`` and its critical points are
computed, not typed in.

:func:`custom` builds a target from a user expression (parsed by the whitelist parser of
:mod:`approxlab.theory.core.expressions`); its ``g'`` and ``g''`` come from exact forward-mode
differentiation of the parsed expression, but ρ, the variation and the critical points are
*estimates* (``Target.estimated``): they are searched on a grid of :data:`SEARCH_GRID`
points refined by bisection, which can miss features narrower than the grid spacing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from approxlab.theory.core.expressions import ExpressionError, compile_expression
from approxlab.theory.core.roots import roots

Fn = Callable[[np.ndarray], np.ndarray]
DOMAIN = (0.0, 1.0)


@dataclass(frozen=True)
class Target:
    """A target function ``g`` on ``[0, 1]`` with its first two derivatives.

    ``df`` may be discontinuous at isolated points (``|x - 1/2|``); ``d2f`` is then the
    derivative away from those points.  ``estimated`` marks custom targets, whose ρ,
    variation and critical points are numerical estimates (see :func:`custom`).
    """

    name: str
    label: str  # plain-text formula, e.g. "sin(2πx)"
    latex: str
    f: Fn = field(repr=False)
    df: Fn = field(repr=False)
    d2f: Fn = field(repr=False)
    estimated: bool = False

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
        Target(
            "plateau",
            "½ + ½·tanh(30(x − ½))",
            r"\tfrac12 + \tfrac12\tanh(30(x - \tfrac12))",
            lambda x: 0.5 + 0.5 * np.tanh(30.0 * (x - 0.5)),
            lambda x: 15.0 * (1.0 - np.tanh(30.0 * (x - 0.5)) ** 2),
            lambda x: -900.0 * np.tanh(30.0 * (x - 0.5)) * (1.0 - np.tanh(30.0 * (x - 0.5)) ** 2),
        ),
    ]
}

TARGET_NAMES: tuple[str, ...] = tuple(LIBRARY)

#: Grid on which derivatives are searched for extrema and sign changes (then bisected).
SEARCH_GRID = 8193
#: Name of the "custom expression" option in every scene that takes a target.
CUSTOM = "custom"
#: Label of that option in the UI.
CUSTOM_LABEL = "custom expression…"

TargetLike = str | Target


def get(name: str) -> Target:
    return LIBRARY[name]


def resolve(target: TargetLike) -> Target:
    """A library target by name, or the target itself."""
    return LIBRARY[target] if isinstance(target, str) else target


def choose(name: str, expr: str) -> Target:
    """The scene convention: ``target == "custom"`` means the user expression ``expr``."""
    return custom(expr) if name == CUSTOM else LIBRARY[name]


@lru_cache(maxsize=256)
def custom(text: str) -> Target:
    """A target ``g(x)`` from a user expression in ``x`` on [0, 1].

    The expression is parsed by the whitelist parser (never evaluated as Python) and must
    be finite with ``|g| ≤ 10⁶`` on a grid of :data:`SEARCH_GRID` points, otherwise
    :class:`~approxlab.theory.core.expressions.ExpressionError`.  ``g'`` and ``g''`` are exact
    (forward-mode differentiation of the expression tree; at kinks the active branch's
    derivative); ρ, the variation and the critical points derived from them are estimates.
    """
    expr = compile_expression(text, ("x",))
    expr.check_finite(np.linspace(*DOMAIN, SEARCH_GRID))

    def df(x: np.ndarray) -> np.ndarray:
        return expr.derivatives(x)[1]

    def d2f(x: np.ndarray) -> np.ndarray:
        return expr.derivatives(x)[2]

    return Target(CUSTOM, text, text, expr, df, d2f, estimated=True)


@lru_cache(maxsize=512)
def critical_points(target: TargetLike) -> np.ndarray:
    """Interior critical points of ``g`` on (0, 1): where ``g'`` vanishes or changes sign."""
    t = resolve(target)
    r = roots(t.df, *DOMAIN, grid=SEARCH_GRID)
    return r[(r > DOMAIN[0]) & (r < DOMAIN[1])]


@lru_cache(maxsize=512)
def lipschitz(target: TargetLike) -> float:
    """ρ = sup_{[0,1]} |g'|, from the endpoints, a grid, and the roots of g'' (exact maxima)."""
    t = resolve(target)
    cand = np.concatenate(
        [np.linspace(*DOMAIN, SEARCH_GRID), roots(t.d2f, *DOMAIN, grid=SEARCH_GRID)]
    )
    return float(np.max(np.abs(t.df(cand))))


@lru_cache(maxsize=512)
def variation(target: TargetLike) -> float:
    """Total variation ∫_0^1 |g'| = Σ |g(c_{k+1}) − g(c_k)| over consecutive critical points."""
    t = resolve(target)
    pts = np.concatenate([[DOMAIN[0]], critical_points(target), [DOMAIN[1]]])
    return float(np.sum(np.abs(np.diff(t(pts)))))


#: Roundings in one evaluation of a library target (its formula has at most 16 operations).
LIBRARY_ROUNDINGS = 16


def roundings(target: TargetLike) -> int:
    """A bound on the floating-point roundings in one evaluation of ``g``: 16 for the library
    formulas, one per node of the parsed tree for a custom expression."""
    t = resolve(target)
    return max(LIBRARY_ROUNDINGS, getattr(t.f, "size", 0)) if t.estimated else LIBRARY_ROUNDINGS


#: A secant slope of g on the search grid above (1 + this)·ρ means g jumps (not Lipschitz).
SECANT_RTOL = 1e-6


@lru_cache(maxsize=512)
def checked_lipschitz(target: TargetLike) -> float:
    """ρ for a target that must be Lipschitz on [0, 1] (Propositions 2.1, 2.8; Theorem 2.3).

    Library targets are.  For a custom target, raise
    :class:`~approxlab.theory.core.expressions.ExpressionError` when ``g'`` is not finite
    somewhere on the search grid (``sqrt(x)`` at 0) or when ``g`` jumps: by the mean value
    theorem every secant slope of a ρ-Lipschitz ``g`` is at most ρ, so a secant slope on the
    grid above ``(1 + 10⁻⁶)·ρ`` reveals a jump (``(x > 0.5)*x``) that ``g'`` cannot see.
    """
    t = resolve(target)
    rho = lipschitz(target)
    if not t.estimated:
        return rho
    x = np.linspace(*DOMAIN, SEARCH_GRID)
    d = t.df(x)
    if not np.all(np.isfinite(d)) or not np.isfinite(rho):
        i = int(np.flatnonzero(~np.isfinite(d))[0]) if not np.all(np.isfinite(d)) else 0
        raise ExpressionError(
            f"g′ is not finite at x = {x[i]:.6g}: {t.label!r} is not Lipschitz on [0, 1]"
        )
    secant = np.abs(np.diff(t(x))) / np.diff(x)
    i = int(np.argmax(secant))
    if secant[i] > (1.0 + SECANT_RTOL) * rho + 1e-9:
        raise ExpressionError(
            f"{t.label!r} jumps near x = {x[i]:.4g} (a secant slope {secant[i]:.3g} exceeds "
            f"sup |g′| ≈ {rho:.3g}): the construction needs a Lipschitz (continuous) g"
        )
    return rho
