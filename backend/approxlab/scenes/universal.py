"""Scene ``universal`` — Theorem 2.5 (seed 003; seeds 000–002): two layers suffice, unless σ
is a polynomial."""

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
    param,
    seed_param,
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.decimate import m4
from approxlab.scenes.target_param import custom_target, expr_param, target_options
from approxlab.theory.core import targets
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.minimax import Minimax
from approxlab.theory.shallow.universal import (
    ACTIVATIONS,
    CHART_WIDTHS,
    EVAL_POINTS,
    LABELS,
    MAX_WIDTH,
    QUAD_NODES,
    SLOPES,
    UniversalFit,
    best_polynomials,
    error_chart,
    eval_grid,
    legendre_rank,
    measure_fit,
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
        description="Activation of the hidden units; polyk is σ(z) = z^k.",
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
    net = fit_.net
    poly = best_polynomials(g)
    chart = error_chart(g, CHART_SEED)
    metrics: dict[str, float | int] = {
        "sup_error": fit_.sup,
        "width": p.width,
        "max_outer_weight": float(np.max(np.abs(net.a))),
        "best_poly1_error": poly[0].upper,
        "best_poly2_error": poly[1].upper,
        "best_poly3_error": poly[2].upper,
    }
    checks: list[Check] = []
    k = polynomial_degree(p.activation)
    if k is not None:
        best = poly[k - 1]
        metrics["best_poly_error"] = best.upper
        gx = g(eval_grid())
        # f is a polynomial of degree ≤ k, so on the grid its error is at least E_k, which is
        # at least the Remez level |h| (de la Vallée Poussin); both are ~0 when g has degree
        # ≤ k, where only rounding separates them
        checks.append(
            Check(
                f"sup |f − g| ≥ E_{k} (best degree-{k} polynomial on the grid)",
                fit_.sup,
                best.lower,
                ">=",
                rounding=rounding_allowance(float(np.max(np.abs(gx))), ops=targets.roundings(g)),
            )
        )
    return SceneResult(
        metrics=metrics,
        checks=checks,
        plots=[
            _fit_plot(g, fit_, p),
            _error_plot(g, fit_),
            _width_plot(chart, poly, fit_.sup, p),
        ],
        notes=_notes(g, p),
    )


def _fit_plot(g: targets.Target, fit_: UniversalFit, p: Params) -> Plot:
    x = eval_grid()
    gx = g(x)
    net = fit_.net
    fit_traces = [
        Trace(f"g(x) = {g.label}", "line", x, gx, style="target"),
        Trace(
            f"f: {p.width} {p.activation} units",
            "step" if p.activation == "threshold" else "line",
            *m4(fit_.x, fit_.fx),
            style="construction",
        ),
        Trace(
            "where sup |f − g| is attained",
            "markers",
            [fit_.where],
            [float(net(np.array([fit_.where]))[0])],
            style="highlight",
        ),
    ]
    if p.width <= 200 and p.activation not in ("exp",) and polynomial_degree(p.activation) is None:
        t = net.units.t
        t = t[(t >= 0) & (t <= 1)]
        lo = float(np.min(gx)) - 0.08 * max(float(np.ptp(gx)), 1e-9)
        fit_traces.append(
            Trace("unit transitions tⱼ", "markers", t, np.full(t.size, lo), style="reference")
        )
    return Plot(
        "fit",
        f"g and the least-squares network ({LABELS[p.activation]}, width {p.width})",
        Axis("x"),
        Axis("value"),
        fit_traces,
    )


def _error_plot(g: targets.Target, fit_: UniversalFit) -> Plot:
    return Plot(
        "error",
        "|f(x) − g(x)|",
        Axis("x"),
        Axis("|f − g|"),
        [Trace("|f − g|", "line", *m4(fit_.x, np.abs(fit_.fx - g(fit_.x))), style="error")],
    )


def _width_plot(
    chart: dict[str, np.ndarray], poly: tuple[Minimax, ...], err: float, p: Params
) -> Plot:
    widths = np.array(CHART_WIDTHS, dtype=float)
    chart_traces = [
        Trace(
            LABELS[act],
            "line",
            widths,
            np.maximum(chart[act], FLOOR),
            style="construction" if act == p.activation else "reference",
        )
        for act in ACTIVATIONS
    ]
    chart_traces += [
        Trace(
            f"best degree-{k} polynomial",
            "line",
            widths[[0, -1]],
            np.full(2, max(m.upper, FLOOR)),
            style="bound",
        )
        for k, m in zip((1, 2, 3), poly, strict=True)
    ]
    chart_traces.append(
        Trace(
            f"this network ({LABELS[p.activation]}, seed {p.seed})",
            "markers",
            [p.width],
            [max(err, FLOOR)],
            style="highlight",
        )
    )
    return Plot(
        "width",
        f"sup |f − g| against width, every activation (inner weights of seed {CHART_SEED})",
        Axis("width n", log=True),
        Axis("sup |f − g|", log=True),
        chart_traces,
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


SCENE = Scene(
    id="universal",
    title="Universal approximation with two layers — and why σ must not be a polynomial",
    chapter=SHALLOW,
    summary=(
        "Two-layer networks with random inner and least-squares outer weights for nine "
        "activations; error against width."
    ),
    primary_plot="fit",
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
    metric_labels={
        "sup_error": "sup |f − g| (measured)",
        "width": "width n",
        "max_outer_weight": "max |aⱼ|",
        "best_poly1_error": "best degree-1 polynomial error",
        "best_poly2_error": "best degree-2 polynomial error",
        "best_poly3_error": "best degree-3 polynomial error",
        "best_poly_error": "best degree-k polynomial error (σ = z^k)",
    },
)
