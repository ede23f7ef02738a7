"""Scene ``linearization`` — Definition 3.1, Propositions 3.4 and 3.7, Lemma 3.8 (seed 003)."""

from __future__ import annotations

from typing import Literal

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
from approxlab.theory.near_init import linearization as lin
from approxlab.theory.near_init.two_layer import as_layers

#: Angles on the plotted circle.
CURVE_POINTS = 1441
#: For the softplus, curves are evaluated on grids of about this many unit·angle pairs:
#: the gap (moved units only) and F itself (all m units).
GAP_BUDGET, CURVE_BUDGET = 1 << 20, 1 << 18
#: Points on the "vs B" and "vs m" curves.
CURVE_B, CURVE_M = 16, 16
B_MIN, B_MAX = 0.01, 20.0

X0 = lin.X0


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
        description=(
            "Worst case at x₀ (the perturbation of norm B that maximizes |F − F₀| at x₀: "
            "the proof's mechanism) or a random Gaussian direction."
        ),
        options={
            "worst": "worst case at x₀: the largest |F − F₀| at x₀ over the ball",
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
    pert = lin.perturbed(m, B, p.seed, p.perturbation)
    gap_x0 = lin.gap_at_x0(pert, act, beta)
    flips = lin.flipped_units(pert.V, pert.net.V0, X0)
    tau = float(lin.prop_3_7_tau(m, B))
    s1 = lin.lemma_3_8_count(pert.net.V0, X0, tau)
    s1_bound = float(lin.lemma_3_8_bound(m, tau, delta))
    flip_bound = float(lin.flip_bound(m, B, delta))
    bound = float(lin.prop_3_7_bound(m, B, delta) if relu else lin.prop_3_4_bound(beta, 1.0, B))
    view = lin.on_circle(pert, act, beta, CURVE_POINTS, GAP_BUDGET, CURVE_BUDGET)
    by_B = lin.radius_sweep(pert, np.geomspace(B_MIN, B_MAX, CURVE_B), act, beta, delta)
    widths = np.unique(np.round(np.geomspace(1, m, CURVE_M)).astype(int))
    by_m = lin.width_sweep(pert, widths, act, beta)

    measured = {"gap_x0": abs(gap_x0), "flips": flips, "s1": s1, "bound": bound}
    return SceneResult(
        metrics={
            "sup_gap": view.sup,
            "sup_gap_upper": view.sup_upper,
            "bound": bound,
            "flipped_units": flips,
            "gap_at_x0": abs(gap_x0),
            "moved_units": int(pert.rows.size),
            "worst_case_sign": int(pert.plan.sign) if pert.plan is not None else 0,
            "tau": tau,
            "lemma_3_8_count": s1,
            "lemma_3_8_bound": s1_bound,
            "flip_bound": flip_bound,
        },
        checks=_checks(p, pert, view, measured, s1_bound, flip_bound),
        plots=[
            _gap_plot(p, view, abs(gap_x0), bound),
            _radius_plot(p, by_B, abs(gap_x0)),
            _width_plot(p, widths, by_m, abs(gap_x0), bound),
            _functions_plot(p, view),
            _flips_plot(p, by_B, flips),
        ],
        notes=_notes(p, pert, view, s1_bound, float(lin.lemma_3_8_bound_printed(m, tau, delta))),
    )


def _bound_name(relu: bool) -> str:
    return "m^{1/3}(4B^{4/3} + 2B ln(1/δ)^{1/4}) (Prop. 3.7)" if relu else "βB²/2 (Prop. 3.4)"


def _sup_words(view: lin.CircleView) -> str:
    if view.exact:
        return "sup over the circle (exact)"
    return f"largest value found ({view.points:,} angles)"


def _gap_plot(p: Params, view: lin.CircleView, gap_x0: float, bound: float) -> Plot:
    relu = p.activation == "relu"
    deg = np.degrees(view.phi_gap)
    top = 2.0 * max(bound, view.sup_upper)
    floor = max(view.sup, 1e-300) * 1e-4
    traces = [
        kit.line("|F(x; V) − F₀(x; V)|", deg, np.abs(view.gap), "error"),
        kit.hline(_bound_name(relu), bound, 0.0, 360.0),
        kit.markers("at x₀ = e₁", [0.0], [gap_x0], "reference"),
        kit.markers(_sup_words(view), [np.degrees(view.phi_sup)], [view.sup]),
    ]
    if not view.exact:
        traces.append(
            kit.hline("certified upper bound on the sup", view.sup_upper, 0.0, 360.0, "context")
        )
    grid = "" if relu else f" (on {view.phi_gap.size:,} angles)"
    return Plot(
        "gap",
        f"|F − F₀| on the unit circle{grid}, against the bound",
        Axis("angle of x (degrees)"),
        Axis("|F(x; V) − F₀(x; V)| (log scale)", log=True, range=(floor, top)),
        traces,
        caption=(
            "The gap between the network and its Taylor expansion stays far below the "
            "proposition's bound (log scale); it is zero wherever no unit changes its "
            "activation, so the curve breaks there."
        ),
    )


def _radius_plot(p: Params, by_B: lin.RadiusSweep, gap_x0: float) -> Plot:
    relu, worst = p.activation == "relu", p.perturbation == "worst"
    curves = [
        kit.line(_bound_name(relu), by_B.B, by_B.bound, "bound"),
        kit.markers("at x₀", by_B.B, by_B.gap_x0, "construction"),
    ]
    if by_B.sup is not None:
        curves.append(kit.markers("sup over the circle", by_B.B, by_B.sup, "error"))
    what = "the worst case at x₀" if worst else "a random direction"
    return kit.sweep(
        "vs_B",
        f"|F − F₀| against the radius B ({what}, same draw)",
        (
            "On log–log axes the measured gap rises with B below the bound; the worst case "
            "follows the bound's B^{4/3} slope."
            if relu and worst
            else "On log–log axes the measured gap rises with B and stays below the bound."
        ),
        Axis("B = ‖V − V₀‖_F", log=True),
        Axis("|F(x; V) − F₀(x; V)|", log=True),
        curves,
        current=(p.B, gap_x0),
        current_name=f"this B = {p.B:g}",
    )


def _width_plot(p: Params, widths, by_m, gap_x0: float, bound: float) -> Plot:
    relu = p.activation == "relu"
    gaps_m, sups_m = by_m
    m_line = np.geomspace(1, max(p.m, 2), 100)
    bound_m = lin.prop_3_7_bound(m_line, p.B, p.delta) if relu else np.full(m_line.size, bound)
    curves = [
        kit.line(_bound_name(relu), m_line, bound_m, "bound"),
        kit.markers("at x₀", widths, gaps_m, "construction"),
    ]
    if sups_m is not None:
        curves.append(kit.markers("sup over the circle", widths, sups_m, "error"))
    return kit.sweep(
        "vs_m",
        f"|F − F₀| against the width (first m′ units of this draw, B = {p.B:g})",
        (
            "At a fixed radius the ReLU gap grows with the width like m^{1/3}, as the bound "
            "does; a smooth activation's bound does not depend on m."
        ),
        Axis("width m′", log=True),
        Axis("|F(x; V) − F₀(x; V)|", log=True),
        curves,
        current=(p.m, gap_x0),
        current_name=f"this m = {p.m:,}",
    )


def _functions_plot(p: Params, view: lin.CircleView) -> Plot:
    deg = np.degrees(view.phi)
    grid = "" if p.activation == "relu" else f", {view.phi.size:,} angles"
    return Plot(
        "functions",
        f"F(x; V) and its Taylor expansion F₀(x; V) on the unit circle "
        f"({'ReLU' if p.activation == 'relu' else 'softplus'}{grid})",
        Axis("angle of x (degrees)"),
        Axis("value (unscaled F)"),
        [
            kit.line("F(x; V₀) (initialization)", deg, view.f_v0, "reference"),
            kit.line("F₀(x; V) (Definition 3.1)", deg, view.f0, "target"),
            kit.line("F(x; V)", deg, view.f_v, "construction"),
        ],
        caption=(
            "The perturbed network and its first-order Taylor expansion at initialization "
            "almost coincide; both differ visibly from the network at initialization."
        ),
    )


def _flips_plot(p: Params, by_B: lin.RadiusSweep, flips: int) -> Plot:
    m, delta, Bs = p.m, p.delta, by_B.B
    return kit.sweep(
        "flips",
        "Units whose activation at x₀ flips, against Lemma 3.8",
        (
            "Few units change sign at x₀: the flipped units stay below eq. (3.9)'s count, "
            "and the units near their boundary below Lemma 3.8."
        ),
        Axis("B = ‖V − V₀‖_F", log=True),
        Axis("units", log=True),
        [
            kit.line(
                "mτ + √((m/2) ln(1/δ)) + B²/τ² (eq. 3.9, τ = B^{2/3}/m^{1/3})",
                Bs,
                lin.flip_bound(m, Bs, delta),
                "bound",
            ),
            kit.line(
                "mτ + √((m/2) ln(1/δ)) (Lemma 3.8, corrected)",
                Bs,
                lin.lemma_3_8_bound(m, lin.prop_3_7_tau(m, Bs), delta),
                "reference",
            ),
            kit.markers("|S₁| = #{j : |v₀,ⱼᵀx₀| ≤ τ}", Bs, by_B.s1, "error"),
            kit.markers("flipped units", Bs, by_B.flips, "construction"),
        ],
        current=(p.B, flips) if flips > 0 else None,  # a log axis has no 0
        current_name=f"this B = {p.B:g}",
    )


def _checks(p, pert, view, measured, s1_bound, flip_bound) -> list[Check]:
    B, delta = p.B, p.delta
    relu = p.activation == "relu"
    gap_x0, flips, s1, bound = (measured[k] for k in ("gap_x0", "flips", "s1", "bound"))
    checks = []
    if relu:
        checks += [
            Check(
                "|F(x₀; V) − F₀(x₀; V)| ≤ ‖a‖∞ m^{1/3}(4B^{4/3} + 2B ln(1/δ)^{1/4}) "
                "at the fixed x₀ (Prop. 3.7)",
                gap_x0,
                bound,
                "<=",
                confidence=1.0 - delta,
                note=(
                    "measured: the largest |F − F₀| at x₀ over every ‖V − V₀‖_F ≤ B (both "
                    "sign classes of a), so this checks the proposition for the whole ball"
                    if pert.direction == "worst"
                    else None
                ),
            ),
            Check(
                "|F − F₀|(x₀) ≤ ‖a‖∞‖V − V₀‖_F √(flipped units) (the proof's Cauchy–Schwarz step)",
                gap_x0,
                B * np.sqrt(flips),
                "<=",
            ),
        ]
    else:
        rayleigh = view.upper_from == "rayleigh"
        checks.append(
            Check(
                "sup over ‖x‖ ≤ 1 of |F(x; V) − F₀(x; V)| ≤ β‖a‖∞‖V − V₀‖²_F/2 (Prop. 3.4)",
                view.sup_upper,
                bound,
                "<=",
                # the certified value is at most (β/2)λ_max(ΔVᵀΔV) ≤ βB²/2: that computation's
                # allowance (equality when ΔV has rank one)
                rounding=lin.rayleigh_check_rounding(bound, pert.rows.size),
                note=(
                    "measured: a certified upper bound on the sup — (β/2)·λ_max(ΔVᵀΔV), the "
                    "proof's per-unit step"
                    if rayleigh
                    else f"measured: a certified upper bound on the sup (values at "
                    f"{view.points:,} angles plus a second-derivative bound between them)"
                ),
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
    return checks


def _notes(p, pert, view, s1_bound: float, s1_printed: float) -> list[str]:
    relu = p.activation == "relu"
    beta = p.beta
    if p.perturbation == "worst":
        sign = "+1" if pert.plan.sign > 0 else "−1"
        direction = (
            f"V − V₀ is the worst case at x₀: it moves the {pert.rows.size} units with "
            f"aⱼ = {sign} whose pre-activation at x₀ is nearest 0, each by B/√k along ∓x₀ — "
            "the proof's mechanism run backwards, with k maximizing √k·B − Σ|v₀,ⱼᵀx₀|. "
            "This is the exact maximum of |F(x₀; V) − F₀(x₀; V)| over ‖V − V₀‖_F ≤ B: ReLU "
            "remainders are ≥ 0, so units of the other sign can only subtract from the gap "
            "while spending budget — the extremal perturbation lives in one sign class of a, "
            "and both classes are tried; within a class, Cauchy–Schwarz makes equal shares "
            "on the k units nearest their boundary optimal. The gap grows like "
            "B^{4/3}m^{1/3}, the rate of Prop. 3.7."
        )
    else:
        direction = "V − V₀ = B·G/‖G‖_F for a Gaussian matrix G: every row moves by ≈ B/√m."
    if relu:
        how = (
            "sup |F − F₀| over the circle is exact (piecewise sinusoids between switching "
            "angles). Proposition 3.7 is a statement for a fixed x (with probability ≥ 1 − δ "
            "over V₀, for every V in the ball), so it is checked at x₀; the sup over the "
            "circle is shown for reference."
        )
    else:
        source = (
            "(β/2)·λ_max(ΔVᵀΔV), the proof's per-unit bound (β/2)(Δⱼᵀx)² summed — tighter "
            "here than the grid bound"
            if view.upper_from == "rayleigh"
            else "the largest grid value plus M·h²/8 on each cell of width h, where M bounds "
            "|d²(F − F₀)/dφ²| from sup|σ″| = β and sup|σ‴| = 8√3β²/9"
        )
        how = (
            f"sup |F − F₀| for the softplus: the largest value found is {view.sup:.6g}, the "
            f"maximum over {view.points:,} angles (an equally spaced grid of "
            f"{view.phi_gap.size:,}, refined where the bound was loose); the sup is certified "
            f"to be at most {view.sup_upper:.6g}: {source}. Proposition 3.4 holds for every "
            "‖x‖ ≤ 1 and is checked with the certified value."
        )
    notes = [
        "Convention (Remark 3.2): F(x; V) = Σⱼ aⱼ σ(vⱼᵀx), aⱼ ∈ {±1}, v₀,ⱼ ~ N(0, I₂), only V "
        "trained, not scaled by 1/√m (Props. 3.4 and 3.7 are stated for this F, ‖a‖∞ = 1). "
        "Inputs are the unit circle (d = 2); x₀ = e₁. σ′(0) = 1 (the notes' 1[z ≥ 0]).",
        direction,
        how,
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
    return notes


def exported_networks(p: Params) -> list:
    """F(x; V₀) and F(x; V): two-layer networks ``x ↦ a·σ(Vx)`` (d = 2, no biases)."""
    pert = lin.perturbed(p.m, p.B, p.seed, p.perturbation)
    if p.activation == "relu":
        act, k, how = "relu", 1.0, []
    else:
        act, k = "softplus", 4.0 * p.beta
        how = [
            f"σ(z) = ln(1 + e^{{4βz}})/(4β) with β = {p.beta:g} is softplus(4βz)/(4β): the factor "
            "4β is folded into the first layer and 1/(4β) into the second."
        ]
    taylor = (
        "The Taylor model F₀(x; V) = F(x; V₀) + Σⱼ aⱼ σ′(v₀,ⱼᵀx)(vⱼ − v₀,ⱼ)ᵀx is not a network "
        "of this kind: each unit's term is gated by its pattern at initialization and is "
        "linear in V"
        + (
            " (for the ReLU, Σⱼ aⱼ 1[v₀,ⱼᵀx ≥ 0] vⱼᵀx, which jumps where a moved unit's "
            "initial boundary lies)."
            if act == "relu"
            else "."
        )
    )
    nets = []
    for name, W in (
        ("F(x; V₀): the network at initialization", pert.net.V0),
        (f"F(x; V): perturbed, ‖V − V₀‖_F = {p.B:g}", pert.V),
    ):
        nets.append(
            network_export(
                name,
                as_layers(W, pert.net.a, inner=k, outer=1.0 / k),
                activation=act,
                seed=p.seed,
                notes=[
                    f"Width m = {p.m:,}, inputs x ∈ R² (the scene plots the unit circle); "
                    "outer weights aⱼ = ±1, not scaled by 1/√m.",
                    *how,
                    taylor,
                ],
            )
        )
    return nets


SCENE = Scene(
    id="linearization",
    title="Near initialization, a network is its Taylor expansion",
    chapter=NEAR_INIT,
    summary=(
        "A width-m network and its first-order Taylor expansion at distance B: the gap, "
        "its worst case at a fixed input, against the bounds of Props. 3.4 and 3.7."
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
    networks=exported_networks,
    metric_labels={
        "sup_gap": (
            "sup over the circle of |F(x; V) − F₀(x; V)| (exact for the ReLU; for the "
            "softplus the largest value found on the grid)"
        ),
        "sup_gap_upper": "certified upper bound on that sup (equal to it for the ReLU)",
        "worst_case_sign": "sign class of a moved by the worst case (+1 or −1; 0: random)",
        "bound": "the proposition's bound (3.7 for ReLU, 3.4 for softplus)",
        "flipped_units": "units whose activation at x₀ flips",
        "gap_at_x0": "|F(x₀; V) − F₀(x₀; V)| (the worst case: its maximum over the ball)",
        "moved_units": "units with vⱼ ≠ v₀,ⱼ",
        "tau": "τ = B^{2/3}/m^{1/3}",
        "lemma_3_8_count": "#{j : |v₀,ⱼᵀx₀| ≤ τ}",
        "lemma_3_8_bound": "mτ + √((m/2) ln(1/δ))",
        "flip_bound": "mτ + √((m/2) ln(1/δ)) + B²/τ²",
    },
)
