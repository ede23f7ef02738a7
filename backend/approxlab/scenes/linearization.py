"""Scene ``linearization`` — Definition 3.1, Propositions 3.4 and 3.7, Lemma 3.8 (seed 003)."""

from __future__ import annotations

from typing import Literal

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
from approxlab.theory.near_init import circle
from approxlab.theory.near_init import two_layer as ni

#: Angles on the plotted circle.
CURVE_POINTS = 1441
#: For the softplus, curves are evaluated on grids of about this many unit·angle pairs:
#: the gap (moved units only) and F itself (all m units).
GAP_BUDGET, CURVE_BUDGET = 1 << 20, 1 << 18
#: Points on the "vs B" and "vs m" curves.
CURVE_B, CURVE_M = 16, 16
B_MIN, B_MAX = 0.01, 20.0

X0 = np.array([1.0, 0.0])


class Params(SceneParams):
    m: int = width_param(1000)
    B: float = param(
        1.0,
        ge=B_MIN,
        le=B_MAX,
        scale="log",
        step=0.05,
        label="B = ‖V − V₀‖_F",
        description="Frobenius distance of the perturbed weights V from the initial V₀.",
    )
    activation: Literal["relu", "softplus"] = param(
        "relu",
        label="activation σ",
        description="ReLU (Proposition 3.7) or the β-smooth softplus (Proposition 3.4).",
        options={"relu": "ReLU max(0, z)", "softplus": "softplus ln(1 + e^{4βz})/(4β)"},
    )
    beta: float = param(
        4.0,
        ge=0.25,
        le=64.0,
        scale="log",
        step=0.05,
        label="β (softplus smoothness)",
        description="Smoothness β of the softplus: sup|σ″| = β (used when σ = softplus).",
    )
    perturbation: Literal["worst", "random"] = param(
        "worst",
        label="direction of V − V₀",
        description="Worst case at x₀ (the proof's mechanism) or a random Gaussian direction.",
        options={
            "worst": "worst case at x₀: B on the units nearest their boundary",
            "random": "random Gaussian direction",
        },
    )
    delta: float = param(
        0.05,
        ge=1e-6,
        le=0.5,
        scale="log",
        step=0.1,
        label="δ",
        description="Failure probability δ of Proposition 3.7 and Lemma 3.8.",
    )
    seed: int = seed_param("Seed of the random draw.")


def compute(p: Params) -> SceneResult:
    m, B, act, beta, delta = p.m, p.B, p.activation, p.beta, p.delta
    relu = act == "relu"
    worst = p.perturbation == "worst"
    net = ni.initialization(m, 2, p.seed)
    z0 = net.V0 @ X0
    plan = ni.worst_case_plan(net, X0) if worst else None
    G = None if worst else ni.random_direction(m, 2, p.seed)  # ‖G‖_F = 1
    if worst:
        dV, _ = ni.worst_case_perturbation(net, X0, B, plan)
    else:
        dV = B * G
    V = net.V0 + dV
    rows = plan.units[: plan.k(B)] if worst else np.arange(m)  # the moved units
    if worst:  # the gap only involves moved units
        gap_x0 = float(ni.taylor_gap(X0, V[rows], net.V0[rows], net.a[rows], act, beta)[0])
    else:
        gap_x0 = float(ni.taylor_gap(X0, V, net.V0, net.a, act, beta)[0])
    flips = ni.flipped_units(V, net.V0, X0)
    tau = float(ni.prop_3_7_tau(m, B))
    s1 = ni.lemma_3_8_count(net.V0, X0, tau)
    s1_bound = float(ni.lemma_3_8_bound(m, tau, delta))
    s1_printed = float(ni.lemma_3_8_bound_printed(m, tau, delta))
    flip_bound = float(ni.flip_bound(m, B, delta))

    if relu:
        bound = float(ni.prop_3_7_bound(m, B, delta))
        sums = ni.relu_on_circle(V, net.V0, net.a, rows)
        gap_circle = sums.gap
        sup_gap, phi_sup = gap_circle.sup_abs()
        phi = np.linspace(0.0, 2.0 * np.pi, CURVE_POINTS)
        f_v0 = sums.f_v0(phi)
        f0 = sums.f0(phi)
        gap_curve = gap_circle(phi)
        f_v = f0 + gap_curve
        grid_note = "exact over the circle (piecewise sinusoids between switching angles)"
    else:
        bound = float(ni.prop_3_4_bound(beta, 1.0, B))
        # the gap needs only the moved units; F itself needs all m
        n_f = int(np.clip(CURVE_BUDGET // m, 16, CURVE_POINTS))
        phi = np.linspace(0.0, 2.0 * np.pi, n_f)
        f_v0, f0, f_v, gap_curve = ni.taylor_table(
            circle.circle_points(phi), V, net.V0, net.a, act, beta
        )
        phi_gap = phi
        n_gap = int(np.clip(GAP_BUDGET // max(rows.size, 1), 16, CURVE_POINTS))
        if n_gap > n_f:  # a finer grid for the gap, which only involves the moved units
            phi_gap = np.linspace(0.0, 2.0 * np.pi, n_gap)
            gap_curve = ni.taylor_gap(
                circle.circle_points(phi_gap), V[rows], net.V0[rows], net.a[rows], act, beta
            )
        i = int(np.argmax(np.abs(gap_curve)))  # φ = 0 (x₀) is on the grid
        sup_gap, phi_sup = float(abs(gap_curve[i])), float(phi_gap[i])
        grid_note = f"the maximum over {phi_gap.size} equally spaced angles (x₀ among them)"
    deg = np.degrees(phi)
    phi_gap = phi if relu else phi_gap

    # gap and flips at x₀ against B (same draw, same kind of direction), from the
    # perturbation's action at x₀: Δⱼ = (vⱼ − v₀,ⱼ)ᵀx₀
    Bs = np.geomspace(B_MIN, B_MAX, CURVE_B)
    if worst:
        ks = plan.k(Bs)
        deltas = [(plan.z[:k], plan.shifts(float(b), int(k))) for b, k in zip(Bs, ks, strict=True)]
        gaps_B = [abs(np.sum(ni.remainders(z, dz, act, beta))) for z, dz in deltas]
        if relu:  # the moved units are few: the exact sup over the circle is cheap
            sups_B = [ni.worst_case_sup_gap(net, plan, X0, float(b)) for b in Bs]
        flips_B = [int(np.count_nonzero((z + dz >= 0) != (z >= 0))) for z, dz in deltas]
    else:
        g = G @ X0
        if relu:
            gaps_B, flips_B = ni.relu_gap_sweep(z0, g, Bs, net.a)
            gaps_B = np.abs(gaps_B)
        else:
            gaps_B = np.abs(ni.gap_sweep(z0, g, Bs, net.a, act, beta))
            flips_B = np.count_nonzero(
                (z0[None, :] + Bs[:, None] * g[None, :] >= 0) != (z0 >= 0)[None, :], axis=1
            )
    s1_B = np.count_nonzero(np.abs(z0)[None, :] <= ni.prop_3_7_tau(m, Bs)[:, None], axis=1)
    bound_B = ni.prop_3_7_bound(m, Bs, delta) if relu else ni.prop_3_4_bound(beta, 1.0, Bs)

    # gap at x₀ against m (the first m′ units of this draw, perturbation rebuilt at radius B)
    widths = np.unique(np.round(np.geomspace(1, m, CURVE_M)).astype(int))
    gaps_m, sups_m = [], []
    for w in widths:  # a handful of widths
        if worst:
            prefix = net.prefix(int(w))
            sub = ni.worst_case_plan(prefix, X0)
            k = sub.k(B)
            gaps_m.append(abs(np.sum(ni.remainders(sub.z[:k], sub.shifts(B, k), act, beta))))
            if relu:
                sups_m.append(ni.worst_case_sup_gap(prefix, sub, X0, B))
        else:
            Gw = G[:w] / np.linalg.norm(G[:w])
            r = ni.remainders(z0[:w], B * (Gw @ X0), act, beta)
            gaps_m.append(abs(float(r @ net.a[:w])))
    m_line = np.geomspace(1, max(m, 2), 100)
    bound_m = ni.prop_3_7_bound(m_line, B, delta) if relu else np.full(m_line.size, bound)

    sup_value = float(gap_circle(np.array([phi_sup]))[0]) if relu else float(gap_curve[i])
    deg_gap = np.degrees(phi_gap)
    sup_marker = Trace(
        "sup over the circle" if relu else "sup over the grid",
        "markers",
        [np.degrees(phi_sup)],
        [sup_value],
        style="reference",
    )
    bound_name = "m^{1/3}(4B^{4/3} + 2B ln(1/δ)^{1/4}) (Prop. 3.7)" if relu else "βB²/2 (Prop. 3.4)"
    plots = [
        Plot(
            "functions",
            f"F(x; V) and its Taylor expansion F₀(x; V) on the unit circle ({act}, unscaled)",
            Axis("angle of x (degrees)"),
            Axis("value"),
            [
                Trace("F(x; V₀) (initialization)", "line", deg, f_v0, style="reference"),
                Trace("F₀(x; V) (Definition 3.1)", "line", deg, f0, style="target"),
                Trace("F(x; V)", "line", deg, f_v, style="construction"),
            ],
        ),
        Plot(
            "gap",
            "F(x; V) − F₀(x; V) on the unit circle",
            Axis("angle of x (degrees)"),
            Axis("F − F₀"),
            [
                Trace("F − F₀", "line", deg_gap, gap_curve, style="error"),
                Trace("at x₀ = e₁", "markers", [0.0], [gap_x0], style="highlight"),
                sup_marker,
                Trace(bound_name, "line", [0.0, 360.0], [bound, bound], style="bound"),
            ],
        ),
        Plot(
            "vs_B",
            "|F − F₀| against the radius B (same draw, same kind of direction)",
            Axis("B = ‖V − V₀‖_F", log=True),
            Axis("|F(x; V) − F₀(x; V)|", log=True),
            [
                Trace(bound_name, "line", Bs, bound_B, style="bound"),
                Trace("at x₀ (measured)", "markers", Bs, np.array(gaps_B), style="construction"),
                *(
                    [Trace("sup over the circle (measured)", "markers", Bs, sups_B, style="error")]
                    if relu and worst
                    else []
                ),
                Trace("this B", "markers", [B], [abs(gap_x0)], style="highlight"),
            ],
        ),
        Plot(
            "vs_m",
            f"|F − F₀| against the width (first m′ units, B = {B:g})",
            Axis("width m′", log=True),
            Axis("|F(x; V) − F₀(x; V)|", log=True),
            [
                Trace(bound_name, "line", m_line, bound_m, style="bound"),
                Trace(
                    "at x₀ (measured)", "markers", widths, np.array(gaps_m), style="construction"
                ),
                *(
                    [
                        Trace(
                            "sup over the circle (measured)",
                            "markers",
                            widths,
                            sups_m,
                            style="error",
                        )
                    ]
                    if relu and worst
                    else []
                ),
            ],
        ),
        Plot(
            "flips",
            "Units whose activation at x₀ flips, against Lemma 3.8",
            Axis("B = ‖V − V₀‖_F", log=True),
            Axis("units", log=True),
            [
                Trace(
                    "mτ + √((m/2) ln(1/δ)) + B²/τ² (eq. 3.9, τ = B^{2/3}/m^{1/3})",
                    "line",
                    Bs,
                    ni.flip_bound(m, Bs, delta),
                    style="bound",
                ),
                Trace(
                    "mτ + √((m/2) ln(1/δ)) (Lemma 3.8, corrected)",
                    "line",
                    Bs,
                    ni.lemma_3_8_bound(m, ni.prop_3_7_tau(m, Bs), delta),
                    style="reference",
                ),
                Trace("|S₁| = #{j : |v₀,ⱼᵀx₀| ≤ τ}", "markers", Bs, np.array(s1_B), style="error"),
                Trace("flipped units", "markers", Bs, np.array(flips_B), style="construction"),
            ],
        ),
    ]
    checks = []
    if relu:
        checks += [
            Check(
                "|F(x₀; V) − F₀(x₀; V)| ≤ ‖a‖∞ m^{1/3}(4B^{4/3} + 2B ln(1/δ)^{1/4}) "
                "at the fixed x₀ (Prop. 3.7)",
                abs(gap_x0),
                bound,
                "<=",
                confidence=1.0 - delta,
            ),
            Check(
                "|F − F₀|(x₀) ≤ ‖a‖∞‖V − V₀‖_F √(flipped units) (the proof's Cauchy–Schwarz step)",
                abs(gap_x0),
                B * np.sqrt(flips),
                "<=",
            ),
        ]
    else:
        checks.append(
            Check(
                "sup_x |F(x; V) − F₀(x; V)| ≤ β‖a‖∞‖V − V₀‖²_F/2 (Prop. 3.4)",
                sup_gap,
                bound,
                "<=",
            )
        )
    checks += [
        Check(
            "#{j : |v₀,ⱼᵀx₀| ≤ τ} ≤ mτ + √((m/2) ln(1/δ)) (Lemma 3.8, corrected)",
            s1,
            s1_bound,
            "<=",
            confidence=1.0 - delta,
        ),
        Check(
            "flipped units at x₀ ≤ mτ + √((m/2) ln(1/δ)) + B²/τ² (eq. 3.9 with W = V₀)",
            flips,
            flip_bound,
            "<=",
            confidence=1.0 - delta,
        ),
    ]

    direction = (
        f"V − V₀ moves the {rows.size} units (of the majority sign of a) whose "
        f"pre-activation at x₀ is nearest 0, each by B/√k along ∓x₀ — the proof's mechanism "
        f"run backwards, "
        f"with k maximizing √k·B − Σ|v₀,ⱼᵀx₀|; the gap then grows like B^{{4/3}}m^{{1/3}}, "
        f"the rate of Prop. 3.7."
        if p.perturbation == "worst"
        else "V − V₀ = B·G/‖G‖_F for a Gaussian matrix G: every row moves by ≈ B/√m."
    )
    notes = [
        "Convention (Remark 3.2): F(x; V) = Σⱼ aⱼ σ(vⱼᵀx), aⱼ ∈ {±1}, v₀,ⱼ ~ N(0, I₂), only V "
        "trained, not scaled by 1/√m (Props. 3.4 and 3.7 are stated for this F, ‖a‖∞ = 1). "
        "Inputs are the unit circle (d = 2); x₀ = e₁. σ′(0) = 1 (the notes' 1[z ≥ 0]).",
        direction,
        f"sup |F − F₀| is {grid_note}. Proposition 3.7 is a statement for a fixed x (with "
        "probability ≥ 1 − δ over V₀, for every V in the ball), so it is checked at x₀; the "
        "sup over the circle is shown for reference."
        if relu
        else f"sup |F − F₀| is {grid_note}; Proposition 3.4 holds for every ‖x‖ ≤ 1.",
        "Lemma 3.8 — printed: Σⱼ 1[|vⱼᵀx| ≤ τ‖x‖] ≤ mτ + √(m/2)·ln(1/δ); corrected: "
        "mτ + √((m/2) ln(1/δ)), which is what Hoeffding's inequality gives in the proof (the "
        f"printed form is weaker for δ < 1/e and stronger above). Here: printed "
        f"{s1_printed:.1f}, corrected {s1_bound:.1f}.",
        "Proof of Prop. 3.7: 'v₀ᵀx ≥ wᵀx − ‖w − v₀‖‖x‖ > ‖x‖(τ − τ) = 0' argues from the wrong "
        "side — for j ∉ S, |v₀,ⱼᵀx| > τ‖x‖ and ‖wⱼ − v₀,ⱼ‖ < τ give wⱼᵀx the sign of v₀,ⱼᵀx. "
        "The proof then uses √(m ln(1/δ)) ≥ √((m/2) ln(1/δ)), so the stated bound is unaffected.",
    ]
    if not relu:
        notes.append(
            f"softplus σ(z) = ln(1 + e^{{4βz}})/(4β): σ′ is the logistic function of 4βz and "
            f"sup|σ″| = 4β/4 = β = {beta:g}, so σ is β-smooth."
        )
    return SceneResult(
        metrics={
            "sup_gap": sup_gap,
            "bound": bound,
            "flipped_units": flips,
            "gap_at_x0": abs(gap_x0),
            "moved_units": int(rows.size),
            "tau": tau,
            "lemma_3_8_count": s1,
            "lemma_3_8_bound": s1_bound,
            "flip_bound": flip_bound,
        },
        checks=checks,
        plots=plots,
        notes=notes,
    )


SCENE = Scene(
    id="linearization",
    title="Near initialization, a network is its Taylor expansion",
    chapter=NEAR_INIT,
    summary=(
        "A width-m network and its first-order Taylor expansion at distance B: the gap "
        "against the bounds of Props. 3.4 and 3.7."
    ),
    primary_plot="gap",
    source="003, Definition 3.1, Propositions 3.4 and 3.7, Lemma 3.8",
    statement=(
        r"$F_0(x; V) := F(x; V_0) + \langle \bar\partial F(x; V_0), V - V_0\rangle$ "
        r"(Definition 3.1). If $\sigma$ is $\beta$-smooth and $\|x\| \leq 1$, then "
        r"$|F(x; V) - F_0(x; V)| \leq \tfrac{\beta\|a\|_\infty}{2}\|V - V_0\|_F^2$ "
        r"(Proposition 3.4). For the ReLU and a fixed $\|x\| \leq 1$, with probability at "
        r"least $1-\delta$ over $V_0$, every $\|V - V_0\|_F \leq B$ has "
        r"$|F(x; V) - F_0(x; V)| \leq \|a\|_\infty m^{1/3}(4B^{4/3} + 2B\ln(1/\delta)^{1/4})$ "
        r"(Proposition 3.7), because few units flip: "
        r"$\sum_j \mathbf{1}[|v_j^\top x| \leq \tau\|x\|] \leq m\tau + "
        r"\sqrt{(m/2)\ln(1/\delta)}$ (Lemma 3.8, corrected)."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "sup_gap": "sup over the circle of |F(x; V) − F₀(x; V)|",
        "bound": "the proposition's bound (3.7 for ReLU, 3.4 for softplus)",
        "flipped_units": "units whose activation at x₀ flips",
        "gap_at_x0": "|F(x₀; V) − F₀(x₀; V)|",
        "moved_units": "units with vⱼ ≠ v₀,ⱼ",
        "tau": "τ = B^{2/3}/m^{1/3}",
        "lemma_3_8_count": "#{j : |v₀,ⱼᵀx₀| ≤ τ}",
        "lemma_3_8_bound": "mτ + √((m/2) ln(1/δ))",
        "flip_bound": "mτ + √((m/2) ln(1/δ)) + B²/τ²",
    },
)
