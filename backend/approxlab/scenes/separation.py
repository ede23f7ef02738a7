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
    band,
    param,
)
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.decimate import m4
from approxlab.theory.core.errors import rounding_allowance
from approxlab.theory.core.networks import PiecewiseLinear
from approxlab.theory.depth import sawtooth, separation

L_MIN, L_MAX = 2, 4
#: Theorem 4.6 is shown for the squaring networks h_1 … h_I46.
I46 = 15
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


@cache
def views(L: int) -> dict:
    """Plot arrays for this L (decimated for the screen; cached)."""
    a = separation.analysis(L)
    f, g, tri, miss = a.f, a.g, a.tri, a.miss
    teeth = 2 ** (a.n - 1)
    W = min(1.0, 16.0 / teeth)
    zin = f.x <= W
    gz = np.unique(np.concatenate([g.x[g.x <= W], [W]]))
    cum_missed = np.cumsum(np.where(miss, tri.area, 0.0))
    return {
        "f": m4(f.x, f.y, COLUMNS),
        "band": shading(tri, miss, f, 0.0, 1.0),
        "W": W,
        "zoom_f": (f.x[zin], f.y[zin]),
        "zoom_band": shading(tri, miss, f, 0.0, W),
        "zoom_g": (gz, g(gz)),
        "cum": m4(a.cum_x, a.cum_y, COLUMNS),
        "cum_missed": m4(tri.end, cum_missed, COLUMNS),
    }


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


def compute(p: Params) -> SceneResult:
    L = p.L
    a = separation.analysis(L)
    c = separation.certificate(L)
    n, m = a.n, 2**L
    lower = 1.0 / 32.0
    ratio_size, ratio_pieces = separation.theorem_4_6_ratios(I46)
    tol = rounding_allowance(1.0, ops=64)
    checks = [
        Check("competitor pieces ≤ (2m/L)^L", c.competitor_pieces, c.piece_bound, "<="),
        Check("∫|f − g| ≥ 1/32", c.l1, lower, ">="),
        Check("competitor nodes (output included) ≤ 2^L", c.competitor_nodes, m, "<="),
        Check("competitor layers ≤ L", c.competitor_layers, L, "<="),
        Check("target pieces = 2^(L²+2)", c.target_pieces, 2**n, "=="),
        Check("target nodes = 3L² + 6", a.target_nodes, 3 * L * L + 6, "=="),
        Check("missed triangles' area ≤ ∫|f − g|", c.missed_area, c.l1, "<=", rounding=tol),
        Check("missed triangles' area ≥ 1/32", c.missed_area, lower, ">="),
        Check(
            "missed whole triangles ≥ (T − 2·N_A(g) − 1)/2",
            c.missed_whole,
            (c.whole_triangles - 2 * c.competitor_pieces - 1) / 2,
            ">=",
        ),
        Check("∫|f − g| ≥ tooth bound for g", c.l1, c.tooth_bound, ">=", rounding=tol),
        Check("Lemma 4.9 per layer: max pieces / bound ≤ 1", c.lemma_4_9_ratio, 1.0, "<="),
        Check("Lemma 4.11(2): N_A(g) ≤ Σ N_A(nodes)", c.competitor_pieces, c.part_pieces, "<="),
        Check("Thm 4.6: min_i ∫(h_i − x²)² / (5760(2N/L)^(4L))⁻¹ ≥ 1", ratio_size, 1.0, ">="),
        Check("Thm 4.6 proof: min_i ∫(h_i − x²)² · 5760·N_A⁴ ≥ 1", ratio_pieces, 1.0, ">="),
    ]
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
        plots=make_plots(L, a, c),
        notes=make_notes(L, a, c),
    )


def make_plots(L: int, a: separation.Analysis, c: separation.Certificate) -> list[Plot]:
    n, m, g = a.n, 2**L, a.g
    lower = 1.0 / 32.0
    t46 = separation.theorem_4_6(I46)
    v = views(L)
    teeth = 2 ** (n - 1)
    W = v["W"]
    layers_idx = np.arange(1, a.layer_pieces.size + 1)
    return [
        Plot(
            "separation",
            f"f = Δ^{n} ({c.target_pieces:,} pieces) and the best {m}-node competitor found; "
            "shaded: triangles it must miss",
            Axis("x"),
            Axis("value"),
            [
                band("missed triangles", *v["band"], style="error"),
                Trace(f"f = Δ^{n} (network, exact knots)", "line", *v["f"], style="target"),
                Trace("y = ½", "line", [0.0, 1.0], [0.5, 0.5], style="reference"),
                Trace(
                    f"competitor g ({c.competitor_pieces} pieces)",
                    "line",
                    g.x,
                    g.y,
                    style="construction",
                ),
            ],
        ),
        Plot(
            "zoom",
            f"Zoom on [0, {W:.3g}]: {min(teeth, 16)} teeth of f",
            Axis("x"),
            Axis("value"),
            [
                band("missed triangles", *v["zoom_band"], style="error"),
                Trace("f", "line", *v["zoom_f"], style="target"),
                Trace("y = ½", "line", [0.0, W], [0.5, 0.5], style="reference"),
                Trace("competitor g", "line", *v["zoom_g"], style="construction"),
            ],
        ),
        Plot(
            "l1",
            "∫₀ˣ |f − g| (exact) against the proof's lower bounds",
            Axis("x"),
            Axis("cumulative L1"),
            [
                Trace("∫₀ˣ |f − g|", "line", *v["cum"], style="construction"),
                Trace(
                    "area of missed triangles up to x", "line", *v["cum_missed"], style="highlight"
                ),
                Trace(
                    "tooth bound (any g in the class)",
                    "line",
                    [0.0, 1.0],
                    [c.tooth_bound_any, c.tooth_bound_any],
                    style="reference",
                ),
                Trace("1/32 (Theorem 4.4)", "line", [0.0, 1.0], [lower, lower], style="bound"),
            ],
        ),
        Plot(
            "lemma49",
            "Lemma 4.9: pieces of a node in layer i of the Δ^n network against 2^i ∏_{j<i} m_j",
            Axis("layer i"),
            Axis("affine pieces", log=True),
            [
                Trace("bound 2^i ∏ m_j", "line", layers_idx, a.layer_bounds, style="bound"),
                Trace(
                    "max over the layer's nodes (exact)",
                    "markers",
                    layers_idx,
                    a.layer_pieces,
                    style="construction",
                ),
                Trace(
                    "competitor: (2m/L)^L vs its pieces",
                    "markers",
                    [L, L],
                    [c.piece_bound, c.competitor_pieces],
                    style="highlight",
                ),
            ],
        ),
        Plot(
            "theorem46",
            "Theorem 4.6 for x²: ∫(h_i − x²)² of the squaring networks against the lower bounds",
            Axis("nodes N of h_i (5i + 1)", log=True),
            Axis("log₁₀ ∫₀¹ (f − x²)²"),
            [
                Trace(
                    "achieved by h_i (exact)",
                    "markers",
                    t46["nodes"],
                    np.log10(t46["achieved"]),
                    style="construction",
                ),
                Trace(
                    "1/(5760·N_A⁴), N_A = pieces of h_i",
                    "line",
                    t46["nodes"],
                    np.log10(t46["bound_pieces"]),
                    style="reference",
                ),
                Trace(
                    "1/(180·N_A⁴) (power-mean, sharp)",
                    "line",
                    t46["nodes"],
                    np.log10(t46["bound_sharp"]),
                    style="target",
                ),
                Trace(
                    "1/(5760·(2N/L)^(4L)) (Theorem 4.6)",
                    "line",
                    t46["nodes"],
                    np.log10(t46["bound_size"]),
                    style="bound",
                ),
            ],
        ),
    ]


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
