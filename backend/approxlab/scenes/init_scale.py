"""Scene ``init-scale`` — Lemma 3.15 (seed 003): how large is F at initialization?"""

from __future__ import annotations

import numpy as np

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
    width_param,
)
from approxlab.scenes.chapters import NEAR_INIT
from approxlab.theory.near_init import two_layer as ni

#: Points on the plotted circle.
CURVE_POINTS = 1441
#: Widths m′ on the "sup |F|/√m vs m" curve (the first m′ units of this draw).
CURVE_WIDTHS = 16


class Params(SceneParams):
    m: int = width_param(1000)
    d: int = param(
        2, ge=2, le=8, step=1, label="input dimension d", description="Input dimension d."
    )
    delta: float = param(
        0.05,
        ge=1e-6,
        le=0.25,
        scale="log",
        step=0.1,
        label="δ",
        description="Failure probability δ of the lemma's two statements.",
    )
    seed: int = seed_param("Seed of the random draw.")


def _widths(m: int) -> np.ndarray:
    return np.unique(np.round(np.geomspace(1, m, CURVE_WIDTHS)).astype(int))


def compute(p: Params) -> SceneResult:
    m, d, delta = p.m, p.d, p.delta
    net = ni.initialization(m, d, p.seed)
    x0 = np.zeros(d)
    x0[0] = 1.0
    f_x0 = float(abs(ni.prediction(x0, net.V0, net.a)[0]))
    sph = ni.sup_on_sphere(net, p.seed)
    sup = sph.value

    bound_fixed = float(ni.lemma_3_15_fixed_bound(m, 1.0, delta))
    bound_uniform = float(ni.lemma_3_15_uniform_bound(m, d, delta))
    bound_printed = float(ni.lemma_3_15_uniform_bound_printed(m, d, delta))
    bound_proof = float(ni.lemma_3_15_proof_bound(m, d, delta))

    widths = _widths(m)
    probes = None
    if d > 2:
        extra = ni.rng(p.seed, ni.STREAM_PROBES + 1).standard_normal((8, d))
        probes = np.vstack([x0, sph.where, extra / np.linalg.norm(extra, axis=1, keepdims=True)])
    if d == 2:  # the last width is m itself: its exact sup is the one computed above
        sups = np.append(ni.prefix_sups(net, widths[:-1]), sup)
    else:  # the probes include the best point x*, so the last value is the estimate above
        sups = ni.prefix_sups(net, widths, probes)
    x0_prefix = np.abs(np.cumsum(ni.relu(net.V0 @ x0) * net.a)[widths - 1])

    phi = np.linspace(0.0, 2.0 * np.pi, CURVE_POINTS)
    e1, u = sph.basis
    phi_star = float(np.mod(np.arctan2(sph.where @ u, sph.where @ e1), 2.0 * np.pi))
    where_circle = "on the unit circle" if d == 2 else "on the great circle through e₁ and x*"
    deg = np.degrees(phi)
    m_line = np.geomspace(1, max(m, 2), 200)

    plots = [
        Plot(
            "F",
            f"|F(x; w₀)| {where_circle} (unscaled, m = {m:,})",
            Axis("angle φ of x from e₁ (degrees)"),
            Axis("|F(x; w₀)|"),
            [
                Trace("|F(x; w₀)|", "line", deg, np.abs(sph.on_circle(phi)), style="construction"),
                Trace(
                    "sup over the sphere" if d == 2 else "best found (x*)",
                    "markers",
                    [np.degrees(phi_star)],
                    [sup],
                    style="highlight",
                ),
                Trace("fixed x₀ = e₁", "markers", [0.0], [f_x0], style="reference"),
            ],
        ),
        Plot(
            "bounds",
            "Measured against Lemma 3.15's bounds",
            Axis("quantity"),
            Axis("value", log=True),
            [
                Trace(name, "bar", [float(i)], [value], style=style)
                for i, (name, value, style) in enumerate(
                    [
                        ("|F(x₀; w₀)| (measured)", f_x0, "construction"),
                        ("sup |F(x; w₀)| (measured)", sup, "construction"),
                        ("4√m ln(2m/δ) (fixed x)", bound_fixed, "bound"),
                        ("16d√m ln(m/δ) (all x)", bound_uniform, "bound"),
                        ("32d√m ln(m/δ) (as printed)", bound_printed, "reference"),
                    ]
                )
            ],
        ),
        Plot(
            "scale",
            "sup |F|/√m against m (the first m′ units of this draw)",
            Axis("width m′", log=True),
            Axis("value / √m′", log=True),
            [
                Trace(
                    "4 ln(2m/δ) (Lemma 3.15 (1), fixed x)",
                    "line",
                    m_line,
                    ni.lemma_3_15_fixed_bound(m_line, 1.0, delta) / np.sqrt(m_line),
                    style="bound",
                ),
                Trace(
                    "16d ln(m/δ) (Lemma 3.15 (2), all x)",
                    "line",
                    m_line,
                    ni.lemma_3_15_uniform_bound(m_line, d, delta) / np.sqrt(m_line),
                    style="bound",
                ),
                Trace(
                    "sup |F|/√m′" if d == 2 else f"max over {len(probes)} directions /√m′",
                    "markers",
                    widths,
                    sups / np.sqrt(widths),
                    style="construction",
                ),
                Trace("|F(x₀)|/√m′", "markers", widths, x0_prefix / np.sqrt(widths), style="error"),
                Trace(
                    "√(1/2): std of F(x)/√m for ‖x‖ = 1",
                    "line",
                    m_line,
                    np.full(m_line.size, np.sqrt(0.5)),
                    style="reference",
                ),
            ],
        ),
    ]
    if d == 2:
        how_sup = (
            "sup |F| is exact: on the circle F is a piecewise sinusoid, maximized over each "
            "arc between the 2m switching angles (F is positively homogeneous, so the sup over "
            "the ball ‖x‖ ≤ 1 is the sup over the circle)."
        )
    else:
        how_sup = (
            f"For d ≥ 3 the sup over the sphere is estimated from below: the best of "
            f"{sph.probes} random directions, refined by the ascent x ← sign F(x)·∇F(x)/‖∇F(x)‖, "
            f"and the exact maximum on the great circle through e₁ and the best point x* "
            f"(plotted). The uniform check compares this estimate with the bound, so for d ≥ 3 "
            f"it is weaker than the lemma's statement."
        )
    return SceneResult(
        metrics={
            "sup_abs_F": sup,
            "abs_F_at_x0": f_x0,
            "bound_fixed_x": bound_fixed,
            "bound_uniform": bound_uniform,
            "bound_uniform_printed": bound_printed,
            "bound_uniform_proof": bound_proof,
            "sup_over_sqrt_m": sup / np.sqrt(m),
        },
        checks=[
            Check(
                "|F(x₀; w₀)| ≤ 4‖x₀‖√m ln(2m/δ) at the fixed x₀ = e₁ (Lemma 3.15 (1))",
                f_x0,
                bound_fixed,
                "<=",
                confidence=1.0 - delta,
            ),
            Check(
                "sup_{‖x‖≤1} |F(x; w₀)| ≤ 16d√m ln(m/δ) (Lemma 3.15 (2), corrected constant)",
                sup,
                bound_uniform,
                "<=",
                confidence=1.0 - 2.0 * delta,
            ),
        ],
        plots=plots,
        notes=[
            "Convention (Remark 3.2, 'in this chapter'): F(x; w₀) = Σⱼ aⱼ σ(v₀,ⱼᵀx) with "
            "aⱼ ∈ {±1} uniform and v₀,ⱼ ~ N(0, I_d), not scaled by 1/√m — the first two plots "
            "show F itself; the third divides by √m, the scaling §3.2 derives. (Remark 3.2's "
            "'most standard' convention aⱼ ~ Discrete(±1/√m), v ~ N(0, I_d/d) is described as "
            "'uniform on −1 and +1': it means ±1/√m.)",
            how_sup,
            "Lemma 3.15 (2) — printed: |F| ≤ 32d√m ln(m/δ); Theorem 3.10's proof quotes "
            "16d√m ln(m/δ). The lemma's proof, with its slips fixed (ε-net of (1 + 2/ε)^d "
            "points, not (2/ε)^d; maxⱼ‖vⱼ‖ ≤ √d + √(2 ln(m/δ)), not 1 + …; failure "
            f"probability δ₀ + δ₁, printed '1 − δ₁ + δ₀'), gives "
            f"4√m ln(2m(2m+1)^d/δ) + √d + √(2 ln(m/δ)) = {bound_proof:,.1f} here, which is "
            "below 16d√m ln(m/δ) for every m ≥ 1, d ≥ 2, δ ≤ 1/2 — so the stronger 16d form "
            "holds and is the one checked (with probability ≥ 1 − 2δ). The text before "
            "Theorem 3.10 quotes a third form, 4√(md ln(m/δ)), without proof; it is not checked.",
            "Lemma 3.15 (1): the proof's range for qⱼ mixes √(2 ln(m/δ)) and √(2 ln(2m/δ)) (the "
            "union bound over m units at δ/2 gives the latter); it bounds one tail of Σⱼ qⱼ "
            "while |F| needs both, i.e. "
            "ln(4/δ) instead of ln(2/δ) in Hoeffding's step — still below 4‖x‖√m ln(2m/δ) "
            "for δ ≤ 1/2 (checked numerically), so the printed bound stands.",
        ],
    )


SCENE = Scene(
    id="init-scale",
    title="The size of a random network at initialization",
    chapter=NEAR_INIT,
    summary=(
        "|F(x; w₀)| of a random width-m network over the sphere, its sup against the "
        "bounds of Lemma 3.15."
    ),
    primary_plot="F",
    source="003, Lemma 3.15",
    statement=(
        r"Let $F(x; w_0) = \sum_{j=1}^m a_j \sigma(v_{0,j}^\top x)$ with "
        r"$a_j \sim \mathrm{Discrete}(\pm 1)$, $v_{0,j} \sim \mathcal{N}(0, I_d)$ "
        r"(Remark 3.2). (1) For any fixed $x$, with probability at least $1-\delta$, "
        r"$|F(x; w_0)| \leq 4\|x\|\sqrt{m}\ln(2m/\delta)$. (2) With probability at least "
        r"$1-2\delta$, for all $\|x\| \leq 1$, $|F(x; w_0)| \leq 16 d\sqrt{m}\ln(m/\delta)$ "
        r"(printed: $32d$; corrected, see notes)."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "sup_abs_F": "sup over the unit sphere of |F(x; w₀)|",
        "abs_F_at_x0": "|F(x₀; w₀)| at x₀ = e₁",
        "bound_fixed_x": "4√m ln(2m/δ) (fixed x, ‖x‖ = 1)",
        "bound_uniform": "16d√m ln(m/δ) (all ‖x‖ ≤ 1)",
        "bound_uniform_printed": "32d√m ln(m/δ) (as printed)",
        "bound_uniform_proof": "the proof's estimate before combining terms",
        "sup_over_sqrt_m": "sup |F| / √m",
    },
)
