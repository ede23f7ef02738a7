"""Scene ``barron-norm`` — Barron norms of Gaussians in dimension d (seed 003, end of §2.3)."""

from __future__ import annotations

import math

import numpy as np

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
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.shallow import barron_norm as gs

#: Relative accuracy of the node-count comparison: ε = EPS_REL·g(0).
EPS_REL = 0.1
LOG10E = math.log10(math.e)


class Params(SceneParams):
    d: int = param(
        10,
        ge=1,
        le=1000,
        scale="log",
        step=0.05,
        label="d (dimension)",
        description="Input dimension of the Gaussian.",
    )
    sigma: float = param(
        0.5,
        ge=0.2,
        le=0.8,
        scale="log",
        step=0.01,
        label="σ",
        description="Width of the Gaussian g(x) ∝ exp(−‖x‖²/(2σ²)); 2πσ² ≥ 1 for σ ≥ 0.399. "
        "(Limited to [0.2, 0.8] so that every value stays within float64 up to d = 1000.)",
    )


def compute(p: Params) -> SceneResult:
    d, sigma = p.d, p.sigma
    log_exact = gs.log_integral_w_ghat(d, sigma)
    log_bound = gs.log_holder_bound(d, sigma)
    log_chain = gs.log_holder_chain(d, sigma)
    exact, bound = math.exp(log_exact), math.exp(log_bound)
    sweep = gs.dimension_sweep(gs.dimension_grid(), sigma, EPS_REL)
    chain_tol = rounding_allowance(abs(log_chain), abs(log_bound), 1.0, ops=16)
    return SceneResult(
        metrics={
            "integral_w_ghat": exact,
            "holder_bound": bound,
            "ratio": gs.ratio(d),
            "barron_norm": 2 * math.pi * exact,
            "log10_integral_w_ghat": log_exact * LOG10E,
            "log10_holder_bound": log_bound * LOG10E,
            "two_pi_sigma_sq": 2 * math.pi * sigma**2,
            "log10_grid_nodes": gs.log10_grid_nodes(d, sigma, EPS_REL),
            "log10_maurey_width": gs.log10_maurey_width(d, sigma, EPS_REL),
        },
        checks=[
            Check("exact ≤ Hölder bound", exact, bound, "<="),
            Check(
                "printed closed form = Z·(∫Z⁻¹‖w‖²|ĝ|)^{1/2} (log)",
                log_bound,
                log_chain,
                "==",
                rounding=chain_tol,
            ),
        ],
        plots=[
            _norm_plot(sweep, p, log_exact),
            _nodes_plot(sweep, p),
            _ratio_plot(sweep, p),
        ],
        notes=list(NOTES),
    )


def _norm_plot(sweep: dict[str, np.ndarray], p: Params, log_exact: float) -> Plot:
    ds = gs.dimension_grid()
    ex = sweep["log_exact"] * LOG10E
    bd = sweep["log_bound"] * LOG10E
    star = sweep["log_exact_star"] * LOG10E
    floor = float(min(ex.min(), bd.min(), star.min())) - 5.0
    return Plot(
        "norm_vs_d",
        f"∫‖w‖·|ĝ(w)| dw against d at σ = {p.sigma:g} (log₁₀ scale: values reach 10^±300)",
        Axis("d", log=True),
        Axis("log₁₀ ∫‖w‖·|ĝ(w)| dw"),
        [
            band(
                "regime 2πσ² ≥ 1: O(√d) (below the σ = 1/√(2π) curve)",
                ds.astype(float),
                np.full(ds.size, floor),
                star,
                style="reference",
            ),
            Trace("σ = 1/√(2π) (2πσ² = 1)", "line", ds, star, style="reference"),
            Trace("Hölder bound √d/(√(2π)(2πσ²)^((d+1)/2))", "line", ds, bd, style="bound"),
            Trace("exact Z·s·√2·Γ((d+1)/2)/Γ(d/2)", "line", ds, ex, style="construction"),
            Trace("this d", "markers", [p.d], [log_exact * LOG10E], style="highlight"),
        ],
    )


def _nodes_plot(sweep: dict[str, np.ndarray], p: Params) -> Plot:
    ds = gs.dimension_grid()
    d, sigma = p.d, p.sigma
    return Plot(
        "nodes_vs_d",
        f"Nodes for error ε = {EPS_REL:g}·g(0): Maurey/Barron sampling against the "
        "Theorem 2.3 grid",
        Axis("d", log=True),
        Axis("log₁₀ nodes"),
        [
            Trace(
                "Theorem 2.3 grid: (4d+1)·⌈ρ√d/ε⌉^d ReLUs (L1 on [0,1]^d)",
                "line",
                ds,
                sweep["log10_grid"],
                style="error",
            ),
            Trace(
                "Example 2.18.2: ⌈4(∫‖∇̃g‖)²/ε²⌉ threshold units (L2(P), ‖x‖ ≤ 1)",
                "line",
                ds,
                sweep["log10_maurey"],
                style="construction",
            ),
            Trace(
                "this d",
                "markers",
                [d, d],
                [
                    gs.log10_grid_nodes(d, sigma, EPS_REL),
                    gs.log10_maurey_width(d, sigma, EPS_REL),
                ],
                style="highlight",
            ),
        ],
    )


def _ratio_plot(sweep: dict[str, np.ndarray], p: Params) -> Plot:
    return Plot(
        "ratio",
        "exact / Hölder bound = √2·Γ((d+1)/2)/(√d·Γ(d/2)) → 1",
        Axis("d", log=True),
        Axis("ratio"),
        [
            Trace("ratio", "line", gs.dimension_grid(), sweep["ratio"], style="construction"),
            Trace("1", "line", [1, 1000], [1.0, 1.0], style="bound"),
            Trace("this d", "markers", [p.d], [gs.ratio(p.d)], style="highlight"),
        ],
    )


NOTES = [
    "Corrected from the printed Fourier pair (003, end of §2.3): "
    "g(x) = (2πσ²)^{−d/2}·exp(−‖x‖²/(2σ²)) has ĝ(w) = exp(−2π²σ²‖w‖²) "
    "(printed (2πσ²)^{+d/2}, whose transform is (2πσ²)^d·exp(−2π²σ²‖w‖²)). The "
    "quantities here depend on ĝ only, so they are as printed.",
    "Exact value: ĝ = Z·φ_s with Z = (2πσ²)^{−d/2}, φ_s the N(0, s²I) density, "
    "s = 1/(2πσ); so ∫‖w‖ĝ = Z·E‖W‖ = Z·s·√2·Γ((d+1)/2)/Γ(d/2) (a chi mean), "
    "computed with log-Gamma so d = 1000 neither overflows nor underflows.",
    "The printed bound is Cauchy–Schwarz (E‖W‖ ≤ (E‖W‖²)^{1/2} = s√d); the second "
    "check recomputes it from that unsimplified form.",
    f"Node counts for ε = {EPS_REL:g}·g(0): Theorem 2.3 with ρ = sup‖∇g‖ on [0,1]^d "
    "and cubes of side 1/⌈ρ√d/ε⌉ — corrected from the printed ⌈ρ/(ε√d)⌉, which gives "
    "|g(u) − g(x)| ≤ ρ·√d/k ≈ εd, not ε. The two guarantees use different norms "
    "(L1 on the cube vs L2(P) on the ball).",
]


SCENE = Scene(
    id="barron-norm",
    title="Barron norms of Gaussians in dimension d",
    chapter=SHALLOW,
    summary=(
        "The Barron norm of a Gaussian in dimension d, exact, against the printed bound; "
        "Maurey width against the grid."
    ),
    primary_plot="norm_vs_d",
    source="003, §2.3 (Gaussians, after Theorem 2.12)",
    statement=(
        r"For $g(x)=(2\pi\sigma^2)^{-d/2}\exp(-\|x\|^2/(2\sigma^2))$, "
        r"$\hat g(w)=\exp(-2\pi^2\sigma^2\|w\|^2)$ and "
        r"$\int\|w\|\cdot|\hat g(w)|\,dw\leq"
        r"\frac{\sqrt d}{\sqrt{2\pi}(2\pi\sigma^2)^{(d+1)/2}}$; so if $2\pi\sigma^2\geq 1$ then "
        r"$\int\|\widetilde{\nabla}g(w)\|\,dw=\mathcal{O}(\sqrt d)$."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "integral_w_ghat": "∫‖w‖·|ĝ(w)| dw (exact)",
        "holder_bound": "Hölder bound √d/(√(2π)(2πσ²)^((d+1)/2))",
        "ratio": "exact / bound",
        "barron_norm": "∫‖∇̃g‖ = 2π·∫‖w‖·|ĝ|",
        "log10_integral_w_ghat": "log₁₀ exact",
        "log10_holder_bound": "log₁₀ bound",
        "two_pi_sigma_sq": "2πσ²",
        "log10_grid_nodes": "log₁₀ Theorem 2.3 ReLUs (ε = 0.1·g(0))",
        "log10_maurey_width": "log₁₀ Maurey width (ε = 0.1·g(0))",
    },
)
