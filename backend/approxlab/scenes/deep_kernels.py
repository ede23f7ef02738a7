"""Scene ``deep-kernels`` — NNGP and NTK of deep ReLU networks against random finite networks
(seed 002; seed 003, Theorem 3.19 beyond two layers)."""

from __future__ import annotations

import numpy as np

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    param,
    seed_param,
)
from approxlab.scenes.chapters import NEAR_INIT
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import context_curves, hline, line, markers
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.near_init import deep_kernels as dk
from approxlab.theory.near_init import ntk as two_layer_ntk

#: Angles (degrees) at which the finite network's kernels are measured: 0, 7.5, …, 180.
GRID_DEGREES = np.linspace(0.0, 180.0, 25)
#: Angles of the analytic curves.
CURVE_DEGREES = np.linspace(0.0, 180.0, 361)
#: Depths of the flattening plot.
MAX_DEPTH = 20
#: The 1/√m fit uses widths ≥ this times the depth (where the asymptotics hold).
REGIME = 8
#: Stated probability that the slope's 95 % t-interval contains −½ (the failure frequency
#: over seeds is tested: tests/theory/near_init/test_deep_kernels.py).
CONFIDENCE = 0.9


class Params(SceneParams):
    L: int = param(
        3,
        ge=1,
        le=MAX_DEPTH,
        step=1,
        label="hidden layers L",
        description="Depth of the network and of the kernel recursions.",
    )
    m: int = param(
        256,
        ge=32,
        le=256,
        step=0.1,
        scale="log",
        label="width m",
        description="Units per hidden layer of the random finite network.",
    )
    theta: float = param(
        60.0,
        ge=0.0,
        le=180.0,
        step=1.0,
        label="θ (degrees)",
        description="Angle between the unit inputs x and x′ for the metrics.",
    )
    seed: int = seed_param("Seed of the random network (and of the deviation sweep).")


def exported_networks(p: Params) -> list:
    net = dk.random_network(p.L, p.m, p.seed)
    return [
        network_export(
            f"random ReLU network: {p.L} hidden layers of width {p.m}, He initialization",
            net.layers(),
            seed=p.seed,
            notes=[
                "Weights N(0, 2/fan-in) (the first layer has fan-in 2: inputs on the unit "
                "circle), no biases, linear readout. Its NNGP at layer L is "
                "(2/m)⟨h(x), h(x′)⟩ of the last hidden layer; its NTK is taken with respect to "
                "the standard normal ω in W = √(2/fan-in)·ω."
            ],
        )
    ]


def compute(p: Params) -> SceneResult:
    L, m = p.L, p.m
    net = dk.random_network(L, m, p.seed)
    deg = np.append(GRID_DEGREES, p.theta)
    s_hat, t_hat = dk.empirical_kernels(net, np.radians(deg))
    sig, ntk = dk.analytic_kernels(np.radians(deg), L)
    dev_s = float(np.max(np.abs(s_hat[-1] - sig[-1])))
    dev_t = float(np.max(np.abs(t_hat - ntk[-1])))
    sweep = dk.deviation_sweep(L, m, p.seed)
    fits = _fits(sweep, L)
    metrics = {
        "nngp_inf": float(sig[-1, -1]),
        "ntk_inf": float(ntk[-1, -1]),
        "nngp_m": float(s_hat[-1, -1]),
        "ntk_m": float(t_hat[-1]),
        "max_abs_dev_nngp": dev_s,
        "max_abs_dev_ntk": dev_t,
    }
    if fits:
        metrics["slope_nngp"] = fits["nngp"].slope
        metrics["slope_ntk"] = fits["ntk"].slope
    return SceneResult(
        metrics=metrics,
        checks=[*exact_checks(L), *slope_checks(fits)],
        plots=[
            kernel_plot(p, deg, s_hat, t_hat),
            depth_plot(p, s_hat),
            deviation_plot(p, sweep, fits, dev_s, dev_t),
        ],
        notes=notes(p, fits),
    )


def _fits(sweep: dk.Deviations, L: int) -> dict[str, dk.SlopeFit]:
    keep = sweep.width >= REGIME * L
    if np.unique(sweep.width[keep]).size < 2:
        return {}
    return {
        "nngp": dk.fit_slope(sweep.width[keep], sweep.nngp[keep]),
        "ntk": dk.fit_slope(sweep.width[keep], sweep.ntk[keep]),
        "points": int(keep.sum()),  # type: ignore[dict-item]
    }


def exact_checks(L: int) -> list[Check]:
    th = np.radians(CURVE_DEGREES)
    sig, ntk = dk.analytic_kernels(th, max(L, 1))
    e1 = np.array([1.0, 0.0])
    pairs = np.stack([np.cos(th), np.sin(th)], axis=1)
    cho1 = two_layer_ntk.arccos_kernel(1, e1, pairs)[0]
    cho0 = two_layer_ntk.arccos_kernel(0, e1, pairs)[0]
    cross = ntk[1] - dk.kappa1(np.cos(th)) - 2.0 * two_layer_ntk.k_inf_theta(th)
    arc = max(
        float(np.max(np.abs(dk.kappa1(np.cos(th)) - cho1))),
        float(np.max(np.abs(dk.kappa0(np.cos(th)) - cho0))),
    )
    # arccos of a rounded cos θ is off by up to u/sin θ: the grid's smallest sin θ is sin 0.5°
    arccos_rounding = rounding_allowance(1.0, ops=16) / np.sin(np.radians(0.5))
    return [
        Check(
            "L = 1 against seed 003: Θ⁽¹⁾ − κ₁(cos θ) = 2·k_∞(θ), k_∞ of Proposition 3.23 "
            f"(inner layer only, no factor 2), at {th.size} angles",
            float(np.max(np.abs(cross))),
            0.0,
            "==",
            rounding=arccos_rounding,
        ),
        Check(
            "κ₁ and κ₀ are Cho and Saul's arc-cosine kernels of degrees 1 and 0",
            arc,
            0.0,
            "==",
            rounding=arccos_rounding,
        ),
        Check(
            f"He's factor 2 keeps the diagonal: Σ⁽{L}⁾(0) = 1 and Θ⁽{L}⁾(0) = L + 1 = {L + 1}",
            max(abs(float(sig[L, 0]) - 1.0), abs(float(ntk[L, 0]) - (L + 1))),
            0.0,
            "==",
            rounding=rounding_allowance(L + 1.0, ops=4 * L + 4),
        ),
    ]


def slope_checks(fits: dict) -> list[Check]:
    if not fits:
        return []
    dof = fits["points"] - 2
    t = dk.student_t_quantile(0.975, dof)
    out = []
    for key, name in (("nngp", "NNGP"), ("ntk", "NTK")):
        f: dk.SlopeFit = fits[key]
        out.append(
            Check(
                f"{name} deviation shrinks like 1/√m: |fitted slope + ½| ≤ t·SE "
                f"({fits['points']} networks of widths ≥ {REGIME}L, t = {t:.2f})",
                abs(f.slope + 0.5),
                t * f.stderr,
                "<=",
                confidence=CONFIDENCE,
            )
        )
    return out


def kernel_plot(p: Params, deg: np.ndarray, s_hat: np.ndarray, t_hat: np.ndarray) -> Plot:
    L = p.L
    sig, ntk = dk.analytic_kernels(np.radians(CURVE_DEGREES), L)
    g = slice(0, GRID_DEGREES.size)
    return Plot(
        "kernels",
        f"NNGP Σ⁽{L}⁾ and NTK Θ⁽{L}⁾/(L + 1) against θ: infinite width and width {p.m}",
        Axis("θ (degrees)"),
        Axis("kernel value"),
        [
            line(f"Σ⁽{L}⁾ (infinite width)", CURVE_DEGREES, sig[-1], role="target"),
            line(f"Θ⁽{L}⁾/(L + 1) (infinite width)", CURVE_DEGREES, ntk[-1] / (L + 1), "reference"),
            markers(f"Σ̂ of the width-{p.m} network", deg[g], s_hat[-1, g], "construction"),
            markers(f"Θ̂/(L + 1) of the width-{p.m} network", deg[g], t_hat[g] / (L + 1)),
            markers(
                f"θ = {p.theta:g}°",
                [p.theta, p.theta],
                [s_hat[-1, -1], t_hat[-1] / (L + 1)],
                role="this-value",
            ),
        ],
        caption=(
            "The random network's kernels (markers) scatter around the infinite-width "
            "recursions (curves); the NTK is divided by its value L + 1 at θ = 0."
        ),
    )


def depth_plot(p: Params, s_hat: np.ndarray) -> Plot:
    th = np.radians(p.theta)
    depths = np.arange(1, MAX_DEPTH + 1)
    sig, ntk = dk.analytic_kernels(np.array([th]), MAX_DEPTH)
    return Plot(
        "depth",
        f"Flattening: the kernels at θ = {p.theta:g}° against the depth",
        Axis("hidden layers l", integer=True),
        Axis("kernel value at θ"),
        [
            line("Σ⁽ˡ⁾(θ) → 1", depths, sig[1:, 0], role="target"),
            line("Θ⁽ˡ⁾(θ)/(l + 1) → ¼", depths, ntk[1:, 0] / (depths + 1), role="reference"),
            markers(
                f"Σ̂⁽ˡ⁾(θ), layers of the width-{p.m} network",
                np.arange(1, p.L + 1),
                s_hat[:, -1],
                role="construction",
            ),
            hline("¼ (limit of the NTK, θ > 0)", 0.25, 1, MAX_DEPTH, role="highlight"),
            markers(f"L = {p.L}", [p.L], [float(sig[p.L, 0])], role="this-value"),
        ],
        caption=(
            "With depth the NNGP tends to 1 and the normalized NTK to ¼ at every θ > 0: deep "
            "kernels forget the angle between their inputs."
        ),
    )


def deviation_plot(p: Params, sweep: dk.Deviations, fits: dict, dev_s: float, dev_t: float) -> Plot:
    keep = sweep.width >= REGIME * p.L
    w = sweep.width.astype(float)
    traces = [
        markers("NNGP, max over θ", w[keep], sweep.nngp[keep], role="construction"),
        markers("NTK, max over θ", w[keep], sweep.ntk[keep], role="highlight"),
    ]
    if not keep.all():
        traces += context_curves(
            f"narrower than {REGIME}L: outside the fit",
            [("NNGP", w[~keep], sweep.nngp[~keep]), ("NTK", w[~keep], sweep.ntk[~keep])],
            kind="markers",
        )
    if fits:
        xs = np.array([w[keep].min(), w[keep].max()])
        guides = []
        for y in (sweep.nngp[keep], sweep.ntk[keep]):
            x0, y0 = np.mean(np.log(w[keep])), np.mean(np.log(y))
            guides.append(("slope −½", xs, np.exp(y0 - 0.5 * (np.log(xs) - x0))))
        traces += [
            line(name, x, y, role="bound", group="slope −½ (1/√m)", legend=i == 0)
            for i, (name, x, y) in enumerate(guides)
        ]
    traces.append(markers(f"this network (m = {p.m})", [p.m, p.m], [dev_s, dev_t], "this-value"))
    return Plot(
        "deviation",
        "Largest deviation from the infinite-width kernels against the width",
        Axis("width m", log=True, integer=True),
        Axis("max over θ of |empirical − infinite width|", log=True),
        traces,
        caption=(
            "Independent networks of widths m, m/2, m/4, m/8 (cut from one draw): their "
            f"deviations fall like 1/√m once the width is large next to the depth (≥ {REGIME}L)."
        ),
    )


def notes(p: Params, fits: dict) -> list[str]:
    out = [
        "Convention (design document, 'Kernels of deep networks'): ReLU, weights N(0, 2/fan-in), "
        "no biases, unit inputs at angle θ in ℝ² (fan-in 2, so the first pre-activations are "
        "standard normal with correlation cos θ = Σ⁽⁰⁾); Σ⁽ˡ⁾ = κ₁(Σ⁽ˡ⁻¹⁾), "
        "Θ⁽ˡ⁾ = Σ⁽ˡ⁾ + Θ⁽ˡ⁻¹⁾κ₀(Σ⁽ˡ⁻¹⁾).",
        "Empirical kernels: Σ̂⁽ˡ⁾ = (2/m)⟨h⁽ˡ⁾(x), h⁽ˡ⁾(x′)⟩ at every hidden layer of one forward "
        "pass; Θ̂ = ⟨∂f(x)/∂ω, ∂f(x′)/∂ω⟩ over all layers and the readout, where every weight "
        "is √(2/fan-in)·ω with ω standard normal (the NTK parametrization: the same network "
        "at initialization), by backpropagation.",
        "Normalizations against seed 003 (§3.3, two layers, only the inner layer trained, "
        "v ~ N(0, I), a ∈ {±1}): Θ⁽¹⁾ = κ₁(cos θ) + cos θ·κ₀(cos θ); the first term is the "
        "outer layer's, absent in the notes, and the second is 2·k_∞(θ) — He's factor 2.",
        f"Deviations are maxima over {GRID_DEGREES.size} angles 0°, 7.5°, …, 180° (and θ), "
        "grid maxima, not a sup over θ.",
        "The 1/√m law is asymptotic in m at fixed depth: deep layers push every pair towards "
        "correlation 1, where κ₁ is not smooth, and the corrections grow with L/m. The fit "
        f"uses widths ≥ {REGIME}L; the slope's 95 % t-interval (residual standard error) "
        f"contains −½ in about 95 % of draws there, stated as ≥ {CONFIDENCE:.0%} (tested over "
        "seeds).",
    ]
    if not fits:
        out.append(
            f"Width {p.m} is too small next to depth {p.L} for the 1/√m check: it needs two "
            f"widths ≥ {REGIME}L = {REGIME * p.L} among m, m/2, m/4, m/8."
        )
    return out


SCENE = Scene(
    id="deep-kernels",
    title="Kernels of deep networks: NNGP and NTK at infinite and finite width",
    chapter=NEAR_INIT,
    summary=(
        "Deep ReLU NNGP and NTK recursions against random networks of width m: 1/√m "
        "fluctuations, and kernels that flatten with depth."
    ),
    primary_plot="kernels",
    source="002 (NNGP, NTK); 003, Theorem 3.19 beyond two layers",
    statement=(
        r"For a ReLU network with weights $\mathcal N(0, 2/\mathrm{fan_{in}})$, no biases and "
        r"unit inputs at angle $\theta$: $\Sigma^{(0)} = \Theta^{(0)} = \cos\theta$, "
        r"$\Sigma^{(\ell)} = \kappa_1(\Sigma^{(\ell-1)})$, "
        r"$\Theta^{(\ell)} = \Sigma^{(\ell)} + \Theta^{(\ell-1)}\kappa_0(\Sigma^{(\ell-1)})$ with "
        r"$\kappa_1(\rho) = (\sqrt{1-\rho^2} + (\pi - \arccos\rho)\rho)/\pi$ and "
        r"$\kappa_0(\rho) = (\pi - \arccos\rho)/\pi$; the empirical kernels of width $m$ "
        r"converge to them as $m \to \infty$, with fluctuations of order $1/\sqrt m$."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "nngp_inf": "Σ⁽ᴸ⁾(θ), infinite width",
        "ntk_inf": "Θ⁽ᴸ⁾(θ), infinite width",
        "nngp_m": "Σ̂⁽ᴸ⁾(θ) of the width-m network",
        "ntk_m": "Θ̂⁽ᴸ⁾(θ) of the width-m network",
        "max_abs_dev_nngp": "max over 25 angles of |Σ̂ − Σ|",
        "max_abs_dev_ntk": "max over 25 angles of |Θ̂ − Θ|",
        "slope_nngp": "fitted log-log slope of the NNGP deviation against m",
        "slope_ntk": "fitted log-log slope of the NTK deviation against m",
    },
)
