"""Scene ``squaring`` — Theorem 4.2 (seed 003; also seed 000, "Width vs depth")."""

from __future__ import annotations

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
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.decimate import m4
from approxlab.theory.core import networks, targets
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import squaring

I_MAX = 15
#: The three networks are evaluated directly at up to this many of the exact knots and
#: piece vertices (the exact form covers all of them).
DIRECT_POINTS = 4097


class Params(SceneParams):
    i: int = param(
        3,
        ge=0,
        le=I_MAX,
        step=1,
        label="i (resolution)",
        description="h_i interpolates x² on the 2^i + 1 points S_i = {k/2^i}; i powers of Δ.",
    )


def knot_tolerance(i: int) -> float:
    """Rounding allowance for comparing the networks with h_i: a few ulps per layer."""
    return rounding_allowance(1.0, ops=4 * i + 8)


def compute(p: Params) -> SceneResult:
    i = p.i
    pure = squaring.squaring_network(i)
    pl = networks.breakpoints(pure)
    sup, where, pieces, n_skip, n_pure, n_lean = squaring.measure(i)
    bound = squaring.squaring_bound(i)
    dev, direct = squaring.deviation_from_interpolant(i, DIRECT_POINTS)
    shallow = squaring.shallow_width(i)
    tol = knot_tolerance(i)
    return SceneResult(
        metrics={
            "sup_error": sup,
            "bound": bound,
            "nodes_skip": n_skip,
            "nodes_pure": n_pure,
            "nodes_pure_nonneg": n_lean,
            "layers": squaring.squaring_layers_notes(i),
            "affine_maps": len(pure),
            "pieces": pieces,
            "shallow_nodes": shallow,
            "max_dev_from_h": dev,
        },
        checks=[
            Check(
                "sup |h_i − x²| ≤ 4^(−i−1)",
                sup,
                bound,
                "<=",
                rounding=rounding_allowance(1.0, ops=4 * i + 8),
            ),
            Check("nodes with skip connections = 3i", n_skip, 3 * i, "=="),
            Check("nodes, pure ReLU network = 5i", n_pure, 5 * i, "=="),
            Check("pieces of h_i = 2^i", pieces, 2**i, "=="),
            Check("max |network − h_i| at every knot = 0", dev, 0.0, "==", rounding=tol),
        ],
        plots=make_plots(i, pl, sup, where, pieces, bound, n_pure, shallow),
        notes=make_notes(i, direct, shallow, n_pure),
    )


def make_plots(
    i: int,
    pl: networks.PiecewiseLinear,
    sup: float,
    where: float,
    pieces: int,
    bound: float,
    n_pure: int,
    shallow: int,
) -> list[Plot]:
    fine = np.linspace(0.0, 1.0, 1001)
    curve = [
        Trace("x²", "line", fine, fine * fine, style="target"),
        Trace(f"h_{i} (network, exact knots)", "line", *m4(pl.x, pl.y), style="construction"),
    ]
    if i <= 6:
        s = np.linspace(0.0, 1.0, 2**i + 1)
        curve.append(Trace("S_i (interpolation points)", "markers", s, s * s, style="highlight"))

    # error curve h_i − x²: 8 samples per cell while cells are wider than a few pixels,
    # else knots + cell midpoints (the envelope 0…4^{−i−1}); the network is evaluated
    per_cell = 8 if i <= 8 else 2
    ex = np.linspace(0.0, 1.0, per_cell * 2**i + 1)
    ey = pl(ex) - ex * ex  # the network's exact piecewise-linear form
    ex, ey = m4(ex, ey)

    sw = squaring.sweep(I_MAX)
    ii, eps_all = sw.i, sw.bounds
    here_x, here_y = ([bound, bound], [n_pure, shallow]) if i >= 1 else ([], [])
    return [
        Plot(
            "squaring",
            f"x² and its interpolant h_{i} on 2^{i} + 1 points ({pieces:,} pieces)",
            Axis("x"),
            Axis("value"),
            curve,
        ),
        Plot(
            "error",
            f"h_{i}(x) − x² against the bound 4^(−{i}−1) = {bound:.3g}",
            Axis("x"),
            Axis("h_i(x) − x²"),
            [
                band(
                    "[0, 4^(−i−1)]",
                    np.array([0.0, 1.0]),
                    np.zeros(2),
                    np.full(2, bound),
                    style="bound",
                ),
                Trace("h_i − x² (network)", "line", ex, ey, style="error"),
                Trace("sup (attained)", "markers", [where], [sup], style="highlight"),
            ],
        ),
        Plot(
            "nodes",
            "Nodes for accuracy ε: deep h_i (ε = 4^(−i−1)) against shallow ⌈ρ/ε⌉ (Prop. 2.1)",
            Axis("ε", log=True),
            Axis("ReLU / threshold nodes", log=True),
            [
                Trace(
                    "shallow ⌈2/ε⌉ (Prop. 2.1)", "line", eps_all[1:], sw.shallow, style="reference"
                ),
                Trace(
                    "deep, pure ReLU (built)",
                    "line",
                    eps_all[1:],
                    sw.deep_pure,
                    style="construction",
                ),
                Trace(
                    "deep, skip connections (built)",
                    "line",
                    eps_all[1:],
                    sw.deep_skip,
                    style="target",
                ),
                Trace("this i", "markers", here_x, here_y, style="highlight"),
            ],
        ),
        Plot(
            "bound",
            "sup |h_i − x²|: measured on the network against 4^(−i−1)",
            Axis("i"),
            Axis("sup error", log=True),
            [
                Trace("bound 4^(−i−1)", "line", ii, eps_all, style="bound"),
                Trace("measured (exact)", "markers", ii, sw.sups, style="construction"),
                Trace("this i", "markers", [i], [sup], style="highlight"),
            ],
        ),
    ]


def make_notes(i: int, direct: int, shallow: int, n_pure: int) -> list[str]:
    rho = targets.lipschitz("square")
    return [
        "Three networks are built and evaluated: with skip connections (each Δ block "
        "writes −Δ^j/4^j straight into the output; 3 nodes per Δ → 3i), and two plain "
        "ReLU networks that carry the running sum h_{j−1} through every hidden layer "
        "instead — as the pair σ(a), σ(−a) (2 nodes per layer → 5i, exact on all of ℝ, "
        "where it computes x − Σ Δ^j(x)/4^j) or as σ(a) alone (1 node → 4i, exact for "
        "x ≥ 0 since h_j ≥ x² ≥ 0). The pure network's exact form (breakpoint propagation) "
        "agrees with the interpolant at every knot and piece vertex, and all three "
        f"networks, evaluated directly, at {direct:,} of them.",
        f"Layers: 2i = {2 * i} in the notes' count (2 per Δ); the built networks have "
        f"i + 1 = {i + 1} affine maps because each Δ's output map is merged into the "
        "next Δ's input map.",
        "Corrected from the printed derivation (003, Thm 4.2): the middle bracket reads "
        "2k² + (2k² + 4k + 2) − (4k² + 4k + 1) = 1 (printed −1, which would give 3); "
        "h_i − h_{i+1} = Δ^{i+1}/4^{i+1} (printed 4^{k+1}); the error is "
        "4^{−i}|τ² − τ| (printed |t² − τ|) ≤ 4^{−i−1}. The bound itself is correct "
        "and attained at every cell midpoint.",
        "sup |h_i − x²| is exact: on each piece h_i − x² is a concave quadratic, so the "
        "supremum is at a piece end or at its vertex, all of which are evaluated.",
        f"Shallow width: Proposition 2.1 with ρ = sup|2x| = {rho:g} needs ⌈ρ/ε⌉ = "
        f"{shallow:,} threshold nodes for ε = 4^(−i−1); the deep network uses {n_pure}.",
    ]


SCENE = Scene(
    id="squaring",
    title="Squaring with depth: h_i = x − Σ Δ^j/4^j",
    chapter=DEPTH,
    summary=(
        "Yarotsky's h_i = x − Σ Δ^j/4^j: exact sup error 4^(−i−1) against x², nodes "
        "against the shallow ⌈2/ε⌉."
    ),
    primary_plot="error",
    source="003, Theorem 4.2",
    statement=(
        r"Let $h_i$ be the piecewise-affine interpolation of $x^2$ on "
        r"$S_i = \{0, 1/2^i, \dots, 1\}$. Then $h_i(x) = x - \sum_{j=1}^{i} \Delta^j(x)/4^j$; "
        r"it is a ReLU network with $2i$ layers and $3i$ nodes using skip connections, or a "
        r"pure ReLU network with $2i$ layers and $5i$ nodes; and "
        r"$\sup_{x\in[0,1]} \lvert h_i(x) - x^2\rvert \le 4^{-i-1}$."
    ),
    params=Params,
    compute=compute,
    metric_labels={
        "sup_error": "sup |h_i − x²| (exact)",
        "bound": "bound 4^(−i−1)",
        "nodes_skip": "nodes, skip connections (3i)",
        "nodes_pure": "nodes, pure ReLU (5i)",
        "nodes_pure_nonneg": "nodes, pure ReLU, one-node carry (4i)",
        "layers": "layers (notes' count, 2i)",
        "affine_maps": "affine maps in the built network",
        "pieces": "affine pieces of h_i (exact)",
        "shallow_nodes": "shallow width ⌈ρ/ε⌉ at ε = 4^(−i−1)",
        "max_dev_from_h": "max |network − h_i| at the knots",
    },
)
