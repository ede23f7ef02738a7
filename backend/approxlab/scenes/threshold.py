"""Scene ``threshold`` — Proposition 2.1 (seed 003; also seed 000): gridding with bricks."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import ValidationInfo, field_validator

from approxlab.scenes import plotkit as pk
from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.export import network_export
from approxlab.scenes.target_param import (
    custom_target_within_width,
    expr_param,
    target_options,
)
from approxlab.theory.core import targets
from approxlab.theory.core.threshold_networks import ThresholdNetwork, as_layers
from approxlab.theory.shallow.threshold import (
    Proposition21,
    cell_sups,
    proposition_2_1,
    proposition_2_1_allowance,
    telescoping_allowance,
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
        description="Target accuracy ε; the network gets ⌈ρ/ε⌉ threshold units.",
    )
    expr: str = expr_param()

    @field_validator("expr")
    @classmethod
    def _custom_target(cls, expr: str, info: ValidationInfo) -> str:
        return custom_target_within_width(expr, info, max_width=MAX_CUSTOM_WIDTH)


#: Up to this many cells the error plot also draws |f − g| itself (sampled in every cell).
CURVE_CELLS = 60
#: Points per cell of that curve.
CURVE_POINTS = 24


def compute(p: Params) -> SceneResult:
    g = targets.choose(p.target, p.expr)
    c = proposition_2_1(g, p.eps)
    return SceneResult(
        metrics={"width": c.net.width, "lipschitz": c.rho, "sup_error": c.error.sup},
        checks=[
            Check(
                "sup |f − g| ≤ ε",
                c.error.sup,
                p.eps,
                "<=",
                rounding=proposition_2_1_allowance(g, c, p.eps),
            ),
            Check(
                "f(bᵢ) = g(bᵢ) at every bias (the telescoping sum)"
                if c.net.width
                else "f = g(0) (the output bias; no unit)",
                c.telescoping_error,
                0.0,
                "==",
                rounding=telescoping_allowance(c.net),
            ),
        ],
        plots=[_approximation_plot(g, c, p.eps), _error_plot(g, c, p.eps), _width_plot(c, p)],
        notes=[
            "ρ = sup|g′| on [0, 1], computed from g′ at the endpoints and at the roots of g″.",
            "sup |f − g| is exact: f is constant between biases, so the supremum is attained "
            "at a cell end (one-sided limit) or at a critical point of g; all are evaluated, "
            "and the error plot shows each cell's supremum.",
            "Corrected from the printed proof (003, Prop. 2.1): the network is "
            "f(x) = Σᵢ aᵢ·1[x ≥ bᵢ] (printed 1[xᵢ ≥ bᵢ]) and the telescoping sum runs over "
            "i = 1…k (printed from i = 0).",
            "Both checks allow for floating-point rounding, derived from the computation: the "
            "telescoping sum (one rounding per outer weight and per partial sum), the "
            "evaluations of g, and the rounded biases (i − 1)·ε/ρ — so a target that attains "
            "the bound with equality, such as |x − ½|, shows ✓.",
            *_custom_notes(g),
            *(
                []
                if c.net.width
                else [
                    "g is constant (ρ = 0): Proposition 2.1 gives ⌈0/ε⌉ = 0 threshold units, "
                    "and f is the output bias g(0) alone."
                ]
            ),
        ],
    )


def _f_name(net: ThresholdNetwork) -> str:
    if net.width == 0:
        return "f: no threshold unit, the output bias g(0)"
    return f"f: {net.width:,} threshold unit{'s' if net.width > 1 else ''}"


def _approximation_plot(g: targets.Target, c: Proposition21, eps: float) -> Plot:
    x = np.linspace(0.0, 1.0, 2001)
    gx = g(x)
    e = c.error
    traces = [
        pk.band("g ± ε", x, gx - eps, gx + eps, role="bound"),
        pk.line(f"g(x) = {g.label}", x, gx, role="target"),
        pk.step_function(_f_name(c.net), e.knots, e.values),
        pk.markers("where sup |f − g| is reached", [e.where], [float(g(np.array(e.where)))]),
    ]
    if 0 < c.net.width <= 200:
        t = -c.net.b
        low = float(np.min(gx)) - eps
        traces.append(
            pk.markers("biases bᵢ = (i − 1)ε/ρ", t, np.full(t.size, low), role="reference")
        )
    return Plot(
        "approximation",
        "Target g, the band g ± ε, and the threshold network f",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "Each step of f is one threshold unit, switched on at its bias; f stays inside "
            "the band g ± ε everywhere (Proposition 2.1)."
        ),
    )


def _error_plot(g: targets.Target, c: Proposition21, eps: float) -> Plot:
    e = c.error
    cells = cell_sups(g, e)
    traces = [pk.band("allowed: |f − g| ≤ ε", [0.0, 1.0], [0.0, 0.0], [eps, eps])]
    if e.values.size <= CURVE_CELLS:  # |f − g| itself, sampled inside every cell
        s = np.linspace(0.0, 1.0, CURVE_POINTS)
        xc = e.knots[:-1, None] + np.diff(e.knots)[:, None] * s
        yc = np.abs(g(xc) - e.values[:, None])
        traces.append(pk.line("|f − g|", xc.ravel(), yc.ravel(), role="error"))
    traces += [
        pk.step_function("sup of |f − g| on each cell (exact)", e.knots, cells, "highlight"),
    ]
    return Plot(
        "error",
        "The error |f − g| cell by cell, against ε",
        Axis("x"),
        Axis("|f − g|", range=(0.0, 1.15 * max(eps, e.sup))),
        traces,
        caption=(
            "Each step is the exact supremum of |f − g| on one cell of f; none leaves "
            "the ε band, and the steps reach it where g is steepest."
        ),
    )


def _width_plot(c: Proposition21, p: Params) -> Plot:
    eps_grid = np.geomspace(1e-3, 0.5, 120)
    widths = threshold_widths(c.rho, eps_grid)
    constant = c.net.width == 0
    return pk.sweep(
        "width",
        "Width ⌈ρ/ε⌉ against ε",
        "Halving ε doubles the number of threshold units; the marker is this network.",
        Axis("ε", log=True),
        Axis("threshold units", log=not constant, integer=constant),
        [pk.step("⌈ρ/ε⌉", eps_grid, widths)],
        current=(p.eps, c.net.width),
        current_name="this ε",
    )


def exported_networks(p: Params) -> list:
    g = targets.choose(p.target, p.expr)
    c = proposition_2_1(g, p.eps)
    notes = [f"Proposition 2.1: biases bᵢ = (i − 1)ε/ρ with ρ = {c.rho:.6g}, ε = {p.eps:g}."]
    if c.net.width == 0:
        notes.append(
            "g is constant: no threshold unit is needed; the layers carry one unit with "
            "outer weight 0 because a layer cannot be empty."
        )
    return [network_export(_f_name(c.net), as_layers(c.net), activation="threshold", notes=notes)]


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
        "The ⌈ρ/ε⌉-unit threshold network of the proof inside the band g ± ε, its exact "
        "error cell by cell, and width against ε."
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
    networks=exported_networks,
    metric_labels={
        "width": "width ⌈ρ/ε⌉ (threshold units)",
        "lipschitz": "Lipschitz constant ρ (an estimate for a custom g)",
        "sup_error": "sup |f − g| (exact)",
    },
)
