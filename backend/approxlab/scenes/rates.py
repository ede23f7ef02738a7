"""Scene ``rates`` — linear against nonlinear approximation: uniform and free knots (seed 004,
approximation spaces)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import hline, line, markers, sweep
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.shallow import rates
from approxlab.theory.shallow.rates import Kink, Measurement, Power, Target

#: Knots are marked on the approximants' plot up to this many.
KNOT_MARKS = 64


class Params(SceneParams):
    target: Literal["power", "kink"] = param(
        "power",
        label="target g",
        description="x^α (Hölder, singular at 0) or a smooth function with a kink at ⅓.",
        options={"power": "x^α", "kink": "|x − ⅓| + (x − ⅓)²"},
    )
    alpha: float = param(
        0.5,
        ge=0.1,
        le=0.95,
        step=0.05,
        label="exponent α",
        description="The exponent of x^α (α = 1 would be linear: no error, no rate).",
    )
    N: int = param(
        16,
        ge=1,
        le=1024,
        step=0.1,
        scale="log",
        label="pieces N",
        description="Pieces of both approximants = ReLU units of both networks.",
    )


def target_of(p: Params) -> Target:
    return Power(p.alpha) if p.target == "power" else Kink()


def exported_networks(p: Params) -> list:
    g = target_of(p)
    m = rates.measure(g, p.N)
    common = f"one hidden layer, {p.N} ReLU units, one per piece"
    return [
        network_export(
            f"uniform knots: interpolant of {g.label}, {p.N} units",
            rates.interpolant_network(g, m.uniform_knots),
            notes=[f"{common}; knots k/N."],
        ),
        network_export(
            f"free knots: equidistributed interpolant of {g.label}, {p.N} units",
            rates.interpolant_network(g, m.free_knots),
            notes=[f"{common}; knots placed so that every piece carries the same sup error."],
        ),
    ]


def compute(p: Params) -> SceneResult:
    g = target_of(p)
    m = rates.measure(g, p.N)
    return SceneResult(
        metrics={
            "error_uniform": m.error_uniform,
            "error_free": m.error_free,
            "rate_uniform": m.rate_uniform,
            "rate_free": m.rate_free,
            "advantage": m.error_uniform / m.error_free,
        },
        checks=checks(m),
        plots=[rate_plot(m), approximants_plot(m), cells_plot(m)],
        notes=notes(m),
    )


def _interval_check(name: str, rate: float, interval: tuple[float, float], rounding: float):
    lo, hi = interval
    if lo == hi:
        return Check(name, rate, lo, "==", rounding=rounding)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    return Check(name, abs(rate - mid), half, "<=", rounding=rounding)


def checks(m: Measurement) -> list[Check]:
    sw, g = m.sweep, m.target
    ns = np.append(sw.n, m.n)
    free = np.append(sw.free, m.error_free)
    uni = np.append(sw.uniform, m.error_uniform)
    gap = float(np.max(free - uni))
    lo, hi = m.free_interval
    n1 = int(m.fit_n[0])
    if isinstance(g, Power):
        uniform_name = "fitted uniform rate = −α (E = c_α N^−α exactly: the first piece is worst)"
        free_name = (
            f"fitted free rate within {hi + 2:.3g} of −2 (N²E_N rises to "
            f"(∫√|g″|)²/8 = {g.asymptotic_constant:.4g}, from {n1}²·E_{n1})"
        )
    else:
        uniform_name = f"fitted uniform rate in [−1 − 1/(2·{n1}), −1] (kink at ⅓ or ⅔ of its piece)"
        free_name = f"fitted free rate in [{lo:.4f}, {hi:.4f}] (1/(4N²) ≤ E_N ≤ 1/(4(N − 1)²))"
    return [
        Check(
            f"free-knot error ≤ uniform-knot error at all {np.unique(ns).size} N shown "
            "(the equidistributed interpolant is the best interpolant)",
            gap,
            0.0,
            "<=",
            rounding=rounding_allowance(2.0, ops=16),
        ),
        Check(
            f"every free-knot piece carries the same sup error (N = {m.n}): max − min = 0",
            float(m.free_cells.max() - m.free_cells.min()),
            0.0,
            "==",
            rounding=rounding_allowance(2.0, ops=64),
        ),
        _interval_check(uniform_name, m.rate_uniform, m.uniform_interval, m.rate_rounding),
        _interval_check(free_name, m.rate_free, m.free_interval, m.rate_rounding),
    ]


def rate_plot(m: Measurement) -> Plot:
    sw, g = m.sweep, m.target
    n = sw.n.astype(float)
    if isinstance(g, Power):
        ref_u = ("c_α·N^−α (uniform rate)", g.first_cell_constant * n ** (-g.alpha))
    else:
        ref_u = ("(4/9)·N^−1 (uniform rate)", 4.0 / 9.0 / n)
    L = g.asymptotic_constant
    return Plot(
        "rates",
        f"Sup error against the pieces N: uniform N^−{-g.uniform_rate:g}, free N^−2 ({g.label})",
        Axis("pieces N (ReLU units)", log=True, integer=True),
        Axis("sup |g − f| (exact)", log=True),
        [
            markers("uniform knots", n, sw.uniform, role="reference"),
            line("free knots (equidistributed)", n, sw.free, role="construction"),
            line(ref_u[0], n, ref_u[1], role="bound"),
            line(f"(∫√|g″|)²/(8N²) = {L:.3g}/N² (free rate)", n, L / n**2, role="target"),
            markers(f"N = {m.n}", [m.n, m.n], [m.error_uniform, m.error_free], role="this-value"),
        ],
        caption=(
            f"On log-log axes a rate is a slope: uniform knots follow N^−{-g.uniform_rate:g}, "
            "free knots fall like N^−2 — the rate of a smooth function."
        ),
    )


def approximants_plot(m: Measurement) -> Plot:
    g = m.target
    x = np.linspace(0.0, 1.0, 1001)
    fk = m.free_knots
    traces = [
        line(f"g = {g.label}", x, g(x), role="target"),
        line("uniform knots", m.uniform_knots, g(m.uniform_knots), role="reference"),
        line("free knots", fk, g(fk), role="construction"),
    ]
    if fk.size <= KNOT_MARKS + 1:
        traces.append(markers("free knots' positions", fk, g(fk), role="highlight"))
    return Plot(
        "approximants",
        f"g and its two interpolants with N = {m.n} pieces",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "Free knots crowd where g bends hardest (at 0 for x^α, at the kink) and spread "
            "where it is nearly straight."
        ),
    )


def cells_plot(m: Measurement) -> Plot:
    g = m.target
    mid = lambda t: (t[:-1] + t[1:]) / 2  # noqa: E731
    log_x = isinstance(g, Power)
    return sweep(
        "cells",
        f"Sup error on each piece, N = {m.n}",
        "Uniform knots spend their error budget unevenly; the free knots put the same error "
        "on every piece (equidistribution).",
        Axis("piece midpoint" + (" (log scale)" if log_x else ""), log=log_x),
        Axis("sup error on the piece", log=True),
        [
            markers("uniform knots", mid(m.uniform_knots), m.uniform_cells, role="reference"),
            markers("free knots", mid(m.free_knots), m.free_cells, role="construction"),
            hline(
                f"E_N = {m.error_free:.3g}",
                m.error_free,
                float(mid(m.free_knots)[0]),
                1.0,
                role="highlight",
            ),
        ],
    )


def notes(m: Measurement) -> list[str]:
    g = m.target
    out = [
        "Both approximants are the interpolants of g at their knots, and both errors are the "
        "exact sup norm: g is concave (x^α) or convex (the kink) on every piece, so the "
        "largest gap to a chord is where g′ equals the chord's slope (or at the kink), a point "
        "in closed form — no grid.",
        "A continuous piecewise-linear f with N pieces on [0, 1] is a one-hidden-layer ReLU "
        "network with N units: f(x) = g(0) + Σₖ (sₖ − sₖ₋₁)·σ(x − tₖ), sₖ the slope on piece k. "
        "Both networks are exported.",
        "Free knots: every piece carries the same error E_N (equidistribution). For convex or "
        "concave g this is the best interpolant with N pieces — a greedy mesh stays ahead of "
        "any mesh with the same error — but not claimed to be the best approximant: on each "
        "piece the best line has half the chord's error, so the best approximant with N "
        "pieces has error between E_N/2 and E_N. The rates are those of the best "
        "approximants.",
        "Linear against nonlinear (004, approximation spaces): uniform knots form a vector "
        "space and see only the Hölder smoothness; free knots see the Besov smoothness "
        "B^α_τ with 1/τ = α + 1/p, so x^α, only Lip α, is approximated at rate N^−2, like a "
        "smooth function (de Boor: N²E_N → (∫√|g″|)²/8).",
    ]
    if isinstance(g, Power):
        out.append(
            f"x^α: c_α = α^(α/(1−α))(1 − α) = {g.first_cell_constant:.4g}; the uniform error "
            "is exactly c_α N^−α because every piece [kh, (k+1)h] has error h^α·e(k, k+1) and "
            "the first is worst. The free meshes of every N come from one sequence (scale "
            "invariance) solved by Newton's method; the slider stops at α = 0.95 since x¹ is "
            "linear (no error at all)."
        )
    else:
        out.append(
            "The kink at ⅓: on uniform knots the piece holding it has error "
            "2θ(1 − θ)h + θ(1 − θ)h² (θ its relative position), rate N^−1; when 3 divides N "
            "a knot lands on the kink and uniform knots are as good as free ones. Free knots "
            "give the kink one short piece and split the rest evenly (bisection on a "
            "monotone function of the common length h)."
        )
    out.append(
        f"Rates are least-squares slopes over N = {int(m.fit_n[0])}…{int(m.fit_n[-1])} "
        "(powers of two); each tolerance is derived from the asymptotics, see the check."
    )
    return out


SCENE = Scene(
    id="rates",
    title="Uniform against free knots: linear and nonlinear approximation rates",
    chapter=SHALLOW,
    summary=(
        "x^α and a kink by piecewise-linear ReLU networks: uniform knots N^−α, free "
        "(equidistributed) knots N^−2, exact sup errors."
    ),
    primary_plot="rates",
    source="004, approximation spaces (uniform against free-knot piecewise polynomials)",
    statement=(
        r"Piecewise-linear approximation with $N$ pieces of $g(x) = x^\alpha$ on $[0,1]$: "
        r"with uniform knots $\|g - f_N\|_\infty \asymp N^{-\alpha}$ (a linear method sees "
        r"only the Hölder smoothness), with free knots $\|g - f_N\|_\infty \asymp N^{-2}$ "
        r"(nonlinear approximation: $x^\alpha \in B^{2}_{\tau,\tau}$). Every such $f_N$ is a "
        r"one-hidden-layer ReLU network with $N$ units."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "error_uniform": "sup error, uniform knots, at N (exact)",
        "error_free": "sup error, free knots, at N (exact)",
        "rate_uniform": "fitted rate, uniform knots",
        "rate_free": "fitted rate, free knots",
        "advantage": "uniform error ÷ free error at N",
    },
)
