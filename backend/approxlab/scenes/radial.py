"""Scene ``radial`` — depth 2 against depth 3 for a radial function (seed 003, Remark 4.12;
seed 002, Eldan and Shamir)."""

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
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import hline, line, markers
from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import radial as rd
from approxlab.theory.depth import squaring

#: Points of the profile along the diagonal.
PROFILE_POINTS = 801


class Params(SceneParams):
    d: int = param(4, ge=1, le=8, step=1, label="dimension d", description="Inputs x ∈ [−1, 1]^d.")
    k: int = param(
        64,
        ge=4,
        le=rd.MAX_WIDTH,
        step=0.1,
        scale="log",
        label="two-layer units k",
        description="Hidden units of the fitted two-layer network.",
    )
    eps: float = param(
        0.05,
        ge=0.005,
        le=0.5,
        step=0.1,
        scale="log",
        label="accuracy ε",
        description="The three-layer network is built with sup error ≤ ε; nodes needed for ε.",
    )
    w: float = param(
        0.7,
        ge=0.4,
        le=1.5,
        step=0.05,
        label="ripple width w",
        description="g(x) = φ(‖x‖²) ripples between 0 and 1 every w in the radius ‖x‖.",
    )
    seed: int = seed_param("Seed of the sample points and of the random features.")


def _build(p: Params):
    phi = rd.Ripples(p.w, p.d)
    i = rd.level_for(phi, p.eps)
    net3 = rd.three_layer_network(phi, i)
    fit2 = rd.fit_at(p.w, p.d, p.seed, p.k)
    return phi, i, net3, fit2


def exported_networks(p: Params) -> list:
    phi, i, net3, fit2 = _build(p)
    return [
        network_export(
            f"three layers: φ(Σ h_{i}(|x_j|)), {networks.hidden_nodes(net3)} nodes",
            net3,
            notes=[
                f"First hidden layer: Yarotsky's h_{i} (interpolant of t² on the grid of step "
                f"2^−{i}) of every |x_j|, {2 ** (i + 1)} units per coordinate; their sum feeds "
                f"the second hidden layer, φ with one unit per piece ({phi.pieces}).",
            ],
        ),
        network_export(
            f"two layers: {p.k} random ReLU features, outer weights by ridge least squares",
            fit2.networks[0],
            seed=p.seed,
            notes=["Directions uniform on the sphere, hyperplanes through random sample points."],
        ),
    ]


def compute(p: Params) -> SceneResult:
    phi, i, net3, fit2 = _build(p)
    _, _, test = rd.sample(p.seed)
    x = test[:, : p.d]
    y = phi.target(x)
    f3 = networks.evaluate(net3, x)
    rho_hat = rd.squared_norm_estimate(x, i)
    est3 = rd.Estimate.of(f3 - y)
    est2 = fit2.errors[0]
    sweep2, sweep3 = rd.two_layer_sweep(p.w, p.seed), rd.three_layer_sweep(p.w, p.seed)
    nodes3 = rd.three_layer_nodes(p.d, i, phi.pieces)
    metrics = {
        "nodes_3layer": nodes3,
        "error_3layer": est3.rms,
        "error_2layer": est2.rms,
        "stderr_3layer": est3.stderr,
        "stderr_2layer": est2.stderr,
        "sample_max_3layer": float(np.max(np.abs(f3 - y))),
        "sup_bound_3layer": rd.three_layer_bound(phi, i),
        "squaring_level": i,
        "target_std": float(np.std(y)),
    }
    return SceneResult(
        metrics=metrics,
        checks=checks(p, phi, i, x, f3, rho_hat),
        plots=[
            nodes_plot(p, phi, sweep2, sweep3, est2, est3, nodes3),
            dimension_plot(p, sweep3),
            needed_plot(p, sweep2, sweep3),
            profile_plot(p, phi, net3, fit2.networks[0]),
        ],
        notes=notes(p, phi, i, est3),
    )


def checks(p: Params, phi, i: int, x, f3, rho_hat) -> list[Check]:
    n = x.shape[0]
    y = phi.target(x)
    sq = np.sum(x * x, axis=1)
    excess = rho_hat - sq
    t = np.abs(x).ravel()
    yarotsky = networks.evaluate(squaring.squaring_network(i), t)
    off, coef, base = rd.coordinate_square(i)
    shallow = base + np.maximum(t[:, None] - off, 0.0) @ coef
    tol = rounding_allowance(float(p.d), ops=8 * (2 ** (i + 1) + phi.pieces))
    return [
        Check(
            f"largest error of the three-layer network over {n:,} sample points (not a sup) ≤ "
            f"Lip(φ)·d·4^−(i+1) = {phi.lipschitz:.3g}·{p.d}·4^−{i + 1}, a bound on the sup",
            float(np.max(np.abs(f3 - y))),
            rd.three_layer_bound(phi, i),
            "<=",
            rounding=tol,
        ),
        Check(
            f"0 ≤ Σ_j h_{i}(|x_j|) − ‖x‖² ≤ d·4^−(i+1) at the sample points (Theorem 4.2 per "
            "coordinate): the largest excess",
            float(np.max(excess)),
            p.d * 4.0 ** (-i - 1),
            "<=",
            rounding=tol,
            note=f"smallest excess {float(np.min(excess)):.2g} (≥ 0 up to rounding)",
        ),
        Check(
            f"the network's first-layer block = Yarotsky's squaring network h_{i} (003, Theorem "
            f"4.2, {5 * i} nodes, {i + 1} layers) at the {t.size:,} sample coordinates",
            float(np.max(np.abs(shallow - yarotsky))),
            0.0,
            "==",
            rounding=rounding_allowance(1.0, ops=8 * 2 ** (i + 1)),
        ),
        Check(
            "the assembled three-layer network = φ(Σ_j h_i(|x_j|)) at the sample points",
            float(np.max(np.abs(f3 - phi(rho_hat)))),
            0.0,
            "==",
            rounding=tol * max(1.0, phi.lipschitz),
        ),
    ]


def nodes_plot(p: Params, phi, sweep2, sweep3, est2, est3, nodes3) -> Plot:
    a = p.d - 1
    n3 = rd.three_layer_nodes(p.d, rd.LEVELS, phi.pieces)
    std = float(np.std(phi.target(rd.sample(p.seed)[2][:, : p.d])))
    xs = [1.0, float(max(n3[-1], rd.MAX_WIDTH))]
    return Plot(
        "nodes",
        f"Error against nodes in d = {p.d}: two layers (fitted) and three layers (built)",
        Axis("hidden nodes", log=True, integer=True),
        Axis(f"RMS error (Monte Carlo, {rd.TEST_POINTS:,} points)", log=True),
        [
            line(
                "two layers: random features + least squares", rd.WIDTHS, sweep2[0, a], "reference"
            ),
            line(
                f"three layers: φ(Σ h_i(|x_j|)), i = 0…{rd.LEVELS[-1]}",
                n3,
                sweep3[0, a],
                "construction",
            ),
            hline(f"ε = {p.eps:g}", p.eps, *xs, role="bound"),
            hline(f"best constant (std of g) = {std:.3f}", std, *xs, role="context"),
            markers(
                f"this k = {p.k} and this i",
                [p.k, nodes3],
                [est2.rms, est3.rms],
                role="this-value",
            ),
        ],
        caption=(
            "In one dimension both depths do well; as d grows the fitted two-layer error stalls "
            "near the best constant while three layers keep falling with poly(d) nodes."
        ),
    )


def dimension_plot(p: Params, sweep3) -> Plot:
    errs, nodes, stds = [], [], []
    for d in rd.DIMS:
        phi = rd.Ripples(p.w, int(d))
        errs.append(rd.fit_at(p.w, int(d), p.seed, p.k).errors[0].rms)
        i = rd.level_for(phi, p.eps)
        nodes.append(rd.three_layer_nodes(int(d), i, phi.pieces))
        stds.append(float(np.std(phi.target(rd.sample(p.seed)[2][:, : int(d)]))))
    levels = [rd.level_for(rd.Ripples(p.w, int(d)), p.eps) for d in rd.DIMS]
    e3 = sweep3[0, np.arange(rd.DIMS.size), levels]
    return Plot(
        "dimension",
        f"Error against the dimension: two layers with k = {p.k} units, three layers built for ε",
        Axis("dimension d", integer=True),
        Axis("RMS error (Monte Carlo)", log=True),
        [
            line(f"two layers, {p.k} units", rd.DIMS, errs, "reference"),
            line(
                f"three layers, sup ≤ ε ({nodes[0]}…{nodes[-1]} nodes)", rd.DIMS, e3, "construction"
            ),
            line("best constant (std of g)", rd.DIMS, stds, "context"),
            hline(f"ε = {p.eps:g}", p.eps, 1, int(rd.DIMS[-1]), role="bound"),
            markers(f"d = {p.d}", [p.d], [errs[p.d - 1]], role="this-value"),
        ],
        caption=(
            "At a fixed number of units the two-layer fit degrades with the dimension; the "
            "three-layer network stays within ε, paying only poly(d) nodes."
        ),
    )


def needed_plot(p: Params, sweep2, sweep3) -> Plot:
    pieces = np.array([rd.Ripples(p.w, int(d)).pieces for d in rd.DIMS])
    n3 = rd.three_layer_nodes(rd.DIMS[:, None], rd.LEVELS[None, :], pieces[:, None])
    need3 = rd.nodes_needed(sweep3[0], n3, p.eps)
    guaranteed = [
        rd.three_layer_nodes(int(d), rd.level_for(rd.Ripples(p.w, int(d)), p.eps), int(k))
        for d, k in zip(rd.DIMS, pieces, strict=True)
    ]
    need2 = rd.nodes_needed(sweep2[0], np.broadcast_to(rd.WIDTHS, sweep2[0].shape), p.eps)
    reached = ~np.isnan(need2)
    traces = [
        line("three layers, RMS ≤ ε (measured)", rd.DIMS, need3, "construction"),
        line("three layers, sup ≤ ε (guaranteed by the bound)", rd.DIMS, guaranteed, "bound"),
        markers("two layers, RMS ≤ ε (measured)", rd.DIMS[reached], need2[reached], "reference"),
    ]
    if (~reached).any():
        traces.append(
            markers(
                f"two layers: not reached with {rd.MAX_WIDTH} units",
                rd.DIMS[~reached],
                np.full(int((~reached).sum()), 2.0 * rd.MAX_WIDTH),
                role="error",
            )
        )
    traces.append(markers(f"d = {p.d}", [p.d], [guaranteed[p.d - 1]], role="this-value"))
    return Plot(
        "needed",
        f"Nodes needed for error ≤ ε = {p.eps:g} against the dimension",
        Axis("dimension d", integer=True),
        Axis("hidden nodes", log=True, integer=True),
        traces,
        caption=(
            "Three layers need polynomially many nodes in d; the two-layer fits stop reaching ε "
            f"within {rd.MAX_WIDTH} units after the first dimensions (marked above the range)."
        ),
    )


def profile_plot(p: Params, phi, net3, net2) -> Plot:
    r = np.linspace(0.0, np.sqrt(p.d), PROFILE_POINTS)
    x = np.outer(r, np.ones(p.d)) / np.sqrt(p.d)
    return Plot(
        "profile",
        f"Along the diagonal x = r·(1, …, 1)/√d, d = {p.d}",
        Axis("radius r = ‖x‖"),
        Axis("value"),
        [
            line("g(x) = φ(‖x‖²)", r, phi.target(x), "target"),
            line("three-layer network", r, networks.evaluate(net3, x), "construction"),
            line(f"two-layer network, {p.k} units", r, rd.evaluate(net2, x), "reference"),
        ],
        caption=(
            "The target ripples with the radius; the built network follows it, the fitted "
            "two-layer network in high dimension only roughly."
        ),
    )


def notes(p: Params, phi, i: int, est3) -> list[str]:
    return [
        "Target: g(x) = φ(‖x‖²) on [−1, 1]^d, φ piecewise linear with knots (k·w)² and values "
        f"0, 1, 0, … — ripples of width w = {p.w:g} in the radius; Lip(φ) = 1/w² = "
        f"{phi.lipschitz:.4g}, {phi.pieces} pieces on [0, d].",
        f"Three layers (Eldan–Shamir's architecture, 003 Remark 4.12): h_{i}(|x_j|) for every "
        f"coordinate ({2 ** (i + 1)} ReLU units each: Yarotsky's interpolant of t², "
        "003 Theorem 4.2, written as one hidden layer — the deep squaring network of the "
        f"theorem computes the same function with {5 * i} nodes in {i + 1} layers), their sum, "
        "and φ with one unit per piece. Since 0 ≤ h_i − t² ≤ 4^−(i+1), every x has "
        "|f(x) − g(x)| ≤ Lip(φ)·d·4^−(i+1); i is the smallest level with this ≤ ε.",
        f"Two layers: {rd.RESTARTS} draws of {rd.MAX_WIDTH} random features (directions uniform "
        "on the sphere, hyperplanes through random sample points); for k units, the first k "
        f"features and an output bias, ridge least squares on {rd.TRAIN_POINTS} points with "
        f"ridge levels {', '.join(f'{r:g}' for r in rd.RIDGES)} (relative); the draw and "
        f"level with the least error on {rd.VALIDATION_POINTS} validation points is kept. "
        "It is the best we can fit, an upper bound on the best two-layer error — not the "
        "best itself.",
        f"Errors are root-mean-square over x uniform on the cube: Monte Carlo estimates from "
        f"{rd.TEST_POINTS:,} independent test points (three layers here: {est3.rms:.3g} ± "
        f"{est3.stderr:.2g}, one standard error). The largest error over the sample is only a "
        "lower estimate of the sup; the sup is bounded by the construction.",
        "Eldan and Shamir (002): some radial functions need e^(cd) units with two layers but "
        "poly(d) with three. This scene shows and measures the effect for this φ; it does not "
        "prove the lower bound for it.",
    ]


SCENE = Scene(
    id="radial",
    title="Depth 2 against depth 3: a radial function in d dimensions",
    chapter=DEPTH,
    summary=(
        "g(x) = φ(‖x‖²): a three-layer network with poly(d) nodes against the best two-layer "
        "fit we find, as d grows from 1 to 8."
    ),
    primary_plot="nodes",
    source="003, Remark 4.12; 002 (Eldan and Shamir 2016)",
    statement=(
        r"A radial $g(x) = \varphi(\|x\|^2)$ on $[-1,1]^d$ is computed within $\epsilon$ by a "
        r"ReLU network with two hidden layers and $\mathrm{poly}(d)$ nodes: "
        r"$x_j^2 \approx h_i(|x_j|)$ (003, Theorem 4.2), their sum, then $\varphi$, with "
        r"$\sup|f - g| \le \mathrm{Lip}(\varphi)\, d\, 4^{-i-1}$. For some radial functions every "
        r"network with one hidden layer needs $e^{cd}$ nodes (Eldan and Shamir)."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "nodes_3layer": "nodes of the three-layer network",
        "error_3layer": "RMS error, three layers (Monte Carlo)",
        "error_2layer": "RMS error, two layers with k units (Monte Carlo)",
        "stderr_3layer": "standard error of the three-layer estimate",
        "stderr_2layer": "standard error of the two-layer estimate",
        "sample_max_3layer": "largest three-layer error over the sample (not a sup)",
        "sup_bound_3layer": "bound on the three-layer sup error",
        "squaring_level": "squaring level i",
        "target_std": "standard deviation of g (error of the best constant)",
    },
)
