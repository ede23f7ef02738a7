"""Scene ``product`` — Corollary 4.3 and Lemma 5.3 (seed 003): multiplication from squaring."""

from __future__ import annotations

import numpy as np

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult, param
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import heatmap, line, markers, this_value
from approxlab.theory.core import networks
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.depth import product, squaring

I_MAX = 7
#: Lemma 5.3 is shown for products of this many factors.
CHAIN_FACTORS = (2, 3, 4)
#: heatmap resolution (points per axis)
HEAT = 65


class Params(SceneParams):
    i: int = param(
        3,
        ge=0,
        le=I_MAX,
        step=1,
        label="i (resolution of h_i)",
        description="Resolution of the squaring network h_i used for each square.",
    )


def exported_networks(p: Params) -> list:
    i = p.i
    nets = [
        network_export(
            f"g_{i}: the product network (corrected form)",
            product.product_network(i),
            notes=[
                f"2(h_{i}((x + x′)/2) − h_{i}(x/2) − h_{i}(x′/2)): three pure copies of h_{i} "
                f"side by side, {15 * i} nodes; exactly 0 when x = 0 or x′ = 0."
            ],
        ),
        network_export(
            f"g_{i}, the printed form ½(4h_{i}((x + x′)/2) − h_{i}(x) − h_{i}(x′))",
            product.product_network(i, form="printed"),
            notes=["The printed form, for comparison: not 0 on the axes."],
        ),
    ]
    for k in CHAIN_FACTORS[1:]:
        nets.append(
            network_export(
                f"prod_{i},{k}: product of {k} factors (Lemma 5.3)",
                product.product_chain_network(i, k),
                notes=[
                    f"g_{i}(prod_{i},{k - 1}(x_1 … x_{k - 1}), x_{k}); the later factors ride "
                    "along the earlier stages as σ(x) (exact for x ≥ 0)."
                ],
            )
        )
    return nets


def compute(p: Params) -> SceneResult:
    i = p.i
    g = product.product_network(i)
    skip = product.product_skip_network(i)
    sup, (ax, ay), gmin, gmax = product.exact_sup(i, "corrected")
    bound = product.product_bound(i)
    axes = product.on_axes(i)
    chain = {lf: product.chain_error(i, lf) for lf in CHAIN_FACTORS}
    nodes = networks.hidden_nodes(g)
    n_skip = skip.hidden_nodes()
    n_shared = networks.hidden_nodes(skip.flatten())
    checks = make_checks(i, g, sup, gmin, gmax, axes, chain)
    return SceneResult(
        metrics={
            "sup_error": sup,
            "bound": bound,
            "nodes": nodes,
            "layers": squaring.squaring_layers_notes(i),
            "affine_maps": len(g),
            "nodes_skip": n_skip,
            "nodes_shared_carry": n_shared,
            "variants_max_dev": product.error_tile(i, HEAT).variants_dev,
            "printed_axis_max": axes.printed_max,
            "printed_sup_error": product.exact_sup(i, "printed")[0],
            "nodes_3_factors": chain[3][1],
            "nodes_4_factors": chain[4][1],
        },
        checks=checks,
        plots=[
            error_plot(i),
            axes_plot(i, axes),
            bound_plot(i, sup),
            factors_plot(i, bound, chain),
        ],
        notes=make_notes(i, (ax, ay), axes.printed_max, nodes, len(g), n_skip, n_shared, chain),
    )


def make_checks(
    i: int,
    g: networks.ReLUNetwork,
    sup: float,
    gmin: float,
    gmax: float,
    axes: product.OnAxes,
    chain: dict[int, tuple[float, int, int]],
) -> list[Check]:
    """Corollary 4.3 and Lemma 5.3 on the built networks (sizes corrected from the notes)."""
    bound = product.product_bound(i)
    nodes = networks.hidden_nodes(g)
    tol = rounding_allowance(4.0, ops=8 * i + 8)
    on = f"at {axes.t.size:,} points of each axis"
    checks = [
        Check("sup |g_i − xx′| ≤ 4^(−i) on [0, 1]²", sup, bound, "<=", rounding=tol),
        Check(
            f"g_i = 0 on both axes: largest |g_i| {on} = 0",
            axes.max_dev,
            0.0,
            "==",
            rounding=tol,
            note="the printed form is not 0 there",
        ),
        Check("g_i ≥ 0 on [0, 1]² (its smallest value)", gmin, 0.0, ">=", rounding=tol),
        Check("g_i ≤ 1 on [0, 1]² (its largest value)", gmax, 1.0, "<=", rounding=tol),
        Check(
            "nodes = 15i (three copies of h_i, 5i nodes each)",
            nodes,
            15 * i,
            "==",
            note="corrected from the printed 16i",
        ),
        Check(
            "affine maps = i + 1, i.e. 2i layers in the notes' count",
            len(g),
            i + 1,
            "==",
            note="corrected from the printed 3i (statement) and 6i (proof)",
        ),
        Check(
            "Lemma 5.3, 2 factors: sup error ≤ 2·4^(−i) (exact sup)",
            chain[2][0],
            2 * bound,
            "<=",
            rounding=tol,
        ),
    ]
    checks += [
        Check(
            f"Lemma 5.3, {k} factors: largest error at {grid_points(k)} ≤ {k}·4^(−i)",
            chain[k][0],
            k * bound,
            "<=",
            rounding=tol,
            note="a maximum over points, a lower estimate of the sup",
        )
        for k in CHAIN_FACTORS[1:]
    ]
    return checks


def grid_points(k: int) -> str:
    """Where Lemma 5.3's error is measured for k ≥ 3 factors, in words."""
    return f"{product.CHAIN_GRID[k]}^{k} grid points and {product.CHAIN_RANDOM:,} random points"


def error_plot(i: int) -> Plot:
    tile = product.error_tile(i, HEAT)
    W = tile.W
    where = "[0, 1]²" if W == 1.0 else f"[0, {W:g}]² (periodic: the same tile repeats)"
    return Plot(
        "error",
        f"g_{i}(x, x′) − xx′ on {where}",
        Axis("x"),
        Axis("x′"),
        [heatmap("g_i(x, x′) − xx′", tile.u, tile.u, tile.Z)],
        caption=(
            f"The error of the product network stays between −4^(−i) and ½·4^(−i) and "
            f"repeats with period 2^(1−i) = {2.0 ** (1 - i):g} in each variable; it is 0 on "
            "both axes."
        ),
        aspect="equal",
    )


def axes_plot(i: int, axes: product.OnAxes) -> Plot:
    t = axes.t
    every = slice(None, None, 32)
    return Plot(
        "axes",
        f"On the axes: the corrected g_{i} is 0, the printed form is not",
        Axis("x"),
        Axis("value"),
        [
            line("corrected g_i(x, 0)", t, axes.on_x, "construction"),
            markers("corrected g_i(0, x), every 32nd point", t[every], axes.on_y[every]),
            line(
                "printed ½(4h_i(x/2) − h_i(x) − h_i(0)) = Δ^i(x)/(2·4^i)",
                t,
                axes.printed_on_x,
                "error",
            ),
        ],
        caption=(
            "The printed form of Corollary 4.3 leaves a sawtooth of height ½·4^(−i) on the "
            "axes; the corrected g_i is exactly 0 there, which the Sobolev construction needs."
        ),
    )


def bound_plot(i: int, sup: float) -> Plot:
    ii = np.arange(0, I_MAX + 1)
    upto = ii[: i + 1]  # measured for i′ ≤ i (each exact, cached)
    sups = np.array([product.exact_sup(int(k), "corrected")[0] for k in upto])
    sups_printed = np.array([product.exact_sup(int(k), "printed")[0] for k in upto])
    return Plot(
        "bound",
        "sup |g_i − xx′| on [0, 1]², exact, against 4^(−i)",
        Axis("i", integer=True),
        Axis("sup |g_i − xx′|", log=True),
        [
            line("bound 4^(−i)", ii, 4.0 ** (-ii), "bound"),
            markers("corrected g_i (measured, exact)", upto, sups, "construction"),
            markers("printed g_i (measured, exact)", upto, sups_printed, "reference"),
            this_value(i, sup, "this i"),
        ],
        caption=(
            "The corrected g_i attains the bound 4^(−i) exactly; the printed form is twice as "
            "accurate but not 0 on the axes."
        ),
    )


def factors_plot(i: int, bound: float, chain: dict[int, tuple[float, int, int]]) -> Plot:
    lf = np.array(CHAIN_FACTORS)
    return Plot(
        "factors",
        f"Lemma 5.3: products of l factors from g_{i}",
        Axis("factors l", integer=True),
        Axis("error", log=True),
        [
            line("bound l·4^(−i)", lf, lf * bound, "bound"),
            line(
                "(l − 1)·4^(−i) (induction from Corollary 4.3)", lf, (lf - 1) * bound, "reference"
            ),
            markers("exact sup (l = 2)", [2], [chain[2][0]], "construction"),
            markers(
                "largest error over grid and random points (l ≥ 3)",
                lf[1:],
                [chain[k][0] for k in CHAIN_FACTORS[1:]],
                "highlight",
            ),
        ],
        caption=(
            "Chaining g_i multiplies l factors with error growing only linearly in l; for "
            "l ≥ 3 the error is measured on points (a lower estimate of the sup)."
        ),
    )


def make_notes(
    i: int,
    argsup: tuple[float, float],
    printed_axis: float,
    nodes: int,
    maps: int,
    n_skip: int,
    n_shared: int,
    chain: dict[int, tuple[float, int, int]],
) -> list[str]:
    ax, ay = argsup
    return [
        "Corrected (003, Cor. 4.3 and Lemma 5.3): the printed "
        "g_i = ½(4h_i((x+x′)/2) − h_i(x) − h_i(x′)) does not vanish on the axes — "
        "g_i(x, 0) = 2h_i(x/2) − ½h_i(x) = ½(h_{i−1} − h_i)(x) = Δ^i(x)/(2·4^i) "
        f"(max {printed_axis:.3g} here); h_i(0) = 0 alone does not give it. Used instead: "
        "g_i = 2(h_i((x+x′)/2) − h_i(x/2) − h_i(x′/2)) (Yarotsky 2017, Prop. 3), "
        "exactly 0 when x = 0 or x′ = 0, with values in [0, 1] (h_i is convex with "
        "h_i(0) = 0, hence superadditive) and all three arguments in [0, 1].",
        "Its error: with e = h_i − x² ∈ [0, 4^(−i−1)], g_i − xx′ = 2e((x+x′)/2) − "
        "2e(x/2) − 2e(x′/2) ∈ [−4^(−i), ½·4^(−i)], so the printed bound 4^(−i) holds and "
        f"is attained (at x = x′ = 2^(−i); measured at ({ax:g}, {ay:g})). The printed "
        "form is more accurate (½·4^(−i)) but fails the zero property the Sobolev "
        "construction needs.",
        f"Size: three pure copies of h_i (5i nodes each) run side by side: 15i = {nodes} "
        f"nodes (printed 16i) and the depth of one copy, i + 1 = {maps} affine maps = "
        f"2i = {2 * i} layers in the notes' count (printed 3i in the statement and 6i in "
        "the proof — 6i would be three copies in series). With skip connections 9i = "
        f"{n_skip}; with one running sum shared by the three copies (σ(a), σ(−a)), "
        f"11i = {n_shared} — both built and checked to compute the same function.",
        "sup |g_i − xx′| is exact: g_i is affine off the lines where one of its three "
        "copies of h_i bends (read off the network), and on each cell the error's "
        "extremes lie at a vertex or at the vertex of its parabola along an "
        "anti-diagonal edge — every such point is evaluated.",
        "Lemma 5.3: prod_{i,l}(x_1..x_l) = g_i(prod_{i,l−1}(x_1..x_{l−1}), x_l), with "
        "x_l carried alongside the earlier stages (σ(x_l), 1 node per layer); error "
        "≤ (l − 1)·4^(−i) ≤ l·4^(−i); for l = 2 the exact sup, for l ≥ 3 the maximum "
        f"over {product.CHAIN_RANDOM:,} uniform points and a dyadic grid of [0, 1]^l "
        f"({', '.join(f'{product.CHAIN_GRID[k]}^{k}' for k in CHAIN_FACTORS if k > 2)} "
        "points) — a lower estimate of the sup. The "
        "carried inputs make the sequential chain cost Θ(i·l²) nodes "
        f"({chain[4][1]} for l = 4 here), more than the printed O(kl + l²).",
    ]


SCENE = Scene(
    id="product",
    title="Multiplication from squaring",
    chapter=DEPTH,
    summary=(
        "The product network g_i(x, x′) − xx′ on [0, 1]², its exact sup 4^(−i), and "
        "products of several factors."
    ),
    primary_plot="error",
    source="003, Corollary 4.3",
    statement=(
        r"For every $i$ there is a ReLU network $g_i:\mathbb{R}^2\to\mathbb{R}$ with $15i$ "
        r"nodes and $2i$ layers (printed: $16i$ nodes and $3i$ layers) such that "
        r"$\lvert g_i(x,x') - xx'\rvert \le 4^{-i}$ on $[0,1]^2$ and $g_i(x,x')=0$ if "
        r"$x=0$ or $x'=0$: "
        r"$g_i(x,x') = 2\left(h_i\left(\tfrac{x+x'}{2}\right) - h_i\left(\tfrac{x}{2}\right) "
        r"- h_i\left(\tfrac{x'}{2}\right)\right)$ "
        r"(printed: $\tfrac12(4h_i(\tfrac{x+x'}{2}) - h_i(x) - h_i(x'))$, which is not $0$ "
        r"on the axes)."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "sup_error": "sup |g_i − xx′| on [0, 1]² (exact)",
        "bound": "bound 4^(−i)",
        "nodes": "nodes (three pure copies of h_i)",
        "layers": "layers (notes' count, 2i)",
        "affine_maps": "affine maps in the built network",
        "nodes_skip": "nodes with skip connections (9i)",
        "nodes_shared_carry": "nodes, one shared running sum (11i)",
        "variants_max_dev": "max deviation between the three builds",
        "printed_axis_max": "printed form: max |g_i(x, 0)|",
        "printed_sup_error": "printed form: sup |g_i − xx′|",
        "nodes_3_factors": "Lemma 5.3: nodes of prod_{i,3}",
        "nodes_4_factors": "Lemma 5.3: nodes of prod_{i,4}",
    },
)
