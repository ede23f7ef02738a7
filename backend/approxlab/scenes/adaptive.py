"""Scene ``adaptive`` — Proposition 2.8 and Remark 2.2 (seed 003): pay for variation only."""

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
from approxlab.theory.core.threshold_networks import as_layers
from approxlab.theory.shallow.adaptive import (
    UniformAndAdaptive,
    adaptive_allowance,
    adaptive_widths,
    uniform_allowance,
    uniform_and_adaptive,
)
from approxlab.theory.shallow.threshold import cell_sups, threshold_widths

LIBRARY = ("plateau", "sin", "abs", "square", "nielsen")
TargetName = Literal["plateau", "sin", "abs", "square", "nielsen", "custom"]

#: Most threshold nodes (uniform grid) for a custom target; the library needs ≤ ⌈15/0.001⌉.
MAX_CUSTOM_WIDTH = 20_000
#: Breakpoint rugs are drawn up to this many breakpoints.
RUG_MAX = 2_000


class Params(SceneParams):
    target: TargetName = param(
        "plateau",
        label="target g",
        description="Target function on [0, 1]; 'plateau' is flat except for one steep rise.",
        options=target_options(LIBRARY),
    )
    eps: float = param(
        0.05,
        ge=1e-3,
        le=0.5,
        scale="log",
        step=0.02,
        label="ε",
        description="Target accuracy ε: ⌈ρ/ε⌉ uniform units against ⌈V/ε⌉ adaptive units.",
    )
    expr: str = expr_param()

    @field_validator("expr")
    @classmethod
    def _custom_target(cls, expr: str, info: ValidationInfo) -> str:
        return custom_target_within_width(expr, info, max_width=MAX_CUSTOM_WIDTH)


def compute(p: Params) -> SceneResult:
    g = targets.choose(p.target, p.expr)
    c = uniform_and_adaptive(g, p.eps)
    sup_u, sup_a = c.uniform_error.sup, c.adaptive_error.sup
    checks = [
        # |x − 1/2| (and any linear piece) attains ε on every uniform cell, and every
        # adaptive cell where g is monotone carries variation exactly ε: the allowances are
        # the roundings of the computations that produce the measured numbers
        Check(
            "uniform network: sup |f − g| ≤ ε", sup_u, p.eps, "<=", uniform_allowance(g, c, p.eps)
        ),
        Check(
            "adaptive network: sup |f − g| ≤ ε",
            sup_a,
            p.eps,
            "<=",
            adaptive_allowance(g, c, p.eps),
        ),
        Check("⌈V/ε⌉ ≤ ⌈ρ/ε⌉ (V ≤ ρ)", c.adaptive.width, c.uniform.width, "<="),
    ]
    return SceneResult(
        metrics={
            "variation": c.variation,
            "lipschitz": c.rho,
            "width_uniform": c.uniform.width,
            "width_adaptive": c.adaptive.width,
            "sup_error_uniform": sup_u,
            "sup_error_adaptive": sup_a,
        },
        checks=checks,
        plots=[_approximation_plot(g, c), _error_plot(g, c, p.eps), _width_plot(c, p.eps)],
        notes=_notes(g, c),
    )


def _units(n: int) -> str:
    return f"{n:,} unit{'' if n == 1 else 's'}"


def _approximation_plot(g: targets.Target, c: UniformAndAdaptive) -> Plot:
    x = np.linspace(0.0, 1.0, 2001)
    gx = g(x)
    lo, hi = float(gx.min()), float(gx.max())
    span = max(hi - lo, 1e-9)
    eu, ea = c.uniform_error, c.adaptive_error
    traces = [
        pk.line(f"g(x) = {g.label}", x, gx, role="target"),
        pk.step_function(
            f"uniform (Prop. 2.1): {_units(c.uniform.width)}", eu.knots, eu.values, "reference"
        ),
        pk.step_function(f"adaptive: {_units(c.adaptive.width)}", ea.knots, ea.values),
    ]
    for name, net, level, role in (
        ("uniform biases", c.uniform, lo - 0.06 * span, "reference"),
        ("adaptive biases", c.adaptive, lo - 0.12 * span, "highlight"),
    ):
        if 0 < net.width <= RUG_MAX:
            t = -net.b
            traces.append(pk.markers(name, t, np.full(t.size, level), role=role))  # type: ignore[arg-type]
    return Plot(
        "approximation",
        "g, the uniform and the adaptive threshold network, biases as rugs",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "The uniform grid spends units everywhere; the adaptive one puts a unit wherever "
            "g has changed by ε, so flat stretches cost nothing (Remark 2.2)."
        ),
    )


def _error_plot(g: targets.Target, c: UniformAndAdaptive, eps: float) -> Plot:
    eu, ea = c.uniform_error, c.adaptive_error
    cu, ca = cell_sups(g, eu), cell_sups(g, ea)
    return Plot(
        "error",
        "Largest error |f − g| on each cell, against ε",
        Axis("x"),
        Axis("sup of |f − g| on the cell", range=(0.0, 1.15 * max(eps, eu.sup, ea.sup))),
        [
            pk.band("allowed: |f − g| ≤ ε", [0.0, 1.0], [0.0, 0.0], [eps, eps]),
            pk.step_function("uniform network", eu.knots, cu, "reference"),
            pk.step_function("adaptive network", ea.knots, ca, "construction"),
        ],
        caption=(
            "Both networks keep every cell's error below ε (exact suprema); the adaptive "
            "cells reach ε wherever g is monotone, the uniform ones only where g is steepest."
        ),
    )


def _width_plot(c: UniformAndAdaptive, eps: float) -> Plot:
    eps_grid = np.geomspace(1e-3, 0.5, 120)
    constant = c.uniform.width == 0
    return Plot(
        "width",
        "Width against ε: ⌈ρ/ε⌉ (uniform) and ⌈V/ε⌉ (adaptive)",
        Axis("ε", log=True),
        Axis("threshold units", log=not constant, integer=constant),
        [
            pk.step("uniform ⌈ρ/ε⌉", eps_grid, threshold_widths(c.rho, eps_grid), "reference"),
            pk.step("adaptive ⌈V/ε⌉", eps_grid, adaptive_widths(c.variation, eps_grid)),
            pk.markers(
                "this ε", [eps, eps], [c.uniform.width, c.adaptive.width], role="this-value"
            ),
        ],
        caption="Both widths grow like 1/ε; the adaptive one is smaller by the factor V/ρ.",
    )


def _notes(g: targets.Target, c: UniformAndAdaptive) -> list[str]:
    notes = [
        "Proposition 2.8 (003): g(x) = g(0) + ∫₀¹ g′(b)·1[x ≥ b] db on [0, 1] (printed for "
        "g(0) = 0). Discretizing the integral at breakpoints b₁ = 0 < b₂ < … gives the "
        "telescoping network of Proposition 2.1, f(x) = Σᵢ aᵢ·1[x ≥ bᵢ] with aᵢ = g(bᵢ) − "
        "g(bᵢ₋₁), and on each cell [bₖ, bₖ₊₁) |f(x) − g(x)| is at most the variation of g "
        "between bₖ and x.",
        "Uniform (Prop. 2.1): bᵢ = (i − 1)ε/ρ, ⌈ρ/ε⌉ units — it pays for the steepest slope "
        "everywhere, flat regions included (Remark 2.2). Adaptive: bᵢ = C⁻¹((i − 1)ε) for "
        "the cumulative variation C(x) = ∫₀ˣ|g′|, so every cell carries variation ε and "
        "⌈V/ε⌉ units suffice, V = ∫₀¹|g′| ≤ ρ.",
        "Both sup errors are exact: f is constant between breakpoints, so the supremum is at "
        "a cell end (one-sided limit) or a critical point of g. C is exact between critical "
        "points (g is monotone there) and C⁻¹ is found by bisection — no quadrature.",
        "The checks allow for floating-point rounding derived from the computation (the "
        "cumulative variation, the bisection, the telescoping sums, the evaluations of g), "
        "so cells that carry exactly ε show ✓.",
        f"Here V = {c.variation:.6g} and ρ = {c.rho:.6g}: the adaptive network needs "
        f"{_units(c.adaptive.width)} where the uniform one needs {_units(c.uniform.width)}.",
    ]
    if c.uniform.width == 0:
        notes.append(
            "g is constant (ρ = V = 0): both networks have no unit and are the output bias "
            "g(0) alone."
        )
    if g.estimated:
        notes.append(
            f"Custom g(x) = {g.label}: g′ is exact (differentiation of the parsed "
            "expression), but ρ, V and the critical points are estimates — searched on a "
            f"grid of {targets.SEARCH_GRID} points and refined by bisection, so features "
            "narrower than the grid can be missed. Both networks and both checks use them."
        )
    if max(c.uniform.width, c.adaptive.width) > RUG_MAX:
        notes.append(f"Rugs are drawn only for at most {RUG_MAX:,} biases.")
    return notes


def exported_networks(p: Params) -> list:
    g = targets.choose(p.target, p.expr)
    c = uniform_and_adaptive(g, p.eps)
    dormant = "g is constant: no unit is needed; one unit with outer weight 0 fills the layer."
    out = []
    for label, net, how in (
        ("uniform (Prop. 2.1)", c.uniform, "biases (i − 1)ε/ρ"),
        ("adaptive", c.adaptive, "biases where the cumulative variation of g passes (i − 1)ε"),
    ):
        notes = [f"{how}, ε = {p.eps:g}."] + ([dormant] if net.width == 0 else [])
        out.append(
            network_export(
                f"{label}: {_units(net.width)}",
                as_layers(net),
                activation="threshold",
                notes=notes,
            )
        )
    return out


SCENE = Scene(
    id="adaptive",
    title="Adaptive widths: pay for variation, not for the steepest slope",
    chapter=SHALLOW,
    summary=(
        "Uniform grid against equal-variation breakpoints: two threshold networks over g, "
        "exact sup errors and widths against ε."
    ),
    primary_plot="approximation",
    source="003, Proposition 2.8 and Remark 2.2",
    statement=(
        r"If $g$ is continuously differentiable on $[0,1]$, then "
        r"$g(x) = g(0) + \int_0^1 g'(b)\,\mathbf{1}[x \geq b]\,db$. Placing the thresholds "
        r"so that every cell carries variation $\epsilon$ gives a 2-layer threshold network "
        r"with $\lceil V/\epsilon \rceil$ nodes, $V = \int_0^1 \lvert g' \rvert \leq \rho$, "
        r"and $\sup_{x\in[0,1]} \lvert f(x) - g(x) \rvert \leq \epsilon$; the uniform grid "
        r"of Proposition 2.1 needs $\lceil \rho/\epsilon \rceil$."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "variation": "variation V = ∫₀¹|g′| (an estimate for a custom g)",
        "lipschitz": "Lipschitz constant ρ (an estimate for a custom g)",
        "width_uniform": "uniform width ⌈ρ/ε⌉ (threshold units)",
        "width_adaptive": "adaptive width ⌈V/ε⌉ (threshold units)",
        "sup_error_uniform": "sup |f − g|, uniform (exact)",
        "sup_error_adaptive": "sup |f − g|, adaptive (exact)",
    },
)
