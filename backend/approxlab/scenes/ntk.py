"""Scene ``ntk`` — Theorem 3.19 and Proposition 3.23 (seed 003): the neural tangent kernel."""

from __future__ import annotations

import numpy as np

from approxlab.scenes import plotkit as kit
from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    param,
    seed_param,
    width_param,
)
from approxlab.scenes.chapters import NEAR_INIT
from approxlab.scenes.export import network_export
from approxlab.theory.near_init import ntk as kernels
from approxlab.theory.near_init import two_layer as ni

#: Angles on the kernel plot.
CURVE_POINTS = 1441
#: Widths on the "deviation vs m" curve (the first m′ units of this draw).
CURVE_WIDTHS = 20
#: Failure probability of the DKW reference line and check.
DKW_DELTA = 0.05


class Params(SceneParams):
    m: int = width_param(1000)
    seed: int = seed_param("Seed of the random draw.")
    theta: float = param(
        60.0,
        ge=0.0,
        le=180.0,
        step=1.0,
        label="θ (degrees)",
        description="Angle between the unit inputs x and x′ of the highlighted pair.",
    )


def compute(p: Params) -> SceneResult:
    m = p.m
    net = ni.initialization(m, 2, p.seed)
    th = np.radians(p.theta)
    x = np.array([1.0, 0.0])
    xp = np.array([np.cos(th), np.sin(th)])
    k_m = kernels.ntk_gradient_form(x, xp, net.V0, net.a)  # ⟨∂F(x), ∂F(x′)⟩/m, literally
    k_inf = float(kernels.k_inf(x, xp)[0, 0])
    angles = kernels.ntk_angles(net.V0)
    srt = np.sort(angles)
    grid = np.linspace(0.0, np.pi, CURVE_POINTS)
    max_dev, where = kernels.ntk_max_deviation(srt)
    upper = max_dev + kernels.deviation_slack()
    # Proposition 3.23 against the arc-cosine kernel of degree 0 (Cho & Saul)
    reference, ref_dev = kernels.cho_saul_reference(grid)
    widths = np.unique(np.round(np.geomspace(1, m, CURVE_WIDTHS)).astype(int))
    devs = kernels.ntk_max_deviation_prefixes(angles, widths)
    dkw = float(kernels.dkw_bound(m, DKW_DELTA))
    return SceneResult(
        metrics={
            "k_m": k_m,
            "k_inf": k_inf,
            "max_abs_dev": max_dev,
            "max_abs_dev_upper": upper,
            "dkw_bound": dkw,
            "dev_at_theta": abs(k_m - k_inf),
            "reference_max_diff": ref_dev,
        },
        checks=_checks(ref_dev, upper, dkw),
        plots=[
            _kernel_plot(p, grid, kernels.ntk_on_circle(srt, grid), reference, k_m, where),
            _deviation_plot(p, widths, devs, max_dev),
        ],
        notes=NOTES,
    )


def _kernel_plot(p: Params, grid, km_curve, reference, k_m: float, where: float) -> Plot:
    deg = np.degrees(grid)
    return Plot(
        "kernel",
        f"k_m(x, x′) against k_∞ over the angle θ between x and x′ (m = {p.m:,})",
        Axis("θ (degrees)"),
        Axis("kernel value"),
        [
            kit.line(
                "k_∞ = ⟨x, x′⟩(π − θ)/(2π) (Prop. 3.23)", deg, kernels.k_inf_theta(grid), "target"
            ),
            kit.line("⟨x, x′⟩·k₀/2 (Cho–Saul arc-cosine, degree 0)", deg, reference, "reference"),
            kit.line("k_m (this draw)", deg, km_curve, "construction"),
            kit.markers("k_m at θ (from the gradients)", [p.theta], [k_m]),
            kit.markers(
                "where max |k_m − k_∞| is attained",
                [np.degrees(where)],
                [float(kernels.k_inf_theta(where))],
                "error",
            ),
        ],
        caption=(
            "The empirical kernel of one random network (it counts the units active at both "
            "inputs, so it jumps wherever a unit's boundary passes) hugs the infinite-width "
            "kernel; the Cho–Saul formula lies exactly on it."
        ),
    )


def _deviation_plot(p: Params, widths, devs, max_dev: float) -> Plot:
    m_line = np.geomspace(1, max(p.m, 2), 100)
    return kit.sweep(
        "deviation",
        "max over θ of |k_m − k_∞| against the width (first m′ units of this draw)",
        "The largest deviation shrinks like 1/√m, below the DKW–Massart bound.",
        Axis("width m′", log=True),
        Axis("max over θ of |k_m − k_∞|", log=True),
        [
            kit.line(
                f"√(ln(2/δ)/(2m)), δ = {DKW_DELTA} (DKW–Massart)",
                m_line,
                kernels.dkw_bound(m_line, DKW_DELTA),
                "bound",
            ),
            kit.markers("measured", widths, devs, "construction"),
        ],
        current=(p.m, max_dev),
        current_name=f"this m = {p.m:,}",
    )


def _checks(ref_dev: float, upper: float, dkw: float) -> list[Check]:
    return [
        Check(
            "k_∞ (Prop. 3.23) = ⟨x, x′⟩·k₀(x, x′)/2, the arc-cosine kernel of Cho & Saul, "
            f"at {CURVE_POINTS:,} angles θ",
            ref_dev,
            0.0,
            "==",
            rounding=kernels.cho_saul_rounding(),
        ),
        Check(
            f"max over θ of |k_m − k_∞| ≤ √(ln(2/δ)/(2m)) with δ = {DKW_DELTA} (DKW–Massart)",
            upper,
            dkw,
            "<=",
            confidence=1.0 - DKW_DELTA,
            note="measured: a certified upper bound (every jump, a grid of "
            f"{kernels.DEVIATION_GRID:,} angles, plus a curvature bound between them)",
        ),
    ]


NOTES = [
    "Convention (Remark 3.2, §3.3): aⱼ ∈ {±1}, vⱼ ~ N(0, I_d), only V trained, temperature "
    "ρ = 1, and the kernel carries the 1/√m scaling of §3.2: "
    "k_m(x, x′) = ⟨(1/√m)∂F(x; w₀), (1/√m)∂F(x′; w₀)⟩ = (1/m)Σⱼ ⟨x, x′⟩ 1[vⱼᵀx ≥ 0] "
    "1[vⱼᵀx′ ≥ 0] (aⱼ² = 1). The highlighted k_m is the inner product of the two gradient "
    "matrices themselves; the curve counts the units active at both inputs (the same "
    "number).",
    "x = e₁ and x′ = (cos θ, sin θ) in d = 2 lose nothing: the kernel only sees the "
    "projection of v onto span{x, x′}, which is N(0, I₂) — the rotation in the proof.",
    f"max |k_m − k_∞| is taken at every jump of k_m (both one-sided limits) and on a grid "
    f"of {kernels.DEVIATION_GRID:,} angles; between these points it can exceed them by at "
    f"most (1 + 1/π)h²/8 = {kernels.deviation_slack():.1e} (h the grid step; a curvature "
    "bound), which the check adds.",
    "The 1/√m line is a bound, not a fit: unit j is active at both inputs iff its angle "
    "ψ′ⱼ = (π/2 − ψⱼ) mod 2π is ≤ π − θ, so k_m/cos θ is an empirical CDF and the "
    "Dvoretzky–Kiefer–Wolfowitz inequality (Massart's constant) bounds the deviation "
    "uniformly in θ. Theorem 3.19 itself only states the almost-sure limit.",
    "Typos in the notes: before Theorem 3.19 the limit is written with "
    "∂F(x; w₀)ᵀ∂F(x; w₀) (it is ∂F(x; w₀)ᵀ∂F(x′; w₀)); the proof of Prop. 3.23 "
    "'replaces v by ‖v‖' (it is v/‖v‖).",
]


def exported_networks(p: Params) -> list:
    """The random network whose empirical kernel the scene shows."""
    net = ni.initialization(p.m, 2, p.seed)
    return [
        network_export(
            f"F(x; w₀): the random ReLU network of width {p.m:,} behind k_m",
            ni.as_layers(net.V0, net.a),
            seed=p.seed,
            notes=[
                "Remark 3.2's initialization (aⱼ = ±1, vⱼ ~ N(0, I₂), no biases). Only the first "
                "layer is trained: k_m(x, x′) = ⟨∂F(x; w₀), ∂F(x′; w₀)⟩/m over its weights, "
                "= ⟨x, x′⟩·#{j : vⱼᵀx ≥ 0, vⱼᵀx′ ≥ 0}/m."
            ],
        )
    ]


SCENE = Scene(
    id="ntk",
    title="The neural tangent kernel and its infinite-width limit",
    chapter=NEAR_INIT,
    summary=(
        "The empirical NTK of a width-m network over the angle, against k_∞ and the DKW 1/√m bound."
    ),
    primary_plot="kernel",
    source="003, Theorem 3.19 and Proposition 3.23",
    statement=(
        r"$k_m(x, x') = \left\langle \tfrac{1}{\sqrt m}\bar\partial F(x; w_0), "
        r"\tfrac{1}{\sqrt m}\bar\partial F(x'; w_0)\right\rangle \to k_\infty(x, x') = "
        r"\int \langle x, x'\rangle \sigma'(v^\top x)\sigma'(v^\top x')\,d\mathcal{N}(v)$ "
        r"almost surely (Theorem 3.19); for the ReLU and $\|x\| = \|x'\| = 1$, "
        r"$k_\infty(x, x') = \langle x, x'\rangle \frac{\pi - \arccos\langle x, x'\rangle}{2\pi}$ "
        r"(Proposition 3.23)."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "k_m": "k_m(x, x′) at θ",
        "k_inf": "k_∞(x, x′) at θ",
        "max_abs_dev": (
            f"max over θ ∈ [0, π] of |k_m − k_∞| (at every jump and on a grid of "
            f"{kernels.DEVIATION_GRID:,} angles)"
        ),
        "max_abs_dev_upper": "certified upper bound on that max (adds the curvature bound)",
        "dkw_bound": "√(ln(2/δ)/(2m)), δ = 0.05",
        "dev_at_theta": "|k_m − k_∞| at θ",
        "reference_max_diff": "max |k_∞ − ⟨x, x′⟩k₀/2| (Cho–Saul)",
    },
)
