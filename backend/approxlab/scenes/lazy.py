"""Scene ``lazy`` — gradient descent near initialization (seed 003, chapter 3: Propositions
3.4 and 3.7, Lemma 3.8, Theorem 3.19)."""

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
    checkpoint_param,
    param,
    seed_param,
)
from approxlab.scenes.chapters import NEAR_INIT
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import line, markers, sweep, this_value
from approxlab.theory.training import lazy
from approxlab.theory.training.engine import unstack

#: Angles of the plotted circle (every curve is exact there: piecewise sinusoids).
CURVE_POINTS = 721
#: Points of the loss curves (log-spaced steps).
LOSS_POINTS = 160
M_MIN, M_MAX = 16, 4096
N_MIN, N_MAX = 4, 32

TargetName = Literal["cos2", "abs_sin", "mixed"]


class Params(SceneParams):
    m: int = param(
        1024,
        ge=M_MIN,
        le=M_MAX,
        scale="log",
        step=float(np.log10(2.0)),
        label="width m",
        description="Hidden units of the two-layer network (the slider doubles it).",
    )
    n: int = param(
        16,
        ge=N_MIN,
        le=N_MAX,
        step=1,
        label="training points n",
        description="Equally spaced points of the unit circle the network is trained on.",
    )
    target: TargetName = param(
        "cos2",
        label="target g(t)",
        description="The function of the angle t the network is trained to fit.",
        options={k: v[0] for k, v in lazy.TARGETS.items()},
    )
    step: int = checkpoint_param(lazy.CHECKPOINTS, f"{lazy.STEPS} steps of gradient descent")
    seed: int = seed_param("Seed of the initialization.")


def exported_networks(p: Params) -> list:
    r = lazy.lazy_run(p.m, p.n, p.target, p.seed)
    steps = int(r.run.steps[p.step])
    notes = [
        "F(x; V) = (1/√m) Σⱼ aⱼ σ(vⱼᵀx) on x in the unit circle: the inner weights V are the "
        "first layer (no biases), the fixed outer signs aⱼ/√m the second.",
    ]
    return [
        network_export(
            f"trained network after {steps:,} steps (width {p.m:,})",
            unstack(r.run.at(p.step), 0),
            seed=p.seed,
            notes=notes,
        ),
        network_export(
            f"initialization (width {p.m:,})",
            unstack(r.run.at(0), 0),
            seed=p.seed,
            notes=notes,
        ),
    ]


def compute(p: Params) -> SceneResult:
    A = lazy.analysis(p.m, p.n, p.target, p.seed)
    cp = lazy.checkpoint(A.run, A.kernel, p.step)
    runs = lazy.sweep(p.n, p.target, p.seed, p.m)
    final = float(A.run.run.loss[-1, 0])
    bound = float(lazy.prop_3_7_at_inputs(p.m, p.n, cp.distance))
    flip_bound = float(lazy.flips_at_inputs(p.m, p.n, cp.distance))
    worst = int(np.argmax(np.abs(cp.gap_inputs) - cp.proof_bound_inputs))
    checks = [
        Check(
            "|F − F₀| at every training input ≤ ‖a‖∞ m^{1/3}(4B̄^{4/3} + 2B̄ ln(1/δ′)^{1/4}) "
            "(Proposition 3.7 at B = ‖V_t − V₀‖_F)",
            float(np.max(np.abs(cp.gap_inputs))),
            bound,
            "<=",
            confidence=1.0 - lazy.DELTA,
            note="B̄ = B rounded up to a power of 2; δ = 0.05 shared by the n inputs and the radii",
        ),
        Check(
            "|F − F₀| ≤ ‖a‖∞ Σ over the flipped units of ‖vⱼ − v₀,ⱼ‖, at every training input "
            "(the proof of Proposition 3.7)",
            float(abs(cp.gap_inputs[worst])),
            float(cp.proof_bound_inputs[worst]),
            "<=",
            rounding=cp.rounding_inputs,
            note="shown at the input where the gap comes closest to its bound",
        ),
        Check(
            "units flipped at every training input ≤ mτ + √((m/2) ln(1/δ′)) + B̄²/τ² "
            "(Lemma 3.8 and eq. 3.9, τ = B̄^{2/3}/m^{1/3})",
            int(np.max(cp.flips)),
            flip_bound,
            "<=",
            confidence=1.0 - lazy.DELTA,
        ),
    ]
    return SceneResult(
        metrics={
            "final_loss": final,
            "frobenius_distance": cp.distance,
            "relative_change": cp.relative,
            "flipped_units": int(np.max(cp.flips)),
            "sup_gap_to_linearized": cp.sup_gap,
            "sup_gap_to_kernel": cp.sup_to_kernel,
            "loss": cp.loss,
            "steps": cp.step,
        },
        checks=checks,
        plots=[
            functions_plot(p, cp),
            loss_plot(A, cp),
            gap_plot(A, p, cp),
            movement_plot(runs, p),
            flips_plot(runs, p),
        ],
        notes=notes(p, A, cp, bound),
    )


def functions_plot(p: Params, cp: lazy.Checkpoint) -> Plot:
    phi = np.linspace(0.0, 2.0 * np.pi, CURVE_POINTS)
    deg = np.degrees(phi)
    t = lazy.training_angles(p.n)
    label = lazy.TARGETS[p.target][0]
    return Plot(
        "functions",
        f"After {cp.step:,} steps: the network, its linearization and kernel gradient "
        f"descent (m = {p.m:,})",
        Axis("angle of x on the unit circle (degrees)"),
        Axis("value"),
        [
            line(f"target g(t) = {label}", deg, lazy.target(p.target, phi), "target"),
            markers("training points", np.degrees(t), lazy.target(p.target, t), "highlight"),
            line("trained network F(x; V_t)", deg, cp.network(phi), "construction"),
            line("its Taylor expansion F₀(x; V_t)", deg, cp.taylor(phi), "reference"),
            line("kernel gradient descent with kₘ", deg, cp.kernel(phi), "error"),
        ],
        caption=(
            "The trained network, its first-order Taylor expansion at the same weights, and "
            "gradient descent on that expansion — kernel regression with the empirical NTK "
            "kₘ: the wider the network, the closer the three curves. Press ▶ to watch the "
            "fit."
        ),
    )


def loss_plot(A: lazy.Analysis, cp: lazy.Checkpoint) -> Plot:
    T = lazy.STEPS
    steps = np.unique(np.round(np.geomspace(1, T, LOSS_POINTS)).astype(int))
    return Plot(
        "loss",
        "Training loss against the step",
        Axis("gradient-descent step (log scale, from step 1)", log=True),
        Axis("training loss (1/2n) Σ (F(xᵢ) − yᵢ)²", log=True),
        [
            line("network", steps, A.run.run.loss[steps, 0], "construction"),
            line("kernel gradient descent with kₘ", steps, A.kernel.loss(steps), "error"),
            this_value(max(cp.step, 1), cp.loss, "this step"),
        ],
        caption=(
            "The network's loss follows the loss of its linearization step for step: near "
            "initialization, training a wide network is kernel regression."
        ),
    )


def gap_plot(A: lazy.Analysis, p: Params, cp: lazy.Checkpoint) -> Plot:
    lr = A.run
    k = np.arange(1, lr.run.steps.size)  # checkpoint 0 has no movement and no gap
    s = lr.run.steps[k]
    traces = [
        line(
            "Proposition 3.7 at B = ‖V_t − V₀‖_F",
            s,
            lazy.prop_3_7_at_inputs(p.m, p.n, lr.distance[k]),
            "bound",
        ),
        markers("max over the training inputs of |F − F₀|", s, A.max_gaps_inputs[k], "error"),
        line("sup over the circle of |F − F₀| (exact)", s, A.sup_gaps[k], "reference"),
    ]
    if cp.step > 0:
        traces.append(this_value(cp.step, float(np.max(np.abs(cp.gap_inputs))), "this step"))
    return Plot(
        "gap",
        "How far the network is from its linearization, against Proposition 3.7",
        Axis("gradient-descent step (log scale)", log=True),
        Axis("|F(x; V_t) − F₀(x; V_t)|", log=True),
        traces,
        caption=(
            "The gap at the training inputs stays orders of magnitude below Proposition 3.7's "
            "bound evaluated at the distance the weights moved; the bound is for fixed inputs, "
            "so the sup over the whole circle is shown for reference only."
        ),
    )


def movement_plot(runs: list[lazy.LazyRun], p: Params) -> Plot:
    widths = np.array([r.m for r in runs])
    dist = np.array([r.distance[p.step] for r in runs])
    rel = np.array([r.relative[p.step] for r in runs])
    here = next(r for r in runs if r.m == p.m)
    ref = rel[0] * np.sqrt(widths[0] / widths)
    return sweep(
        "movement",
        "How far the weights moved, against the width",
        "‖V_t − V₀‖_F stays of order one as m grows while ‖V₀‖_F ≈ √(2m) grows, so the "
        "relative change falls like 1/√m: wide networks train without leaving their "
        "initialization.",
        Axis("width m", log=True),
        Axis("distance moved", log=True),
        [
            line("‖V_t − V₀‖_F", widths, dist, "construction"),
            line("relative change ‖V_t − V₀‖_F / ‖V₀‖_F", widths, rel, "highlight"),
            line("∝ 1/√m", widths, ref, "reference"),
        ],
        current=(p.m, float(here.relative[p.step])),
        current_name="this width",
    )


def flips_plot(runs: list[lazy.LazyRun], p: Params) -> Plot:
    widths = np.array([r.m for r in runs])
    flips = np.array([int(np.max(r.flips[p.step])) for r in runs])
    bound = lazy.flips_at_inputs(widths, p.n, np.array([r.distance[p.step] for r in runs]))
    here = next(r for r in runs if r.m == p.m)
    return sweep(
        "flips",
        "Units whose activation flipped at a training input, against Lemma 3.8",
        "Only a vanishing fraction of the units change their activation pattern during "
        "training — the mechanism behind Proposition 3.7 — well inside the bound of "
        "Lemma 3.8 and eq. (3.9). (A width where no unit flipped has no dot on this log "
        "scale.)",
        Axis("width m", log=True),
        Axis("flipped units (max over the inputs)", log=True),
        [
            line("mτ + √((m/2) ln(1/δ′)) + B̄²/τ² (eq. 3.9)", widths, bound, "bound"),
            line("all m units", widths, widths, "reference"),
            markers("flipped units", widths, flips, "construction"),
        ],
        current=(p.m, float(np.max(here.flips[p.step]))),
        current_name="this width",
    )


def notes(p: Params, A: lazy.Analysis, cp: lazy.Checkpoint, bound: float) -> list[str]:
    return [
        "The network (Remark 3.2 with the scaling of §3.2, ρ = 1): F(x; V) = (1/√m) Σⱼ aⱼ "
        "σ(vⱼᵀx), aⱼ = ±1 fixed, v₀,ⱼ ~ N(0, I₂); only V is trained. So ‖a‖∞ = 1/√m in "
        "Propositions 3.4 and 3.7, and ⟨∂F(x), ∂F(x′)⟩ is the empirical kernel kₘ of "
        "Theorem 3.19.",
        f"Training: {lazy.STEPS} steps of full-batch gradient descent with step size "
        f"η = {lazy.ETA:g} on (1/2n) Σᵢ (F(xᵢ; V) − g(xᵢ))² over the n = {p.n} points "
        f"xᵢ = (cos 2πi/n, sin 2πi/n). The run is computed once; the slider shows "
        f"{lazy.CHECKPOINTS + 1} saved moments (this one: after {cp.step:,} steps).",
        "F₀(x; V_t) = F(x; V₀) + ⟨∂F(x; V₀), V_t − V₀⟩ is the Taylor expansion at the weights "
        "the network reached (Definition 3.1). Kernel gradient descent trains F₀ itself with "
        "the same steps; its gradient never changes, so its residuals on the training points "
        "are (I − ηK/n)^t r₀ with K = [kₘ(xᵢ, xⱼ)], in closed form. All three curves are "
        "exact piecewise sinusoids on the circle; the sups are exact.",
        "Proposition 3.7 and Lemma 3.8 hold for one fixed input and a radius fixed before "
        "the draw, with probability 1 − δ. Here they are used at all n training inputs and at "
        "the radius B the training produced, so they are applied with a union bound over the "
        "inputs and the radii 2^k: B̄ = 2^⌈log₂B⌉ < 2B and δ′ = δ/(n(π²/3 − 1)(|k| + 1)²), "
        f"δ = {lazy.DELTA:g} in total. Here B = {cp.distance:.4g}, B̄ = "
        f"{float(lazy.union_radius(cp.distance, p.n)[0]):.4g}, bound {bound:.4g}.",
        "Without padding, k_∞ on the circle has only the constant, first and even harmonics "
        "(see the kernel-fit scene), so the targets offered here use only those; a target with "
        "odd harmonics ≥ 3 could not be fitted near initialization.",
    ]


SCENE = Scene(
    id="lazy",
    title="Lazy training: gradient descent stays near initialization",
    chapter=NEAR_INIT,
    summary=(
        "A width-m network trained by gradient descent next to its linearization and kernel "
        "regression with kₘ; how far the weights move as m grows."
    ),
    primary_plot="functions",
    source="003, Propositions 3.4 and 3.7, Lemma 3.8, Theorem 3.19",
    statement=(
        r"Near initialization a network is its Taylor expansion "
        r"$F_0(x; V) = F(x; V_0) + \langle \bar\partial F(x; V_0), V - V_0\rangle$: for "
        r"$\|V - V_0\|_F \le B$, with probability $1-\delta$, "
        r"$|F(x; V) - F_0(x; V)| \le \|a\|_\infty m^{1/3}(4B^{4/3} + 2B\ln(1/\delta)^{1/4})$ "
        r"(Proposition 3.7). Measured here: gradient descent moves a wide network's "
        r"weights by $\|V_t - V_0\|_F = O(1)$, a vanishing fraction of $\|V_0\|_F$, so it "
        r"trains like its linearization — kernel regression with $k_m$ (Theorem 3.19)."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "final_loss": "training loss at the end of training",
        "frobenius_distance": "‖V_t − V₀‖_F at this step",
        "relative_change": "‖V_t − V₀‖_F / ‖V₀‖_F at this step",
        "flipped_units": "units flipped at a training input (max over the inputs)",
        "sup_gap_to_linearized": "sup over the circle of |F(x; V_t) − F₀(x; V_t)|",
        "sup_gap_to_kernel": "sup over the circle of |network − kernel gradient descent|",
        "loss": "training loss at this step",
        "steps": "gradient-descent steps at this checkpoint",
    },
)
