"""Scene ``maurey`` — Lemma 2.16/2.17 and Example 2.18.1 (seed 003): sampling a finite
threshold network from the infinite-width one of Proposition 2.8."""

from __future__ import annotations

from functools import lru_cache
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
    param,
    seed_param,
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.export import network_export
from approxlab.scenes.target_param import custom_target, expr_param, target_options
from approxlab.theory.core import targets
from approxlab.theory.core.threshold_networks import as_layers, step_form
from approxlab.theory.shallow.maurey import (
    BiasMeasure,
    MaureyRun,
    MaureySummary,
    bias_histogram,
    chain_allowance,
    custom_measure,
    library_measure,
    maurey_errors,
    mean_allowance,
    prefix_sizes,
    summarize,
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
        description="Width of each sampled network: k iid samples (bⱼ, sⱼ) from |μ|/‖μ‖₁.",
    )
    trials: int = param(
        200,
        ge=1,
        le=2000,
        scale="log",
        step=0.05,
        label="draws",
        description="Independent sampled networks (draws); errors are averaged over them.",
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


@lru_cache(maxsize=8)
def _run(target: str, expr: str, k: int, trials: int, seed: int) -> tuple[BiasMeasure, MaureyRun]:
    """The sampled networks of one parameter set (shared by the scene and its networks)."""
    custom = target == targets.CUSTOM
    measure = custom_measure(expr, GRID) if custom else library_measure(target, GRID)
    run = maurey_errors(
        measure,
        k,
        trials,
        seed,
        ks=prefix_sizes(k, CURVE_POINTS),
        curve_trials=min(trials, CURVE_TRIALS),
        show=min(SHOWN, trials),
    )
    return measure, run


def compute(p: Params) -> SceneResult:
    g = targets.choose(p.target, p.expr)
    measure, run = _run(p.target, p.expr, p.k, p.trials, p.seed)
    m = summarize(measure, run)
    return SceneResult(
        metrics={
            "mass": m.mass,
            "bound": m.bound,
            "mean_sq_error": m.mean_sq_error,
            "best_sq_error": m.best_sq_error,
            "expected_sq_error": m.expected_sq_error,
            "second_moment_bound": m.second_moment_bound,
        },
        checks=_checks(measure, run, m, p),
        plots=[
            _error_plot(measure, run, m, p),
            _networks_plot(g, measure, run, p),
            _density_plot(measure, run, p),
        ],
        notes=_notes(p.target == targets.CUSTOM, m),
    )


def _checks(measure: BiasMeasure, run: MaureyRun, m: MaureySummary, p: Params) -> list[Check]:
    draws = "draw" if p.trials == 1 else f"{p.trials:,} draws"
    zero = m.bound == 0.0
    return [
        Check(
            f"mean of ‖g − ĝ‖² over the {draws} ≤ ‖μ‖₁²·sup‖1[· ≥ b]‖²/k",
            m.mean_sq_error,
            m.bound,
            "<=",
            # Markov's inequality for a bound on an expectation; undefined when the bound is 0
            confidence=None if zero else 1.0 - m.expected_sq_error / m.bound,
            note=(
                "The bound is 0: μ sits right of every point of P, so every draw equals "
                "g(0) on P and its error is exactly 0 — certain, not probabilistic."
            )
            if zero
            else None,
        ),
        Check(
            "exact E‖g − ĝ‖² = (E‖V‖² − ‖g − g(0)‖²)/k ≤ E‖V‖²/k",
            m.expected_sq_error,
            m.second_moment_bound,
            "<=",
        ),
        Check(
            "E‖V‖²/k ≤ ‖μ‖₁²·sup‖1[· ≥ b]‖²/k",
            m.second_moment_bound,
            m.bound,
            "<=",
            rounding=chain_allowance(measure, p.k),
        ),
        Check(
            f"the best of the {draws} ≤ their mean (some draw does as well as the mean)",
            m.best_sq_error,
            m.mean_sq_error,
            "<=",
            rounding=mean_allowance(run.sq_errors),
        ),
    ]


def _network_names(run: MaureyRun, trials: int) -> dict[int, str]:
    best = run.best_trial
    out = {}
    for r in run.shown:
        name = f"draw {r + 1}"
        if r == best:
            name += " — the best" if trials == 1 else f" — the best of {trials:,}"
        out[r] = name
    return out


def _networks_plot(g: targets.Target, measure: BiasMeasure, run: MaureyRun, p: Params) -> Plot:
    fine = np.linspace(0.0, 1.0, 1001)
    traces = [pk.line(f"g(x) = {g.label}", fine, g(fine), role="target")]
    roles = iter(("construction", "reference"))
    for r, name in _network_names(run, p.trials).items():
        b, s = run.shown[r]
        knots, values = step_form(measure.network(b, s))
        role = "highlight" if r == run.best_trial else next(roles)
        traces.append(pk.step_function(f"ĝ, {name}", knots, values, role, columns=800))  # type: ignore[arg-type]
    return Plot(
        "networks",
        f"Sampled networks ĝ with k = {p.k:,} threshold units over g",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "Each ĝ is g(0) plus k threshold units at biases drawn from |g′|, each of height "
            "±‖μ‖₁/k; steep parts of g draw many units."
        ),
    )


def _error_plot(measure: BiasMeasure, run: MaureyRun, m: MaureySummary, p: Params) -> Plot:
    kk = np.geomspace(1, max(p.k, 2), 200) if p.k > 1 else np.array([1.0])
    prefix = run.prefix_sq_errors
    traces = [
        pk.line("bound ‖μ‖₁²·sup‖1[· ≥ b]‖²/k", kk, measure.bound(kk), role="bound"),
        pk.line("E‖V‖²/k", kk, measure.second_moment() / kk, role="reference"),
        pk.line("exact E‖g − ĝ‖²", kk, measure.expected_sq_error(kk), role="target"),
    ]
    traces += pk.spread(run.ks, prefix)
    return pk.sweep(
        "error_vs_k",
        "Squared L²(P) error against k: measured, exact expectation and bound",
        (
            "The measured errors fall like 1/k, as the exact expectation does; both stay "
            "under E‖V‖²/k and the lemma's bound ‖μ‖₁²/k."
        ),
        Axis("k (sampled units)", log=True),
        Axis("‖g − ĝ‖² in L²(P)", log=m.bound > 0),
        traces,
        current=(p.k, m.mean_sq_error),
        current_name=f"this k: mean over all {p.trials:,} draws",
    )


def _density_plot(measure: BiasMeasure, run: MaureyRun, p: Params) -> Plot:
    xs = np.linspace(0.0, 1.0, 1001)
    centres, hist = bias_histogram(measure, run.piece_counts, p.trials * p.k)
    traces = [
        pk.bars(
            f"histogram of all {p.trials * p.k:,} sampled biases (scaled)",
            centres,
            hist,
            role="reference",
        ),
        pk.line("|g′(b)|, the density of |μ|", xs, measure.density(xs), role="target"),
    ]
    b, s = run.shown[0]
    b, s = b[:300], s[:300]
    first = " (first 300)" if p.k > 300 else ""
    traces += pk.by_sign(f"biases of draw 1{first} with sign", b, measure.density(b), s)
    return Plot(
        "density",
        "The density |g′| of μ and the sampled biases",
        Axis("b"),
        Axis("density"),
        traces,
        caption=(
            "Biases are drawn with density proportional to |g′|; each unit's sign is the "
            "sign of g′ there (+1 where g rises, −1 where it falls)."
        ),
    )


def _notes(custom: bool, m: MaureySummary) -> list[str]:
    notes = [
        f"P is uniform on the {GRID} midpoints (i + ½)/{GRID} of [0, 1] (the midpoint "
        "rule for the uniform distribution). Lemma 2.17 holds for every probability "
        "measure P, and for this P everything is exact: μ is cut into pieces between "
        "grid points and critical points of g, on which g is monotone, so "
        "|μ|(piece) = |g(hi) − g(lo)| and E‖V‖² = ‖μ‖₁·Σ|μ|(piece)·‖1[· ≥ b]‖² with no "
        "quadrature.",
        "The first check is about an expectation measured on finitely many draws; by "
        "Markov's inequality it holds with probability at least 1 − E‖g − ĝ‖²/bound (its "
        "confidence). The exact expectation, E‖V‖²/k and the bound are compared "
        "deterministically, with rounding allowances derived from their sums.",
        "All draws are evaluated at once: each draw's sampled biases are histogrammed "
        "over the grid and cumulative sums give the network at every grid point — "
        "O(draws·(k + n)) time, never the draws × k × n activation tensor.",
        f"The curve measures the first {CURVE_TRIALS} draws (or all, if fewer) at "
        "every k′ of a log grid, using the first k′ of their k samples (themselves k′ iid "
        "samples).",
        "Corrected from the printed Lemma 2.17 (003): the fixed signs are "
        "s ∈ {±1}ᵏ (printed {±1}ᵐ).",
    ]
    if m.bound == 0.0:
        notes.append(
            "Here ‖1[· ≥ b]‖ = 0 in L²(P) for every bias μ charges (g changes only right "
            "of the last point of P), so the bound, E‖V‖² and every error are exactly 0 "
            "and the ratio E‖g − ĝ‖²/bound is undefined."
        )
    if custom:
        notes.append(
            "Custom g: g′ is exact (forward-mode differentiation of the parsed expression), "
            "but its sign changes are located numerically on an 8193-point grid, so a "
            "feature narrower than the grid can be missed (then |μ| of that piece is "
            "underestimated)."
        )
    return notes


def exported_networks(p: Params) -> list:
    measure, run = _run(p.target, p.expr, p.k, p.trials, p.seed)
    out = []
    for r, name in _network_names(run, p.trials).items():
        b, s = run.shown[r]
        out.append(
            network_export(
                f"ĝ, {name}: {p.k:,} threshold units",
                as_layers(measure.network(b, s)),
                activation="threshold",
                seed=p.seed,
                notes=[
                    f"Draw {r + 1} of {p.trials:,} (seed {p.seed}): biases bⱼ iid from "
                    "|μ|/‖μ‖₁, outer weights sⱼ·‖μ‖₁/k with sⱼ the sign of g′(bⱼ), output "
                    "bias g(0)."
                ],
            )
        )
    return out


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
    networks=exported_networks,
    metric_labels={
        "mass": "‖μ‖₁ = ∫|g′|",
        "bound": "bound ‖μ‖₁²·sup‖1[·≥b]‖²/k",
        "mean_sq_error": "mean ‖g − ĝ‖² over the draws",
        "best_sq_error": "best draw's ‖g − ĝ‖²",
        "expected_sq_error": "exact E‖g − ĝ‖²",
        "second_moment_bound": "E‖V‖²/k",
    },
)
