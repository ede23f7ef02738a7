"""Scene ``init-scale`` — Lemma 3.15 (seed 003): how large is F at initialization?"""

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
from approxlab.theory.near_init import init_scale as scale
from approxlab.theory.near_init.two_layer import as_layers, initialization

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


def compute(p: Params) -> SceneResult:
    m, d, delta = p.m, p.d, p.delta
    sc = scale.measure(m, d, p.seed, CURVE_WIDTHS)
    sup = sc.sphere.value
    bounds = {
        "fixed": float(scale.lemma_3_15_fixed_bound(m, 1.0, delta)),
        "uniform": float(scale.lemma_3_15_uniform_bound(m, d, delta)),
        "printed": float(scale.lemma_3_15_uniform_bound_printed(m, d, delta)),
        "proof": float(scale.lemma_3_15_proof_bound(m, d, delta)),
    }
    return SceneResult(
        metrics={
            "sup_abs_F": sup,
            "abs_F_at_x0": sc.f_x0,
            "bound_fixed_x": bounds["fixed"],
            "bound_uniform": bounds["uniform"],
            "bound_uniform_printed": bounds["printed"],
            "bound_uniform_proof": bounds["proof"],
            "sup_over_sqrt_m": sup / np.sqrt(m),
        },
        checks=_checks(p, sc, bounds),
        plots=[_uniform_plot(p, sc), _fixed_plot(p, sc), _circle_plot(p, sc)],
        notes=_notes(p, sc, bounds["proof"]),
    )


def _uniform_plot(p: Params, sc: scale.Scale) -> Plot:
    m, d, delta, widths = p.m, p.d, p.delta, sc.widths
    m_line = np.geomspace(1, max(m, 2), 200)
    root = np.sqrt(m_line)
    measured = (
        "sup |F|/√m′ (exact)"
        if d == 2
        else f"max over {len(sc.probes)} directions (incl. x*) of |F|/√m′"
    )
    return kit.sweep(
        "scale",
        f"sup over ‖x‖ ≤ 1 of |F(x; w₀)|/√m against the width (d = {d}, first m′ units)",
        (
            "Divided by √m the random network's largest value stays flat, while the lemma's "
            "uniform bound grows only like ln m: F at initialization has size √m."
        ),
        Axis("width m′", log=True),
        Axis("value / √m′", log=True),
        [
            kit.line(
                "16d ln(m/δ) (Lemma 3.15 (2), corrected)",
                m_line,
                scale.lemma_3_15_uniform_bound(m_line, d, delta) / root,
                "bound",
            ),
            kit.line(
                "32d ln(m/δ) (as printed)",
                m_line,
                scale.lemma_3_15_uniform_bound_printed(m_line, d, delta) / root,
                "reference",
            ),
            kit.line(
                "√(1/2): std of F(x)/√m for ‖x‖ = 1",
                m_line,
                np.full(m_line.size, 0.5**0.5),
                "context",
            ),
            kit.markers(measured, widths, sc.sups / np.sqrt(widths), "construction"),
        ],
        current=(m, sc.sphere.value / np.sqrt(m)),
        current_name=f"this m = {m:,}",
    )


def _fixed_plot(p: Params, sc: scale.Scale) -> Plot:
    m, delta, widths = p.m, p.delta, sc.widths
    m_line = np.geomspace(1, max(m, 2), 200)
    return kit.sweep(
        "fixed",
        "|F(x₀; w₀)|/√m at the fixed input x₀ = e₁ against the width",
        "At one fixed input F/√m fluctuates around its standard deviation √(1/2), far below "
        "Lemma 3.15 (1)'s bound.",
        Axis("width m′", log=True),
        Axis("value / √m′", log=True),
        [
            kit.line(
                "4 ln(2m/δ) (Lemma 3.15 (1))",
                m_line,
                scale.lemma_3_15_fixed_bound(m_line, 1.0, delta) / np.sqrt(m_line),
                "bound",
            ),
            kit.line(
                "√(1/2): std of F(x₀)/√m", m_line, np.full(m_line.size, 0.5**0.5), "reference"
            ),
            kit.markers("|F(x₀; w₀)|/√m′", widths, sc.x0_prefix / np.sqrt(widths), "construction"),
        ],
        current=(m, sc.f_x0 / np.sqrt(m)),
        current_name=f"this m = {m:,}",
    )


def _circle_plot(p: Params, sc: scale.Scale) -> Plot:
    d, sph = p.d, sc.sphere
    phi = np.linspace(0.0, 2.0 * np.pi, CURVE_POINTS)
    e1, u = sph.basis
    phi_star = float(np.mod(np.arctan2(sph.where @ u, sph.where @ e1), 2.0 * np.pi))
    where = "the unit circle" if d == 2 else "the great circle through e₁ and x*"
    return Plot(
        "F",
        f"|F(x; w₀)| on {where} (unscaled, m = {p.m:,})",
        Axis("angle φ of x from e₁ (degrees)"),
        Axis("|F(x; w₀)|"),
        [
            kit.line("|F(x; w₀)|", np.degrees(phi), np.abs(sph.on_circle(phi)), "construction"),
            kit.markers(
                "sup over the sphere" if d == 2 else "largest found (x*)",
                [np.degrees(phi_star)],
                [sph.value],
            ),
            kit.markers("fixed x₀ = e₁", [0.0], [sc.f_x0], "reference"),
        ],
        caption=(
            "A random network at initialization is a rough function of the input direction; "
            "its largest value sits where many units with the same sign of aⱼ are active."
        ),
    )


def _checks(p: Params, sc: scale.Scale, bounds: dict[str, float]) -> list[Check]:
    delta, sph = p.delta, sc.sphere
    if sph.exact:
        name = "sup over ‖x‖ ≤ 1 of |F(x; w₀)| ≤ 16d√m ln(m/δ) (Lemma 3.15 (2), corrected)"
        note = ""
    else:
        name = "largest |F(x; w₀)| found on the sphere ≤ 16d√m ln(m/δ) (Lemma 3.15 (2), corrected)"
        note = (
            f"for d ≥ 3 the sup is estimated from below ({sph.probes} random directions, "
            "ascent, a great circle), so this check is weaker than the lemma; "
        )
    return [
        Check(
            "|F(x₀; w₀)| ≤ 4‖x₀‖√m ln(2m/δ) at the fixed x₀ = e₁ (Lemma 3.15 (1))",
            sc.f_x0,
            bounds["fixed"],
            "<=",
            confidence=1.0 - delta,
        ),
        Check(
            name,
            sph.value,
            bounds["uniform"],
            "<=",
            confidence=1.0 - 2.0 * delta,
            note=note + "corrected from the printed 32d (see the notes)",
        ),
    ]


def _notes(p: Params, sc: scale.Scale, bound_proof: float) -> list[str]:
    d, sph = p.d, sc.sphere
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
            f"(plotted) — a value of F that is attained, at most the sup. The uniform check "
            f"compares this estimate with the bound, so for d ≥ 3 it is weaker than the "
            f"lemma's statement; the width sweep uses the maximum over {len(sc.probes)} fixed "
            f"directions (x₀, x* and 8 random ones)."
        )
    return [
        "Convention (Remark 3.2, 'in this chapter'): F(x; w₀) = Σⱼ aⱼ σ(v₀,ⱼᵀx) with "
        "aⱼ ∈ {±1} uniform and v₀,ⱼ ~ N(0, I_d), not scaled by 1/√m — the circle plot shows "
        "F itself; the sweeps divide by √m, the scaling §3.2 derives. (Remark 3.2's "
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
    ]


def exported_networks(p: Params) -> list:
    """The random network ``F(x; w₀) = Σⱼ aⱼ σ(v₀,ⱼᵀx)`` of the scene."""
    net = initialization(p.m, p.d, p.seed)
    return [
        network_export(
            f"F(x; w₀): a random ReLU network of width {p.m:,} on R^{p.d}",
            as_layers(net.V0, net.a),
            seed=p.seed,
            notes=[
                "Remark 3.2's initialization: aⱼ = ±1 uniform, v₀,ⱼ ~ N(0, I_d), no biases; "
                "not scaled by 1/√m (divide the output by √m for §3.2's scaling)."
            ],
        )
    ]


SCENE = Scene(
    id="init-scale",
    title="The size of a random network at initialization",
    chapter=NEAR_INIT,
    summary=(
        "A random width-m network has size √m: its sup over the sphere and its value at a "
        "fixed input against the bounds of Lemma 3.15."
    ),
    primary_plot="scale",
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
    networks=exported_networks,
    metric_labels={
        "sup_abs_F": (
            "sup over the unit sphere of |F(x; w₀)| (exact for d = 2; for d ≥ 3 the largest "
            "value found, a lower estimate)"
        ),
        "abs_F_at_x0": "|F(x₀; w₀)| at x₀ = e₁",
        "bound_fixed_x": "4√m ln(2m/δ) (fixed x, ‖x‖ = 1)",
        "bound_uniform": "16d√m ln(m/δ) (all ‖x‖ ≤ 1)",
        "bound_uniform_printed": "32d√m ln(m/δ) (as printed)",
        "bound_uniform_proof": "the proof's estimate before combining terms",
        "sup_over_sqrt_m": "the same divided by √m",
    },
)
