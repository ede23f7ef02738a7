"""Scene ``reciprocal`` — seed 003, §4.3 bibliographic notes ("1/x and rational functions
(Telgarsky 2017)"): ``1/x`` on ``[a, 1]`` by repeated squaring with the squaring network of
Theorem 4.2 and the product network of Corollary 4.3."""

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
    Zoom,
    param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import exact_form_check, network_export
from approxlab.scenes.plotkit import (
    ENVELOPE_COLUMNS,
    band,
    line,
    markers,
    pl_view,
    this_value,
    zoom_window,
)
from approxlab.theory.core import networks
from approxlab.theory.depth import reciprocal as rc

A_MIN, A_MAX = 0.05, 0.9
#: The ranges of n and i are the cost limit. The exact breakpoint propagation grows with
#: the stages n and with 2^i (the pieces each square and product adds), and deep networks
#: need exact integer arithmetic for some decisions; at the corner n = 7, i = 5 a cold
#: request takes about 275 ms on the 2-core test machine, the default about 21 ms
#: (tests/bench/bench_scenes.py, docs/perf.md). A cross-field limit (say on n³·2^i) cannot
#: be used: the every-scene API test requests all maxima at once, and the cost grows with
#: both n and i, so a limit admitting that corner admits every combination.
N_MAX = 7
I_MAX = 5
#: The window the zoom parameters may take (the domain [a, 1] for the smallest a).
WINDOW = (A_MIN, 1.0)
#: The error is drawn piece by piece up to this many pieces in the window (the overview
#: limit of plotkit.pl_view: one piece per two pixel columns); beyond, its exact range per
#: pixel column.
ARCHES = 600
#: 1/x and the truncated series are drawn at this many points of the window.
CURVE_POINTS = 1001
#: The sweep over n measures the error of every n′ on this many points (a lower estimate;
#: the current n's is exact).
GRID_POINTS = 2049


def window_end(end: str) -> float:
    """One end of the zoomable plots' visible x-window (docs/contract.md, "Exact zoom").

    Unlike :func:`approxlab.scenes.base.window_param`, whose defaults are the domain's ends,
    both ends default to 1 — an empty window, which means the whole interval [a, 1]: the
    domain moves with ``a``, and the frontend takes a non-empty window as the axis range."""
    return param(
        1.0,
        ge=WINDOW[0],
        le=WINDOW[1],
        hidden=True,
        label="visible window, " + ("left end" if end == "lo" else "right end"),
        description=(
            f"{'Left' if end == 'lo' else 'Right'} end of the visible x-window of the zoomable "
            "plots (set by zooming; the whole interval [a, 1] when empty or reversed, as by "
            "default)."
        ),
    )


class Params(SceneParams):
    a: float = param(
        0.25,
        ge=A_MIN,
        le=A_MAX,
        scale="log",
        label="a (the interval [a, 1])",
        description="1/x is approximated on [a, 1]; the series in t = 1 − x converges "
        "like (1 − a)^(2^n), slowly for small a.",
    )
    n: int = param(
        4,
        ge=1,
        le=N_MAX,
        step=1,
        label="n (factors; degree 2^n − 1)",
        description="The product of the n factors 1 + t, 1 + t², 1 + t⁴, … is the series "
        "truncated at degree 2^n − 1: n − 1 squarings and n − 1 products.",
    )
    i: int = param(
        4,
        ge=1,
        le=I_MAX,
        step=1,
        label="i (resolution)",
        description=(
            "Each squaring uses Theorem 4.2's h_i (error ≤ 4^(−i−1)), each product the "
            "network g_i (error ≤ 4^(−i))."
        ),
    )
    x_lo: float = window_end("lo")
    x_hi: float = window_end("hi")


def network_name(p: Params) -> str:
    return f"f, the network: 1/x on [{p.a:g}, 1] by repeated squaring (n = {p.n}, i = {p.i})"


def exported_networks(p: Params) -> list:
    pl_ = rc.plan(p.a, p.n, p.i)
    net = rc.reciprocal_network(p.a, p.n, p.i)
    R = ", ".join(f"{r:.6g}" for r in pl_.R[:-1]) or "none"
    Q = ", ".join(f"{q:.6g}" for q in pl_.Q[:-1]) or "none"
    return [
        network_export(
            network_name(p),
            net,
            notes=[
                f"Input x in [{p.a:g}, 1], t = 1 − x. {p.n - 1} squarings s ↦ R²·h_{p.i}(s/R) "
                f"(scales R = {R}) and {p.n - 1} products P ↦ P + QV·g_{p.i}(P/Q, s/V) "
                f"(scales Q = {Q}, V = R·(1 + 2^(−20))): {networks.hidden_nodes(net)} "
                f"nodes, {len(net)} affine maps. The output approximates "
                f"(1 + t)(1 + t²)…(1 + t^{2 ** (p.n - 1)}) = 1 + t + … + t^{2**p.n - 1}.",
            ],
        )
    ]


def compute(p: Params) -> SceneResult:
    a, n, i = p.a, p.n, p.i
    window = zoom_window(p.x_lo, p.x_hi, (a, 1.0))
    m = rc.measure(a, n, i)
    net = rc.reciprocal_network(a, n, i)
    checks = [
        Check(
            "sup |f − 1/x| ≤ truncation (1 − a)^(2^n)/a + the propagated network bound",
            m.sup,
            m.plan.bound,
            "<=",
            rounding=m.tolerance,
        ),
        Check(
            "nodes = i·(17n − 16) (a first squaring of 5i, n − 2 stages of 17i with a "
            "squaring beside a product, a last product of 13i)",
            m.nodes,
            rc.nodes_formula(n, i),
            "==",
        ),
        exact_form_check(net, m.pl, m.tolerance),
    ]
    return SceneResult(
        metrics={
            "sup_error": m.sup,
            "bound": m.plan.bound,
            "truncation_error": m.plan.truncation,
            "network_error_bound": m.plan.network_bound,
            "nodes": m.nodes,
            "degree": m.plan.degree,
            "affine_maps": m.affine_maps,
            "pieces": m.pieces,
        },
        checks=checks,
        plots=[
            reciprocal_plot(m, window),
            error_plot(m, window),
            bound_plot(a, n, i, m.sup),
            nodes_plot(a, n, i, m.nodes),
        ],
        notes=make_notes(m),
    )


# ------------------------------------------------------------------------------ plots


def reciprocal_plot(m: rc.Measured, window: tuple[float, float]) -> Plot:
    lo, hi = window
    a, n, i = m.plan.a, m.plan.n, m.plan.i
    x = np.linspace(lo, hi, CURVE_POINTS)
    traces = [
        line("1/x", x, 1.0 / x, "target"),
        line(
            f"1 + t + … + t^{m.plan.degree}",
            x,
            rc.truncated_series(a, n, x),
            "reference",
        ),
        *pl_view(
            "f, the network",
            m.pl.x,
            m.pl.y,
            window,
            (a, 1.0),
            pieces=None,
        ),
    ]
    return Plot(
        "reciprocal",
        f"1/x and the network f on [{a:g}, 1] (n = {n}, i = {i}: {m.nodes:,} nodes, "
        f"{m.pieces:,} pieces)",
        Axis("x"),
        Axis("value"),
        traces,
        caption=(
            "The network multiplies the factors 1 + t, 1 + t², 1 + t⁴, … (t = 1 − x) with "
            "approximate squares and products; their product is the series 1 + t + … (dotted). "
            "Raise n and the series reaches 1/x near x = a; "
            "raise i and f closes in on the series. Zoom in to see f's straight pieces."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def error_traces(m: rc.Measured, window: tuple[float, float]) -> list[Trace]:
    lo, hi = window
    pl, bound = m.pl, m.plan.bound
    a, n = m.plan.a, m.plan.n
    traces: list[Trace] = [
        band("± the bound (truncation + network)", [lo, hi], [-bound, -bound], [bound, bound])
    ]
    x = np.linspace(lo, hi, CURVE_POINTS)
    traces.append(
        line(
            "series − 1/x = −t^(2^n)/x (truncation alone)",
            x,
            rc.truncated_series(a, n, x) - 1.0 / x,
            "reference",
        )
    )
    inside = int(np.searchsorted(pl.x, hi, side="left") - np.searchsorted(pl.x, lo, side="right"))
    if inside + 1 <= ARCHES:
        xe, e = rc.error_curve(pl, m.crit, lo, hi, per=16)
        traces.append(line("f − 1/x (from the network's exact form)", xe, e, "error"))
    else:
        edges = np.linspace(lo, hi, ENVELOPE_COLUMNS + 1)
        e_lo, e_hi = rc.error_range(pl, m.crit, edges)
        traces.append(
            band(
                f"f − 1/x, exact range per pixel column ({inside + 1:,} pieces; zoom in)",
                (edges[:-1] + edges[1:]) / 2,
                e_lo,
                e_hi,
                "error",
            )
        )
    if lo <= m.argsup <= hi:
        e = float(rc.error_at(pl, np.array([m.argsup]))[0])
        traces.append(markers("largest error (exact)", [m.argsup], [e]))
    return traces


def error_plot(m: rc.Measured, window: tuple[float, float]) -> Plot:
    return Plot(
        "error",
        f"f − 1/x against the bound ±{m.plan.bound:.3g} (sup |f − 1/x| = {m.sup:.3g}, exact)",
        Axis("x"),
        Axis("f(x) − 1/x"),
        error_traces(m, window),
        caption=(
            "Near x = a the truncated series falls short of 1/x by t^(2^n)/x; elsewhere the "
            "network's own error shows: the squares' and products' errors, carried through "
            "the later factors."
        ),
        zoom=Zoom("x_lo", "x_hi"),
    )


def bound_plot(a: float, n: int, i: int, sup: float) -> Plot:
    nn = np.arange(1, N_MAX + 1)
    plans = [rc.plan(a, int(k), i) for k in nn]
    grid = [rc.grid_sup(a, int(k), i, GRID_POINTS) for k in nn]
    # the y-range follows the bound and the measured errors; the truncation falls below it
    shown = [v for v in [*grid, *(p.bound for p in plans), sup] if v > 0]
    return Plot(
        "bound",
        f"sup |f − 1/x| and its bound against n, at i = {i}",
        Axis("n (factors; degree 2^n − 1)", integer=True),
        Axis("sup |f − 1/x|", log=True, range=(min(shown) / 30, max(shown) * 3)),
        [
            line("bound: truncation + network", nn, [p.bound for p in plans], "bound"),
            line("truncation (1 − a)^(2^n)/a", nn, [p.truncation for p in plans], "reference"),
            markers(
                f"max |f − 1/x| on {GRID_POINTS:,} points (a lower estimate)", nn, grid, "error"
            ),
            this_value(n, sup, "this n: sup |f − 1/x| (exact)"),
        ],
        caption=(
            "The truncation (dotted) falls doubly exponentially in n, out of sight; the gap up "
            "to the dashed bound is the network's share, which grows slowly with every stage "
            "— once it dominates, raise i instead of n."
        ),
    )


def nodes_plot(a: float, n: int, i: int, nodes: int) -> Plot:
    nn = np.arange(1, N_MAX + 1)
    built = [networks.hidden_nodes(rc.reciprocal_network(a, int(k), i)) for k in nn]
    return Plot(
        "nodes",
        f"Nodes against n at i = {i}: i·(17n − 16)",
        Axis("n (factors; degree 2^n − 1)", integer=True),
        Axis("nodes"),
        [
            line("formula i·(17n − 16)", nn, [rc.nodes_formula(int(k), i) for k in nn], "bound"),
            markers("built networks", nn, built, "construction"),
            this_value(n, nodes, "this n"),
        ],
        caption=(
            "Each factor costs one squaring and one product (17i nodes): nodes grow linearly "
            "in n while "
            "the degree 2^n − 1 doubles — accuracy ε costs O(ln(1/ε)) factors of "
            "O(ln(1/ε)) nodes each, for fixed a."
        ),
    )


def make_notes(m: rc.Measured) -> list[str]:
    p = m.plan
    n, i = p.n, p.i
    return [
        "The identity: with t = 1 − x ∈ [0, 1 − a], 1/x = 1 + t + t² + … and "
        "(1 + t)(1 + t²)(1 + t⁴)…(1 + t^(2^(n−1))) = 1 + t + … + t^(2^n − 1), since every "
        "exponent below 2^n has one binary expansion. The rest 1/x − (1 + … + t^(2^n − 1)) "
        f"= t^(2^n)/x lies in [0, (1 − a)^(2^n)/a] = [0, {p.truncation:.3g}], largest at x = a.",
        f"The network: s₀ = t; each of the n − 1 = {n - 1} squarings is Theorem 4.2's h_{i} "
        "after rescaling by a scale R ≥ s (s ↦ R²·h_i(s/R)), each of the n − 1 products is "
        f"Corollary 4.3's g_{i} on rescaled factors (P ↦ P + QV·g_i(P/Q, s/V), since "
        "P·(1 + s) = P + P·s). Each stage squares s beside the product that uses it, with P "
        "carried alongside, all in one plain ReLU network of n stages: "
        f"i·(17n − 16) = {m.nodes} nodes, {m.affine_maps} affine maps. The scales dominate "
        "the network's values, not only the exact ones (by induction, as h_i and g_i map "
        "[0, 1] into [0, 1]).",
        "The bound (derived here): a squaring adds R²·4^(−i−1) and doubles an earlier error "
        "at most (|x² − y²| ≤ 2R|x − y| on [0, R]); a product adds QV·4^(−i) plus Q times "
        "the square's error, and multiplies the earlier error by 1 + s. So sup |f − 1/x| ≤ "
        f"{p.truncation:.3g} (truncation) + {p.network_bound:.3g} (network) = {p.bound:.3g}.",
        f"sup |f − 1/x| is exact: the network's breakpoints are propagated exactly "
        f"({m.pieces:,} pieces); on each piece 1/x − f is convex, so it peaks at the piece's "
        "ends or bottoms out where the slope of 1/x equals the piece's, x = 1/√(−slope) — "
        f"all evaluated: sup = {m.sup:.4g} at x = {m.argsup:.4g}.",
        'The notes list "1/x and rational functions (Telgarsky 2017)" among what '
        "multiplication gives; Telgarsky 2017 goes the other way too — rational functions "
        "approximate ReLU networks — and this construction, a product of factors by repeated "
        "squaring, is the route from networks to 1/x.",
    ]


SCENE = Scene(
    id="reciprocal",
    title="1/x by repeated squaring: (1 + t)(1 + t²)(1 + t⁴)…",
    chapter=DEPTH,
    summary=(
        "1/x on [a, 1] as (1 + t)(1 + t²)(1 + t⁴)… with squaring and product networks: "
        "exact sup error against truncation plus the propagated network bound."
    ),
    primary_plot="reciprocal",
    source="003, §4.3 bibliographic notes (1/x and rational functions, Telgarsky 2017)",
    statement=(
        r"Let $x\in[a,1]$, $t=1-x$. Then $\sum_{j<2^n} t^j=\prod_{k=0}^{n-1}(1+t^{2^k})$ and "
        r"$0\le \tfrac1x-\sum_{j<2^n}t^j\le (1-a)^{2^n}/a$. Computing each $t^{2^{k+1}}$ by "
        r"the squaring network $h_i$ (Theorem 4.2) and each product by $g_i$ (Corollary 4.3), "
        r"on rescaled inputs, gives a ReLU network with $i(17n-16)$ nodes and "
        r"$\sup_{[a,1]}\lvert f-\tfrac1x\rvert\le (1-a)^{2^n}/a+F_{n-1}$, where $F$ is the "
        r"error propagated through the $n-1$ squarings and products."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "sup_error": "sup |f − 1/x| on [a, 1] (exact)",
        "bound": "bound: truncation + network",
        "truncation_error": "truncation (1 − a)^(2^n)/a",
        "network_error_bound": "network error bound (propagated)",
        "nodes": "nodes, i·(17n − 16)",
        "degree": "degree 2^n − 1 of the series",
        "affine_maps": "affine maps in the built network",
        "pieces": "affine pieces of f (exact)",
    },
)
