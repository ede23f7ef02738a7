"""Multivariate targets on [0, 1]^d (seed 003, Theorem 2.3), Lipschitz w.r.t. the ℓ2 norm.

Every library target knows its Lipschitz constant ``ρ(d) = sup ‖∇g‖₂`` in closed form and
its exact range over any box (``box_range``), so ``sup |h − g|`` of the piecewise-constant
``h`` of Theorem 2.3 is exact, cube by cube:

- ``ridge``: ``Σᵢ xᵢ/√d`` — ``∇g = 1/√d``, ρ = 1; increasing in every coordinate.
- ``gaussian``: ``exp(−‖x − c‖²/(2s²))``, ``c = (½, …, ½)``, ``s = 0.15`` — radial, so
  ``ρ = max_r (r/s²)·exp(−r²/(2s²)) = e^{−1/2}/s`` (at ``r = s``, inside the cube); over a
  box the maximum is at the point nearest to ``c``, the minimum at the farthest corner.
- ``saddle``: ``4(x₁ − ½)(x₂ − ½)`` (d ≥ 2) — bilinear, ``‖∇g‖₂ ≤ 4·√(¼ + ¼) = 2√2`` at the
  corners; over a box its extremes are at the corners of the (x₁, x₂) face.

:func:`custom` builds a target from an expression in ``x1, …, xd``; its gradient is exact
(forward-mode differentiation of the parsed expression) but ρ is an estimate (the largest
gradient norm or secant slope on a sample of points), and it has no exact ``box_range``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from approxlab.theory.core.expressions import ExpressionError, compile_expression

FieldFn = Callable[[np.ndarray], np.ndarray]  # X (n, d) -> (n,)
BoxRange = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

GAUSS_WIDTH = 0.15
CUSTOM = "custom"
#: Random points (plus the 2^d corners) on which a custom target is checked and ρ estimated.
SAMPLE_POINTS = 1 << 14
#: Secant step for the jump test of custom targets.
SECANT_STEP = 1e-4


@dataclass(frozen=True)
class FieldTarget:
    """A target ``g : [0, 1]^d → ℝ`` evaluated on points ``X`` of shape ``(n, d)``."""

    name: str
    label: str
    f: FieldFn = field(repr=False)
    lipschitz: float  # ρ = sup ‖∇g‖₂ on [0, 1]^d
    d: int
    box_range: BoxRange | None = field(default=None, repr=False)  # exact (min, max) on boxes
    estimated: bool = False
    roundings: int = 16  # roundings in one evaluation (rounding allowances)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.f(np.asarray(X, dtype=float))


def _ridge(d: int) -> FieldTarget:
    s = 1.0 / math.sqrt(d)

    def f(X):
        return X.sum(axis=1) * s

    def box(lo, hi):
        return f(lo), f(hi)

    return FieldTarget("ridge", "Σᵢ xᵢ/√d", f, 1.0, d, box, roundings=d + 2)


def _gaussian(d: int) -> FieldTarget:
    c, s2 = 0.5, 2.0 * GAUSS_WIDTH**2

    def f(X):
        return np.exp(-((X - c) ** 2).sum(axis=1) / s2)

    def box(lo, hi):
        near = np.clip(c, lo, hi)
        far = np.where(np.abs(lo - c) >= np.abs(hi - c), lo, hi)
        return f(far), f(near)

    rho = math.exp(-0.5) / GAUSS_WIDTH
    return FieldTarget(
        "gaussian", "exp(−‖x − c‖²/(2·0.15²)), c = (½, …, ½)", f, rho, d, box, roundings=3 * d + 4
    )


def _saddle(d: int) -> FieldTarget:
    if d < 2:
        raise ValueError("the saddle 4(x₁ − ½)(x₂ − ½) needs d ≥ 2")

    def f(X):
        return 4.0 * (X[:, 0] - 0.5) * (X[:, 1] - 0.5)

    def box(lo, hi):
        vals = np.stack(
            [
                4.0 * (a - 0.5) * (b - 0.5)
                for a in (lo[:, 0], hi[:, 0])
                for b in (lo[:, 1], hi[:, 1])
            ]
        )
        return vals.min(axis=0), vals.max(axis=0)

    return FieldTarget("saddle", "4(x₁ − ½)(x₂ − ½)", f, 2.0 * math.sqrt(2.0), d, box, roundings=5)


LIBRARY: dict[str, Callable[[int], FieldTarget]] = {
    "ridge": _ridge,
    "gaussian": _gaussian,
    "saddle": _saddle,
}
NAMES: tuple[str, ...] = tuple(LIBRARY)
MIN_D: dict[str, int] = {"ridge": 1, "gaussian": 1, "saddle": 2}


def variables(d: int) -> tuple[str, ...]:
    return tuple(f"x{i + 1}" for i in range(d))


@lru_cache(maxsize=64)
def get(name: str, d: int) -> FieldTarget:
    return LIBRARY[name](d)


def sample_points(d: int) -> np.ndarray:
    """The 2^d corners and :data:`SAMPLE_POINTS` uniform points (fixed seed) of [0, 1]^d."""
    corners = ((np.arange(1 << d)[:, None] >> np.arange(d)) & 1).astype(float)
    rng = np.random.default_rng(20_230)
    return np.concatenate([corners, rng.random((SAMPLE_POINTS, d))])


@lru_cache(maxsize=128)
def custom(text: str, d: int) -> FieldTarget:
    """A target from a user expression in ``x1, …, xd`` (parsed, never executed).

    Rejected (:class:`ExpressionError`) when it is not finite with ``|g| ≤ 10⁶`` on the
    sample points, when its gradient is not finite there, or when it jumps: a secant slope
    over a step of 10⁻⁴ more than twice the largest gradient norm.  ρ is an estimate — the
    largest gradient norm or secant slope seen — and can miss features between samples.
    """
    names = variables(d)
    expr = compile_expression(text, names)
    X = sample_points(d)
    cols = X.T
    expr.check_finite(*cols)
    grad = expr.gradient(*cols)
    norms = np.sqrt((grad**2).sum(axis=0))
    if not np.all(np.isfinite(norms)):
        i = int(np.flatnonzero(~np.isfinite(norms))[0])
        where = ", ".join(f"{n} = {v:.4g}" for n, v in zip(names, X[i], strict=True))
        raise ExpressionError(f"the gradient of {text!r} is not finite at {where}")
    rng = np.random.default_rng(7)
    step = rng.normal(size=X.shape)
    step *= SECANT_STEP / np.linalg.norm(step, axis=1, keepdims=True)
    Y = np.clip(X + step, 0.0, 1.0)
    dist = np.linalg.norm(Y - X, axis=1)
    ok = dist > 0
    secant = np.abs(expr(*Y.T) - expr(*cols))[ok] / dist[ok]
    grad_max = float(norms.max())
    if secant.size and float(secant.max()) > 2.0 * grad_max + 1e-6:
        i = int(np.flatnonzero(ok)[int(np.argmax(secant))])
        where = ", ".join(f"{n} = {v:.4g}" for n, v in zip(names, X[i], strict=True))
        raise ExpressionError(
            f"{text!r} jumps near {where} (secant slope {secant.max():.3g} against gradient "
            f"norms ≤ {grad_max:.3g}): Theorem 2.3 needs a Lipschitz (continuous) g"
        )
    rho = max(grad_max, float(secant.max()) if secant.size else 0.0)
    return FieldTarget(
        CUSTOM,
        text,
        lambda Z: expr(*np.asarray(Z, dtype=float).T),
        rho,
        d,
        None,
        estimated=True,
        roundings=max(16, expr.size),
    )


def choose(name: str, d: int, expr: str) -> FieldTarget:
    """The scene convention: ``"custom"`` means the user expression."""
    return custom(expr, d) if name == CUSTOM else get(name, d)
