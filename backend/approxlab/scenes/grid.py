"""Scene ``grid`` — Theorem 2.3 (seed 003): cubes, bumps and the curse of dimensionality."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator

from approxlab.scenes import plotkit as pk
from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.export import MAX_EXPORT_PARAMETERS, NetworkTooLargeError, network_export
from approxlab.theory.core import targets_nd
from approxlab.theory.core.expressions import MAX_LENGTH, ExpressionError
from approxlab.theory.shallow.grid import (
    GridConstruction,
    GridNetwork,
    L1Errors,
    axis_rule_size,
    cells_per_axis,
    cells_per_axis_printed,
    dense_deviation,
    grid_relu_network,
    l1_errors,
    largest_k,
    leak_budget_allowance,
    leak_curves,
    leak_exact,
    node_counts,
    relu_nodes,
    sup_h_allowance,
    sup_h_error,
    sup_with_k,
    theorem_2_3,
)

#: Most cubes kᵈ (5⁸ = 390,625 fits): every cube's corner value and exact range is computed.
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
        description="Target on [0, 1]ᵈ, ρ-Lipschitz w.r.t. the Euclidean norm.",
        options={
            "ridge": "ridge Σᵢxᵢ/√d (ρ = 1)",
            "gaussian": "Gaussian bump, width 0.15 (ρ = e^(−½)/0.15)",
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
            f"Accuracy ε: k = ⌈ρ√d/ε⌉ cells per axis. At most {MAX_CUBES:,} cubes kᵈ "
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


def _slice_points(net: GridNetwork, d: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Points along x₁ (the other coordinates at a row of cube centres) including every knot
    of f along that line (the faces j/k and the ramp ends j/k ± γ)."""
    e = np.arange(net.k + 1) / net.k
    t = np.linspace(0.0, 1.0, 1201)
    t = np.unique(np.clip(np.concatenate([t, e, e - net.gamma, e + net.gamma]), 0.0, 1.0))
    c = (net.k // 2 + 0.5) / net.k
    X = np.full((t.size, d), c)
    X[:, 0] = t
    return t, X, c


def _where(d: int, c: float) -> str:
    return "" if d == 1 else f" along x₁ (the other coordinates = {c:.3g}, a row of cube centres)"


def _slice_plot(g, net: GridNetwork, d: int) -> Plot:
    t, X, c = _slice_points(net, d)
    e = np.arange(net.k + 1) / net.k
    Xm = np.full((net.k, d), c)
    Xm[:, 0] = (np.arange(net.k) + 0.5) / net.k
    return Plot(
        "slice",
        f"g, the piecewise-constant h and the network f{_where(d, c)}",
        Axis("x₁"),
        Axis("value"),
        [
            pk.line("g", t, g(X), role="target"),
            pk.step_function("h = g(lower corner) on each cube", e, net.h(Xm), "reference"),
            pk.line("f: the 3-layer ReLU network", t, net(X)),
        ],
        caption=(
            "h is constant on every cube (g at the cube's lower corner); the network f "
            "follows h except on ramps of width γ at the cube faces, so ∫|f − g| ≤ 2ε."
        ),
    )


def _slice_error_plot(g, net: GridNetwork, d: int, eps: float) -> Plot:
    t, X, c = _slice_points(net, d)
    return Plot(
        "slice_error",
        f"|f − g|{_where(d, c)}",
        Axis("x₁"),
        Axis("|f − g|"),
        [pk.line("|f − g|", t, np.abs(net(X) - g(X)), role="error"), pk.hline("ε", eps, 0, 1)],
        caption=(
            "Inside each cube the error is at most ε (h is within ε of g); on the thin ramps "
            "it can be larger, but the ramps are too thin to add more than ε to the integral."
        ),
    )


def _heatmaps(g, net: GridNetwork) -> list[Plot]:
    x = (np.arange(HEAT) + 0.5) / HEAT
    if net.k <= 12:  # make the ramps visible: add points inside every strip of width γ
        e = np.arange(net.k + 1) / net.k
        x = np.unique(np.clip(np.concatenate([x, e - net.gamma / 2, e + net.gamma / 2]), 0, 1))
    X1, X2 = np.meshgrid(x, x, indexing="xy")  # rows: x₂, columns: x₁
    X = np.stack([X1, X2], axis=-1).reshape(-1, 2)
    shape = X1.shape
    gx, hx, fx = g(X).reshape(shape), net.h(X).reshape(shape), net(X).reshape(shape)
    return [
        Plot(pid, title, Axis("x₁"), Axis("x₂"), [pk.heatmap(name, x, x, z)], caption, "equal")
        for pid, title, name, z, caption in (
            ("heat_g", "Target g", "g", gx, "The target g on the unit square."),
            (
                "heat_h",
                f"h: piecewise constant on {net.cubes:,} cubes",
                "h",
                hx,
                "h takes g's value at the lower corner of each cube: a staircase of "
                f"{net.k} × {net.k} tiles.",
            ),
            (
                "heat_f",
                "f: the 3-layer ReLU network",
                "f",
                fx,
                "The network reproduces h exactly inside every cube and blends neighbouring "
                "values on ramps of width γ along the faces.",
            ),
            (
                "heat_error",
                "|f − g|",
                "|f − g|",
                np.abs(fx - gx),
                "The error is largest at the far corners of the cubes and on the ramps; its "
                "integral is at most 2ε.",
            ),
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
    return pk.sweep(
        "nodes",
        f"ReLU nodes against d at ε = {p.eps:g}",
        "The node count grows exponentially in d — the curse of dimensionality; the printed "
        "k undercounts (its h misses ε), and the printed Ω(⌈ρ/ε⌉ᵈ) is not an upper bound.",
        Axis("d", integer=True),
        Axis("ReLU nodes", log=True),
        [
            pk.line("corrected: (4d + 1)·⌈ρ√d/ε⌉ᵈ", dd_ok, np.array(corrected, float)),
            pk.line(
                "with the printed k = ⌈ρ/(ε√d)⌉",
                dd_ok,
                np.array(printed, float),
                role="reference",
            ),
            pk.line("printed statement: ⌈ρ/ε⌉ᵈ", dd_ok, np.array(omega, float), role="bound"),
            pk.line("largest grid served here", dd_ok, np.array(limit, float), role="context"),
        ],
        current=(p.d, float(relu_nodes(cells_per_axis(rho, p.eps, p.d), p.d))),
        current_name="this d",
    )


def _gamma_plot(k: int, d: int, gamma: float, tau: float) -> Plot:
    gs = np.geomspace(1e-4, 1.0, 120) * (0.5 / k)
    bound, exact = leak_curves(k, d, gs)
    return pk.sweep(
        "leak",
        "Leak of one bump outside its cube against the ramp width γ",
        "A bump leaks outside its cube only on its ramps; γ is chosen so that the proof's "
        "bound stays below τ = ε/Σⱼ|aⱼ|, which keeps the total leak below ε.",
        Axis("γ", log=True),
        Axis("leak", log=True),
        [
            pk.line("proof's bound (1/k + 2γ)ᵈ − k⁻ᵈ", gs, bound, role="bound"),
            pk.line("exact leak (interior cube)", gs, exact),
            pk.hline("τ = ε/Σⱼ|aⱼ|", tau, float(gs[0]), float(gs[-1]), role="reference"),
        ],
        current=(gamma, leak_exact(k, d, gamma)),
        current_name="this γ",
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
    confidence = None if d <= 2 else MC_CONFIDENCE
    checks = [
        Check(
            "sup |h − g| ≤ ε" + (" (estimate)" if g.estimated else ""),
            sup_h,
            p.eps,
            "<=",
            # the ridge attains ρ√d/k = ε exactly when √d/ε is an integer
            sup_h_allowance(g.roundings, float(np.max(np.abs(net.a))), p.eps, g.lipschitz, d),
        ),
        Check("∫|f − g| ≤ 2ε", ints.fg[0], 2 * p.eps, "<=", confidence=confidence),
        Check(
            "∫|f − h| ≤ Σⱼ|aⱼ|·((1/k + 2γ)ᵈ − k⁻ᵈ)",
            ints.fh[0],
            metrics["leak_bound"],
            "<=",
            confidence=confidence,
        ),
        Check(
            "Σⱼ|aⱼ|·((1/k + 2γ)ᵈ − k⁻ᵈ) ≤ ε (the choice of γ)",
            metrics["leak_bound"],
            p.eps,
            "<=",
            # attained with equality at γ = γ★ (uncapped)
            leak_budget_allowance(c.k, d, p.eps, c.total),
        ),
    ]
    plots = [
        _slice_plot(g, net, d),
        *(_heatmaps(g, net) if d == 2 else [_slice_error_plot(g, net, d, p.eps)]),
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
        "The printed statement says Ω(⌈ρ/ε⌉ᵈ) ReLU nodes; an existence statement needs an "
        "upper bound — the construction has (4d + 1)·kᵈ = O(d·⌈ρ√d/ε⌉ᵈ) nodes "
        "(⌈ρ/ε⌉ᵈ cubes would suffice only if ρ were measured in the ℓ∞ norm).",
        "γ: the proof says 'sufficiently small'. One bump leaks at most (1/k + 2γ)ᵈ − k⁻ᵈ "
        "(exact for an interior cube: Σₛ C(d, s)·2ˢ·kˢ⁻ᵈ·γˢ/(s + 1)!, about half), so "
        "γ★ = ½((k⁻ᵈ + ε/Σⱼ|aⱼ|)^(1/d) − 1/k), capped at 1/(2k), makes "
        "Σⱼ|aⱼ|·leak ≤ ε and ∫|f − g| ≤ ∫|f − h| + ∫|h − g| ≤ 2ε.",
        "Typos: the trapezoid vanishes outside [u − γ, v + γ] (printed [aⱼ − γ, bⱼ + γ]); "
        "the bump is σ(Σᵢ fᵧ,ᵢ(xᵢ) − (d − 1)) with fᵧ,ᵢ the trapezoid along axis i, a sum "
        "over coordinates (printed Σⱼ); "
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


def exported_networks(p: Params) -> list:
    """The 3-layer ReLU network of the proof with its real weight matrices (W₂ is dense:
    ``4d·k^{2d}`` entries, so only small grids can be sent)."""
    d = p.d
    g = targets_nd.choose(p.target, d, p.expr)
    k = cells_per_axis(g.lipschitz, p.eps, d)
    m = k**d
    size = 4 * d * m * (d + 1) + 4 * d * m * m + 2 * m + 1
    if size > MAX_EXPORT_PARAMETERS:
        raise NetworkTooLargeError(
            f"the network of Theorem 2.3 at d = {d}, k = {k} has {m:,} cubes and "
            f"{size:,} weights and biases (W₂ alone is {m:,} × {4 * d * m:,}), more than the "
            f"limit of {MAX_EXPORT_PARAMETERS:,} that can be sent; choose a larger ε or a "
            "smaller d"
        )
    c = theorem_2_3(g, g.lipschitz, p.eps, d, p.gamma)
    return [
        network_export(
            f"f: 3-layer ReLU network, {relu_nodes(k, d):,} nodes on {m:,} cubes",
            grid_relu_network(c.net),
            notes=[
                f"Theorem 2.3 with k = {k} cells per axis and ramp width γ = {c.net.gamma:.6g}: "
                f"4d = {4 * d} first-layer ReLUs (trapezoids) and one second-layer ReLU "
                "(the bump) per cube; the output layer weights the bumps by aⱼ = g(uⱼ).",
            ],
        )
    ]


SCENE = Scene(
    id="grid",
    title="Gridding [0, 1]ᵈ: bumps from 3-layer networks and the curse of dimension",
    chapter=SHALLOW,
    summary=(
        "The proof's kᵈ cubes and 3-layer ReLU bumps on [0, 1]ᵈ: g, the "
        "piecewise-constant h, the network and their errors."
    ),
    primary_plot="slice",
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
    networks=exported_networks,
    metric_labels={
        "k": "cells per axis k = ⌈ρ√d/ε⌉",
        "cubes": "cubes kᵈ",
        "nodes": "ReLU nodes (4d + 1)·kᵈ",
        "sup_error_piecewise": "sup |h − g| (exact for library targets)",
        "l1_error": "∫|f − g| (Monte Carlo for d > 2)",
        "l1_error_se": "standard error of ∫|f − g| (0: quadrature)",
        "leak": "∫|f − h|",
        "leak_bound": "Σⱼ|aⱼ|·((1/k + 2γ)ᵈ − k⁻ᵈ)",
        "gamma": "ramp width γ",
        "gamma_star": "γ★ (the proof's choice)",
        "lipschitz": "ρ (an estimate for a custom g)",
        "k_printed": "printed k = ⌈ρ/(ε√d)⌉",
        "sup_error_printed_k": "sup |h − g| with the printed k",
        "network_max_dev": "max |f − real weight matrices| (rounding)",
    },
)
