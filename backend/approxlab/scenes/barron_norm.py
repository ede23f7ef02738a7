"""Scene ``barron-norm`` — Barron norms of Gaussians in dimension d (seed 003, end of §2.3)."""

from __future__ import annotations

import math

import numpy as np

from approxlab.scenes import plotkit as pk
from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import SHALLOW
from approxlab.theory.shallow import barron_norm as gs

#: Relative accuracy of the node-count comparison: ε = EPS_REL·g(0).
EPS_REL = 0.1
LOG10E = math.log10(math.e)
LOG_2PI = math.log(2.0 * math.pi)


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
        ge=0.05,
        le=5.0,
        scale="log",
        step=0.01,
        label="σ",
        description="Width of the Gaussian g(x) ∝ exp(−‖x‖²/(2σ²)); 2πσ² ≥ 1 for σ ≥ 0.399 "
        "(σ = 1 is the standard Gaussian). Values beyond float64 are shown as log₁₀.",
    )


def compute(p: Params) -> SceneResult:
    d, sigma = p.d, p.sigma
    log_exact = gs.log_integral_w_ghat(d, sigma)
    log_bound = gs.log_holder_bound(d, sigma)
    log_chain = gs.log_holder_chain(d, sigma)
    sweep = gs.dimension_sweep(gs.dimension_grid(), sigma, EPS_REL)
    metrics: dict[str, float | int] = {}
    for name, value in (
        ("integral_w_ghat", log_exact),
        ("holder_bound", log_bound),
        ("barron_norm", LOG_2PI + log_exact),
    ):
        number = gs.as_number(value)
        if number is not None:  # beyond float64 only the logarithm is shown
            metrics[name] = number
    metrics |= {
        "ratio": gs.ratio(d),
        "log10_integral_w_ghat": log_exact * LOG10E,
        "log10_holder_bound": log_bound * LOG10E,
        "log10_barron_norm": (LOG_2PI + log_exact) * LOG10E,
        "two_pi_sigma_sq": 2 * math.pi * sigma**2,
        "log10_grid_nodes": gs.log10_grid_nodes(d, sigma, EPS_REL),
        "log10_maurey_width": gs.log10_maurey_width(d, sigma, EPS_REL),
    }
    return SceneResult(
        metrics=metrics,
        checks=[
            Check(
                "log₁₀ ∫‖w‖·|ĝ(w)| dw ≤ log₁₀ of the Hölder bound",
                log_exact * LOG10E,
                log_bound * LOG10E,
                "<=",
            ),
            Check(
                "printed closed form = the Hölder step Z·(∫Z⁻¹‖w‖²|ĝ|)^½ (natural logarithms)",
                log_bound,
                log_chain,
                "==",
                rounding=gs.chain_allowance(d, sigma),
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
    return pk.sweep(
        "norm_vs_d",
        f"log₁₀ ∫‖w‖·|ĝ(w)| dw against d at σ = {p.sigma:g}",
        (
            "On a log₁₀ scale (the values reach 10^±1000): for 2πσ² ≥ 1 the norm grows only "
            "like √d — the shaded regime; narrower Gaussians explode exponentially in d."
        ),
        Axis("d", log=True),
        Axis("log₁₀ ∫‖w‖·|ĝ(w)| dw"),
        [
            pk.band(
                "regime 2πσ² ≥ 1: O(√d), below the σ = 1/√(2π) curve",
                ds.astype(float),
                np.full(ds.size, floor),
                star,
                role="context",
            ),
            pk.line("σ = 1/√(2π), where 2πσ² = 1", ds, star, role="reference"),
            pk.line("Hölder bound √d/(√(2π)(2πσ²)^((d+1)/2))", ds, bd, role="bound"),
            pk.line("exact Z·s·√2·Γ((d+1)/2)/Γ(d/2)", ds, ex),
        ],
        current=(p.d, log_exact * LOG10E),
        current_name="this d",
    )


def _nodes_plot(sweep: dict[str, np.ndarray], p: Params) -> Plot:
    ds = gs.dimension_grid()
    return pk.sweep(
        "nodes_vs_d",
        f"Nodes for error ε = {EPS_REL:g}·g(0): Maurey/Barron sampling against the "
        "Theorem 2.3 grid",
        (
            "Digits of the node count, on a log scale so both fit: sampling needs a "
            "few digits at every d, the grid thousands — the curse of dimensionality."
        ),
        Axis("d", log=True),
        Axis("log₁₀ of the node count (log scale)", log=True),
        [
            pk.line(
                "Theorem 2.3 grid: (4d + 1)·⌈ρ√d/ε⌉ᵈ ReLUs (L¹ on [0, 1]ᵈ)",
                ds,
                sweep["log10_grid"],
                role="error",
            ),
            pk.line(
                "Example 2.18.2: ⌈4(∫‖∇̃g‖)²/ε²⌉ threshold units (L²(P), ‖x‖ ≤ 1)",
                ds,
                sweep["log10_maurey"],
            ),
            pk.markers(
                "this d",
                [p.d, p.d],
                [
                    gs.log10_grid_nodes(p.d, p.sigma, EPS_REL),
                    gs.log10_maurey_width(p.d, p.sigma, EPS_REL),
                ],
                role="this-value",
            ),
        ],
    )


def _ratio_plot(sweep: dict[str, np.ndarray], p: Params) -> Plot:
    return pk.sweep(
        "ratio",
        "exact / Hölder bound = √2·Γ((d+1)/2)/(√d·Γ(d/2)) → 1",
        "The printed bound loses little: the ratio does not depend on σ and tends to 1.",
        Axis("d", log=True),
        Axis("exact / bound"),
        [
            pk.line("exact / bound", gs.dimension_grid(), sweep["ratio"]),
            pk.hline("1", 1.0, 1.0, 1000.0),
        ],
        current=(p.d, gs.ratio(p.d)),
        current_name="this d",
    )


NOTES = [
    "Corrected from the printed Fourier pair (003, end of §2.3): "
    "g(x) = (2πσ²)^(−d/2)·exp(−‖x‖²/(2σ²)) has ĝ(w) = exp(−2π²σ²‖w‖²) "
    "(printed (2πσ²)^(+d/2), whose transform is (2πσ²)ᵈ·exp(−2π²σ²‖w‖²)). The "
    "quantities here depend on ĝ only, so they are as printed.",
    "Exact value: ĝ = Z·φₛ with Z = (2πσ²)^(−d/2), φₛ the N(0, s²I) density, "
    "s = 1/(2πσ); so ∫‖w‖ĝ = Z·E‖W‖ = Z·s·√2·Γ((d+1)/2)/Γ(d/2) (a chi mean), "
    "computed with log-Gamma so d = 1000 neither overflows nor underflows.",
    "The printed bound is Cauchy–Schwarz (E‖W‖ ≤ (E‖W‖²)^½ = s√d); the second "
    "check recomputes it from that unsimplified form.",
    f"Node counts for ε = {EPS_REL:g}·g(0): Theorem 2.3 with ρ = sup‖∇g‖ on [0, 1]ᵈ "
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
        "integral_w_ghat": "∫‖w‖·|ĝ(w)| dw (exact; only when float64 holds it)",
        "holder_bound": "Hölder bound √d/(√(2π)(2πσ²)^((d+1)/2)) (only when float64 holds it)",
        "ratio": "exact / bound",
        "barron_norm": "∫‖∇̃g‖ = 2π·∫‖w‖·|ĝ| (only when float64 holds it)",
        "log10_integral_w_ghat": "log₁₀ of ∫‖w‖·|ĝ(w)| dw",
        "log10_holder_bound": "log₁₀ of the Hölder bound",
        "log10_barron_norm": "log₁₀ of ∫‖∇̃g‖",
        "two_pi_sigma_sq": "2πσ²",
        "log10_grid_nodes": "log₁₀ Theorem 2.3 ReLUs (ε = 0.1·g(0))",
        "log10_maurey_width": "log₁₀ Maurey width (ε = 0.1·g(0))",
    },
)
