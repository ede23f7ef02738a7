"""Scene ``grid`` — Theorem 2.3 (seed 003): cubes, bumps and the curse of dimensionality."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Trace,
    param,
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.theory.core import targets_nd
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.expressions import MAX_LENGTH, ExpressionError
from approxlab.theory.shallow.grid import (
    GridConstruction,
    GridNetwork,
    L1Errors,
    axis_rule_size,
    cells_per_axis,
    cells_per_axis_printed,
    dense_deviation,
    l1_errors,
    largest_k,
    leak_curves,
    leak_exact,
    node_counts,
    relu_nodes,
    sup_h_error,
    sup_with_k,
    theorem_2_3,
)

#: Most cubes k^d (5^8 = 390,625 fits): every cube's corner value and exact range is computed.
MAX_CUBES = 400_000
#: For d ≤ 2, ∫|f − g| uses a breakpoint-aligned Gauss tensor grid of at most this many points.
MAX_QUADRATURE_POINTS = 1 << 18
#: For d > 2, ∫|f − g| is a Monte Carlo mean over this many uniform points (fixed seed).
MC_POINTS = 1 << 14
MC_SEED = 2023
#: Confidence of the Monte Carlo checks (the estimate is a mean of N draws).
MC_CONFIDENCE = 0.99
#: The live cross-check against the real weight matrices runs when W₂ is this small.
DENSE_ENTRIES = 20_000
#: Heatmap resolution (d = 2).
HEAT = 48

TargetName = Literal["ridge", "gaussian", "saddle", "custom"]
EXPR_DEFAULT = "x1*sin(8*x1)"


def _rho(info: ValidationInfo) -> float | None:
    """ρ of the target described by the already-validated fields, if they are valid."""
    data = info.data
    if "target" not in data or "d" not in data:
        return None
    if data["target"] == targets_nd.CUSTOM:
        if "expr" not in data:
            return None
        return targets_nd.custom(data["expr"], data["d"]).lipschitz
    return targets_nd.get(data["target"], data["d"]).lipschitz


@lru_cache(maxsize=16)
def _max_k(d: int) -> int:
    """Largest k served in dimension d (cube and quadrature limits)."""
    return largest_k(d, MAX_CUBES, MAX_QUADRATURE_POINTS)


class Params(SceneParams):
    target: TargetName = param(
        "ridge",
        label="target g",
        description="Target on [0, 1]^d, ρ-Lipschitz w.r.t. the Euclidean norm.",
        options={
            "ridge": "ridge Σᵢxᵢ/√d (ρ = 1)",
            "gaussian": "Gaussian bump, width 0.15 (ρ = e^{−1/2}/0.15)",
            "saddle": "saddle 4(x₁ − ½)(x₂ − ½) (ρ = 2√2, d ≥ 2)",
            "custom": "custom expression…",
        },
    )
    d: int = param(2, ge=1, le=8, step=1, label="d", description="Dimension of the input.")
    expr: str = Field(
        EXPR_DEFAULT,
        min_length=1,
        max_length=MAX_LENGTH,
        description=(
            "Custom target g(x1, …, xd), used when target = custom: numbers, pi, e, "
            "+ − * / ^, parentheses, sin cos tan exp log sqrt abs tanh min max clip, "
            "comparisons and where(cond, a, b)."
        ),
        json_schema_extra={
            "label": "custom g(x1, …, xd)",
            "scale": "linear",
            "visible_when": {"target": "custom"},
        },
    )
    eps: float = param(
        0.6,
        ge=0.02,
        le=2.0,
        scale="log",
        step=0.05,
        label="ε",
        description=(
            f"Accuracy ε: k = ⌈ρ√d/ε⌉ cells per axis. At most {MAX_CUBES:,} cubes k^d "
            f"(and, for d ≤ 2, a quadrature grid of at most {MAX_QUADRATURE_POINTS:,} points)."
        ),
    )
    gamma: float = param(
        1.0,
        ge=0.01,
        le=1.0,
        scale="log",
        step=0.1,
        label="γ / γ★",
        description=(
            "Ramp width γ of the bumps as a fraction of γ★, the largest γ for which the "
            "proof's leak bound gives ∫|f − g| ≤ 2ε (capped at half a cell)."
        ),
    )

    @field_validator("d")
    @classmethod
    def _dimension(cls, d: int, info: ValidationInfo) -> int:
        target = info.data.get("target")
        if target in targets_nd.MIN_D and d < targets_nd.MIN_D[target]:
            raise ValueError(f"target {target} needs d ≥ {targets_nd.MIN_D[target]}")
        return d

    @field_validator("expr")
    @classmethod
    def _custom(cls, expr: str, info: ValidationInfo) -> str:
        if info.data.get("target") == targets_nd.CUSTOM and "d" in info.data:
            try:
                targets_nd.custom(expr, info.data["d"])
            except ExpressionError as e:
                raise ValueError(str(e)) from None
        return expr

    @field_validator("eps")
    @classmethod
    def _cost(cls, eps: float, info: ValidationInfo) -> float:
        rho = _rho(info)
        if rho is None:
            return eps
        d = info.data["d"]
        k, kmax = cells_per_axis(rho, eps, d), _max_k(d)
        if k > kmax:
            what = f"{k}^{d} = {float(k) ** d:,.0f} cubes"
            limit = f"{MAX_CUBES:,} cubes"
            if d <= 2 and k**d <= MAX_CUBES:
                what = f"a quadrature grid of {axis_rule_size(k) ** d:,} points"
                limit = f"{MAX_QUADRATURE_POINTS:,} points"
            larger_d = [dd for dd in range(1, d) if cells_per_axis(rho, eps, dd) <= _max_k(dd)]
            hint = f" or d ≤ {larger_d[-1]}" if larger_d else ""
            raise ValueError(
                f"with d = {d} and ρ = {rho:.4g}, ε = {eps:g} needs k = ⌈ρ√d/ε⌉ = {k} cells "
                f"per axis, {what} — more than the limit of {limit} (the curse of "
                f"dimensionality); choose ε ≥ {rho * math.sqrt(d) / kmax:.3g}{hint}"
            )
        return eps


def _slice_plots(g, net: GridNetwork, d: int) -> list[Plot]:
    t = np.linspace(0.0, 1.0, 1201)
    t = np.unique(np.concatenate([t, np.clip(np.arange(net.k + 1) / net.k, 0, 1)]))
    c = (net.k // 2 + 0.5) / net.k
    X = np.full((t.size, d), c)
    X[:, 0] = t
    where = "" if d == 1 else f" along x₁ (x₂ = … = x_d = {c:.3g}, a row of cube centres)"
    return [
        Plot(
            "slice",
            f"g, h and f{where}",
            Axis("x₁"),
            Axis("value"),
            [
                Trace("g", "line", t, g(X), style="target"),
                Trace("h (piecewise constant)", "line", t, net.h(X), style="reference"),
                Trace("f (3-layer ReLU network)", "line", t, net(X), style="construction"),
            ],
        ),
        Plot(
            "slice_error",
            f"|f − g|{where}",
            Axis("x₁"),
            Axis("|f − g|"),
            [Trace("|f − g|", "line", t, np.abs(net(X) - g(X)), style="error")],
        ),
    ]


def _heatmaps(g, net: GridNetwork) -> list[Plot]:
    x = (np.arange(HEAT) + 0.5) / HEAT
    if net.k <= 12:  # make the ramps visible: add points inside every strip of width γ
        e = np.arange(net.k + 1) / net.k
        x = np.unique(np.clip(np.concatenate([x, e - net.gamma / 2, e + net.gamma / 2]), 0, 1))
    X = np.stack(np.meshgrid(x, x, indexing="xy"), axis=-1).reshape(-1, 2)
    shape = (x.size, x.size)  # rows: x₂, columns: x₁
    gx, hx, fx = g(X).reshape(shape), net.h(X).reshape(shape), net(X).reshape(shape)
    return [
        Plot(pid, title, Axis("x₁"), Axis("x₂"), [Trace(name, "heatmap", x, x, z=z)])
        for pid, title, name, z in (
            ("heat_g", "target g", "g", gx),
            ("heat_h", f"h: piecewise constant on {net.cubes:,} cubes", "h", hx),
            ("heat_f", "f: the 3-layer ReLU network", "f", fx),
            ("heat_error", "|f − g|", "|f − g|", np.abs(fx - gx)),
        )
    ]


def _nodes_plot(p: Params, rho: float) -> Plot:
    dims = np.arange(1, 9)
    rhos = []
    for dd in dims:
        if p.target == targets_nd.CUSTOM:
            rhos.append(rho)
        elif dd >= targets_nd.MIN_D[p.target]:
            rhos.append(targets_nd.get(p.target, int(dd)).lipschitz)
        else:
            rhos.append(np.nan)
    ok = ~np.isnan(rhos)
    dd_ok = dims[ok]
    corrected, printed, omega = node_counts(np.array(rhos)[ok], p.eps, dd_ok)
    limit = [(4 * int(dd) + 1) * _max_k(int(dd)) ** int(dd) for dd in dd_ok]
    return Plot(
        "nodes",
        f"ReLU nodes against d at ε = {p.eps:g} (log scale)",
        Axis("d"),
        Axis("ReLU nodes", log=True),
        [
            Trace(
                "(4d + 1)·⌈ρ√d/ε⌉^d (corrected)",
                "line",
                dd_ok,
                np.array(corrected, float),
                style="construction",
            ),
            Trace(
                "(4d + 1)·⌈ρ/(ε√d)⌉^d (printed k)",
                "line",
                dd_ok,
                np.array(printed, float),
                style="reference",
            ),
            Trace(
                "⌈ρ/ε⌉^d (printed count)", "line", dd_ok, np.array(omega, float), style="reference"
            ),
            Trace("largest grid served", "line", dd_ok, np.array(limit, float), style="bound"),
            Trace(
                "this d",
                "markers",
                [p.d],
                [float(relu_nodes(cells_per_axis(rho, p.eps, p.d), p.d))],
                style="highlight",
            ),
        ],
    )


def _gamma_plot(k: int, d: int, gamma: float, tau: float) -> Plot:
    gs = np.geomspace(1e-4, 1.0, 120) * (0.5 / k)
    bound, exact = leak_curves(k, d, gs)
    return Plot(
        "leak",
        "Leak of one bump ∫|f_γ − 1_R| against γ",
        Axis("γ", log=True),
        Axis("leak", log=True),
        [
            Trace("proof's bound (1/k + 2γ)^d − k^{−d}", "line", gs, bound, style="bound"),
            Trace("exact (interior cube)", "line", gs, exact, style="construction"),
            Trace("τ = ε/Σⱼ|aⱼ|", "line", gs[[0, -1]], [tau, tau], style="reference"),
            Trace("this γ", "markers", [gamma], [leak_exact(k, d, gamma)], style="highlight"),
        ],
    )


def compute(p: Params) -> SceneResult:
    d = p.d
    g = targets_nd.choose(p.target, d, p.expr)
    c = theorem_2_3(g, g.lipschitz, p.eps, d, p.gamma)
    net = c.net
    ints = l1_errors(g, net, MC_POINTS, MC_SEED)
    sup_h = sup_h_error(g, g.box_range, net, ints)
    metrics: dict[str, float | int] = {
        "k": c.k,
        "cubes": net.cubes,
        "nodes": net.nodes,
        "sup_error_piecewise": sup_h,
        "l1_error": ints.fg[0],
        "l1_error_se": ints.fg[1],
        "leak": ints.fh[0],
        "leak_bound": c.leak_bound(),
        "gamma": net.gamma,
        "gamma_star": c.gamma_star,
        "lipschitz": g.lipschitz,
        "k_printed": cells_per_axis_printed(g.lipschitz, p.eps, d),
    }
    notes = _notes(g, c, ints, metrics, p)
    G = g.roundings
    confidence = None if d <= 2 else MC_CONFIDENCE
    checks = [
        Check(
            "sup |h − g| ≤ ε" + (" (estimate)" if g.estimated else ""),
            sup_h,
            p.eps,
            "<=",
            # the ridge attains ρ√d/k = ε exactly when √d/ε is an integer
            rounding_allowance(float(np.max(np.abs(net.a))), p.eps, ops=2 * G + 4),
        ),
        Check("∫|f − g| ≤ 2ε", ints.fg[0], 2 * p.eps, "<=", confidence=confidence),
        Check(
            "∫|f − h| ≤ Σⱼ|aⱼ|·((1/k + 2γ)^d − k^{−d}) ≤ ε",
            ints.fh[0],
            metrics["leak_bound"],
            "<=",
            confidence=confidence,
        ),
    ]
    plots = (_heatmaps(g, net) if d == 2 else _slice_plots(g, net, d)) + [
        _nodes_plot(p, g.lipschitz),
        _gamma_plot(c.k, d, net.gamma, c.tau),
    ]
    return SceneResult(metrics=metrics, checks=checks, plots=plots, notes=notes)


def _notes(g, c: GridConstruction, ints: L1Errors, metrics: dict, p: Params) -> list[str]:
    """The notes; adds the metrics ``sup_error_printed_k`` and ``network_max_dev`` when
    they are computed."""
    d, k, net = p.d, c.k, c.net
    notes = [
        "Corrected from the printed proof (003, Theorem 2.3): the proof bounds "
        "|g(uₛ) − g(x)| ≤ ρ‖uₛ − x‖ and ‖uₛ − x‖₂ ≤ √d/k (the cube's diagonal), so "
        "sup |h − g| ≤ ε needs k ≥ ρ√d/ε; printed: k = ⌈ρ/(ε√d)⌉, which only gives "
        "ρ‖uₛ − x‖ ≤ dε (the ridge attains √d/k and fails for every d ≥ 2). Corrected: "
        "k = ⌈ρ√d/ε⌉, ρ w.r.t. the Euclidean norm.",
        "The printed statement says Ω(⌈ρ/ε⌉^d) ReLU nodes; an existence statement needs an "
        "upper bound — the construction has (4d + 1)·k^d = O(d·⌈ρ√d/ε⌉^d) nodes "
        "(⌈ρ/ε⌉^d cubes would suffice only if ρ were measured in the ℓ∞ norm).",
        "γ: the proof says 'sufficiently small'. One bump leaks at most (1/k + 2γ)^d − k^{−d} "
        "(exact for an interior cube: Σₛ C(d,s)·2^s·k^{s−d}·γ^s/(s+1)!, about half), so "
        "γ★ = ½((k^{−d} + ε/Σⱼ|aⱼ|)^{1/d} − 1/k), capped at 1/(2k), makes "
        "Σⱼ|aⱼ|·leak ≤ ε and ∫|f − g| ≤ ∫|f − h| + ∫|h − g| ≤ 2ε.",
        "Typos: the trapezoid vanishes outside [u − γ, v + γ] (printed [a_j − γ, b_j + γ]); "
        "the bump is σ(Σᵢ f_{γ,i}(xᵢ) − (d − 1)), a sum over coordinates (printed Σⱼ); "
        "τ = ε/Σⱼ|aⱼ| (printed ε/Σᵢ|αᵢ| at the end).",
    ]
    if d <= 2:
        notes.append(
            f"∫|f − g| and ∫|f − h| use a Gauss–Legendre tensor grid of {ints.X.shape[0]:,} "
            "points aligned with every ramp of the network (breakpoints j/k and j/k ± γ)."
        )
    else:
        notes.append(
            f"For d > 2, ∫|f − g| and ∫|f − h| are Monte Carlo means over {MC_POINTS:,} "
            f"uniform points (fixed seed), standard error {ints.fg[1]:.2g} for ∫|f − g|."
        )
    if g.box_range is not None:
        notes.append(
            "sup |h − g| is exact: on every cube the target's range is known in closed form "
            "(monotone ridge; the Gaussian's nearest point and farthest corner; the saddle's "
            "corners)."
        )
        kp = metrics["k_printed"]
        if kp < k and kp**d <= MAX_CUBES:
            sup_p = sup_with_k(g, g.box_range, kp, d)
            metrics["sup_error_printed_k"] = sup_p
            notes.append(
                f"With the printed k = {kp}, sup |h − g| = {sup_p:.4g} "
                f"{'>' if sup_p > p.eps else '≤'} ε = {p.eps:g}."
            )
    else:
        notes.append(
            f"Custom g = {g.label}: the gradient is exact (differentiation of the parsed "
            "expression) but ρ is an estimate — the largest gradient norm or secant slope on "
            f"{targets_nd.SAMPLE_POINTS:,} points and the corners — and sup |h − g| is "
            "estimated on the integration points and the cubes' far corners."
        )
    if 4 * d * net.cubes**2 <= DENSE_ENTRIES:
        sub = ints.X[:: max(1, ints.X.shape[0] // 256)]
        dev = dense_deviation(net, sub)
        metrics["network_max_dev"] = dev
        notes.append(
            "f is evaluated exactly by touching only the bumps that are nonzero at each "
            "point; here it was also evaluated through the real weight matrices "
            f"(W₁: {4 * d * net.cubes}×{d}, W₂: {net.cubes}×{4 * d * net.cubes}) at "
            f"{sub.shape[0]:,} points: max difference {dev:.2g} (rounding)."
        )
    return notes


SCENE = Scene(
    id="grid",
    title="Gridding [0, 1]^d: bumps from 3-layer networks and the curse of dimension",
    chapter=SHALLOW,
    summary=(
        "The proof's k^d cubes and 3-layer ReLU bumps on [0, 1]^d: g, the "
        "piecewise-constant h, the network and their errors."
    ),
    primary_plot="heat_error",
    source="003, Theorem 2.3",
    statement=(
        r"Let $g:\mathbb{R}^d\to\mathbb{R}$ be $\rho$-Lipschitz (w.r.t. $\lVert\cdot\rVert_2$) "
        r"and $\epsilon>0$. With $k = \lceil \rho\sqrt{d}/\epsilon \rceil$ there is a 3-layer "
        r"ReLU network $f$ with $(4d+1)k^d = \mathcal{O}(d\lceil\rho\sqrt{d}/\epsilon\rceil^d)$ "
        r"nodes so that $\int_{[0,1]^d} \lvert f(x)-g(x) \rvert\,dx \leq 2\epsilon$; the "
        r"piecewise-constant $h$ on the $k^d$ cubes has "
        r"$\sup_{x\in[0,1]^d}\lvert h(x)-g(x)\rvert\leq\epsilon$. "
        r"(Printed: $\Omega(\lceil\rho/\epsilon\rceil^d)$ nodes, "
        r"$k=\lceil\rho/(\epsilon\sqrt{d})\rceil$.)"
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "k": "cells per axis k = ⌈ρ√d/ε⌉",
        "cubes": "cubes k^d",
        "nodes": "ReLU nodes (4d + 1)·k^d",
        "sup_error_piecewise": "sup |h − g| (exact for library targets)",
        "l1_error": "∫|f − g| (Monte Carlo for d > 2)",
        "l1_error_se": "standard error of ∫|f − g| (0: quadrature)",
        "leak": "∫|f − h|",
        "leak_bound": "Σⱼ|aⱼ|·((1/k + 2γ)^d − k^{−d})",
        "gamma": "ramp width γ",
        "gamma_star": "γ★ (the proof's choice)",
        "lipschitz": "ρ (an estimate for a custom g)",
        "k_printed": "printed k = ⌈ρ/(ε√d)⌉",
        "sup_error_printed_k": "sup |h − g| with the printed k",
        "network_max_dev": "max |f − real weight matrices| (rounding)",
    },
)
