"""Scene ``spectral-bias`` — low frequencies are learned first (seed 001, spectral bias;
seed 003, the NTK: Theorem 3.19, Proposition 3.23, Remark 3.24)."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from annotated_types import MultipleOf

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
from approxlab.scenes.plotkit import band, line, markers
from approxlab.theory.near_init import kernel_fit
from approxlab.theory.training import engine
from approxlab.theory.training import spectral as sb
from approxlab.theory.training.engine import unstack

M_MIN, M_MAX = 16, 2048
#: Points of the plotted curves.
CURVE_POINTS = 361
RESIDUAL_POINTS = 120
#: The residual plot shows ratios down to this.
RATIO_FLOOR = 1e-3
#: Failure frequency the tests allow the two statistical checks at the defaults.
CONFIDENCE = 0.95
#: Roles of the three frequencies (one colour each; measured: markers, kernel: line).
ROLES = ("construction", "highlight", "error")


def _frequency(default: int, which: str) -> int:
    return param(
        default,
        ge=1,
        le=sb.K_MAX,
        step=1,
        label=f"frequency {which}",
        description=f"Frequency {which} of the target A(sin k₁t + sin k₂t + sin k₃t).",
    )


class Params(SceneParams):
    k1: int = _frequency(1, "k₁")
    k2: int = _frequency(3, "k₂")
    k3: int = _frequency(6, "k₃")
    amplitude: float = param(
        0.02,
        ge=0.01,
        le=1.0,
        scale="log",
        step=0.05,
        label="amplitude A",
        description=(
            "Amplitude of each sine: how far the weights must move. Small A keeps training "
            "near initialization, where the kernel's prediction is accurate."
        ),
    )
    m: Annotated[int, MultipleOf(2)] = param(
        2048,
        ge=M_MIN,
        le=M_MAX,
        scale="log",
        step=float(np.log10(2.0)),
        label="width m",
        description="Hidden units (an even number: m/2 random units and their mirror images).",
    )
    step: int = checkpoint_param(sb.CHECKPOINTS, "4 kernel half-lives of the slowest frequency")
    seed: int = seed_param("Seed of the initialization.")


def freqs(p: Params) -> tuple[int, int, int]:
    return (p.k1, p.k2, p.k3)


def exported_networks(p: Params) -> list:
    r = sb.spectral_run(freqs(p), p.amplitude, p.m, p.seed)
    steps = int(r.run.steps[p.step])
    return [
        network_export(
            f"trained network after {steps:,} steps (width {p.m:,})",
            unstack(r.run.at(p.step), 0),
            seed=p.seed,
            notes=[
                "F(x; V) = (1/√m) Σⱼ aⱼ σ(vⱼᵀx) on the padded circle x = (cos t/√2, "
                "sin t/√2, 1/√2); units j and j + m/2 start equal with opposite signs aⱼ.",
            ],
        )
    ]


def compute(p: Params) -> SceneResult:
    r = sb.spectral_run(freqs(p), p.amplitude, p.m, p.seed)
    T = r.total_steps
    measured = np.where(np.isnan(r.measured), float(T), r.measured)  # never halved: ≥ T
    step = int(r.run.steps[p.step])
    checks = [
        Check(
            "frequencies are learned in the order of their eigenvalues: pairs out of order = 0",
            sb.out_of_order(r.measured, r.lam),
            0,
            "==",
            confidence=CONFIDENCE,
            note="measured on one finite network: at small width it may fail",
        ),
        Check(
            f"measured half-lives within {sb.TOLERANCE:.0%} of the kernel's (k_∞, exact)",
            sb.relative_deviation(measured, r.predicted),
            sb.TOLERANCE,
            "<=",
            confidence=CONFIDENCE,
            note="a statement about wide networks near initialization: large m, small A",
        ),
    ]
    metrics: dict[str, float | int] = {}
    for i in range(3):
        metrics[f"eigenvalue_{i + 1}"] = float(r.lam[i])
        metrics[f"steps_to_half_{i + 1}"] = float(measured[i])
        metrics[f"predicted_steps_to_half_{i + 1}"] = float(r.predicted[i])
    metrics["loss"] = float(r.run.loss[step, 0])
    metrics["steps"] = step
    return SceneResult(
        metrics=metrics,
        checks=checks,
        plots=[
            residual_plot(p, r, step),
            fit_plot(p, r, step),
            half_life_plot(p, r, measured),
            spectrum_plot(p),
        ],
        notes=notes(p, r, T),
    )


def residual_plot(p: Params, r: sb.SpectralRun, step: int) -> Plot:
    T = r.total_steps
    t = np.unique(np.round(np.geomspace(1, T, RESIDUAL_POINTS)).astype(int))
    pred = r.predicted_ratios(t)
    traces = []
    for i, k in enumerate(freqs(p)):
        group = f"frequency {k}"
        lk = _above_floor(pred[:, i], through=True)
        mk = _above_floor(r.ratios[t, i])
        traces += [
            line(f"k = {k}: kernel k_∞", t[lk], pred[lk, i], ROLES[i], group=group, legend=False),
            markers(f"k = {k}: network", t[mk], r.ratios[t[mk], i], ROLES[i], group=group),
        ]
    if step > 0:
        traces.append(line("this step", [step, step], [RATIO_FLOOR, 1.5], "this-value"))
    return Plot(
        "residuals",
        "The residual at each frequency against the step: measured, and the kernel's prediction",
        Axis("gradient-descent step (log scale)", log=True),
        Axis("residual at frequency k / its initial value", log=True, range=(RATIO_FLOOR, 1.5)),
        traces,
        caption=(
            "Each frequency of the target is learned at its own rate (1 − ημₖ)^t, set by the "
            "kernel's eigenvalue: the lowest frequency first. Dots are the trained network, "
            "lines the NTK's prediction."
        ),
    )


def _above_floor(ratio: np.ndarray, through: bool = False) -> np.ndarray:
    """Points at or above :data:`RATIO_FLOOR` (a line keeps the first point below it, so it
    runs out of the plot instead of stopping short)."""
    keep = ratio >= RATIO_FLOOR
    if through:
        keep[1:] |= keep[:-1]
    return keep


def fit_plot(p: Params, r: sb.SpectralRun, step: int) -> Plot:
    t = np.linspace(0.0, 2.0 * np.pi, CURVE_POINTS)
    deg = np.degrees(t)
    f = engine.evaluate(r.run.at(p.step), kernel_fit.inputs(t, "padded"))[0]
    grid = sb.angles()
    return Plot(
        "fit",
        f"The target and the network after {step:,} steps",
        Axis("angle t (degrees)"),
        Axis("value"),
        [
            line(
                "target A(sin k₁t + sin k₂t + sin k₃t)",
                deg,
                sb.target(freqs(p), p.amplitude, t),
                "target",
            ),
            line("trained network", deg, f, "construction"),
            markers(
                "kernel gradient descent with k_∞ (training points)",
                np.degrees(grid),
                r.kernel_outputs(step),
                "reference",
            ),
        ],
        caption=(
            "Play the run: the network takes on the slow wave first and the fast wiggles "
            "last — spectral bias; the kernel model (dots) does the same at the training "
            "points."
        ),
    )


def half_life_plot(p: Params, r: sb.SpectralRun, measured: np.ndarray) -> Plot:
    k = np.arange(1, sb.K_MAX + 1)
    lam = sb.eigenvalues()[k]
    pred = sb.predicted_half_life(sb.grid_eigenvalues()[k])
    return Plot(
        "half_lives",
        "Steps until the residual halves, against the kernel's eigenvalue",
        Axis("eigenvalue λₖ of k_∞ (log scale)", log=True),
        Axis("steps to half (log scale)", log=True),
        [
            band(
                f"±{sb.TOLERANCE:.0%} (the check's tolerance)",
                lam,
                pred * (1 - sb.TOLERANCE),
                pred * (1 + sb.TOLERANCE),
                "bound",
            ),
            line("kernel k_∞ on the training points, exact", lam, pred, "target"),
            line("gradient flow ln 2/(ηλ)", lam, sb.flow_half_life(lam), "reference"),
            markers("trained network (your frequencies)", r.lam, measured, "construction"),
        ],
        caption=(
            "Half-lives grow like 1/λₖ, and λₖ falls with the frequency: the network's "
            "measured half-lives sit on the kernel's curve when it is wide and the weights "
            "barely move."
        ),
    )


def spectrum_plot(p: Params) -> Plot:
    k = np.arange(0, sb.K_MAX + 1)
    lam = sb.eigenvalues()
    chosen = np.array(freqs(p))
    return Plot(
        "spectrum",
        "Eigenvalues of the NTK k_∞ on the padded circle",
        Axis("frequency k", integer=True),
        Axis("eigenvalue λₖ (log scale)", log=True),
        [
            markers("λₖ (Fourier coefficients of k_∞)", k, lam, "reference"),
            markers("your frequencies", chosen, lam[chosen], "highlight"),
        ],
        caption=(
            "Every λₖ is positive (thanks to the padding of Remark 3.24) and they fall "
            "roughly like 1/k²: high frequencies are learnable, only slowly."
        ),
    )


def notes(p: Params, r: sb.SpectralRun, T: int) -> list[str]:
    out = [
        "Inputs: the padded circle x(t) = (cos t/√2, sin t/√2, 1/√2) of Remark 3.24 and "
        "Proposition 3.25, where every Fourier coefficient λₖ of k_∞ is positive (on the "
        "bare circle the odd ones ≥ 3 vanish and those frequencies would never be learned).",
        f"Network: F(x; V) = (1/√m) Σⱼ aⱼ σ(vⱼᵀx), only V trained. Initialization: Remark "
        f"3.2's draw for m/2 units, each copied with the opposite sign aⱼ, so that F(·; V₀) "
        f"= 0 and the residual starts as the target. Training: {T:,} steps of full-batch "
        f"gradient descent, η = {sb.ETA:g}, on (1/2n) Σᵢ (F(xᵢ) − yᵢ)² at the n = "
        f"{sb.POINTS} points tᵢ = 2πi/n ({T:,} = {sb.HALF_LIVES} predicted half-lives of the "
        "slowest frequency).",
        "The kernel's prediction is exact for gradient descent on the linearization with "
        "k_∞: on equally spaced points the Gram matrix is circulant, so the residual at "
        "frequency k is multiplied by 1 − ημₖ every step, μₖ = Σ over l ≡ ±k (mod n) of "
        "λₗ (λₖ and its aliases). With small steps and many points this is the gradient "
        "flow exp(−ηλₖ t), of half-life ln 2/(ηλₖ).",
        "Measured: the residual at frequency k is |(2/n) Σᵢ rᵢ e^(−iktᵢ)| for the network's "
        "residuals rᵢ; its half-life is the first step where it is at most half its initial "
        "value, interpolated geometrically between the two steps around the crossing.",
        "Why wide and small: the kernel picture assumes the weights stay near "
        "initialization (chapter 3), where kₘ stays close to k_∞. Raise A or lower m and "
        "the weights move further — the high frequencies then lag behind the prediction.",
    ]
    never = [k for k, h in zip(freqs(p), r.measured, strict=True) if np.isnan(h)]
    if never:
        out.append(
            f"The residual at k = {', '.join(map(str, never))} did not halve within the "
            f"{T:,} steps of the run: its half-life is shown as {T:,} (a lower estimate)."
        )
    return out


SCENE = Scene(
    id="spectral-bias",
    title="Spectral bias: low frequencies are learned first",
    chapter=NEAR_INIT,
    summary=(
        "Three sines learned by gradient descent: each frequency's residual decays at the "
        "rate the NTK's eigenvalue predicts, the lowest first."
    ),
    primary_plot="residuals",
    source="001 (spectral bias); 003, Theorem 3.19, Proposition 3.23, Remark 3.24",
    statement=(
        r"Trained by gradient descent near initialization, a wide network follows kernel "
        r"gradient descent with $k_\infty$: the residual along the eigenfunction of "
        r"frequency $k$ decays like $e^{-\eta\lambda_k t}$, $\lambda_k$ the Fourier "
        r"coefficient of $k_\infty$. Since $\lambda_k$ falls with $k$, low frequencies are "
        r"learned first — spectral bias."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "eigenvalue_1": "λ at k₁ (the kernel's Fourier coefficient)",
        "eigenvalue_2": "λ at k₂",
        "eigenvalue_3": "λ at k₃",
        "steps_to_half_1": "steps until the residual at k₁ halves (measured)",
        "steps_to_half_2": "steps until the residual at k₂ halves (measured)",
        "steps_to_half_3": "steps until the residual at k₃ halves (measured)",
        "predicted_steps_to_half_1": "… predicted by k_∞ at k₁",
        "predicted_steps_to_half_2": "… predicted by k_∞ at k₂",
        "predicted_steps_to_half_3": "… predicted by k_∞ at k₃",
        "loss": "training loss at this step",
        "steps": "gradient-descent steps at this checkpoint",
    },
)
