"""Scene ``barron`` — Theorem 2.12 and Example 2.18.2 (seed 003; also seed 000): Barron's
theorem with threshold units, sampled by Maurey's lemma."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Literal

import numpy as np

from approxlab.scenes import plotkit as pk
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
)
from approxlab.scenes.chapters import SHALLOW
from approxlab.scenes.export import network_export
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
        description="Width of each sampled network: k iid units (wⱼ, bⱼ, sⱼ) from |q|.",
    )
    trials: int = param(
        20,
        ge=1,
        le=40,
        step=1,
        label="draws",
        description="Independent sampled networks (draws); errors are averaged over them.",
    )
    seed: int = seed_param("Seed of the random draws (equal seeds give identical networks).")


@cache
def _lattice() -> Lattice:
    return lattice(LATTICE)


def _heat(name: str, lat: Lattice, z: np.ndarray, style=None) -> Trace:
    return Trace(name, "heatmap", lat.coords, lat.coords, z=z, style=style)


@lru_cache(maxsize=8)
def _units(target: str, k: int, trials: int, seed: int) -> Units:
    """The sampled units of one parameter set (shared by the scene and its networks)."""
    return sample_units(TARGETS[target], (trials, k), np.random.default_rng(seed))


def compute(p: Params) -> SceneResult:
    target: FourierTarget = TARGETS[p.target]
    lat = _lattice()
    units = _units(p.target, p.k, p.trials, p.seed)
    run = sampled_sq_errors(target, lat, units, prefix_sizes(p.k, CURVE_POINTS))
    m = summarize(target, lat, run, p.k)
    rep_in, rep_out = representation_errors(p.target)
    draws = "draw" if p.trials == 1 else f"{p.trials} draws"
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
            Check("mass ∬|q| ≤ 2∫‖∇̃g‖ (Theorem 2.12)", m.mass, 2 * m.barron_norm, "<="),
            Check(
                f"mean of ‖g − f‖² over the {draws} ≤ 4(∫‖∇̃g‖)²/k",
                m.mean_sq_error,
                m.bound,
                "<=",
                confidence=1.0 - m.lemma_bound / m.bound,
            ),
            Check(
                "Lemma 2.17's bound ‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k ≤ 4(∫‖∇̃g‖)²/k",
                m.lemma_bound,
                m.bound,
                "<=",
                note="since sup‖1[wᵀ· ≥ b]‖² ≤ 1 and ‖μ‖₁ = ∬|q| ≤ 2∫‖∇̃g‖",
            ),
        ],
        plots=[
            _error_plot(run, m, p),
            *_field_plots(target, lat, run, p),
            _weights_plot(units, p),
        ],
        notes=_notes(target, lat),
    )


def _field_plots(target: FourierTarget, lat: Lattice, run: BarronRun, p: Params) -> list[Plot]:
    g = target_on_lattice(p.target, LATTICE)
    net = np.where(lat.inside, run.first, np.nan)
    return [
        Plot(
            "target",
            f"Target g(x) = {target.label} on the unit disc",
            Axis("x₁"),
            Axis("x₂"),
            [_heat("g", lat, g)],
            caption="The target on the unit disc, where P lives and Theorem 2.12 holds.",
            aspect="equal",
        ),
        Plot(
            "network",
            f"Sampled network f with k = {p.k:,} threshold units (draw 1)",
            Axis("x₁"),
            Axis("x₂"),
            [_heat("f", lat, net)],
            caption=(
                "Each unit adds ±‖μ‖₁/k on one side of a line wᵀx = b; k of them, drawn from "
                "|q|, already sketch g."
            ),
            aspect="equal",
        ),
        Plot(
            "error",
            "Error f − g of the same network",
            Axis("x₁"),
            Axis("x₂"),
            [_heat("f − g", lat, net - g)],
            caption="The error is a patchwork of half-planes; its mean square falls like 1/k.",
            aspect="equal",
        ),
    ]


def _error_plot(run: BarronRun, m: BarronSummary, p: Params) -> Plot:
    B, mass, sup = m.barron_norm, m.mass, m.sup_halfplane
    kk = np.geomspace(1, max(p.k, 2), 200) if p.k > 1 else np.array([1.0])
    ks = run.ks
    traces = [
        pk.line("bound 4(∫‖∇̃g‖)²/k (Example 2.18.2)", kk, 4 * B**2 / kk, role="bound"),
        pk.line(
            f"‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k (Lemma 2.17; sup = {sup:.4f})",
            kk,
            mass**2 * sup / kk,
            role="reference",
        ),
    ]
    traces += pk.spread(ks, run.sq_errors)
    return pk.sweep(
        "error_vs_k",
        "Squared L²(P) error against k: measured and bounds",
        (
            "The error of k sampled threshold units falls like 1/k, under Lemma 2.17's bound "
            "and under Barron's 4(∫‖∇̃g‖)²/k, with no dependence on the dimension."
        ),
        Axis("k (threshold units)", log=True),
        Axis("‖g − f‖² in L²(P)", log=True),
        traces,
        current=(p.k, m.mean_sq_error),
        current_name=f"this k: mean over the {p.trials} draw{'s' if p.trials > 1 else ''}",
    )


def _weights_plot(units: Units, p: Params) -> Plot:
    ax, dens = weight_density(p.target)
    shown = units.w[0][:SHOWN_UNITS]
    s0 = units.s[0][:SHOWN_UNITS]
    in_view = (np.abs(shown) <= ax[-1]).all(axis=1)
    shown, s0 = shown[in_view], s0[in_view]
    traces = [
        pk.heatmap("∫|q(w, b)| db", ax, ax, dens),
        *pk.by_sign("sampled weights wⱼ of draw 1, sign", shown[:, 0], shown[:, 1], s0),
    ]
    return Plot(
        "weights",
        "Weight density ∫|q(w, b)| db = 4π|ĝ(w)|·S(‖w‖, θ(w)) and sampled weights",
        Axis("w₁"),
        Axis("w₂"),
        traces,
        caption=(
            "The inner weights are drawn where |ĝ| is large, weighted by how much of "
            "[0, ‖w‖] the offsets b can use."
        ),
        aspect="equal",
    )


def _notes(target: FourierTarget, lat: Lattice) -> list[str]:
    notes = [
        f"P is uniform on the {lat.size:,} points of a {LATTICE} × {LATTICE} lattice on "
        "[−1, 1]² that lie in the unit disc; errors are exact for this P. Every network is "
        "evaluated on the whole lattice row by row (each row is a univariate threshold "
        "network: histogram of switch points + cumulative sums).",
        "Corrected from the printed Theorem 2.12 (003): g(x) = ∬ q(w, b)·1[wᵀx ≥ b] db dw "
        "holds for ‖x‖ ≤ 1 only (the proof needs wᵀx ≤ ‖w‖); the metric "
        "“same at ‖x‖ = 1.5” shows it failing outside the disc. The theorem needs "
        "g(0) = 0, so it is applied to g − g(0), as in Example 2.18.2.",
        "Corrected from the printed eq. (2.11): its last equality substitutes w → −w in one "
        "integral, so it holds only after integrating against |ĝ(w)| dw (using "
        "|ĝ(−w)| = |ĝ(w)| and θ(−w) = −θ(w) for real g), not for each w. The same symmetry "
        "gives q(w, b) = −4π|ĝ(w)|·sin(2π(b + θ(w))); sampling uses the exact marginal "
        "∫|q| db = 4π|ĝ(w)|·S(‖w‖, θ(w)) with S(r, θ) = ∫₀ʳ |sin 2π(b + θ)| db in closed form.",
        "Corrected from the printed Example 2.18.2: the bound reads 4(∫‖∇̃f(w)‖ dw)²/k "
        "(printed 4‖∇̂f(w)‖²/k), from ‖μ‖₁ ≤ 2∫‖∇̃f(w)‖ dw (printed 2‖∇̂f(w)‖), and the sample "
        "has k units (printed m).",
        "The second check is about an expectation measured on finitely many draws; "
        "Lemma 2.17 gives E‖g − f‖² ≤ ‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k, so by Markov's inequality it "
        "holds with probability at least 1 − (that)/(4(∫‖∇̃g‖)²/k) (its confidence).",
    ]
    if isinstance(target, FFTTarget):
        notes.append(
            f"ĝ of this target is computed by FFT on [−{target.box / 2:g}, {target.box / 2:g}]² "
            f"with {target.points}² points; the infinite-width network is the measure on the "
            f"{target.atoms:,} frequencies w = m/{target.box:g}. It reproduces g − g(0) on the "
            f"disc to {target.accuracy:.1e} (max over 64 points), and ∫‖∇̃g‖ is its "
            "Riemann sum 2πΣΔw²‖w‖|ĝ(w)| (within 2·10⁻⁴ relative of finer grids)."
        )
    else:
        notes.append(
            "ĝ is in closed form; ∫‖∇̃g‖ = 2π∫‖w‖|ĝ(w)| dw = √(π/2)/σ exactly and the mass "
            "∬|q| by a polar rule split at the kinks of S (relative accuracy ~10⁻¹²)."
        )
    return notes


def exported_networks(p: Params) -> list:
    target = TARGETS[p.target]
    u = _units(p.target, p.k, p.trials, p.seed)
    w, b, s = u.w[0], u.b[0], u.s[0]
    return [
        network_export(
            f"f, draw 1: {p.k:,} threshold units on the plane",
            [(w, -b), ((s * (target.mass / p.k))[None, :], np.array([target.g0]))],
            activation="threshold",
            seed=p.seed,
            notes=[
                f"Draw 1 of {p.trials} (seed {p.seed}): units 1[wⱼᵀx − bⱼ ≥ 0] with (wⱼ, bⱼ) "
                "iid from |q|/∬|q|, outer weights sⱼ·∬|q|/k with sⱼ the sign of q(wⱼ, bⱼ), "
                "output bias g(0)."
            ],
        )
    ]


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
    networks=exported_networks,
    metric_labels={
        "barron_norm": "∫‖∇̃g‖ = 2π∫‖w‖·|ĝ(w)| dw",
        "mass": "mass ∬|q|",
        "mean_sq_error": "mean ‖g − f‖² over the draws",
        "bound": "bound 4(∫‖∇̃g‖)²/k",
        "best_sq_error": "best draw's ‖g − f‖²",
        "lemma_bound": "‖μ‖₁²·sup‖1[wᵀ· ≥ b]‖²/k",
        "representation_error": "max |g − g(0) − ∬q·1| on the disc",
        "representation_error_outside": "same at ‖x‖ = 1.5 (outside the disc)",
    },
)
