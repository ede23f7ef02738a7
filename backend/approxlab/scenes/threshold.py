"""Scene ``threshold`` — Proposition 2.1 (seed 003; also seed 000): gridding with bricks."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import ValidationInfo, field_validator

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Trace,
    band,
    param,
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.target_param import (
    custom_target_within_width,
    expr_param,
    target_options,
)
from approxlab.theory.core import targets
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.shallow.threshold import (
    Proposition21,
    error_with_jumps,
    proposition_2_1,
    threshold_widths,
)

TargetName = Literal["sin", "abs", "square", "nielsen", "custom"]

#: Most threshold nodes for a custom target, as for the library (⌈7.0/0.001⌉ for nielsen): the
#: plots carry every step, so this also bounds the response size.
MAX_CUSTOM_WIDTH = 8_000


class Params(SceneParams):
    target: TargetName = param(
        "sin",
        label="target g",
        description="Target function on [0, 1] from the library.",
        options=target_options(("sin", "abs", "square", "nielsen")),
    )
    eps: float = param(
        0.05,
        ge=1e-3,
        le=0.5,
        scale="log",
        step=0.02,
        label="ε",
        description="Target accuracy ε; the network gets ⌈ρ/ε⌉ threshold nodes.",
    )
    expr: str = expr_param()

    @field_validator("expr")
    @classmethod
    def _custom_target(cls, expr: str, info: ValidationInfo) -> str:
        return custom_target_within_width(expr, info, max_width=MAX_CUSTOM_WIDTH)


def compute(p: Params) -> SceneResult:
    g = targets.choose(p.target, p.expr)
    c = proposition_2_1(g, p.eps)
    grid = np.linspace(0.0, 1.0, 2001)
    return SceneResult(
        metrics={"width": c.net.width, "lipschitz": c.rho, "sup_error": c.error.sup},
        checks=[
            Check(
                "sup |f − g| ≤ ε",
                c.error.sup,
                p.eps,
                "<=",
                rounding=rounding_allowance(float(np.max(np.abs(g(grid)))), p.eps),
            )
        ],
        plots=[_approximation_plot(g, c, grid), _error_plot(g, c, grid, p.eps), _width_plot(c, p)],
        notes=[
            "ρ = sup|g′| on [0, 1], computed from g′ at the endpoints and at the roots of g″.",
            "sup |f − g| is exact: f is constant between biases, so the supremum is attained "
            "at a cell end (one-sided limit) or at a critical point of g; all are evaluated.",
            "Corrected from the printed proof (003, Prop. 2.1): the network is "
            "f(x) = Σᵢ aᵢ·1[x ≥ bᵢ] (printed 1[xᵢ ≥ bᵢ]) and the telescoping sum runs over "
            "i = 1…k (printed from i = 0).",
            *_custom_notes(g),
        ],
    )


def _approximation_plot(g: targets.Target, c: Proposition21, grid: np.ndarray) -> Plot:
    net, e = c.net, c.error
    traces = [
        Trace(f"g(x) = {g.label}", "line", grid, g(grid), style="target"),
        Trace(
            f"f: {net.width} threshold nodes",
            "step",
            e.knots,
            np.append(e.values, e.values[-1]),
            style="construction",
        ),
        Trace(
            "where sup |f − g| is attained",
            "markers",
            [e.where],
            [float(g(np.array(e.where)))],
            style="highlight",
        ),
    ]
    if net.width <= 200:
        t = net.thresholds()
        traces.append(
            Trace(
                "biases bᵢ = (i−1)ε/ρ",
                "markers",
                t,
                np.full(t.size, float(g(grid).min())),
                style="reference",
            )
        )
    return Plot(
        "approximation", "Target g and threshold network f", Axis("x"), Axis("value"), traces
    )


def _error_plot(g: targets.Target, c: Proposition21, grid: np.ndarray, eps: float) -> Plot:
    ex, ey = error_with_jumps(g, c.net, c.error, grid)
    return Plot(
        "error",
        "Error |f(x) − g(x)| against ε",
        Axis("x"),
        Axis("|f − g|"),
        [
            band("ε band", np.array([0.0, 1.0]), np.zeros(2), np.full(2, eps), style="bound"),
            Trace("|f − g|", "line", ex, ey, style="error"),
        ],
    )


def _width_plot(c: Proposition21, p: Params) -> Plot:
    eps_grid = np.geomspace(1e-3, 0.5, 120)
    return Plot(
        "width",
        "Width ⌈ρ/ε⌉ against ε",
        Axis("ε", log=True),
        Axis("threshold nodes", log=True),
        [
            Trace(
                "⌈ρ/ε⌉", "step", eps_grid, threshold_widths(c.rho, eps_grid), style="construction"
            ),
            Trace("this ε", "markers", [p.eps], [c.net.width], style="highlight"),
        ],
    )


def _custom_notes(g: targets.Target) -> list[str]:
    if not g.estimated:
        return []
    return [
        f"Custom g(x) = {g.label}: g′ and g″ are exact (differentiation of the parsed "
        "expression), but ρ and the critical points are estimates — sup |g′| and the sign "
        f"changes of g′ are searched on a grid of {targets.SEARCH_GRID} points and refined "
        "by bisection, so features narrower than the grid can be missed. The network uses "
        "this estimated ρ, and the check sup |f − g| ≤ ε is exact given it."
    ]


SCENE = Scene(
    id="threshold",
    title="Threshold networks: gridding with bricks",
    chapter=SHALLOW,
    summary=(
        "The ⌈ρ/ε⌉-node threshold network of the proof over g, its exact sup error inside "
        "the ε band, and width against ε."
    ),
    primary_plot="approximation",
    source="003, Proposition 2.1",
    statement=(
        r"Suppose $g:\mathbb{R}\to\mathbb{R}$ is $\rho$-Lipschitz. For any $\epsilon>0$, "
        r"there exists a 2-layer network $f$ with $\lceil \rho/\epsilon \rceil$ threshold "
        r"nodes $z\mapsto \mathbf{1}[z\geq 0]$ so that "
        r"$\sup_{x\in[0,1]} \lvert f(x)-g(x)\rvert \leq \epsilon$."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "width": "width ⌈ρ/ε⌉ (threshold nodes)",
        "lipschitz": "Lipschitz constant ρ (an estimate for a custom g)",
        "sup_error": "sup |f − g| (measured)",
    },
)
