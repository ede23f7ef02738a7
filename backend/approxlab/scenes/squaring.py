"""Scene ``squaring`` — Theorem 4.2 (seed 003; also seed 000, "Width vs depth")."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from approxlab.scenes.base import (
    Axis,
    Check,
    Plot,
    Scene,
    SceneParams,
    SceneResult,
    Trace,
    Zoom,
    param,
    window_param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import (
    ENVELOPE_COLUMNS,
    band,
    line,
    markers,
    pl_view,
    this_value,
    window_band,
    zoom_window,
)
from approxlab.theory.core import networks, targets
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import PiecewiseLinear
from approxlab.theory.depth import squaring

DOMAIN = (0.0, 1.0)
I_MAX = 15
#: The three networks are evaluated directly at up to this many of the exact knots and
#: piece vertices (the exact form covers all of them).
DIRECT_POINTS = 4097
#: The error arches are drawn piece by piece when a window holds at most this many pieces
#: (each at least ~8 pixels wide); beyond, their exact envelope per pixel column.
ARCHES = 128
#: The overview of a curve too dense to draw suggests this window (1/64 of the domain).
SUGGESTED = (0.5, 0.5 + 2.0**-6)
#: Interpolation points S_i are marked when at most this many are visible.
MARKED_POINTS = 65


class Params(SceneParams):
    i: int = param(
        3,
        ge=0,
        le=I_MAX,
        step=1,
        label="i (resolution)",
        description="h_i interpolates x² on the 2^i + 1 points S_i = {k/2^i}; i powers of Δ.",
    )
    x_lo: float = window_param("lo", DOMAIN)
    x_hi: float = window_param("hi", DOMAIN)


def knot_tolerance(i: int) -> float:
    """Rounding allowance for comparing the networks with h_i: a few ulps per layer."""
    return rounding_allowance(1.0, ops=4 * i + 8)


@lru_cache(maxsize=32)
def exact_form(i: int) -> PiecewiseLinear:
    """The pure network's exact piecewise-linear form (cached: a function of i)."""
    return networks.breakpoints(squaring.squaring_network(i))


def exported_networks(p: Params) -> list:
    i = p.i
    compiled = squaring.squaring_skip_network(i).compile_skips()
    return [
        network_export(
            f"h_{i}, skip connections compiled into plain layers",
            compiled,
            notes=[
                f"The {3 * i}-node network with skip connections of Theorem 4.2 (each Δ^j "
                "block writes −Δ^j/4^j into the output), compiled into plain layers: every "
                "skip connection's value rides along each later layer as its own pair "
                f"σ(r), σ(−r). {networks.hidden_nodes(compiled)} nodes; summing the "
                "contributions into one running value (the next network) needs fewer.",
            ],
        ),
        network_export(
            f"h_{i}, pure ReLU, running sum as σ(a), σ(−a)",
            squaring.squaring_network(i),
            notes=[
                f"{5 * i} nodes: the running sum h_j rides along every hidden layer as the "
                "pair σ(a), σ(−a); exact on all of ℝ (x − Σ Δ^j(x)/4^j, the identity "
                "outside [0, 1])."
            ],
        ),
        network_export(
            f"h_{i}, pure ReLU, running sum as σ(a)",
            squaring.squaring_network(i, carry="nonneg"),
            notes=[
                f"{4 * i} nodes: the running sum rides along as σ(a) alone, exact for x ≥ 0 "
                "(there h_j ≥ x² ≥ 0)."
            ],
        ),
    ]


def compute(p: Params) -> SceneResult:
    i = p.i
    window = zoom_window(p.x_lo, p.x_hi, DOMAIN)
    pl = exact_form(i)
    sup, where, pieces, n_skip, n_pure, n_lean = squaring.measure(i)
    bound = squaring.squaring_bound(i)
    dev, direct = squaring.deviation_from_interpolant(i, DIRECT_POINTS)
    shallow = squaring.shallow_width(i)
    tol = knot_tolerance(i)
    checks = [
        Check(
            "sup |h_i − x²| ≤ 4^(−i−1)",
            sup,
            bound,
            "<=",
            rounding=tol,
            note="attained with equality at every cell midpoint",
        ),
        Check("nodes with skip connections = 3i", n_skip, 3 * i, "=="),
        Check("nodes of the pure ReLU network = 5i", n_pure, 5 * i, "=="),
        Check("pieces of h_i = 2^i (counted exactly)", pieces, 2**i, "=="),
        Check(
            "the networks equal h_i at every knot: largest difference = 0",
            dev,
            0.0,
            "==",
            rounding=tol,
        ),
    ]
    if i >= 1:
        checks.append(
            Check(
                "h_(i−1) − h_i = Δ^i/4^i on S_i: largest difference = 0",
                squaring.telescoping_deviation(i),
                0.0,
                "==",
                rounding=tol,
                note="corrected from the printed 1/4^(k+1)",
            )
        )
    return SceneResult(
        metrics={
            "sup_error": sup,
            "bound": bound,
            "nodes_skip": n_skip,
            "nodes_pure": n_pure,
            "nodes_pure_nonneg": n_lean,
            "layers": squaring.squaring_layers_notes(i),
            "affine_maps": len(squaring.squaring_network(i)),
            "pieces": pieces,
            "shallow_nodes": shallow,
            "max_dev_from_h": dev,
        },
        checks=checks,
        plots=[
            error_plot(i, pl, sup, where, bound, window),
            squaring_plot(i, pl, pieces, window),
            bound_plot(i, sup),
            nodes_plot(i, bound, n_pure, shallow),
        ],
        notes=make_notes(i, direct, shallow, n_pure),
    )


# ------------------------------------------------------------------------------ plots


def error_traces(
    i: int, pl: PiecewiseLinear, bound: float, window: tuple[float, float]
) -> list[Trace]:
    lo, hi = window
    cells = (
        int(np.searchsorted(pl.x, hi, side="left") - np.searchsorted(pl.x, lo, side="right")) + 1
    )
    bound_band = band("[0, 4^(−i−1)], the theorem's bound", [lo, hi], [0.0, 0.0], [bound, bound])
    if cells <= ARCHES:
        ex, ey = squaring.error_curve(pl, lo, hi)
        return [bound_band, line("h_i − x² (from the network's exact form)", ex, ey, "error")]
    edges = np.linspace(lo, hi, ENVELOPE_COLUMNS + 1)
    e_lo, e_hi = squaring.square_error_range(pl, edges)
    traces = [
        bound_band,
        band(
            f"h_i − x²: {cells:,} arches here, too many to draw — its exact range per pixel "
            "column; zoom in for the arches",
            (edges[:-1] + edges[1:]) / 2,
            e_lo,
            e_hi,
            "error",
        ),
    ]
    if window == DOMAIN:
        traces.append(window_band("zoom in here", *SUGGESTED, 0.0, bound))
    return traces


def error_plot(
    i: int,
    pl: PiecewiseLinear,
    sup: float,
    where: float,
    bound: float,
    window: tuple[float, float],
) -> Plot:
    traces = error_traces(i, pl, bound, window)
    if window[0] <= where <= window[1]:
        traces.append(markers("largest error (exact)", [where], [sup]))
    return Plot(
        "error",
        f"h_{i}(x) − x² against the bound 4^(−{i}−1) = {bound:.3g}",
        Axis("x"),
        Axis("h_i(x) − x²"),
        traces,
        caption=(
            "Between interpolation points the error is an arch of height exactly 4^(−i−1): "
            "it fills the bound's band and never leaves it. Each step of i quarters the "
            "error for three more nodes."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def squaring_plot(i: int, pl: PiecewiseLinear, pieces: int, window: tuple[float, float]) -> Plot:
    lo, hi = window
    fine = np.linspace(lo, hi, 1001)
    traces = [
        line("x²", fine, fine * fine, "target"),
        *pl_view(
            f"h_{i} (network, exact knots)", pl.x, pl.y, window, DOMAIN, envelope_name=f"h_{i}"
        ),
    ]
    s = pl.x[(pl.x >= lo) & (pl.x <= hi)]
    if s.size <= MARKED_POINTS:
        traces.append(markers("interpolation points S_i", s, s * s))
    return Plot(
        "squaring",
        f"x² and its interpolant h_{i} on 2^{i} + 1 points ({pieces:,} pieces)",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "h_i joins the points (k/2^i, (k/2^i)²) by chords; zoom in to see a chord above "
            "the parabola."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def bound_plot(i: int, sup: float) -> Plot:
    sw = squaring.sweep(I_MAX)
    return Plot(
        "bound",
        "sup |h_i − x²|, measured on the network, against 4^(−i−1)",
        Axis("i", integer=True),
        Axis("sup |h_i − x²|", log=True),
        [
            line("bound 4^(−i−1)", sw.i, sw.bounds, "bound"),
            markers("measured (exact)", sw.i, sw.sups, "construction"),
            this_value(i, sup, "this i"),
        ],
        caption="The measured sup sits on the bound for every i: Theorem 4.2 is attained.",
    )


def nodes_plot(i: int, bound: float, n_pure: int, shallow: int) -> Plot:
    sw = squaring.sweep(I_MAX)
    eps = sw.bounds[1:]  # i = 0 has no nodes (h_0(x) = x), not drawable on a log axis
    traces = [
        line("shallow: ⌈2/ε⌉ threshold nodes (Proposition 2.1)", eps, sw.shallow, "reference"),
        line("deep, pure ReLU (built, 5i)", eps, sw.deep_pure, "construction"),
        markers("deep, skip connections (built, 3i)", eps, sw.deep_skip, "construction"),
    ]
    if i >= 1:
        traces.append(markers("this i", [bound, bound], [n_pure, shallow], "this-value"))
    return Plot(
        "nodes",
        "Nodes for accuracy ε: deep h_i (ε = 4^(−i−1)) against shallow ⌈ρ/ε⌉",
        Axis("accuracy ε", log=True),
        Axis("nodes", log=True),
        traces,
        caption=(
            "Depth needs O(ln(1/ε)) nodes where a shallow network needs O(1/ε): on these "
            "log axes the deep counts stay nearly flat while the shallow width climbs."
        ),
    )


def make_notes(i: int, direct: int, shallow: int, n_pure: int) -> list[str]:
    rho = targets.lipschitz("square")
    return [
        "Three networks are built and evaluated: with skip connections (each Δ block "
        "writes −Δ^j/4^j straight into the output; 3 nodes per Δ → 3i), and two plain "
        "ReLU networks that carry the running sum h_(j−1) through every hidden layer "
        "instead — as the pair σ(a), σ(−a) (2 nodes per layer → 5i, exact on all of ℝ, "
        "where it computes x − Σ Δ^j(x)/4^j) or as σ(a) alone (1 node → 4i, exact for "
        "x ≥ 0 since h_j ≥ x² ≥ 0). The pure network's exact form (breakpoint propagation) "
        "agrees with the interpolant at every knot and piece vertex, and all three "
        f"networks, evaluated directly, at {direct:,} of them.",
        f"Layers: 2i = {2 * i} in the notes' count (2 per Δ); the built networks have "
        f"i + 1 = {i + 1} affine maps because each Δ's output map is merged into the "
        "next Δ's input map.",
        "Corrected from the printed derivation (003, before Theorem 4.2): in the middle "
        "step the last term is −(4k² + 4k + 1), not −(4k² + 4k − 1) — with the printed sign "
        "the bracket is 3, not 1; the difference of consecutive interpolants is "
        "h_i − h_(i+1) = Δ^(i+1)/4^(i+1), with the resolution i in the exponent where "
        "4^(k+1) is printed; and in the error bound the printed |t² − τ| should read "
        "|τ² − τ| = τ(1 − τ) ≤ ¼. The theorem's bound itself is right and is attained at "
        "every cell midpoint.",
        "sup |h_i − x²| is exact: on each piece h_i − x² is a concave quadratic, so the "
        "supremum is at a piece end or at its vertex, all of which are evaluated. The "
        "error curve is drawn the same way: knots and vertices exact, and beyond ~128 "
        "arches per window the exact range of the error in each pixel column.",
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
    networks=exported_networks,
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
