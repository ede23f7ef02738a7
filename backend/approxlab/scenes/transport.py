"""Scene ``transport`` — Theorem 3.10 (seed 003): signal to noise near initialization."""

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
from approxlab.theory.near_init import circle
from approxlab.theory.near_init import transport as planting
from approxlab.theory.near_init.init_scale import lemma_3_15_uniform_bound
from approxlab.theory.near_init.two_layer import as_layers

D = 2  # inputs on the unit circle: the theorem's width grows like 4^d/τ^{2d−2}
CURVE_POINTS = 1441
CURVE_M = 8

NetworkName = Literal["two", "three", "five"]


class Params(SceneParams):
    m: int = width_param(5_000, "Number of hidden units m of the random network.")
    tau: float = param(
        0.4,
        ge=0.05,
        le=0.5,
        step=0.01,
        label="τ (signal to noise)",
        description="Units within τ of a direction βᵢ carry the signal; needs τ < min‖βᵢ − βₗ‖/2.",
    )
    delta: float = param(
        0.05,
        ge=1e-3,
        le=0.2,
        scale="log",
        step=0.1,
        label="δ",
        description="Failure probability δ (the theorem holds with probability ≥ 1 − 3δ).",
    )
    network: NetworkName = param(
        "three",
        label="reference network g",
        description="The small network g(x) = Σᵢ αᵢ σ(βᵢᵀx) planted into the initialization.",
        options={name: n.label for name, n in planting.REFERENCE_NETWORKS.items()},
    )
    seed: int = seed_param("Seed of the random draw.")


def compute(p: Params) -> SceneResult:
    m, tau, delta = p.m, p.tau, p.delta
    ref = planting.REFERENCE_NETWORKS[p.network]
    meas = planting.measure(m, tau, ref, p.seed)
    pl = meas.planting
    need = planting.min_width(tau, D, delta, ref.k)
    hypothesis = bool(m >= need and tau < ref.separation() / 2.0)
    bounds = {
        "row": planting.row_bound(ref, tau, D, m),
        "frobenius": planting.frobenius_bound(ref, tau, D),
        "error": tau / np.sqrt(m) * planting.error_bound(ref, tau, D, m, delta),
    }
    widths = np.unique(np.round(np.geomspace(min(64, m), m, CURVE_M)).astype(int))
    tau_min = planting.smallest_tau(widths, D, delta, ref.k)
    curves = planting.width_curves(meas, ref, widths, tau, tau_min)
    printed = planting.printed_statement(meas, ref, tau, delta)
    return SceneResult(
        metrics={
            "frobenius_distance": meas.frobenius,
            "max_row_distance": meas.row,
            "sup_error": meas.sup_error,
            "frobenius_bound": bounds["frobenius"],
            "row_bound": bounds["row"],
            "error_bound": bounds["error"],
            "rho": tau,
            "planted_per_unit": pl.u,
            "needed_per_unit": pl.u_target,
            "min_S": int(pl.S_sizes.min()),
            "min_width": need,
            "min_width_printed": planting.min_width_printed(tau, D, delta),
            "hypothesis_met": int(hypothesis),
            "noise_max": meas.noise.sup_abs()[0],
            "linearization_gap": meas.gap.sup,
            "printed_allowance": printed.allowance,
            "printed_unplanted_error": printed.unplanted_error,
        },
        checks=_checks(p, meas, bounds, hypothesis),
        plots=[
            _approximation_plot(p, ref, meas),
            _error_plot(p, ref, meas, widths, curves),
            _frobenius_plot(p, ref, meas, widths, curves, tau_min),
            _nodes_plot(p, ref, meas),
        ],
        notes=_notes(p, ref, meas, need, hypothesis, printed),
    )


def _approximation_plot(p: Params, ref, meas: planting.Measured) -> Plot:
    m, tau = p.m, p.tau
    phi = np.linspace(0.0, 2.0 * np.pi, CURVE_POINTS)
    deg = np.degrees(phi)
    g = ref(circle.circle_points(phi))
    signal, noise = meas.signal(phi), meas.noise(phi)
    phi_err = np.array([meas.phi_error])
    err_y = float(ref(circle.circle_points(phi_err))[0] + meas.error(phi_err)[0])
    beta_deg = np.mod(np.degrees(np.arctan2(ref.beta[:, 1], ref.beta[:, 0])), 360.0)
    return Plot(
        "approximation",
        f"g and (ρ/√m)·F(x; V) on the unit circle, ρ = τ = {tau:g}, m = {m:,}",
        Axis("angle of x (degrees)"),
        Axis("value"),
        [
            kit.line(f"g(x) = {ref.label}", deg, g, "target"),
            kit.markers(
                "directions βᵢ of g", beta_deg, np.zeros(ref.k), "target", group="g", legend=False
            ),
            kit.line("(ρ/√m) F(x; V) (planted)", deg, g + meas.error(phi), "construction"),
            kit.line("(ρ/√m)(F(x; V) − F(x; V₀)): the planted signal", deg, signal, "highlight"),
            kit.line("(ρ/√m) F(x; V₀): the initialization's noise", deg, noise, "reference"),
            kit.markers(
                "largest |error| (exact sup)", [np.degrees(meas.phi_error)], [err_y], "error"
            ),
        ],
        caption=(
            "The planted units add the signal, g smoothed over caps around each direction "
            "βᵢ; the random initialization's noise rides on top, so the rescaled network "
            "follows g up to noise of size ≈ τ/√2."
        ),
    )


def _error_plot(p: Params, ref, meas: planting.Measured, widths, curves) -> Plot:
    m, tau, delta = p.m, p.tau, p.delta
    fixed, small = np.isfinite(curves[0]), np.isfinite(curves[2])  # plot defined points only
    m_line = np.geomspace(widths[0], max(m, widths[0] + 1), 100)
    bound = tau * (
        lemma_3_15_uniform_bound(m_line, D, delta) / np.sqrt(m_line) + np.sum(np.abs(ref.alpha))
    )
    return kit.sweep(
        "error_vs_m",
        "sup |(ρ/√m)F(x; V) − g(x)| against the width (first m′ units of this draw)",
        (
            "At a fixed τ the error stays of order τ as the width grows; letting τ shrink "
            "as fast as the hypothesis allows makes it fall."
        ),
        Axis("width m′", log=True),
        Axis("sup over ‖x‖ ≤ 1 (exact)", log=True),
        [
            kit.line(
                f"τ(16d ln(m/δ) + ‖α‖₁), τ = {tau:g} (Thm 3.10, corrected)", m_line, bound, "bound"
            ),
            kit.markers(f"measured, τ = {tau:g}", widths[fixed], curves[0][fixed], "construction"),
            kit.markers(
                "measured, τ = the smallest the hypothesis allows at m′",
                widths[small],
                curves[2][small],
                "error",
            ),
        ],
        current=(m, meas.sup_error),
        current_name=f"this m = {m:,}",
    )


def _frobenius_plot(p: Params, ref, meas, widths, curves, tau_min) -> Plot:
    m, tau = p.m, p.tau
    fixed, small = np.isfinite(curves[1]), np.isfinite(curves[3])
    return kit.sweep(
        "frobenius_vs_m",
        "‖V − V₀‖_F against the width",
        (
            "At a fixed τ the planted network stays within a Frobenius distance that does "
            "not grow with m; with the smallest τ it grows like τ^{−3/2}."
        ),
        Axis("width m′", log=True),
        Axis("‖V − V₀‖_F", log=True),
        [
            kit.hline(
                f"‖α‖₂/(τ√τ_d), τ = {tau:g} (corrected)",
                planting.frobenius_bound(ref, tau, D),
                float(widths[0]),
                float(max(m, widths[0] + 1)),
            ),
            kit.line(
                "‖α‖₂/(τ√τ_d) at the smallest τ",
                widths[small],
                [planting.frobenius_bound(ref, float(t), D) for t in tau_min[small]],
                "reference",
            ),
            kit.markers(f"measured, τ = {tau:g}", widths[fixed], curves[1][fixed], "construction"),
            kit.markers(
                "measured, τ = the smallest the hypothesis allows at m′",
                widths[small],
                curves[3][small],
                "error",
            ),
        ],
        current=(m, meas.frobenius),
        current_name=f"this m = {m:,}",
    )


def _nodes_plot(p: Params, ref, meas: planting.Measured) -> Plot:
    k, pl = ref.k, meas.planting
    i = np.arange(1, k + 1)
    return Plot(
        "nodes",
        "Units near each βᵢ (with the sign of αᵢ): available |Sᵢ|, planted u",
        Axis("reference unit i", integer=True),
        Axis("units"),
        [
            kit.bars("|Sᵢ| (available)", i, pl.S_sizes, "reference"),
            kit.bars("planted u", i, np.full(k, pl.u), "construction"),
            kit.hline(
                "2mτ_d (the proof's lower bound on E|Sᵢ|)",
                2 * p.m * planting.tau_d(p.tau, D),
                0.5,
                k + 0.5,
            ),
            kit.hline("⌈mτ_d⌉ (needed)", pl.u_target, 0.5, k + 0.5, "highlight"),
        ],
        caption=(
            "Every direction βᵢ has more nearby units of the right sign than the ⌈mτ_d⌉ the "
            "construction plants; the proof expects about 2mτ_d or more."
        ),
    )


def _checks(p, meas: planting.Measured, bounds, hypothesis: bool) -> list[Check]:
    delta, pl = p.delta, meas.planting
    equality = "attained with equality when mτ_d is an integer; measured on the displacement "
    checks = [
        Check(
            "F(x; V) = F₀(x; V) for every ‖x‖ ≤ 1 (planted units keep their direction)",
            meas.gap.sup,
            0.0,
            "==",
            rounding=meas.gap.rounding,
            note="measured: sup over the circle of |F − F₀|, from each planted unit's angle "
            "between vⱼ and v₀,ⱼ",
        )
    ]
    if hypothesis:
        checks += [
            Check(
                "minᵢ |Sᵢ| ≥ ⌈mτ_d⌉ (enough units near every βᵢ)",
                int(pl.S_sizes.min()),
                pl.u_target,
                ">=",
                confidence=1.0 - delta,
            ),
            Check(
                "maxⱼ ‖vⱼ − v₀,ⱼ‖ ≤ ‖α‖∞/(τ τ_d √m) (corrected)",
                meas.row,
                bounds["row"],
                "<=",
                rounding=planting.row_rounding(bounds["row"], D),
                confidence=1.0 - delta,
                note=equality + "c|αᵢ|ṽⱼ the construction adds",
            ),
            Check(
                "‖V − V₀‖_F ≤ ‖α‖₂/(τ √τ_d) (corrected)",
                meas.frobenius,
                bounds["frobenius"],
                "<=",
                rounding=planting.frobenius_rounding(bounds["frobenius"], D, meas.planted.size),
                confidence=1.0 - delta,
                note=equality + "rows c|αᵢ|ṽⱼ",
            ),
            Check(
                "sup over ‖x‖ ≤ 1 of |(τ/√m)F(x; V) − g(x)| ≤ τ(16d ln(m/δ) + ‖α‖₁) (corrected)",
                meas.sup_error,
                bounds["error"],
                "<=",
                confidence=1.0 - 3.0 * delta,
            ),
        ]
    return checks


def _notes(p, ref, meas: planting.Measured, need, hypothesis, printed) -> list[str]:
    m, tau, delta, pl = p.m, p.tau, p.delta, meas.planting
    need_printed = planting.min_width_printed(tau, D, delta)
    hyp_note = (
        f"Hypothesis m ≥ ln(k/δ)/(2τ_d²) = {need:,.0f} holds (printed: m ≥ 4^{{d+2}} "
        f"ln(1/δ)/τ^{{2d−2}} = {need_printed:,.0f})."
        if hypothesis
        else f"Hypothesis not met: m = {m:,} < ln(k/δ)/(2τ_d²) = {need:,.0f} (printed: "
        f"4^{{d+2}} ln(1/δ)/τ^{{2d−2}} = {need_printed:,.0f}) — the theorem claims nothing, so "
        f"only the deterministic check is shown; the construction plants the u = {pl.u} "
        f"units per βᵢ that are available (⌈mτ_d⌉ = {pl.u_target})."
    )
    trivially = (
        f"At these parameters the printed statement holds trivially: its allowance "
        f"√m(16d ln(m/δ) + ‖α‖₁) = {printed.allowance:,.0f} exceeds sup|F(x; V₀) − S·g(x)| = "
        f"{printed.unplanted_error:,.0f} (S = 2^{{d+1}}√m/τ^{{d−1}} = {printed.scale:,.0f}), so "
        "V = V₀ — no planting at all — already satisfies it."
        if printed.unplanted_error <= printed.allowance
        else f"Here V = V₀ does not satisfy it: sup|F(x; V₀) − S·g(x)| = "
        f"{printed.unplanted_error:,.0f} exceeds the allowance {printed.allowance:,.0f}."
    )
    return [
        "Convention (Remark 3.2): F(x; V) = Σⱼ aⱼ σ(vⱼᵀx), aⱼ ∈ {±1}, v₀,ⱼ ~ N(0, I₂); "
        "plots and errors use the §3.2 scaling (ρ/√m)·F with ρ = τ. Inputs are the unit "
        "circle (d = 2); every function here is positively homogeneous, so sups over the "
        "ball ‖x‖ ≤ 1 are sups over the circle, computed exactly (piecewise sinusoids; "
        "F(x; V) is summed in its F₀ form, which switches with V₀ — the identity is the "
        "first check).",
        "The construction of the proof: Sᵢ = {j : ‖βᵢ − v₀,ⱼ/‖v₀,ⱼ‖‖ ≤ τ, sgn aⱼ = sgn αᵢ}; "
        "the first u = ⌈mτ_d⌉ of them (τ_d = τ^{d−1}/2^{d+2}; the notes' 'first mτ_d' "
        "rounded up) are lengthened by c|αᵢ| along their own direction, c = √m/(τu). "
        "Directions are unchanged, so F(x; V) = F₀(x; V) exactly (printed at the end of the "
        "proof as 'F(x; V) = F₀(x; V₀)').",
        "Distances are measured on the displacement c|αᵢ|ṽⱼ the construction adds to each "
        "planted row (V = V₀ + that displacement), not as the difference of the stored V and "
        "V₀, which loses about 10⁻¹⁵ to cancellation. When mτ_d is an integer the row and "
        "Frobenius bounds are attained with equality; their rounding allowances are derived "
        "from the operations that compute the measured value and the bound. The identity "
        "F = F₀ is measured the same way: each planted unit contributes only on the arcs "
        "between the boundaries of vⱼ and v₀,ⱼ, of height ‖vⱼ‖·sin∠(vⱼ, v₀,ⱼ).",
        "Printed statement: maxⱼ‖vⱼ − v₀,ⱼ‖ ≤ 2^{d+1}‖α‖∞/(τ^{d−1}√m), ‖V − V₀‖ ≤ "
        "2^{d+1}‖α‖₂/τ^{d−1}, |F − 2^{d+1}√m g/τ^{d−1}| ≤ √m(16d ln(m/δ) + ‖α‖₁) with "
        f"probability ≥ 1 − δ. {trivially} What fails is the proof: its construction does "
        "not reach the printed constants. To produce the printed scale S with u units per "
        f"βᵢ it must move rows by S‖α‖∞/u = {printed.construction_row:.3g} (printed bound "
        f"{printed.row:.3g}) and has ‖V − V₀‖_F = S‖α‖₂/√u = "
        f"{printed.construction_frobenius:.3g} (printed {printed.frobenius:.3g}) — the printed "
        "rows would need all m units near every βᵢ. Corrected (what the construction gives): "
        "scale c·u = √m/τ, rows ≤ ‖α‖∞/(ττ_d√m), Frobenius ≤ ‖α‖₂/(τ√τ_d), the same error "
        "bound, probability ≥ 1 − 3δ (Lemma 3.15 (2) fails with probability 2δ, the "
        "Hoeffding bound on the |Sᵢ| with δ). Hence ρ = τ, not the printed τ^{d−1}/2^{d+1}.",
        "Width: Hoeffding with a union bound over the k units needs "
        "2mτ_d − √((m/2) ln(k/δ)) ≥ mτ_d, i.e. m ≥ ln(k/δ)/(2τ_d²); the printed "
        "m ≥ 4^{d+2} ln(1/δ)/τ^{2d−2} = ln(1/δ)/τ_d² implies it only when δ ≤ 1/k. The "
        "noise term uses Lemma 3.15 (2) in its 16d form (see init-scale).",
        hyp_note,
        "The planted signal alone is g averaged over caps of radius τ around the βᵢ (error "
        "≤ τ‖α‖₁); the rest of the error is the initialization's noise, the 16d ln(m/δ) term. "
        "At fixed τ the rescaled error stays of order τ as m grows — the noise "
        "(τ/√m)F(x; V₀) has size ≈ τ/√2 at every x — while ‖V − V₀‖_F stays below a bound "
        "independent of m. g is approached by letting τ → 0 as m grows, which the "
        "hypothesis allows at τ ≍ m^{−1/2} (second series): the error falls, the Frobenius "
        "distance grows like τ^{−3/2}.",
    ]


def exported_networks(p: Params) -> list:
    """The planted network ``(ρ/√m)F(x; V)`` and the reference network g."""
    ref = planting.REFERENCE_NETWORKS[p.network]
    meas = planting.measure(p.m, p.tau, ref, p.seed)
    net, V = meas.net, meas.planting.V
    scale = p.tau / np.sqrt(p.m)
    return [
        network_export(
            f"(ρ/√m)·F(x; V): the width-{p.m:,} initialization with g planted (ρ = τ = {p.tau:g})",
            as_layers(V, net.a, outer=scale),
            seed=p.seed,
            notes=[
                f"{meas.planted.size} of the {p.m:,} rows of V₀ were lengthened along their own "
                "direction (the construction of Theorem 3.10's proof); the outer weights are "
                "ρaⱼ/√m with aⱼ = ±1 from the initialization.",
            ],
        ),
        network_export(
            f"g(x) = {ref.label}",
            as_layers(ref.beta, ref.alpha),
            notes=["The small reference network planted into the initialization."],
        ),
    ]


SCENE = Scene(
    id="transport",
    title="Planting a network into a random initialization (signal to noise)",
    chapter=NEAR_INIT,
    summary=(
        "A small network planted into a random initialization: the fit, and how far the "
        "weights moved, against Theorem 3.10."
    ),
    primary_plot="approximation",
    source="003, Theorem 3.10",
    statement=(
        r"Let $g(x) = \sum_{i=1}^k \alpha_i\sigma(\beta_i^\top x)$ with $\|\beta_i\| = 1$ and "
        r"$\tau < \min_{i\neq l}\|\beta_i - \beta_l\|/2$, $\tau_d = \tau^{d-1}/2^{d+2}$. If "
        r"$m \geq \ln(k/\delta)/(2\tau_d^2)$, then with probability at least $1 - 3\delta$ "
        r"there is $V$ with $\max_j\|v_j - v_{0,j}\| \leq \|\alpha\|_\infty/(\tau\tau_d\sqrt m)$, "
        r"$\|V - V_0\|_F \leq \|\alpha\|_2/(\tau\sqrt{\tau_d})$, $F(x; V) = F_0(x; V)$ and "
        r"$|F(x; V) - \tfrac{\sqrt m}{\tau} g(x)| \leq \sqrt m(16d\ln(m/\delta) + \|\alpha\|_1)$ "
        r"for all $\|x\| \leq 1$ (corrected constants; see notes)."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "frobenius_distance": "‖V − V₀‖_F",
        "max_row_distance": "maxⱼ ‖vⱼ − v₀,ⱼ‖",
        "sup_error": "sup over ‖x‖ ≤ 1 of |(ρ/√m)F(x; V) − g(x)|",
        "frobenius_bound": "‖α‖₂/(τ√τ_d)",
        "row_bound": "‖α‖∞/(ττ_d√m)",
        "error_bound": "τ(16d ln(m/δ) + ‖α‖₁)",
        "rho": "temperature ρ = τ",
        "planted_per_unit": "units planted per βᵢ",
        "needed_per_unit": "⌈mτ_d⌉",
        "min_S": "minᵢ |Sᵢ|",
        "min_width": "width the theorem needs, ln(k/δ)/(2τ_d²)",
        "min_width_printed": "printed width requirement 4^{d+2}ln(1/δ)/τ^{2d−2}",
        "hypothesis_met": "hypothesis m ≥ width needed (1 = yes)",
        "noise_max": "sup over ‖x‖ ≤ 1 of |(ρ/√m)F(x; V₀)| (the noise, exact)",
        "linearization_gap": "sup |F(x; V) − F₀(x; V)| (exact up to rounding)",
        "printed_allowance": "printed error allowance √m(16d ln(m/δ) + ‖α‖₁)",
        "printed_unplanted_error": "sup |F(x; V₀) − 2^{d+1}√m g(x)/τ^{d−1}| (no planting)",
    },
)
