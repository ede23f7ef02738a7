"""Scene ``maurey`` — Lemma 2.16/2.17 and Example 2.18.1 (seed 003): sampling a finite
threshold network from the infinite-width one of Proposition 2.8."""

from __future__ import annotations

from functools import cache, lru_cache
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
    seed_param,
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.decimate import m4
from approxlab.scenes.target_param import custom_target, expr_param, target_options
from approxlab.theory.core import targets
from approxlab.theory.shallow.maurey import (
    BiasMeasure,
    MaureyRun,
    bias_measure,
    maurey_errors,
)

LIBRARY = ("sin", "abs", "square", "nielsen", "plateau")
TargetName = Literal["sin", "abs", "square", "nielsen", "plateau", "custom"]

#: P is uniform on this many midpoints of [0, 1].
GRID = 512
#: Trials measured at every k′ of the error-vs-k curve (the first ones of the run).
CURVE_TRIALS = 64
#: Points of the log grid of k′ for the curve.
CURVE_POINTS = 12
#: Sampled networks drawn (plus the best trial).
SHOWN = 2


class Params(SceneParams):
    target: TargetName = param(
        "sin",
        label="target g",
        description="Target function on [0, 1] from the library, or a custom expression.",
        options=target_options(LIBRARY),
    )
    k: int = param(
        100,
        ge=1,
        le=10_000,
        scale="log",
        step=0.05,
        label="k (sampled units)",
        description="Width of each sampled network: k iid draws (b_j, s_j) from |μ|/‖μ‖₁.",
    )
    trials: int = param(
        200,
        ge=1,
        le=2000,
        scale="log",
        step=0.05,
        label="trials",
        description="Independent sampled networks; errors are averaged over them.",
    )
    seed: int = seed_param("Seed of the random draws (equal seeds give identical samples).")
    expr: str = expr_param()

    @field_validator("expr")
    @classmethod
    def _custom_target(cls, expr: str, info: ValidationInfo) -> str:
        g = custom_target(expr, info, lipschitz=True)
        if g is not None and not targets.variation(g) > 0:
            raise ValueError(
                f"g = {expr} is constant on [0, 1]: the measure μ = g′(b) db is zero and "
                "there is nothing to sample"
            )
        return expr


@cache
def library_measure(name: str) -> BiasMeasure:
    t = targets.get(name)
    return bias_measure(t.f, t.df, targets.critical_points(name), GRID)


@lru_cache(maxsize=64)
def custom_measure(expr: str) -> BiasMeasure:
    t = targets.custom(expr)
    return bias_measure(t.f, t.df, targets.critical_points(t), GRID)


def _step_polyline(net_x: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The graph of a right-continuous step function on [0, 1] as a polyline (for M4)."""
    x = np.repeat(net_x, 2)[1:]
    y = np.repeat(values, 2)[:-1]
    return x, y


def _network_trace(measure: BiasMeasure, biases, signs, name: str, style) -> Trace:
    net = measure.network(biases, signs)
    t = net.thresholds()
    knots = np.concatenate([[0.0], t, [1.0]])
    values = net(knots)
    x, y = m4(*_step_polyline(knots, values), columns=800)
    return Trace(name, "line", x, y, style=style)


def _density_plot(measure: BiasMeasure, run: MaureyRun, p: Params) -> Plot:
    xs = np.linspace(0.0, 1.0, 1001)
    dens = measure.density(xs)
    # histogram of all sampled biases over groups of 4 grid cells (pieces never straddle a
    # cell, so the counts per bin are exact; widths are the bins' exact lengths)
    which = np.minimum(measure.cell // 4, (measure.n - 1) // 4)
    counts = np.bincount(which, weights=run.piece_counts)
    starts = np.searchsorted(which, np.arange(counts.size), side="left")
    ends = np.searchsorted(which, np.arange(counts.size), side="right") - 1
    left, right = measure.lo[starts], measure.hi[ends]
    hist = measure.mass * counts / (p.trials * p.k) / (right - left)
    traces = [
        Trace(
            f"histogram of all {p.trials * p.k:,} sampled biases (scaled)",
            "bar",
            0.5 * (left + right),
            hist,
            style="reference",
        ),
        Trace("|g′(b)| (density of |μ|)", "line", xs, dens, style="target"),
    ]
    b, s = run.shown[0]
    b, s = b[:300], s[:300]
    for sign, label, style in ((1.0, "+1", "construction"), (-1.0, "−1", "error")):
        sel = s == sign
        if sel.any():
            traces.append(
                Trace(
                    f"biases of network 1 with s = {label}" + (" (first 300)" if p.k > 300 else ""),
                    "markers",
                    b[sel],
                    measure.density(b[sel]),
                    style=style,
                )
            )
    return Plot(
        "density",
        "Weight density |g′| and the sampled biases",
        Axis("b"),
        Axis("density"),
        traces,
    )


def compute(p: Params) -> SceneResult:
    g = targets.choose(p.target, p.expr)
    custom = p.target == targets.CUSTOM
    measure = custom_measure(p.expr) if custom else library_measure(p.target)
    ks = np.unique(np.round(np.geomspace(1, p.k, CURVE_POINTS)).astype(np.intp))
    run = maurey_errors(
        measure,
        p.k,
        p.trials,
        p.seed,
        ks=ks,
        curve_trials=min(p.trials, CURVE_TRIALS),
        show=min(SHOWN, p.trials),
    )
    mass = measure.mass
    bound = float(measure.bound(p.k))
    second = measure.second_moment() / p.k
    expected = float(measure.expected_sq_error(p.k))
    mean_sq = float(np.mean(run.sq_errors))
    best = run.best_trial
    best_sq = float(run.sq_errors[best])

    # --- plots ------------------------------------------------------------------------
    fine = np.linspace(0.0, 1.0, 1001)
    net_traces = [Trace(f"g(x) = {g.label}", "line", fine, g(fine), style="target")]
    for r, (b, s) in run.shown.items():
        if r == best:
            name, style = f"best of {p.trials} trials (#{r + 1})", "highlight"
        else:
            name, style = f"sampled network #{r + 1}", None
        net_traces.append(_network_trace(measure, b, s, name, style))

    kk = np.geomspace(1, max(p.k, 2), 200) if p.k > 1 else np.array([1.0])
    prefix = run.prefix_sq_errors
    lo_q, hi_q = np.quantile(prefix, [0.1, 0.9], axis=0)
    curve_n = prefix.shape[0]
    curve = [
        Trace("bound ‖μ‖₁²·sup‖1[·≥b]‖²/k", "line", kk, measure.bound(kk), style="bound"),
        Trace("E‖V‖²/k", "line", kk, measure.second_moment() / kk, style="reference"),
        Trace(
            "exact E‖g − ĝ‖² = (E‖V‖² − ‖g − g(0)‖²)/k",
            "line",
            kk,
            measure.expected_sq_error(kk),
            style="target",
        ),
    ]
    if curve_n > 1:
        curve.append(
            band(
                f"10–90% of {curve_n} trials",
                run.ks.astype(float),
                lo_q,
                hi_q,
                style="construction",
            )
        )
    curve += [
        Trace(
            f"mean over {curve_n} trials",
            "markers",
            run.ks,
            prefix.mean(axis=0),
            style="construction",
        ),
        Trace(
            f"this k: mean over all {p.trials} trials",
            "markers",
            [p.k],
            [mean_sq],
            style="highlight",
        ),
        Trace("this k: best trial", "markers", [p.k], [best_sq], style="error"),
    ]

    plots = [
        Plot(
            "networks",
            f"Sampled networks ĝ with k = {p.k} threshold units over g",
            Axis("x"),
            Axis("value"),
            net_traces,
        ),
        _density_plot(measure, run, p),
        Plot(
            "error_vs_k",
            "Squared L2(P) error against k: measured, exact expectation and bound",
            Axis("k (sampled units)", log=True),
            Axis("‖g − ĝ‖²_{L2(P)}", log=True),
            curve,
        ),
    ]
    return SceneResult(
        metrics={
            "mass": mass,
            "bound": bound,
            "mean_sq_error": mean_sq,
            "best_sq_error": best_sq,
            "expected_sq_error": expected,
            "second_moment_bound": second,
        },
        checks=[
            Check(
                "mean_sq_error ≤ bound",
                mean_sq,
                bound,
                "<=",
                # bound = 0: μ = 0, every sample is g(0) exactly and the error is 0 surely
                confidence=1.0 - expected / bound if bound > 0 else 1.0,
            ),
            Check("exact E‖g − ĝ‖² ≤ E‖V‖²/k", expected, second, "<="),
            Check("E‖V‖²/k ≤ bound", second, bound, "<="),
            Check("best trial ≤ mean (probabilistic method)", best_sq, mean_sq, "<="),
        ],
        plots=plots,
        notes=[
            f"P is uniform on the {GRID} midpoints (i + ½)/{GRID} of [0, 1] (the midpoint "
            "rule for the uniform distribution). Lemma 2.17 holds for every probability "
            "measure P, and for this P everything is exact: μ is cut into pieces between "
            "grid points and critical points of g, on which g is monotone, so "
            "|μ|(piece) = |g(hi) − g(lo)| and E‖V‖² = ‖μ‖₁·Σ|μ|(piece)·‖1[· ≥ b]‖² with no "
            "quadrature.",
            "The check mean_sq_error ≤ bound is about an expectation measured on finitely "
            "many trials; by Markov's inequality it holds with probability at least "
            "1 − E‖g − ĝ‖²/bound (its confidence). The exact expectation, E‖V‖²/k and the "
            "bound are compared deterministically.",
            "All trials are evaluated at once: each trial's sampled biases are histogrammed "
            "over the grid and cumulative sums give the network at every grid point — "
            "O(trials·(k + n)) time, never the trials × k × n activation tensor.",
            f"The curve measures the first {CURVE_TRIALS} trials (or all, if fewer) at "
            "every k′ of a log grid, using the first k′ of their k draws (themselves k′ iid "
            "draws).",
            "Corrected from the printed Lemma 2.17 (003): the fixed signs are "
            "s ∈ {±1}^k (printed {±1}^m).",
        ]
        + (
            [
                "Custom g: g′ is exact (forward-mode differentiation of the parsed expression), "
                "but its sign changes are located numerically on an 8193-point grid, so a "
                "feature narrower than the grid can be missed (then |μ| of that piece is "
                "underestimated)."
            ]
            if custom
            else []
        ),
    )


SCENE = Scene(
    id="maurey",
    title="Maurey sampling: finite networks from an infinite-width one",
    chapter=SHALLOW,
    summary=(
        "k threshold units sampled from |g′|: the sampled networks, and their L² error "
        "against ‖μ‖₁²/k."
    ),
    primary_plot="error_vs_k",
    source="003, Lemma 2.17 and Example 2.18.1",
    statement=(
        r"Write $g(x)-g(0)=\int_0^1 \mathbf{1}[x\geq b]\,d\mu(b)$ with $d\mu=g'(b)\,db$. "
        r"Draw $(b_j,s_j)_{j=1}^k$ iid from $|\mu|/\|\mu\|_1$ with "
        r"$s_j=\mathrm{sgn}\,g'(b_j)$ and let "
        r"$\hat g(x)=g(0)+\frac{\|\mu\|_1}{k}\sum_j s_j\mathbf{1}[x\geq b_j]$. Then "
        r"$\mathbb{E}\|g-\hat g\|_{L_2(P)}^2\leq \frac{\mathbb{E}\|V\|^2}{k}\leq "
        r"\frac{\|\mu\|_1^2\sup_b\|\mathbf{1}[\cdot\geq b]\|_{L_2(P)}^2}{k}$, "
        r"and some draw does at least as well as the mean."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "mass": "‖μ‖₁ = ∫|g′|",
        "bound": "bound ‖μ‖₁²·sup‖1[·≥b]‖²/k",
        "mean_sq_error": "mean ‖g − ĝ‖² over trials",
        "best_sq_error": "best trial ‖g − ĝ‖²",
        "expected_sq_error": "exact E‖g − ĝ‖²",
        "second_moment_bound": "E‖V‖²/k",
    },
)
