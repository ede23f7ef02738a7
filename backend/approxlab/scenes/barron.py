"""Scene ``barron`` — Theorem 2.12 and Example 2.18.2 (seed 003; also seed 000): Barron's
theorem with threshold units, sampled by Maurey's lemma."""

from __future__ import annotations

from functools import cache
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
    band,
    param,
    seed_param,
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.theory.shallow.barron import (
    TARGETS,
    BarronRun,
    BarronSummary,
    FFTTarget,
    FourierTarget,
    Units,
    representation_errors,
    sample_units,
    sampled_sq_errors,
    summarize,
    target_on_lattice,
    weight_density,
)
from approxlab.theory.shallow.halfplanes import Lattice, lattice
from approxlab.theory.shallow.maurey import prefix_sizes

TargetName = Literal["gauss", "offset", "plateau"]

#: Lattice points per axis (odd, so the origin is a lattice point); P is uniform on the
#: lattice points in the unit disc.
LATTICE = 63
#: Points of the log grid of k′ for the error curve.
CURVE_POINTS = 10
#: Sampled weight vectors drawn on the weight-density plot.
SHOWN_UNITS = 400


class Params(SceneParams):
    target: TargetName = param(
        "gauss",
        label="target g",
        description="Target on the unit disc: Gaussian bumps (closed-form ĝ) or a flat-topped "
        "bump (ĝ by FFT).",
        options={name: t.label for name, t in TARGETS.items()},
    )
    k: int = param(
        100,
        ge=1,
        le=1000,
        scale="log",
        step=0.05,
        label="k (threshold units)",
        description="Width of each sampled network: k iid units (w_j, b_j, s_j) from |q|.",
    )
    trials: int = param(
        20,
        ge=1,
        le=40,
        step=1,
        label="trials",
        description="Independent sampled networks; errors are averaged over them.",
    )
    seed: int = seed_param("Seed of the random draws (equal seeds give identical networks).")


@cache
def _lattice() -> Lattice:
    return lattice(LATTICE)


def _heat(name: str, lat: Lattice, z: np.ndarray, style=None) -> Trace:
    return Trace(name, "heatmap", lat.coords, lat.coords, z=z, style=style)


def compute(p: Params) -> SceneResult:
    target: FourierTarget = TARGETS[p.target]
    lat = _lattice()
    units = sample_units(target, (p.trials, p.k), np.random.default_rng(p.seed))
    run = sampled_sq_errors(target, lat, units, prefix_sizes(p.k, CURVE_POINTS))
    m = summarize(target, lat, run, p.k)
    rep_in, rep_out = representation_errors(p.target)
    return SceneResult(
        metrics={
            "barron_norm": m.barron_norm,
            "mass": m.mass,
            "mean_sq_error": m.mean_sq_error,
            "bound": m.bound,
            "best_sq_error": m.best_sq_error,
            "lemma_bound": m.lemma_bound,
            "representation_error": rep_in,
            "representation_error_outside": rep_out,
        },
        checks=[
            Check("mass ≤ 2·barron_norm", m.mass, 2 * m.barron_norm, "<="),
            Check(
                "mean_sq_error ≤ bound",
                m.mean_sq_error,
                m.bound,
                "<=",
                confidence=1.0 - m.lemma_bound / m.bound,
            ),
            Check(
                "Lemma 2.17 bound ≤ bound (sup ≤ 1, mass ≤ 2·barron_norm)",
                m.lemma_bound,
                m.bound,
                "<=",
            ),
        ],
        plots=[
            *_field_plots(target, lat, run, p),
            _error_plot(run, m, p),
            _weights_plot(units, p),
        ],
        notes=_notes(target, lat),
    )


def _field_plots(target: FourierTarget, lat: Lattice, run: BarronRun, p: Params) -> list[Plot]:
    g = target_on_lattice(p.target, LATTICE)
    net = np.where(lat.inside, run.first, np.nan)
    return [
        Plot(
            "target", f"Target g(x) = {target.label}", Axis("x₁"), Axis("x₂"), [_heat("g", lat, g)]
        ),
        Plot(
            "network",
            f"Sampled network f with k = {p.k} threshold units (trial 1)",
            Axis("x₁"),
            Axis("x₂"),
            [_heat("f", lat, net)],
        ),
        Plot(
            "error",
            "Error f − g of the same network",
            Axis("x₁"),
            Axis("x₂"),
            [_heat("f − g", lat, net - g)],
        ),
    ]


def _error_plot(run: BarronRun, m: BarronSummary, p: Params) -> Plot:
    B, mass, sup = m.barron_norm, m.mass, m.sup_halfplane
    kk = np.geomspace(1, max(p.k, 2), 200) if p.k > 1 else np.array([1.0])
    curve = [
        Trace("bound 4(∫‖∇̃g‖)²/k (Example 2.18.2)", "line", kk, 4 * B**2 / kk, style="bound"),
        Trace(
            f"‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k (Lemma 2.17; sup = {sup:.4f})",
            "line",
            kk,
            mass**2 * sup / kk,
            style="reference",
        ),
    ]
    ks = run.ks
    if p.trials > 1:
        lo_q, hi_q = np.quantile(run.sq_errors, [0.1, 0.9], axis=0)
        curve.append(
            band(f"10–90% of {p.trials} trials", ks.astype(float), lo_q, hi_q, style="construction")
        )
    curve += [
        Trace(
            f"mean over {p.trials} trials",
            "markers",
            ks,
            run.sq_errors.mean(axis=0),
            style="construction",
        ),
        Trace("this k: mean_sq_error", "markers", [p.k], [m.mean_sq_error], style="highlight"),
    ]
    return Plot(
        "error_vs_k",
        "Squared L2(P) error against k: measured and bounds",
        Axis("k (threshold units)", log=True),
        Axis("‖g − f‖²_{L2(P)}", log=True),
        curve,
    )


def _weights_plot(units: Units, p: Params) -> Plot:
    ax, dens = weight_density(p.target)
    shown = units.w[0][:SHOWN_UNITS]
    s0 = units.s[0][:SHOWN_UNITS]
    in_view = (np.abs(shown) <= ax[-1]).all(axis=1)
    weight_traces = [Trace("∫|q(w, b)| db", "heatmap", ax, ax, z=dens)]
    for sign, label, style in ((1.0, "+1", "construction"), (-1.0, "−1", "error")):
        sel = in_view & (s0 == sign)
        if sel.any():
            weight_traces.append(
                Trace(
                    f"sampled w_j of network 1, s = {label}",
                    "markers",
                    shown[sel, 0],
                    shown[sel, 1],
                    style=style,
                )
            )
    return Plot(
        "weights",
        "Weight density ∫|q(w, b)| db = 4π|ĝ(w)|·S(‖w‖, θ(w)) and sampled weights",
        Axis("w₁"),
        Axis("w₂"),
        weight_traces,
    )


def _notes(target: FourierTarget, lat: Lattice) -> list[str]:
    notes = [
        f"P is uniform on the {lat.size:,} points of a {LATTICE} × {LATTICE} lattice on "
        "[−1, 1]² that lie in the unit disc; errors are exact for this P. Every network is "
        "evaluated on the whole lattice row by row (each row is a univariate threshold "
        "network: histogram of switch points + cumulative sums).",
        "Corrected from the printed Theorem 2.12 (003): g(x) = ∬ q(w, b)·1[wᵀx ≥ b] db dw "
        "holds for ‖x‖ ≤ 1 only (the proof needs wᵀx ≤ ‖w‖); the metric "
        "representation_error_outside shows it failing at ‖x‖ = 1.5. The theorem needs "
        "g(0) = 0, so it is applied to g − g(0), as in Example 2.18.2.",
        "Corrected from the printed eq. (2.11): its last equality substitutes w → −w in one "
        "integral, so it holds only after integrating against |ĝ(w)| dw (using "
        "|ĝ(−w)| = |ĝ(w)| and θ(−w) = −θ(w) for real g), not for each w. The same symmetry "
        "gives q(w, b) = −4π|ĝ(w)|·sin(2π(b + θ(w))); sampling uses the exact marginal "
        "∫|q| db = 4π|ĝ(w)|·S(‖w‖, θ(w)) with S(r, θ) = ∫₀^r |sin 2π(b + θ)| db in closed form.",
        "Corrected from the printed Example 2.18.2: the bound reads 4(∫‖∇̃f(w)‖ dw)²/k "
        "(printed 4‖∇̂f(w)‖²/k), from ‖μ‖₁ ≤ 2∫‖∇̃f(w)‖ dw (printed 2‖∇̂f(w)‖), and the sample "
        "has k units (printed m).",
        "mean_sq_error ≤ bound is about an expectation measured on finitely many trials; "
        "Lemma 2.17 gives E‖g − f‖² ≤ ‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k, so by Markov's inequality the "
        "check holds with probability at least 1 − (that)/bound (its confidence).",
    ]
    if isinstance(target, FFTTarget):
        notes.append(
            f"ĝ of this target is computed by FFT on [−{target.box / 2:g}, {target.box / 2:g}]² "
            f"with {target.points}² points; the infinite-width network is the measure on the "
            f"{target.atoms:,} frequencies w = m/{target.box:g}. It reproduces g − g(0) on the "
            f"disc to {target.accuracy:.1e} (max over 64 points), and barron_norm is its "
            "Riemann sum 2πΣΔw²‖w‖|ĝ(w)| (within 2·10⁻⁴ relative of finer grids)."
        )
    else:
        notes.append(
            "ĝ is in closed form; barron_norm = 2π∫‖w‖|ĝ(w)| dw = √(π/2)/σ exactly and the mass "
            "∬|q| by a polar rule split at the kinks of S (relative accuracy ~1e-12)."
        )
    return notes


SCENE = Scene(
    id="barron",
    title="Barron's theorem: threshold networks sampled from the Fourier transform",
    chapter=SHALLOW,
    summary=(
        "Barron's threshold density from the Fourier transform, k sampled units on the "
        "unit disc, error against 4(∫‖∇̃g‖)²/k."
    ),
    primary_plot="error_vs_k",
    source="003, Theorem 2.12 and Example 2.18.2",
    statement=(
        r"Let $g,\hat g\in L_1$ with $\hat g=|\hat g|e^{2\pi i\theta}$ and "
        r"$q(w,b)=-4\pi|\hat g(w)|\sin(2\pi(b+\theta(w)))\mathbf{1}[0\leq b\leq\|w\|]$. "
        r"Then $g(x)-g(0)=\iint q(w,b)\mathbf{1}[w^\top x\geq b]\,db\,dw$ for $\|x\|\leq 1$ "
        r"and $\iint|q|\leq 2\int\|\widetilde{\nabla}g\|$. Sampling $k$ units from $|q|$ gives "
        r"$\mathbb{E}\|g-f\|_{L_2(P)}^2\leq 4\left(\int\|\widetilde{\nabla}g(w)\|\,dw\right)^2/k$ "
        r"for every $P$ on the unit ball."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "barron_norm": "∫‖∇̃g‖ = 2π∫‖w‖·|ĝ(w)| dw",
        "mass": "mass ∬|q|",
        "mean_sq_error": "mean ‖g − f‖² over trials",
        "bound": "bound 4(∫‖∇̃g‖)²/k",
        "best_sq_error": "best trial ‖g − f‖²",
        "lemma_bound": "‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k",
        "representation_error": "max |g − g(0) − ∬q·1| on the disc",
        "representation_error_outside": "same at ‖x‖ = 1.5",
    },
)
