"""Scene ``separation`` — Theorem 4.4 with Lemmas 4.9, 4.11, and Theorem 4.6 (seed 003)."""

from __future__ import annotations

from functools import cache

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
from approxlab.scenes.decimate import m4
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import band, hline, line, markers, pl_view, window_band, zoom_window
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import PiecewiseLinear
from approxlab.theory.depth import sawtooth, separation

DOMAIN = (0.0, 1.0)
L_MIN, L_MAX = 2, 4
#: Theorem 4.6 is shown for the squaring networks h_1 … h_I46.
I46 = 15
#: The overview of a curve too dense to draw suggests a window at least this wide.
SUGGESTED_WIDTH = 2.0**-6
#: pixel columns for aggregated shading
COLUMNS = 1600


class Params(SceneParams):
    L: int = param(
        2,
        ge=L_MIN,
        le=L_MAX,
        step=1,
        label="L (competitor depth)",
        description="Competitor: ≤ 2^L nodes, ≤ L layers. Target: Δ^(L²+2).",
    )
    x_lo: float = window_param("lo", DOMAIN)
    x_hi: float = window_param("hi", DOMAIN)


@cache
def views(L: int) -> dict:
    """Whole-domain plot data for this L (cached)."""
    a = separation.analysis(L)
    tri, miss = a.tri, a.miss
    teeth = 2 ** (a.n - 1)
    cum_missed = np.cumsum(np.where(miss, tri.area, 0.0))
    return {
        "overview": tuple(separation_traces(L, DOMAIN)),
        "W": min(1.0, 16.0 / teeth),
        "detail": tuple(separation_traces(L, (0.0, min(1.0, 16.0 / teeth)), detail=True)),
        "cum": m4(a.cum_x, a.cum_y, COLUMNS),
        "cum_missed": m4(tri.end, cum_missed, COLUMNS),
    }


def separation_traces(L: int, window: tuple[float, float], detail: bool = False) -> list[Trace]:
    """f, ½, the competitor g and the triangles g must miss, in ``window``: f from its exact
    knots (every knot, or its exact envelope when too dense), the triangles as exact
    polygons when few; with a suggested window on the overview."""
    a = separation.analysis(L)
    f, g, n = a.f, a.g, a.n
    lo, hi = window
    gx = np.unique(np.concatenate([[lo], g.x[(g.x > lo) & (g.x < hi)], [hi]]))
    traces = [
        band("triangles g must miss", *shading(a.tri, a.miss, f, lo, hi), "error"),
        *pl_view(
            f"f = Δ^{n} (network, exact knots)", f.x, f.y, window, DOMAIN, "target", f"f = Δ^{n}"
        ),
        hline("y = ½", 0.5, lo, hi, "reference"),
        line(f"competitor g ({g.pieces()} pieces)", gx, g(gx), "construction"),
    ]
    if window == DOMAIN and traces[1].kind == "band" and not detail:
        W = max(16.0 / 2 ** (n - 1), SUGGESTED_WIDTH)
        teeth = int(W * 2 ** (n - 1))
        traces.append(window_band(f"zoom in here: {teeth:,} teeth on [0, {W:.3g}]", 0.0, W, 0, 1))
    return traces


def shading(
    tri: separation.Triangles, miss: np.ndarray, f: PiecewiseLinear, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The missed triangles on ``[lo, hi]`` as a band ``(x, lower, upper)`` between ``f`` and
    ½: exact polygon vertices when few; else, per pixel column, the extent (½ to the peak)
    of the missed triangles whose middle lies in it — what a raster of them shows."""
    sel = miss & (tri.end > lo) & (tri.start < hi)
    inside = (f.x >= lo) & (f.x <= hi)
    if np.count_nonzero(inside) > 2 * COLUMNS:
        # sub-pixel triangles: per column, the extent of the missed triangles it meets
        idx = np.flatnonzero(sel)
        lower = np.where(tri.above[idx], 0.5, tri.peak[idx])
        upper = np.where(tri.above[idx], tri.peak[idx], 0.5)
        mid = (tri.start[idx] + tri.end[idx]) / 2
        col = np.minimum(((mid - lo) / (hi - lo) * COLUMNS).astype(np.int64), COLUMNS - 1)
        lo_c, hi_c = np.full(COLUMNS, 0.5), np.full(COLUMNS, 0.5)
        np.minimum.at(lo_c, col, lower)
        np.maximum.at(hi_c, col, upper)
        cx = lo + (np.arange(COLUMNS) + 0.5) * (hi - lo) / COLUMNS
        return cx, lo_c, hi_c
    xs = separation.merge_sorted(f.x[inside], np.concatenate([[lo], tri.start[sel], [hi]]))
    xs = separation.merge_sorted(xs, tri.end[sel])
    xs = xs[(xs >= lo) & (xs <= hi)]
    xs = xs[np.concatenate([[True], np.diff(xs) > 0])]
    fy = f(xs)
    k = np.clip(np.searchsorted(tri.end, xs, side="left"), 0, tri.end.size - 1)
    # a point on a region boundary belongs to both neighbours; take the missed one
    k2 = np.clip(np.searchsorted(tri.start, xs, side="right") - 1, 0, tri.end.size - 1)
    m = sel[k] | sel[k2]
    return xs, np.where(m, np.minimum(fy, 0.5), 0.5), np.where(m, np.maximum(fy, 0.5), 0.5)


def exported_networks(p: Params) -> list:
    a = separation.analysis(p.L)
    n = a.n
    return [
        network_export(
            f"f = Δ^{n}, the deep target",
            sawtooth.sawtooth(n),
            notes=[f"Δ composed {n} = L² + 2 times: {3 * n} ReLU nodes, {n + 1} affine maps."],
        ),
        network_export(
            f"g, the {2**p.L}-node competitor ({a.g.pieces()} pieces)",
            a.g_net,
            notes=[
                "A 2-layer ReLU network g(x) = c + Σ_j a_j σ(x − k_j) fitted to f by free-knot "
                "L¹ search; with its output node it has ≤ 2^L nodes and ≤ L layers."
            ],
        ),
    ]


def compute(p: Params) -> SceneResult:
    L = p.L
    a = separation.analysis(L)
    c = separation.certificate(L)
    n = a.n
    lower = 1.0 / 32.0
    checks = make_checks(L, a, c)
    return SceneResult(
        metrics={
            "target_pieces": c.target_pieces,
            "competitor_pieces": c.competitor_pieces,
            "piece_bound": c.piece_bound,
            "l1_error": c.l1,
            "l1_lower_bound": lower,
            "competitor_nodes": c.competitor_nodes,
            "competitor_layers": c.competitor_layers,
            "target_nodes": a.target_nodes,
            "target_layers": sawtooth.sawtooth_layers_notes(n),
            "triangles": int(a.tri.start.size),
            "missed_triangles": int(a.miss.sum()),
            "missed_area": c.missed_area,
            "tooth_bound": c.tooth_bound,
            "tooth_bound_any": c.tooth_bound_any,
            "constant_half_l1": c.constant_half_l1,
            "fit_evaluations": a.evals,
        },
        checks=checks,
        plots=make_plots(L, a, c, zoom_window(p.x_lo, p.x_hi, DOMAIN)),
        notes=make_notes(L, a, c),
    )


def make_checks(L: int, a: separation.Analysis, c: separation.Certificate) -> list[Check]:
    """Theorem 4.4's statement and proof, Lemmas 4.9 and 4.11(2), Theorem 4.6."""
    n, m = a.n, 2**L
    lower = 1.0 / 32.0
    ratio_size, ratio_pieces = separation.theorem_4_6_ratios(I46)
    # both sides are sums of one closed-form integral per segment of the union knots
    tol = rounding_allowance(1.0, ops=a.cum_x.size + 64)
    checks = [
        Check(
            f"pieces of the competitor g ≤ (2m/L)^L (Lemma 4.9, m = {m} nodes)",
            c.competitor_pieces,
            c.piece_bound,
            "<=",
        ),
        Check("∫₀¹ |f − g| ≥ 1/32 (Theorem 4.4; the integral is exact)", c.l1, lower, ">="),
        Check("nodes of g, output node included, ≤ 2^L", c.competitor_nodes, m, "<="),
        Check("layers of g ≤ L", c.competitor_layers, L, "<="),
        Check("pieces of f = Δ^(L²+2) = 2^(L²+2) (counted exactly)", c.target_pieces, 2**n, "=="),
        Check("nodes of f's network = 3L² + 6", a.target_nodes, 3 * L * L + 6, "=="),
        Check(
            "area of the triangles g misses ≤ ∫₀¹ |f − g|", c.missed_area, c.l1, "<=", rounding=tol
        ),
        Check("area of the triangles g misses ≥ 1/32", c.missed_area, lower, ">="),
        Check(
            "whole triangles g misses ≥ (whole triangles − 2·pieces of g − 1)/2",
            c.missed_whole,
            (c.whole_triangles - 2 * c.competitor_pieces - 1) / 2,
            ">=",
            note="corrected from the printed 2N_A(g) lost triangles: at most 2N_A(g) + 1",
        ),
        Check("∫₀¹ |f − g| ≥ the tooth bound for this g", c.l1, c.tooth_bound, ">=", rounding=tol),
        Check(
            "Lemma 4.9 in every hidden layer of f's network: most pieces of a node ÷ bound ≤ 1",
            c.lemma_4_9_ratio,
            1.0,
            "<=",
        ),
        Check(
            "Lemma 4.11(2): pieces of g ≤ the sum of its nodes' pieces",
            c.competitor_pieces,
            c.part_pieces,
            "<=",
            note="the printed proof has =; only ≤ holds",
        ),
        Check(
            f"Theorem 4.6 for h_1 … h_{I46}: smallest ∫(h_i − x²)² · 5760·(2N/L)^(4L) ≥ 1",
            ratio_size,
            1.0,
            ">=",
        ),
        Check(
            f"Theorem 4.6's proof for h_1 … h_{I46}: smallest ∫(h_i − x²)² · 5760·N_A⁴ ≥ 1",
            ratio_pieces,
            1.0,
            ">=",
        ),
    ]
    return checks


def make_plots(
    L: int, a: separation.Analysis, c: separation.Certificate, window: tuple[float, float]
) -> list[Plot]:
    n, m = a.n, 2**L
    v = views(L)
    W = v["W"]
    if window == DOMAIN:
        traces, where = list(v["overview"]), "[0, 1]"
    else:
        traces, where = separation_traces(L, window), f"[{window[0]:.7g}, {window[1]:.7g}]"
    return [
        Plot(
            "separation",
            f"f = Δ^{n} ({c.target_pieces:,} pieces) on {where} and the best {m}-node "
            "competitor found; shaded: triangles it must miss",
            Axis("x"),
            Axis("value"),
            traces,
            caption=(
                "f crosses ½ 2^(L²+2) times; a network with 2^L nodes and L layers has too "
                "few pieces to follow, so wherever it stays on one side of ½ it misses every "
                "triangle on the other — at least 1/32 of area. Drag to zoom: every knot is "
                "exact."
            ),
            zoom=Zoom("x_lo", "x_hi"),
        ),
        Plot(
            "zoom",
            f"Detail: the first {min(2 ** (n - 1), 16)} teeth of f, on [0, {W:.3g}]",
            Axis("x"),
            Axis("value"),
            list(v["detail"]),
            caption="Close up: g cuts through a few teeth and misses the triangles beyond them.",
        ),
        l1_plot(c, v),
        lemma49_plot(L, a, c),
        theorem46_plot(),
    ]


def l1_plot(c: separation.Certificate, v: dict) -> Plot:
    return Plot(
        "l1",
        "∫₀ˣ |f − g| (exact) against the proof's lower bounds",
        Axis("x"),
        Axis("∫₀ˣ |f − g|"),
        [
            line("∫₀ˣ |f − g|", *v["cum"], "construction"),
            line("area of the missed triangles up to x", *v["cum_missed"], "highlight"),
            hline("tooth bound for any allowed g", c.tooth_bound_any, 0.0, 1.0, "reference"),
            hline("1/32 (Theorem 4.4)", 1.0 / 32.0, 0.0, 1.0),
        ],
        caption=(
            "The L¹ error piles up steadily across [0, 1] and ends far above the theorem's "
            "1/32; the missed triangles alone already pass it."
        ),
    )


def lemma49_plot(L: int, a: separation.Analysis, c: separation.Certificate) -> Plot:
    layers_idx = np.arange(1, a.layer_pieces.size + 1)
    return Plot(
        "lemma49",
        "Lemma 4.9: pieces of a node in layer i of the Δ^n network against 2^i ∏_(j<i) m_j",
        Axis("layer i", integer=True),
        Axis("affine pieces", log=True),
        [
            line("bound 2^i ∏_(j<i) m_j", layers_idx, a.layer_bounds, "bound"),
            markers(
                "most pieces of a node in the layer (exact)",
                layers_idx,
                a.layer_pieces,
                "construction",
            ),
            markers("competitor g: its pieces (exact)", [L], [c.competitor_pieces]),
            markers("competitor g: bound (2m/L)^L", [L], [c.piece_bound], "reference"),
        ],
        caption=(
            "Pieces grow at most geometrically with depth: every node of the deep network "
            "stays under Lemma 4.9's bound, and the shallow competitor under (2m/L)^L."
        ),
    )


def theorem46_plot() -> Plot:
    t46 = separation.theorem_4_6(I46)
    N = t46["nodes"]
    return Plot(
        "theorem46",
        "Theorem 4.6 for x²: ∫(h_i − x²)² of the squaring networks against the lower bounds",
        Axis("nodes N of h_i (5i + 1, output included)", log=True),
        Axis("log₁₀ of ∫₀¹ (h_i − x²)² and of the bounds"),
        [
            markers("achieved by h_i (exact)", N, np.log10(t46["achieved"]), "construction"),
            line(
                "1/(5760·N_A⁴), N_A = pieces of h_i", N, np.log10(t46["bound_pieces"]), "reference"
            ),
            line(
                "1/(180·N_A⁴) (sharp, by the power-mean inequality)",
                N,
                np.log10(t46["bound_sharp"]),
                "highlight",
            ),
            line("1/(5760·(2N/L)^(4L)) (Theorem 4.6)", N, np.log10(t46["bound_size"]), "bound"),
        ],
        caption=(
            "Every squaring network h_i stays above the lower bounds (logarithms, so the "
            "tiny values stay visible); the printed constant 5760 is loose — 180 holds."
        ),
    )


def make_notes(L: int, a: separation.Analysis, c: separation.Certificate) -> list[str]:
    m = 2**L
    start_desc = "; ".join(f"{k}: {v:.6f}" for k, v in a.start_l1.items())
    return [
        f"The competitor: continuous piecewise-linear functions with 2^L − 1 = {m - 1} "
        f"pieces, realised as a 2-layer ReLU network g(x) = c + Σ_j a_j σ(x − k_j) with "
        f"{c.competitor_hidden} hidden nodes + 1 output node = {c.competitor_nodes} ≤ 2^L "
        "nodes and 2 ≤ L layers. "
        "Nodes include the output node, as Lemma 4.9's m = Σ m_j (summed over all L "
        "layers) does; counting hidden nodes only, (2m/L)^L is not a valid bound for "
        "small widths (see the scene pieces). Fitted by free-knot L1 search: every "
        "knot and value is moved in turn "
        "and a move is kept if the exact ∫|f − g| drops, steps halving until nothing "
        f"improves ({a.evals} exact evaluations), from two starts ({start_desc}); the "
        "better fit is kept. Its pieces and its L1 distance are then measured from the "
        "network itself: exact breakpoints, and |f − g| integrated in closed form over "
        "the union of both functions' knots.",
        "Why no competitor does much better, deep or shallow: on a tooth of f where g "
        "is affine, ∫|f − g| ≥ (tooth width)/4 — the best affine L1 fit to a symmetric "
        "tent is the constant ½ — and at most N_A(g) − 1 teeth contain a breakpoint of "
        f"g, so ∫|f − g| ≥ ¼ − (N_A(g) − 1)/2^(n+1) = {c.tooth_bound_any:.6f} for every network "
        "allowed here (N_A ≤ (2m/L)^L), and ≥ 1/8 whenever N_A ≤ 2^(L²): the printed 1/32 "
        "is loose by a factor 4 or more. The constant ½ alone has "
        f"∫|f − ½| = {c.constant_half_l1:g}.",
        "Proof of Theorem 4.4, visualised: f crosses y = ½ 2^(L²+2) times, forming "
        f"{c.whole_triangles:,} whole triangles of area 2^(−L²−4) (and two halves at 0 and "
        "1). Where "
        "g stays on one side of ½ it misses every triangle on the other side; their "
        f"area ({c.missed_area:.6f} here) is a lower bound on ∫|f − g|. Corrected: the "
        'printed proof says "when it is above, we will count the triangles below; when '
        'it is above, we\'ll count the triangles below" (the second is "below … above"); '
        "the lost triangles are at most one per sign change of g − ½ plus one per "
        "constant-sign stretch, 2N_A(g) + 1 in all (printed 2N_A(g)); the conclusion "
        "(2^(L²) − 1)·2^(−L²−4) ≥ 1/32 stands.",
        'Lemma 4.11(2) is printed with "= Σ N_A(g_i)" in its proof; only ≤ holds '
        "(g − g = 0 has one piece). Lemma 4.9 is checked on every hidden layer of the "
        "Δ^n network (node outputs σ(·), pieces counted exactly).",
        "Theorem 4.6: N counts the nodes of h_i including the output node, L its affine "
        "maps (i + 1), as in Lemma 4.9's proof. The proof's steps hold "
        "(min over affine of ∫_a^b (x² − cx − d)² = (b − a)^5/180), and the bound holds "
        "for every h_i, but it is loose: by the power-mean inequality Σ(b − a)^5 ≥ N_A^(−4), "
        "so ∫(f − x²)² ≥ 1/(180·N_A⁴) (5760 → 180), while h_i achieves 1/(30·N_A⁴).",
    ]


SCENE = Scene(
    id="separation",
    title="Depth separation: Δ^(L²+2) against shallow networks",
    chapter=DEPTH,
    summary=(
        "Δ^(L²+2) against a 2^L-node competitor: piece counts, the exact L¹ error ≥ 1/32, "
        "the triangles it must miss."
    ),
    primary_plot="separation",
    source="003, Theorem 4.4",
    statement=(
        r"Let $L \ge 2$. Then $f = \Delta^{L^2+2}$ can be written as a ReLU network with "
        r"$3L^2+6$ nodes and $2L^2+4$ layers, but any ReLU network $g$ with $\le 2^L$ nodes "
        r"and $\le L$ layers satisfies $\int_{[0,1]} \lvert f(x) - g(x)\rvert\,dx \ge 1/32$ "
        r"— since $N_A(g) \le (2m/L)^L \le 2^{L^2}$ (Lemma 4.9). Theorem 4.6: any ReLU "
        r"network with $\le L$ layers and $\le N$ nodes has "
        r"$\int_{[0,1]} (f(x) - x^2)^2\,dx \ge 1/(5760\,(2N/L)^{4L})$."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "target_pieces": "pieces of f = Δ^(L²+2) (exact)",
        "competitor_pieces": "pieces of the competitor (exact)",
        "piece_bound": "Lemma 4.9 bound (2m/L)^L, m = 2^L",
        "l1_error": "∫|f − g| (exact)",
        "l1_lower_bound": "Theorem 4.4 lower bound 1/32",
        "competitor_nodes": "competitor nodes (output node included)",
        "competitor_layers": "competitor layers",
        "target_nodes": "target nodes (3L² + 6)",
        "target_layers": "target layers (2L² + 4)",
        "triangles": "regions between f and ½",
        "missed_triangles": "regions g must miss",
        "missed_area": "their area (proof's lower bound for g)",
        "tooth_bound": "tooth bound for g",
        "tooth_bound_any": "tooth bound for any allowed g",
        "constant_half_l1": "∫|f − ½|",
        "fit_evaluations": "exact L1 evaluations in the fit",
    },
)
