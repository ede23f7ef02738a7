"""Scene ``universal`` — Theorem 2.5 (seed 003; seeds 000–002): two layers suffice, unless σ
is a polynomial."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import ValidationInfo, field_validator

from approxlab.scenes import plotkit as pk
from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Trace,
    param,
    seed_param,
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.decimate import m4
from approxlab.scenes.export import network_export
from approxlab.scenes.target_param import custom_target, expr_param, target_options
from approxlab.theory.core import targets
from approxlab.theory.core.minimax import Minimax
from approxlab.theory.core.threshold_networks import step_form
from approxlab.theory.shallow.universal import (
    ACTIVATIONS,
    CHART_WIDTHS,
    EVAL_POINTS,
    EXPORT_ACTIVATIONS,
    LABELS,
    MAX_WIDTH,
    QUAD_NODES,
    SLOPES,
    UniversalFit,
    as_layers,
    best_polynomials,
    error_chart,
    eval_grid,
    legendre_rank,
    measure_fit,
    polynomial_check_allowance,
    polynomial_degree,
)

LIBRARY = ("sin", "abs", "square", "nielsen", "plateau")
TargetName = Literal["sin", "abs", "square", "nielsen", "plateau", "custom"]
Activation = Literal[
    "relu", "sigmoid", "tanh", "exp", "cos", "threshold", "poly1", "poly2", "poly3"
]

#: The chart is drawn for the inner weights of this seed whatever the seed parameter: its
#: factorizations are computed once per process, so changing the seed costs one fit.
CHART_SEED = 0
#: Errors below this are drawn at this level on the log axis.
FLOOR = 1e-16


class Params(SceneParams):
    activation: Activation = param(
        "relu",
        label="activation σ",
        description=(
            "Activation of the hidden units: ReLU, sigmoid, tanh, exp, cos, threshold, or "
            "the polynomials z, z², z³."
        ),
        options=dict(LABELS),
    )
    width: int = param(
        50,
        ge=1,
        le=MAX_WIDTH,
        scale="log",
        step=0.05,
        label="width n",
        description="Number of hidden units (the first n of a fixed random sequence).",
    )
    seed: int = seed_param("Seed of the random inner weights.")
    target: TargetName = param(
        "sin",
        label="target g",
        description="Continuous target on [0, 1].",
        options=target_options(LIBRARY),
    )
    expr: str = expr_param()

    @field_validator("expr")
    @classmethod
    def _custom_target(cls, expr: str, info: ValidationInfo) -> str:
        custom_target(expr, info, lipschitz=False)
        return expr


def compute(p: Params) -> SceneResult:
    g = targets.choose(p.target, p.expr)
    fit_ = measure_fit(g, p.activation, p.width, p.seed, cached=p.seed == CHART_SEED)
    poly = best_polynomials(g)
    chart = error_chart(g, CHART_SEED)
    metrics: dict[str, float | int] = {
        "sup_error": fit_.sup,
        "width": p.width,
        "max_outer_weight": float(np.max(np.abs(fit_.net.a))),
        "best_poly1_error": poly[0].upper,
        "best_poly2_error": poly[1].upper,
        "best_poly3_error": poly[2].upper,
    }
    k = polynomial_degree(p.activation)
    if k is None:
        checks = [_decrease_check(chart[p.activation], p.activation)]
    else:
        best = poly[k - 1]
        metrics["best_poly_error"] = best.upper
        # f is a polynomial of degree ≤ k, so on the grid its error is at least E_k, which is
        # at least the Remez level (de la Vallée Poussin); both are ~0 when g has degree
        # ≤ k, where only rounding separates them
        checks = [
            Check(
                f"{_measure(p.activation)} ≥ the best degree-{k} polynomial's error "
                f"E{pk.subscript(k)} "
                "on the same points",
                fit_.sup,
                best.lower,
                ">=",
                rounding=polynomial_check_allowance(g, fit_, best),
                note="Remark 2.6: with σ(z) = zᵏ every network is a polynomial of degree ≤ k.",
            )
        ]
    return SceneResult(
        metrics=metrics,
        checks=checks,
        plots=[
            _width_plot(chart, poly, fit_.sup, p),
            _fit_plot(g, fit_, p),
            _error_plot(g, fit_, p),
        ],
        notes=_notes(g, p),
    )


def _measure(activation: str) -> str:
    """How sup |f − g| is measured, in words."""
    if activation == "threshold":
        return "sup |f − g|"
    return f"max |f − g| on {EVAL_POINTS} points" + (
        " and the knots" if activation == "relu" else ""
    )


def _decrease_check(errors: np.ndarray, activation: str) -> Check:
    """Theorem 2.5 on the sweep: the error falls with width for a non-polynomial σ."""
    w0, w1 = CHART_WIDTHS[0], CHART_WIDTHS[-1]
    return Check(
        f"{_measure(activation)} at width {w1:,} ≤ ½ × at width {w0} "
        f"(the sweep, seed {CHART_SEED})",
        float(errors[-1]),
        0.5 * float(errors[0]),
        "<=",
        note=(
            "Theorem 2.5 says some network of every accuracy exists; this row measures the "
            "networks of the sweep (random inner weights of bounded slope, least-squares outer "
            "weights, double precision), whose error keeps falling only as far as those allow."
        ),
    )


def _fit_plot(g: targets.Target, fit_: UniversalFit, p: Params) -> Plot:
    x = eval_grid()
    gx = g(x)
    net = fit_.net
    traces = [
        pk.line(f"g(x) = {g.label}", x, gx, role="target"),
        _f_trace(fit_, p),
        pk.markers(
            "where sup |f − g| is reached"
            if p.activation == "threshold"
            else "where the largest error is",
            [fit_.where],
            [float(net(np.array([fit_.where]))[0])],
        ),
    ]
    if p.width <= 200 and p.activation not in ("exp",) and polynomial_degree(p.activation) is None:
        t = net.units.t
        t = t[(t >= 0) & (t <= 1)]
        lo = float(np.min(gx)) - 0.08 * max(float(np.ptp(gx)), 1e-9)
        traces.append(pk.markers("unit transitions tⱼ", t, np.full(t.size, lo), role="reference"))
    return Plot(
        "fit",
        f"g and the least-squares network ({LABELS[p.activation]}, width {p.width:,})",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "Random inner weights put one transition tⱼ of each unit somewhere in [0, 1]; "
            "least squares picks the outer weights, and f follows g."
        ),
    )


def _f_trace(fit_: UniversalFit, p: Params) -> Trace:
    name = f"f: {p.width:,} {LABELS[p.activation]} unit{'s' if p.width > 1 else ''}"
    if p.activation == "threshold":  # a step function: its exact steps
        return pk.step_function(name, *step_form(fit_.net.threshold_network()))
    return pk.line(name, *m4(fit_.x, fit_.fx))


def _error_plot(g: targets.Target, fit_: UniversalFit, p: Params) -> Plot:
    exact = p.activation == "threshold"
    where = (
        ""
        if exact
        else f" (on {EVAL_POINTS} points" + (" and every knot)" if p.activation == "relu" else ")")
    )
    return Plot(
        "error",
        f"|f(x) − g(x)|{where}",
        Axis("x"),
        Axis("|f − g|"),
        [pk.line("|f − g|", *m4(fit_.x, np.abs(fit_.fx - g(fit_.x))), role="error")],
        caption="Where the network misses g: the tallest peak is the error reported above.",
    )


def _width_plot(
    chart: dict[str, np.ndarray], poly: tuple[Minimax, ...], err: float, p: Params
) -> Plot:
    widths = np.array(CHART_WIDTHS, dtype=float)
    others = [a for a in ACTIVATIONS if a != p.activation]
    curves = pk.context_curves(
        "other activations (grey)",
        [(LABELS[a], widths, np.maximum(chart[a], FLOOR)) for a in others],
    )
    k = polynomial_degree(p.activation)
    floor = poly[(k or 3) - 1]
    curves += [
        pk.line(
            f"{LABELS[p.activation]} (seed {CHART_SEED})",
            widths,
            np.maximum(chart[p.activation], FLOOR),
        ),
        pk.hline(
            f"best degree-{k} polynomial: the floor for {LABELS[p.activation]} units"
            if k
            else "best cubic polynomial, for comparison",
            max(floor.upper, FLOOR),
            float(widths[0]),
            float(widths[-1]),
            role="bound" if k else "reference",
        ),
    ]
    return pk.sweep(
        "width",
        "sup |f − g| against width: this activation, the others in grey",
        (
            "A non-polynomial σ drives the error down as the width grows (Theorem 2.5); "
            "with σ(z) = zᵏ it stalls at the best degree-k polynomial (Remark 2.6)."
        ),
        Axis("width n", log=True),
        Axis(f"sup |f − g| (exact for threshold, else on {EVAL_POINTS} points)", log=True),
        curves,
        current=(p.width, max(err, FLOOR)),
        current_name=f"this network (seed {p.seed})",
    )


def _notes(g: targets.Target, p: Params) -> list[str]:
    notes = [
        f"f(x) = Σⱼ aⱼ σ(wⱼx + bⱼ), no output bias. Inner weights random (seed {p.seed}): "
        "transition tⱼ = −bⱼ/wⱼ ~ U(0, 1), random sign, |wⱼ| log-uniform in "
        f"[{SLOPES[p.activation][0]:g}, {SLOPES[p.activation][1]:g}]; unit j is the same for "
        "every width, so widths are nested.",
        _fit_note(p.activation, p.seed),
        (
            "sup |f − g| is exact for threshold networks (step functions: cell ends and "
            "critical points of g)"
            if p.activation == "threshold"
            else f"sup |f − g| is measured on {EVAL_POINTS} equally spaced points"
            + (" and every knot" if p.activation == "relu" else "")
        )
        + f"; the best polynomials are minimax on {EVAL_POINTS} equally spaced points (discrete "
        "Remez exchange, certified by de la Vallée Poussin's bound).",
        f"The chart uses the units of seed {CHART_SEED} for every seed (computed once); the "
        "marker is this network, whose error for another seed is another draw.",
        "Typos in the printed proofs (003), statement unaffected: Lemma 2.7 separates points "
        "with f(z) = exp(⟨z − x′, x − x′⟩), so f(x′) = 1 ≠ exp(‖x − x′‖²) = f(x) (printed "
        "with f(x) and f(x′) swapped); in the proof of Theorem 2.5, p(r) := Σᵢ uᵢσ(wᵢr + bᵢ) "
        "(printed wᵢx).",
        "Remark 2.6 (003): if σ is a polynomial of degree k, every such network is a "
        "polynomial of degree ≤ k, so its error can never go below the best degree-k "
        "polynomial's — width does not help. Any continuous non-polynomial σ is universal "
        "(Theorem 2.5).",
    ]
    if p.activation in ("sigmoid", "tanh", "exp", "cos"):
        notes.append(
            "The slopes are bounded, so in double precision these smooth units span only "
            f"about {legendre_rank(p.activation, p.seed)} independent functions on [0, 1]: "
            "beyond that the error levels off (for a kink like |x − ½| early) — Theorem 2.5 "
            "is about existence, with unbounded weights and exact arithmetic."
        )
    if g.estimated:
        notes.append(
            f"Custom g(x) = {g.label}; Theorem 2.5 assumes g continuous. Its critical points "
            "(used for the exact threshold error) are estimates on a grid."
        )
    return notes


def _fit_note(activation: str, seed: int) -> str:
    if activation == "relu":
        return (
            "Outer weights: L² least squares. ReLU networks are linear splines with knots "
            "at the tⱼ; the projection uses hat functions (tridiagonal Gram matrix) with two "
            "linear constraints (no output bias), ∫g·hat by 8-point Gauss on every knot "
            "interval, and aⱼ = (slope jump at tⱼ)/|wⱼ|."
        )
    if activation == "threshold":
        return (
            "Outer weights: L² least squares. Threshold networks are step functions with "
            "jumps at the tⱼ; the projection is the mean of g on every cell (8-point Gauss) "
            "with one linear constraint (no output bias), and aⱼ = ±(jump at tⱼ)."
        )
    return (
        f"Outer weights: least squares on a {QUAD_NODES}-point Gauss–Legendre grid, rotated "
        "by an orthogonal Legendre basis; the "
        f"{QUAD_NODES - legendre_rank(activation, seed)} rows below 10⁻¹³ of every unit's "
        "norm are dropped and the rest is solved by its thin SVD (minimum norm, singular "
        "values below 10⁻¹² of the largest treated as zero, as numpy.linalg.lstsq does)."
    )


def exported_networks(p: Params) -> list:
    g = targets.choose(p.target, p.expr)
    net = measure_fit(g, p.activation, p.width, p.seed, cached=p.seed == CHART_SEED).net
    return [
        network_export(
            f"f: {p.width:,} {LABELS[p.activation]} unit{'s' if p.width > 1 else ''}",
            as_layers(net),
            activation=EXPORT_ACTIVATIONS[p.activation],
            seed=p.seed,
            notes=[
                f"Random inner weights (seed {p.seed}), outer weights by L² least squares "
                f"against g(x) = {g.label} on [0, 1]; no output bias."
            ],
        )
    ]


SCENE = Scene(
    id="universal",
    title="Universal approximation with two layers — and why σ must not be a polynomial",
    chapter=SHALLOW,
    summary=(
        "Error against width for nine activations: non-polynomial σ keep improving, zᵏ "
        "stalls at the best degree-k polynomial; the fitted network over g."
    ),
    primary_plot="width",
    source="003, Theorem 2.5 and Remark 2.6",
    statement=(
        r"Suppose $\sigma:\mathbb{R}\to\mathbb{R}$ is continuous and not a polynomial. Then for "
        r"any continuous $g$ and any $\epsilon>0$ there is a 2-layer network "
        r"$f(x)=\sum_j a_j\,\sigma(w_j x + b_j)$ with "
        r"$\sup_{x\in[0,1]}\lvert f(x)-g(x)\rvert\leq\epsilon$. If $\sigma$ is a polynomial of "
        r"degree $k$, every such $f$ is a polynomial of degree $\leq k$."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "sup_error": (
            f"sup |f − g| (exact for threshold units; otherwise the maximum over {EVAL_POINTS} "
            "points and every ReLU knot)"
        ),
        "width": "width n",
        "max_outer_weight": "max |aⱼ|",
        "best_poly1_error": "best degree-1 polynomial error",
        "best_poly2_error": "best degree-2 polynomial error",
        "best_poly3_error": "best degree-3 polynomial error",
        "best_poly_error": "best degree-k polynomial error (σ = zᵏ)",
    },
)
